#include "core/json_reader.h"

#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/addr.h"
#include "core/json.h"
#include "core/json_names.h"
#include "core/kernel.h"
#include "core/utf8.h"

namespace ctdump {

namespace {

using json_internal::KeyIndex;
using json_internal::kSourceNames;
using json_internal::kStatusNames;

constexpr char kHexDigits[] = "0123456789abcdef";

constexpr int kMaxDepth = 32;

// Top-level keys; the index is the bit in the "seen" mask.
enum TopKey : int {
  kKeyV, kKeySource, kKeyFamily, kKeyFamilynum, kKeyProto, kKeyProtonum, kKeyTimeout,
  kKeyState, kKeyStatenum, kKeyOrig, kKeyReply, kKeyZone, kKeyStatus, kKeyStatusBits,
  kKeyStatusKnown, kKeyMark, kKeySecmark, kKeySecctx, kKeyStartNs, kKeyStopNs,
  kKeyDeltaTime, kKeyUse, kKeyId, kKeyLabels, kKeyLabelNames, kKeyHelper, kKeyTcp,
  kKeySctp, kKeyDccp, kKeyGre, kKeyMaster, kKeySeqadjOrig, kKeySeqadjReply, kKeySynproxy,
  kNumTopKeys
};
constexpr absl::string_view kTopKeys[kNumTopKeys] = {
    "v",         "source",      "family",       "familynum",    "proto",     "protonum",
    "timeout",   "state",       "statenum",     "orig",         "reply",     "zone",
    "status",    "status_bits", "status_known", "mark",         "secmark",   "secctx",
    "start_ns",  "stop_ns",     "delta_time",   "use",          "id",        "labels",
    "label_names", "helper",    "tcp",          "sctp",         "dccp",      "gre",
    "master",    "seqadj_orig", "seqadj_reply", "synproxy",
};
// Written for every record, so required.
constexpr uint64_t kRequiredTop =
    1ull << kKeyV | 1ull << kKeySource | 1ull << kKeyFamily | 1ull << kKeyFamilynum |
    1ull << kKeyProto | 1ull << kKeyProtonum | 1ull << kKeyOrig | 1ull << kKeyReply |
    1ull << kKeyZone | 1ull << kKeyStatus | 1ull << kKeyStatusBits;

enum TupleKey : int {
  kTSrc, kTDst, kTSport, kTDport, kTType, kTCode, kTId, kTSrckey, kTDstkey, kTPackets,
  kTBytes, kNumTupleKeys
};
constexpr absl::string_view kTupleKeys[kNumTupleKeys] = {
    "src", "dst", "sport", "dport", "type", "code", "id", "srckey", "dstkey", "packets",
    "bytes"};

std::string Quoted(absl::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "\"";
  for (char ch : s.substr(0, kMax)) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\x", absl::string_view(&kHexDigits[c >> 4], 1),
                      absl::string_view(&kHexDigits[c & 0xf], 1));
    } else {
      out.push_back(ch);
    }
  }
  out += s.size() > kMax ? "...\"" : "\"";
  return out;
}

// Where a value sits, for messages: "mark" or "orig"."sport".
std::string Where(const char* object, absl::string_view key) {
  if (object == nullptr) return absl::StrCat("\"", key, "\"");
  return absl::StrCat("\"", object, "\".\"", key, "\"");
}

// A tuple as read, resolved once the family and protocol are known.
struct RawTuple {
  char src[48];
  size_t src_len = 0;
  char dst[48];
  size_t dst_len = 0;
  uint32_t seen = 0;  // bit per TupleKey
  uint64_t v[kNumTupleKeys] = {};
};

class Reader {
 public:
  Reader(absl::string_view text, Flow* flow, std::string* netns)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), f_(flow),
        netns_(netns) {}

  absl::Status Run() {
    if (!Top()) return std::move(error_);
    SkipWs();
    if (p_ != end_ && !Fail("unexpected data after the object")) return std::move(error_);
    return Resolve() ? absl::OkStatus() : std::move(error_);
  }

 private:
  // ---- errors

  bool Fail(absl::string_view message) {
    if (error_.ok()) {
      error_ = absl::InvalidArgumentError(absl::StrCat("byte ", p_ - begin_, ": ", message));
    }
    return false;
  }
  bool FailAt(const std::string& where, absl::string_view message) {
    if (error_.ok()) error_ = absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
    return false;
  }
  bool FailPlain(std::string message) {
    if (error_.ok()) error_ = absl::InvalidArgumentError(std::move(message));
    return false;
  }

  // ---- lexing

  void SkipWs() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool Consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  char Peek() const { return p_ < end_ ? *p_ : '\0'; }

  // Four hex digits of a \u escape.
  bool Hex4(unsigned* out) {
    if (end_ - p_ < 4) return Fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = p_[i];
      unsigned d;
      if (c >= '0' && c <= '9') {
        d = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<unsigned>(c - 'A' + 10);
      } else {
        return Fail("bad hex digit in a \\u escape");
      }
      v = v << 4 | d;
    }
    p_ += 4;
    *out = v;
    return true;
  }

  static void AppendUtf8(unsigned cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | cp >> 6));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | cp >> 12));
      out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | cp >> 18));
      out->push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  // A string at p_ (which is at '"'). Plain ASCII without escapes comes back as a view of
  // the input; anything else is decoded into scratch_ (valid until the next string).
  // \u0080-\u00ff decode to the single byte (see the header).
  bool String(absl::string_view* out) {
    if (!Consume('"')) return Fail("expected a string");
    const char* const start = p_;
    while (p_ < end_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *out = absl::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p_;
    }
    scratch_.assign(start, static_cast<size_t>(p_ - start));
    while (p_ < end_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        *out = scratch_;
        return true;
      }
      if (c < 0x20) return Fail("control character in a string (must be escaped)");
      if (c >= 0x80) {
        const auto* u = reinterpret_cast<const unsigned char*>(p_);
        size_t n = Utf8SequenceLength(u, reinterpret_cast<const unsigned char*>(end_));
        if (n == 0) return Fail("invalid UTF-8 in a string");
        scratch_.append(p_, n);
        p_ += n;
        continue;
      }
      if (c != '\\') {
        scratch_.push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      ++p_;
      if (p_ == end_) break;
      const char e = *p_++;
      switch (e) {
        case '"': scratch_.push_back('"'); break;
        case '\\': scratch_.push_back('\\'); break;
        case '/': scratch_.push_back('/'); break;
        case 'b': scratch_.push_back('\b'); break;
        case 'f': scratch_.push_back('\f'); break;
        case 'n': scratch_.push_back('\n'); break;
        case 'r': scratch_.push_back('\r'); break;
        case 't': scratch_.push_back('\t'); break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp < 0x100) {  // includes the raw-byte form \u0080-\u00ff
            scratch_.push_back(static_cast<char>(cp));
          } else if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
              return Fail("lone UTF-16 surrogate in a \\u escape");
            }
            p_ += 2;
            if (!Hex4(&lo)) return false;
            if (lo < 0xdc00 || lo > 0xdfff) return Fail("lone UTF-16 surrogate in a \\u escape");
            AppendUtf8(0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00), &scratch_);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            return Fail("lone UTF-16 surrogate in a \\u escape");
          } else {
            AppendUtf8(cp, &scratch_);
          }
          break;
        }
        default:
          --p_;
          return Fail(absl::StrCat("bad escape \\", Quoted(absl::string_view(&e, 1))));
      }
    }
    return Fail("unterminated string");
  }

  // A JSON number that must be an integer: '-'? ('0' | [1-9][0-9]*), no fraction or
  // exponent. The magnitude must fit in 64 bits.
  bool Integer(const std::string& where, bool* negative, uint64_t* magnitude) {
    const char* const start = p_;
    *negative = Consume('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') {
      p_ = start;
      return FailAt(where, "expected an integer");
    }
    uint64_t v = 0;
    bool over = false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        const unsigned d = static_cast<unsigned>(*p_ - '0');
        if (v > (UINT64_MAX - d) / 10) over = true;
        v = v * 10 + d;
        ++p_;
      }
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) {
      return FailAt(where, "expected an integer, not a fraction or exponent");
    }
    if (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      return FailAt(where, "number with a leading zero");
    }
    if (over) {
      return FailAt(where, absl::StrCat(absl::string_view(start, static_cast<size_t>(p_ - start)),
                                        " is out of range"));
    }
    *magnitude = v;
    return true;
  }

  bool Unsigned(const std::string& where, uint64_t max, uint64_t* out) {
    bool neg;
    uint64_t v;
    if (!Integer(where, &neg, &v)) return false;
    if ((neg && v != 0) || v > max) {
      return FailAt(where, absl::StrCat(neg ? "-" : "", v, " is out of range (0-", max, ")"));
    }
    *out = v;
    return true;
  }
  bool Unsigned(const char* object, absl::string_view key, uint64_t max, uint64_t* out) {
    // The common path (a plain number in range) builds no message.
    if (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      uint64_t v = 0;
      const char* q = p_;
      while (q < end_ && *q >= '0' && *q <= '9' && q - p_ < 19) {
        v = v * 10 + static_cast<unsigned>(*q - '0');
        ++q;
      }
      const bool ends = q == end_ || ((*q < '0' || *q > '9') && *q != '.' && *q != 'e' &&
                                      *q != 'E');
      if (ends && v <= max && (*p_ != '0' || q - p_ == 1)) {
        p_ = q;
        *out = v;
        return true;
      }
    }
    return Unsigned(Where(object, key), max, out);
  }

  bool Signed(const char* object, absl::string_view key, int64_t* out) {
    if (Peek() != '-') {
      uint64_t u;
      if (!Unsigned(object, key, uint64_t{INT64_MAX}, &u)) return false;
      *out = static_cast<int64_t>(u);
      return true;
    }
    const std::string where = Where(object, key);
    bool neg;
    uint64_t v;
    if (!Integer(where, &neg, &v)) return false;
    if (neg ? v > uint64_t{1} << 63 : v > uint64_t{INT64_MAX}) {
      return FailAt(where, absl::StrCat(neg ? "-" : "", v, " is out of range for int64"));
    }
    *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return true;
  }

  bool Literal(absl::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return Fail("expected a value");
    }
    p_ += word.size();
    return true;
  }

  // Any JSON value (for unknown keys and for "label_names").
  bool SkipValue(int depth) {
    if (depth > kMaxDepth) return Fail("nesting deeper than 32 levels");
    SkipWs();
    switch (Peek()) {
      case '{':
        return Object(depth, [&](absl::string_view) { return SkipValue(depth + 1); });
      case '[':
        return Array(depth, [&] { return SkipValue(depth + 1); });
      case '"': {
        absl::string_view s;
        return String(&s);
      }
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: break;
    }
    // A number, with the full grammar.
    Consume('-');
    if (Peek() == '0') {
      ++p_;
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (Peek() >= '0' && Peek() <= '9') ++p_;
    } else {
      return Fail("expected a value");
    }
    if (Consume('.')) {
      if (!(Peek() >= '0' && Peek() <= '9')) return Fail("expected a digit after '.'");
      while (Peek() >= '0' && Peek() <= '9') ++p_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++p_;
      if (Peek() == '+' || Peek() == '-') ++p_;
      if (!(Peek() >= '0' && Peek() <= '9')) return Fail("expected a digit in an exponent");
      while (Peek() >= '0' && Peek() <= '9') ++p_;
    }
    return true;
  }

  // Calls on_member(key) with p_ at each member's value; on_member must consume it.
  template <typename F>
  bool Object(int depth, F&& on_member) {
    if (depth > kMaxDepth) return Fail("nesting deeper than 32 levels");
    SkipWs();
    if (!Consume('{')) return Fail("expected '{'");
    SkipWs();
    if (Consume('}')) return true;
    for (;;) {
      SkipWs();
      if (Peek() != '"') return Fail("expected a string key");
      absl::string_view key;
      if (!String(&key)) return false;
      SkipWs();
      if (!Consume(':')) return Fail("expected ':' after an object key");
      SkipWs();
      if (!on_member(key)) return false;
      SkipWs();
      if (Consume(',')) continue;
      if (Consume('}')) return true;
      return Fail("expected ',' or '}' after an object member");
    }
  }

  template <typename F>
  bool Array(int depth, F&& on_element) {
    if (depth > kMaxDepth) return Fail("nesting deeper than 32 levels");
    SkipWs();
    if (!Consume('[')) return Fail("expected '['");
    SkipWs();
    if (Consume(']')) return true;
    for (;;) {
      SkipWs();
      if (!on_element()) return false;
      SkipWs();
      if (Consume(',')) continue;
      if (Consume(']')) return true;
      return Fail("expected ',' or ']' after an array element");
    }
  }

  bool Expect(char c, const char* object, absl::string_view key, const char* what) {
    if (Peek() == c) return true;
    return FailAt(Where(object, key), absl::StrCat("expected ", what));
  }

  bool Duplicate(uint64_t* seen, int index, const char* object, absl::string_view key) {
    const uint64_t bit = uint64_t{1} << index;
    if (*seen & bit) {
      return FailPlain(object == nullptr ? absl::StrCat("duplicate key \"", key, "\"")
                                         : absl::StrCat("duplicate key ", Where(object, key)));
    }
    *seen |= bit;
    return true;
  }

  // A short string value copied into a fixed buffer (names, addresses).
  bool ShortString(const char* object, absl::string_view key, char* buf, size_t cap,
                   size_t* len) {
    if (!Expect('"', object, key, "a string")) return false;
    absl::string_view s;
    if (!String(&s)) return false;
    if (s.size() > cap) return FailAt(Where(object, key), absl::StrCat(Quoted(s), " is too long"));
    std::memcpy(buf, s.data(), s.size());
    *len = s.size();
    return true;
  }

  // ---- the schema

  // An object whose members are all required unsigned numbers.
  struct UField {
    absl::string_view name;
    uint64_t max;
    uint64_t value;
  };
  template <size_t N>
  bool Fields(const char* object, UField (&fields)[N]) {
    uint64_t seen = 0;
    if (!Expect('{', nullptr, object, "an object")) return false;
    bool ok = Object(2, [&](absl::string_view key) {
      for (size_t i = 0; i < N; ++i) {
        if (fields[i].name != key) continue;
        if (!Duplicate(&seen, static_cast<int>(i), object, key)) return false;
        return Unsigned(object, fields[i].name, fields[i].max, &fields[i].value);
      }
      return SkipValue(3);
    });
    if (!ok) return false;
    for (size_t i = 0; i < N; ++i) {
      if (!(seen & (uint64_t{1} << i))) {
        return FailPlain(absl::StrCat("missing key ", Where(object, fields[i].name)));
      }
    }
    return true;
  }

  bool TupleObject(const char* object, RawTuple* t) {
    if (!Expect('{', nullptr, object, "an object")) return false;
    uint64_t seen = 0;
    bool ok = Object(2, [&](absl::string_view key) {
      const int k = KeyIndex(kTupleKeys, key);
      if (k < 0) return SkipValue(3);
      const absl::string_view name = kTupleKeys[k];  // key may point into scratch_
      if (!Duplicate(&seen, k, object, name)) return false;
      switch (k) {
        case kTSrc: return ShortString(object, name, t->src, sizeof t->src, &t->src_len);
        case kTDst: return ShortString(object, name, t->dst, sizeof t->dst, &t->dst_len);
        case kTType:
        case kTCode: return Unsigned(object, name, 255, &t->v[k]);
        case kTPackets:
        case kTBytes: return Unsigned(object, name, UINT64_MAX, &t->v[k]);
        default: return Unsigned(object, name, 65535, &t->v[k]);
      }
    });
    t->seen = static_cast<uint32_t>(seen);
    return ok;
  }

  bool ZoneObject() {
    uint64_t id = 0;
    uint64_t seen = 0;
    if (!Expect('{', nullptr, "zone", "an object")) return false;
    bool ok = Object(2, [&](absl::string_view key) {
      if (key == "id") {
        if (!Duplicate(&seen, 0, "zone", "id")) return false;
        return Unsigned("zone", "id", 65535, &id);
      }
      if (key == "dir") {
        if (!Duplicate(&seen, 1, "zone", "dir")) return false;
        if (!Expect('"', "zone", "dir", "a string")) return false;
        absl::string_view s;
        if (!String(&s)) return false;
        if (s == "both") {
          f_->zone.dir = kZoneDirBoth;
        } else if (s == "orig") {
          f_->zone.dir = kZoneDirOrig;
        } else if (s == "reply") {
          f_->zone.dir = kZoneDirReply;
        } else {
          return FailAt(Where("zone", "dir"),
                        absl::StrCat(Quoted(s), " is not \"both\", \"orig\" or \"reply\""));
        }
        return true;
      }
      return SkipValue(3);
    });
    if (!ok) return false;
    if (!(seen & 1)) return FailPlain("missing key \"zone\".\"id\"");
    if (!(seen & 2)) return FailPlain("missing key \"zone\".\"dir\"");
    f_->zone.id = static_cast<uint16_t>(id);
    return true;
  }

  bool StatusArray() {
    if (!Expect('[', nullptr, "status", "an array")) return false;
    return Array(2, [&] {
      if (!Expect('"', nullptr, "status", "an array of strings")) return false;
      absl::string_view s;
      if (!String(&s)) return false;
      const int bit = KeyIndex(kStatusNames, s);
      if (bit < 0) return FailAt("\"status\"", absl::StrCat("unknown status name ", Quoted(s)));
      status_names_ |= 1u << bit;
      return true;
    });
  }

  bool LabelsArray() {
    if (!Expect('[', nullptr, "labels", "an array")) return false;
    Labels labels;
    bool ok = Array(2, [&] {
      uint64_t bit;
      if (!Unsigned(nullptr, "labels", 127, &bit)) return false;
      labels.Set(static_cast<unsigned>(bit));
      return true;
    });
    if (ok) f_->labels = labels;
    return ok;
  }

  bool LabelNamesArray() {
    if (!Expect('[', nullptr, "label_names", "an array")) return false;
    return Array(2, [&] {
      if (!Expect('"', nullptr, "label_names", "an array of strings")) return false;
      absl::string_view s;
      return String(&s);
    });
  }

  bool StringField(absl::string_view key, std::string* out) {
    if (!Expect('"', nullptr, key, "a string")) return false;
    absl::string_view s;
    if (!String(&s)) return false;
    out->assign(s.data(), s.size());
    return true;
  }

  bool TopMember(absl::string_view key) {
    const int k = KeyIndex(kTopKeys, key);
    if (k < 0 && key == "netns" && netns_ != nullptr) return StringField(key, netns_);
    if (k < 0) return SkipValue(2);
    const absl::string_view name = kTopKeys[k];
    if (!Duplicate(&seen_, k, nullptr, name)) return false;
    uint64_t v = 0;
    switch (k) {
      case kKeyV: {
        if (!Unsigned(nullptr, name, UINT64_MAX, &v)) return false;
        if (v != kJsonSchemaVersion) {
          return FailPlain(absl::StrCat("unsupported schema version ", v, " (this reader knows ",
                                        kJsonSchemaVersion, ")"));
        }
        return true;
      }
      case kKeySource: {
        if (!ShortString(nullptr, name, source_, sizeof source_, &source_len_)) return false;
        const int s = KeyIndex(kSourceNames, absl::string_view(source_, source_len_));
        if (s < 0) {
          return FailAt("\"source\"",
                        absl::StrCat(Quoted(absl::string_view(source_, source_len_)),
                                     " is not a known source"));
        }
        f_->source = static_cast<Source>(s);
        return true;
      }
      case kKeyFamily: return ShortString(nullptr, name, family_, sizeof family_, &family_len_);
      case kKeyFamilynum:
        if (!Unsigned(nullptr, name, 255, &v)) return false;
        f_->family = static_cast<uint8_t>(v);
        return true;
      case kKeyProto: return ShortString(nullptr, name, proto_, sizeof proto_, &proto_len_);
      case kKeyProtonum:
        if (!Unsigned(nullptr, name, 255, &v)) return false;
        f_->l4proto = static_cast<uint8_t>(v);
        return true;
      case kKeyTimeout: {
        int64_t t;
        if (!Signed(nullptr, name, &t)) return false;
        f_->timeout = t;
        return true;
      }
      case kKeyState: return ShortString(nullptr, name, state_, sizeof state_, &state_len_);
      case kKeyStatenum:
        if (!Unsigned(nullptr, name, 255, &v)) return false;
        f_->state = static_cast<uint8_t>(v);
        return true;
      case kKeyOrig: return TupleObject("orig", &orig_);
      case kKeyReply: return TupleObject("reply", &reply_);
      case kKeyMaster: return TupleObject("master", &master_);
      case kKeyZone: return ZoneObject();
      case kKeyStatus: return StatusArray();
      case kKeyStatusBits:
        if (!Unsigned(nullptr, name, UINT32_MAX, &v)) return false;
        f_->status = static_cast<uint32_t>(v);
        return true;
      case kKeyStatusKnown:
        if (!Unsigned(nullptr, name, UINT32_MAX, &v)) return false;
        f_->status_known = static_cast<uint32_t>(v);
        return true;
      case kKeyMark:
        if (!Unsigned(nullptr, name, UINT32_MAX, &v)) return false;
        f_->mark = static_cast<uint32_t>(v);
        return true;
      case kKeySecmark:
        if (!Unsigned(nullptr, name, UINT32_MAX, &v)) return false;
        f_->secmark = static_cast<uint32_t>(v);
        return true;
      case kKeySecctx: return StringField(name, &f_->secctx);
      case kKeyHelper: return StringField(name, &f_->helper);
      case kKeyStartNs:
        if (!Unsigned(nullptr, name, UINT64_MAX, &v)) return false;
        f_->start_ns = v;
        return true;
      case kKeyStopNs:
        if (!Unsigned(nullptr, name, UINT64_MAX, &v)) return false;
        f_->stop_ns = v;
        return true;
      case kKeyDeltaTime: return Unsigned(nullptr, name, UINT64_MAX, &delta_time_);
      case kKeyUse:
        if (!Unsigned(nullptr, name, UINT32_MAX, &v)) return false;
        f_->use = static_cast<uint32_t>(v);
        return true;
      case kKeyId:
        if (!Unsigned(nullptr, name, UINT32_MAX, &v)) return false;
        f_->id = static_cast<uint32_t>(v);
        return true;
      case kKeyLabels: return LabelsArray();
      case kKeyLabelNames: return LabelNamesArray();
      case kKeyTcp: {
        UField fields[] = {{"wscale_orig", 255, 0}, {"wscale_reply", 255, 0},
                           {"flags_orig", 255, 0}, {"flags_reply", 255, 0}};
        if (!Fields("tcp", fields)) return false;
        f_->tcp = TcpInfo{static_cast<uint8_t>(fields[0].value),
                          static_cast<uint8_t>(fields[1].value),
                          static_cast<uint8_t>(fields[2].value),
                          static_cast<uint8_t>(fields[3].value)};
        return true;
      }
      case kKeySctp: {
        UField fields[] = {{"vtag_orig", UINT32_MAX, 0}, {"vtag_reply", UINT32_MAX, 0}};
        if (!Fields("sctp", fields)) return false;
        f_->sctp = SctpInfo{static_cast<uint32_t>(fields[0].value),
                            static_cast<uint32_t>(fields[1].value)};
        return true;
      }
      case kKeyDccp: {
        UField fields[] = {{"role", 255, 0}, {"handshake_seq", UINT64_MAX, 0}};
        if (!Fields("dccp", fields)) return false;
        f_->dccp = DccpInfo{static_cast<uint8_t>(fields[0].value), fields[1].value};
        return true;
      }
      case kKeyGre: {
        UField fields[] = {{"timeout", UINT32_MAX, 0}, {"stream_timeout", UINT32_MAX, 0}};
        if (!Fields("gre", fields)) return false;
        f_->gre = GreInfo{static_cast<uint32_t>(fields[0].value),
                          static_cast<uint32_t>(fields[1].value)};
        return true;
      }
      case kKeySeqadjOrig:
      case kKeySeqadjReply: {
        const char* object = k == kKeySeqadjOrig ? "seqadj_orig" : "seqadj_reply";
        UField fields[] = {{"correction_pos", UINT32_MAX, 0},
                           {"offset_before", UINT32_MAX, 0},
                           {"offset_after", UINT32_MAX, 0}};
        if (!Fields(object, fields)) return false;
        (k == kKeySeqadjOrig ? f_->seqadj_orig : f_->seqadj_reply) =
            SeqAdj{static_cast<uint32_t>(fields[0].value), static_cast<uint32_t>(fields[1].value),
                   static_cast<uint32_t>(fields[2].value)};
        return true;
      }
      case kKeySynproxy: {
        UField fields[] = {{"isn", UINT32_MAX, 0}, {"its", UINT32_MAX, 0},
                           {"tsoff", UINT32_MAX, 0}};
        if (!Fields("synproxy", fields)) return false;
        f_->synproxy = Synproxy{static_cast<uint32_t>(fields[0].value),
                                static_cast<uint32_t>(fields[1].value),
                                static_cast<uint32_t>(fields[2].value)};
        return true;
      }
      default: return SkipValue(2);
    }
  }

  bool Top() {
    f_->status_known = 0xffffffffu;  // unless "status_known" says otherwise
    SkipWs();
    if (Peek() != '{') return Fail("expected a JSON object");
    return Object(1, [&](absl::string_view key) { return TopMember(key); });
  }

  // ---- checks that need the whole object

  bool Address(const char* object, const char* key, absl::string_view text, Addr* out) {
    bool ok = false;
    if (f_->family == kFamilyIPv4) {
      ok = ParseIPv4(text, out);
    } else if (f_->family == kFamilyIPv6) {
      ok = ParseIPv6(text, out);
    } else if (text.size() == 32) {
      ok = true;
      for (size_t i = 0; i < 16 && ok; ++i) {
        const int hi = HexNibble(text[2 * i]), lo = HexNibble(text[2 * i + 1]);
        ok = hi >= 0 && lo >= 0;
        if (ok) (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
      }
    }
    if (ok) return true;
    return FailAt(Where(object, key), absl::StrCat("bad ", FamilyName(f_->family), " address ",
                                                   Quoted(text)));
  }

  static int HexNibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  bool ResolveTuple(const char* object, const RawTuple& raw, Tuple* t,
                    std::optional<Counters>* counters) {
    if (!(raw.seen & (1u << kTSrc))) return FailPlain(absl::StrCat("missing key ", Where(object, "src")));
    if (!(raw.seen & (1u << kTDst))) return FailPlain(absl::StrCat("missing key ", Where(object, "dst")));
    if (!Address(object, "src", absl::string_view(raw.src, raw.src_len), &t->src)) return false;
    if (!Address(object, "dst", absl::string_view(raw.dst, raw.dst_len), &t->dst)) return false;

    constexpr uint32_t kPorts = 1u << kTSport | 1u << kTDport;
    constexpr uint32_t kIcmp = 1u << kTType | 1u << kTCode | 1u << kTId;
    constexpr uint32_t kGre = 1u << kTSrckey | 1u << kTDstkey;
    const uint32_t l4 = raw.seen & (kPorts | kIcmp | kGre);
    uint32_t want;
    const char* names;
    if (ProtoIsICMP(f_->l4proto)) {
      want = kIcmp;
      names = "\"type\", \"code\" and \"id\"";
    } else if (f_->l4proto == kProtoGRE) {
      want = kGre;
      names = "\"srckey\" and \"dstkey\"";
    } else {
      want = kPorts;
      names = "\"sport\" and \"dport\"";
    }
    if (l4 != 0 && l4 != want) {
      return FailAt(absl::StrCat("\"", object, "\""),
                    absl::StrCat("protocol ", ProtoName(f_->l4proto), " (", f_->l4proto,
                                 ") takes ", names, " (all or none)"));
    }
    t->has_l4 = l4 != 0;
    if (want == kIcmp) {
      t->icmp_type = static_cast<uint8_t>(raw.v[kTType]);
      t->icmp_code = static_cast<uint8_t>(raw.v[kTCode]);
      t->icmp_id = static_cast<uint16_t>(raw.v[kTId]);
    } else if (want == kGre) {
      t->sport = static_cast<uint16_t>(raw.v[kTSrckey]);
      t->dport = static_cast<uint16_t>(raw.v[kTDstkey]);
    } else {
      t->sport = static_cast<uint16_t>(raw.v[kTSport]);
      t->dport = static_cast<uint16_t>(raw.v[kTDport]);
    }

    const bool packets = raw.seen & (1u << kTPackets);
    const bool bytes = raw.seen & (1u << kTBytes);
    if (counters == nullptr) {
      if (packets || bytes) {
        return FailAt(absl::StrCat("\"", object, "\""), "a master tuple has no counters");
      }
    } else if (packets != bytes) {
      return FailAt(absl::StrCat("\"", object, "\""),
                    packets ? "\"packets\" without \"bytes\"" : "\"bytes\" without \"packets\"");
    } else if (packets) {
      *counters = Counters{raw.v[kTPackets], raw.v[kTBytes]};
    }
    return true;
  }

  bool Resolve() {
    const uint64_t missing = kRequiredTop & ~seen_;
    if (missing != 0) {
      for (int k = 0; k < kNumTopKeys; ++k) {
        if (missing & (uint64_t{1} << k)) {
          return FailPlain(absl::StrCat("missing key \"", kTopKeys[k], "\""));
        }
      }
    }
    const absl::string_view family(family_, family_len_);
    if (family != FamilyName(f_->family)) {
      return FailPlain(absl::StrCat("\"family\" is ", Quoted(family), " but \"familynum\" ",
                                    f_->family, " is \"", FamilyName(f_->family), "\""));
    }
    const absl::string_view proto(proto_, proto_len_);
    if (proto != ProtoName(f_->l4proto)) {
      return FailPlain(absl::StrCat("\"proto\" is ", Quoted(proto), " but \"protonum\" ",
                                    f_->l4proto, " is \"", ProtoName(f_->l4proto), "\""));
    }
    const bool have_state = seen_ & (uint64_t{1} << kKeyState);
    const bool have_statenum = seen_ & (uint64_t{1} << kKeyStatenum);
    if (have_state != have_statenum) {
      return FailPlain(have_state ? "\"state\" without \"statenum\""
                                  : "\"statenum\" without \"state\"");
    }
    if (have_state) {
      const absl::string_view state(state_, state_len_);
      const absl::string_view want = StateName(f_->l4proto, *f_->state);
      if (state != want) {
        return FailPlain(absl::StrCat("\"state\" is ", Quoted(state), " but \"statenum\" ",
                                      *f_->state, " of ", ProtoName(f_->l4proto), " is \"",
                                      want, "\""));
      }
    }
    if (status_names_ != f_->status) {
      return FailPlain(absl::StrCat("\"status\" names bits 0x", absl::Hex(status_names_),
                                    " but \"status_bits\" is 0x", absl::Hex(f_->status)));
    }
    if (!ResolveTuple("orig", orig_, &f_->orig, &f_->orig_counters)) return false;
    if (!ResolveTuple("reply", reply_, &f_->reply, &f_->reply_counters)) return false;
    if (seen_ & (uint64_t{1} << kKeyMaster)) {
      f_->master.emplace();
      if (!ResolveTuple("master", master_, &*f_->master, nullptr)) return false;
    }
    // With timestamps, "delta_time" is derived from them (see the header).
    if ((seen_ & (uint64_t{1} << kKeyDeltaTime)) && !f_->start_ns) f_->delta_time = delta_time_;
    return true;
  }

  const char* const begin_;
  const char* p_;
  const char* const end_;
  Flow* const f_;
  std::string* const netns_;  // "netns", when the caller asks for it
  absl::Status error_;
  std::string scratch_;

  uint64_t seen_ = 0;  // bit per TopKey
  char source_[16];
  size_t source_len_ = 0;
  char family_[16];
  size_t family_len_ = 0;
  char proto_[16];
  size_t proto_len_ = 0;
  char state_[32];
  size_t state_len_ = 0;
  uint32_t status_names_ = 0;
  uint64_t delta_time_ = 0;
  RawTuple orig_, reply_, master_;
};

}  // namespace

absl::Status ParseJsonLine(absl::string_view line, Flow* flow, std::string* netns) {
  flow->Clear();
  if (netns != nullptr) netns->clear();
  return Reader(line, flow, netns).Run();
}

}  // namespace ctdump
