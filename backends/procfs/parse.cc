#include "backends/procfs/parse.h"

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>

#include "absl/base/optimization.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/addr.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

using Sv = absl::string_view;

// ---------------------------------------------------------------------------------------
// Numbers, written out by hand: this is the hot path (docs/procfs-format.md 4.3).

enum class Num { kOk, kBad, kRange };

inline unsigned DigitValue(char c) {
  return static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
}

// Unsigned decimal, digits only, at most `max`.
inline __attribute__((always_inline)) Num ParseDec(Sv s, uint64_t max, uint64_t* out) {
  if (s.empty()) return Num::kBad;
  uint64_t v = 0;
  if (s.size() <= 19) {  // 10^19 - 1 fits in 64 bits: no overflow checks needed
    for (char c : s) {
      unsigned d = DigitValue(c);
      if (d > 9) return Num::kBad;
      v = v * 10 + d;
    }
    if (v > max) return Num::kRange;
    *out = v;
    return Num::kOk;
  }
  bool over = false;
  for (char c : s) {
    unsigned d = DigitValue(c);
    if (d > 9) return Num::kBad;
    if (!over && (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, d, &v))) {
      over = true;
    }
  }
  if (over || v > max) return Num::kRange;
  *out = v;
  return Num::kOk;
}

constexpr signed char kHexTable[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x00
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x10
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x20
    0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  -1, -1, -1, -1, -1, -1,  // 0x30
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x40
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x50
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x60
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x70
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  // 0x80
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

inline int HexValue(char c) { return kHexTable[static_cast<unsigned char>(c)]; }

// "0x" followed by 1 to 16 lowercase or uppercase hex digits, at most `max`.
Num ParseHex(Sv s, uint64_t max, uint64_t* out) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return Num::kBad;
  s.remove_prefix(2);
  uint64_t v = 0;
  bool over = false;
  for (char c : s) {
    int h = HexValue(c);
    if (h < 0) return Num::kBad;
    if (v >> 60) over = true;
    v = v << 4 | static_cast<unsigned>(h);
  }
  if (over || v > max) return Num::kRange;
  *out = v;
  return Num::kOk;
}

// True for an optional '-' followed by one or more digits (docs/procfs-format.md 2.2: how
// to tell the optional timeout from a state word or src=).
bool LooksSigned(Sv s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (DigitValue(c) > 9) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Addresses.

// The /proc form of an IPv6 address: 8 groups of exactly 4 hex digits (39 characters).
bool ParseExpandedIPv6(Sv s, Addr* out) {
  if (s.size() != 39) return false;
  const char* p = s.data();
  Addr a;
  for (int g = 0; g < 8; ++g) {
    if (g != 0 && *p++ != ':') return false;
    int h0 = HexValue(p[0]), h1 = HexValue(p[1]), h2 = HexValue(p[2]), h3 = HexValue(p[3]);
    if ((h0 | h1 | h2 | h3) < 0) return false;
    a[2 * g] = static_cast<uint8_t>(h0 << 4 | h1);
    a[2 * g + 1] = static_cast<uint8_t>(h2 << 4 | h3);
    p += 4;
  }
  *out = a;
  return true;
}

// aa:bb:cc:dd:ee:ff (docs/procfs-format.md 5.9: offload-engine trees put MAC addresses in
// per-direction src=/dst= blocks).
bool IsMacAddress(Sv s) {
  if (s.size() != 17) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (i % 3 == 2) {
      if (s[i] != ':' && s[i] != '-') return false;
    } else if (HexValue(s[i]) < 0) {
      return false;
    }
  }
  return true;
}

// Made only of characters that occur in IPv4/IPv6 addresses. A src=/dst= value that is
// not must be some vendor's field, not a broken address.
bool LooksLikeAddress(Sv s) {
  for (char c : s) {
    if (HexValue(c) < 0 && c != '.' && c != ':') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Messages.

constexpr size_t kMaxQuoted = 64;

std::string Quote(Sv s) {
  bool cut = s.size() > kMaxQuoted;
  return absl::StrCat("\"", absl::CHexEscape(s.substr(0, kMaxQuoted)), cut ? "...\"" : "\"");
}

// A run of digits for an "out of range" message (only digits reach it, but keep it short).
std::string Clip(Sv s) {
  if (s.size() <= kMaxQuoted) return std::string(s);
  return absl::StrCat(s.substr(0, kMaxQuoted), "...");
}

bool IsKnownL4Name(Sv s) {
  return s == "tcp" || s == "udp" || s == "udplite" || s == "icmp" || s == "icmpv6" ||
         s == "sctp" || s == "gre" || s == "dccp" || s == "unknown";
}

// Protocol names are lowercase words ("tcp", "icmpv6", "unknown"); allow what a vendor
// tracker might be called, but nothing that looks like a field.
bool LooksLikeProtoName(Sv s) {
  if (s.empty()) return false;
  char c0 = s[0];
  if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || DigitValue(c) <= 9 ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

inline bool StartsWith(const char* p, const char* end, Sv prefix) {
  return static_cast<size_t>(end - p) >= prefix.size() &&
         std::memcmp(p, prefix.data(), prefix.size()) == 0;
}

// ---------------------------------------------------------------------------------------
// The line walker. One pass over the bytes; tokens are views into the line.

class LineParser {
 public:
  LineParser(Sv line, Flow* flow, ProcLineNotes* notes)
      : p_(line.data()), end_(line.data() + line.size()), f_(flow), notes_(notes) {}

  absl::Status Run() {
    // No /proc line holds a NUL byte; name it instead of what it would break further on.
    if (const void* nul = std::memchr(p_, '\0', static_cast<size_t>(end_ - p_))) {
      return absl::DataLossError(absl::StrCat(
          "NUL byte at column ", static_cast<const char*>(nul) - p_ + 1));
    }
    if (!Head() || !Body() || !Finish()) return std::move(error_);
    return absl::OkStatus();
  }

 private:
  enum class AddrResult { kOk, kSkip, kFail };
  enum class L4Key { kSport, kDport, kType, kCode, kId, kSrcKey, kDstKey };

  bool Fail(absl::string_view message) {
    error_ = absl::DataLossError(message);
    return false;
  }

  // The next blank-separated token; false at the end of the line. Sets eq_ to the
  // token's first '=' (nullptr if none), found in the same pass: tokens are short
  // (10-20 bytes), so a word-at-a-time scan beats two memchr calls per token.
  inline __attribute__((always_inline)) bool Next(Sv* tok) {
    const char* p = p_;
    while (p < end_ && *p == ' ') ++p;
    if (p == end_) {
      p_ = p;
      return false;
    }
    const char* const start = p;
    const char* eq = nullptr;
    for (;;) {
      if (end_ - p >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);  // first byte in the lowest bits, as ctz expects
#endif
        const uint64_t blank = ZeroBytes(w ^ Splat(' '));
        if (eq == nullptr) {
          const uint64_t eqs = ZeroBytes(w ^ Splat('='));
          if (eqs != 0 && (blank == 0 || __builtin_ctzll(eqs) < __builtin_ctzll(blank))) {
            eq = p + __builtin_ctzll(eqs) / 8;
          }
        }
        if (blank != 0) {
          p += __builtin_ctzll(blank) / 8;
          break;
        }
        p += 8;
        continue;
      }
      while (p < end_ && *p != ' ') {
        if (*p == '=' && eq == nullptr) eq = p;
        ++p;
      }
      break;
    }
    p_ = p;
    eq_ = eq;
    *tok = Sv(start, static_cast<size_t>(p - start));
    return true;
  }

  // Word-at-a-time helpers. ZeroBytes() flags the zero bytes of w; only its lowest flag
  // is exact (a borrow can flag a byte above a zero byte), and only the lowest is used.
  static constexpr uint64_t Splat(char c) {
    return 0x0101010101010101ull * static_cast<unsigned char>(c);
  }
  static uint64_t ZeroBytes(uint64_t w) {
    return (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
  }

  Tuple& Current() { return dir_ == 1 ? f_->orig : f_->reply; }

  // L3NAME L3NUM L4NAME L4NUM [TIMEOUT], or L4NAME L4NUM [TIMEOUT] (ip_conntrack).
  // Leaves the first token after the head in tok_.
  bool Head() {
    Sv tok;
    if (!Next(&tok)) return Fail("empty line");
    if (tok == "ipv4" || tok == "ipv6") {
      f_->source = Source::kProcNfConntrack;
      const uint8_t family = tok[3] == '4' ? kFamilyIPv4 : kFamilyIPv6;
      Sv num;
      if (!Next(&num)) return Fail(absl::StrCat("line ends after ", Quote(tok)));
      uint64_t l3 = 0;
      if (ParseDec(num, 255, &l3) != Num::kOk) {
        return Fail(absl::StrCat("bad L3 protocol number ", Quote(num)));
      }
      if (l3 != family) {
        return Fail(absl::StrCat("L3 protocol number ", l3, " does not match ", Quote(tok)));
      }
      f_->family = family;
      if (!Next(&tok)) return Fail("line ends after the L3 protocol number");
    } else {
      if (tok == "unknown" && UnknownL3Ahead()) return false;
      f_->source = Source::kProcIpConntrack;
      f_->family = kFamilyIPv4;
    }
    if (!LooksLikeProtoName(tok)) {
      return Fail(absl::StrCat("line does not start with a protocol name: ", Quote(tok)));
    }
    Sv num;
    if (!Next(&num)) return Fail(absl::StrCat("line ends after ", Quote(tok)));
    uint64_t l4 = 0;
    switch (ParseDec(num, 255, &l4)) {
      case Num::kOk: break;
      case Num::kBad: return Fail(absl::StrCat("bad L4 protocol number ", Quote(num)));
      case Num::kRange:
        return Fail(absl::StrCat("L4 protocol number ", Clip(num), " out of range"));
    }
    f_->l4proto = static_cast<uint8_t>(l4);
    if (!Next(&tok_)) return Fail("line ends after the L4 protocol number");
    if (LooksSigned(tok_)) {
      Sv digits = tok_;
      bool negative = digits[0] == '-';
      if (negative) digits.remove_prefix(1);
      uint64_t t = 0;
      if (ParseDec(digits, std::numeric_limits<int64_t>::max(), &t) != Num::kOk) {
        return Fail(absl::StrCat("timeout ", Clip(tok_), " out of range"));
      }
      f_->timeout = negative ? -static_cast<int64_t>(t) : static_cast<int64_t>(t);
      if (!Next(&tok_)) return Fail("line ends after the timeout");
    }
    return true;
  }

  // "unknown N name N ...": an nf_conntrack line of an L3 family other than IPv4/IPv6
  // (possible in principle, never seen). Without this check it would be taken for an
  // ip_conntrack line and fail with a confusing message.
  bool UnknownL3Ahead() {
    const char* save = p_;
    Sv num, name, num2;
    bool unknown_l3 = Next(&num) && Next(&name) && Next(&num2) && LooksSigned(num) &&
                      IsKnownL4Name(name) && LooksSigned(num2);
    p_ = save;
    if (!unknown_l3) return false;
    Fail(absl::StrCat("unsupported L3 protocol ", Clip(num),
                      " (only ipv4 and ipv6 lines can be decoded)"));
    return true;
  }

  // Everything from the state text to the end of the line.
  bool Body() {
    // State text: everything up to the first src= (docs/procfs-format.md 2.3).
    while (!StartsWith(tok_.data(), tok_.data() + tok_.size(), "src=")) {
      if (!StateToken(tok_)) return false;
      if (!Next(&tok_)) return Fail("no src= (no original tuple)");
    }
    do {
      if (!Field(tok_, eq_)) return false;
    } while (Next(&tok_));
    return true;
  }

  bool StateToken(Sv tok) {
    if (tok[0] == '[') return WellFormedFlag(tok);  // a vendor flag
    const char* eq = static_cast<const char*>(std::memchr(tok.data(), '=', tok.size()));
    if (eq != nullptr) {
      if (eq == tok.data()) return EmptyKey(tok);
      Sv key(tok.data(), static_cast<size_t>(eq - tok.data()));
      Sv val(eq + 1, static_cast<size_t>(tok.data() + tok.size() - eq - 1));
      uint64_t v = 0;
      // GRE's "timeout=T, stream_timeout=S"; for any other protocol a vendor field.
      if (f_->l4proto != kProtoGRE) return true;
      if (key == "timeout") {  // GRE: "timeout=T," (not the entry timeout)
        if (!Once(kSeenGreTimeout, key)) return false;
        if (!val.empty() && val.back() == ',') val.remove_suffix(1);
        if (!Dec(key, val, UINT32_MAX, "GRE timeout", &v)) return false;
        if (!f_->gre) f_->gre.emplace();
        f_->gre->timeout = static_cast<uint32_t>(v);
      } else if (key == "stream_timeout") {
        if (!Once(kSeenGreStreamTimeout, key)) return false;
        if (!Dec(key, val, UINT32_MAX, "GRE stream timeout", &v)) return false;
        if (!f_->gre) f_->gre.emplace();
        f_->gre->stream_timeout = static_cast<uint32_t>(v);
      }
      return true;  // other key=value: a vendor field
    }
    if (f_->state) {
      return Fail(absl::StrCat("unexpected word ", Quote(tok), " after the state"));
    }
    int state = StateValue(f_->l4proto, tok);
    if (state < 0) {
      if (ProtoHasState(f_->l4proto)) {
        return Fail(absl::StrCat("unknown ", ProtoName(f_->l4proto), " state ", Quote(tok)));
      }
      return Fail(absl::StrCat("unexpected word ", Quote(tok), " before src= (protocol ",
                               f_->l4proto, " has no state)"));
    }
    f_->state = static_cast<uint8_t>(state);
    return true;
  }

  // `eq` is the token's first '=' or nullptr (from Next()).
  bool Field(Sv tok, const char* eq) {
    if (tok[0] == '[') return Flag(tok);
    if (eq == nullptr) {
      if (p_ == end_ && !f_->use) {  // most likely a line cut short
        return Fail(absl::StrCat("missing use= (the line ends in ", Quote(tok), ")"));
      }
      return Fail(absl::StrCat("unexpected token ", Quote(tok)));
    }
    if (eq == tok.data()) return EmptyKey(tok);
    Sv key(tok.data(), static_cast<size_t>(eq - tok.data()));
    Sv val(eq + 1, static_cast<size_t>(tok.data() + tok.size() - eq - 1));
    switch (key.size()) {
      case 2:
        if (key == "id") return L4(L4Key::kId, key, val);
        break;
      case 3:
        if (key == "src") return Src(val);
        if (key == "dst") return Dst(val);
        if (key == "use") {
          in_tuple_ = false;
          if (!Once(kSeenUse, key)) return false;
          uint64_t v = 0;
          if (!Dec(key, val, UINT32_MAX, "use count", &v)) return false;
          f_->use = static_cast<uint32_t>(v);
          return true;
        }
        break;
      case 4:
        if (key == "type") return L4(L4Key::kType, key, val);
        if (key == "code") return L4(L4Key::kCode, key, val);
        if (key == "mark") return Mark(key, val);
        if (key == "zone") return ZoneField(kZoneDirBoth, key, val);
        break;
      case 5:
        if (key == "sport") return L4(L4Key::kSport, key, val);
        if (key == "dport") return L4(L4Key::kDport, key, val);
        if (key == "bytes") return Counter(true, key, val);
        break;
      case 6:
        if (key == "srckey") return L4(L4Key::kSrcKey, key, val);
        if (key == "dstkey") return L4(L4Key::kDstKey, key, val);
        if (key == "secctx") return Secctx(val.data());
        break;
      case 7:
        if (key == "packets") return Counter(false, key, val);
        if (key == "secmark") {
          in_tuple_ = false;
          if (!Once(kSeenSecmark, key)) return false;
          uint64_t v = 0;
          if (!Dec(key, val, UINT32_MAX, "secmark", &v)) return false;
          f_->secmark = static_cast<uint32_t>(v);
          return true;
        }
        break;
      case 9:
        if (key == "zone-orig") return ZoneField(kZoneDirOrig, key, val);
        break;
      case 10:
        if (key == "zone-reply") return ZoneField(kZoneDirReply, key, val);
        if (key == "delta-time") {
          in_tuple_ = false;
          if (!Once(kSeenDeltaTime, key)) return false;
          uint64_t v = 0;
          if (!Dec(key, val, UINT64_MAX, "delta-time", &v)) return false;
          f_->delta_time = v;
          return true;
        }
        break;
      default:
        break;
    }
    in_tuple_ = false;  // an unknown key=value: a vendor field (docs/procfs-format.md 5.9)
    return true;
  }

  bool Flag(Sv tok) {
    in_tuple_ = false;
    uint32_t bit = 0;
    if (tok == "[UNREPLIED]") {
      if (unreplied_) return Fail("second [UNREPLIED] (a flag appears once per line)");
      unreplied_ = true;
      return true;
    } else if (tok == "[ASSURED]") {
      bit = kStatusAssured;
    } else if (tok == "[OFFLOAD]") {
      bit = kStatusOffload;
    } else if (tok == "[HW_OFFLOAD]") {
      bit = kStatusHwOffload;
    }
    if (bit == 0) return WellFormedFlag(tok);  // other [FLAG]s: vendor additions
    // ct_seq_show() prints the first of HW_OFFLOAD, OFFLOAD, ASSURED that is set, never two.
    if (f_->status & (kStatusAssured | kStatusOffload | kStatusHwOffload)) {
      return Fail(absl::StrCat(Quote(tok), " after another of [HW_OFFLOAD], [OFFLOAD], "
                                           "[ASSURED] (the kernel prints one)"));
    }
    f_->status |= bit;
    return true;
  }

  // The uniform rule (parse.h): a field ctdump decodes appears once per line.
  enum SeenBit : unsigned {
    kSeenUse = 1u << 0,
    kSeenMark = 1u << 1,
    kSeenSecmark = 1u << 2,
    kSeenSecctx = 1u << 3,
    kSeenDeltaTime = 1u << 4,
    kSeenGreTimeout = 1u << 5,
    kSeenGreStreamTimeout = 1u << 6,
  };
  bool Once(SeenBit bit, Sv key) {
    if (ABSL_PREDICT_TRUE(!(seen_ & bit))) {
      seen_ |= bit;
      return true;
    }
    return Fail(absl::StrCat("second ", key, "= (a field appears once per line)"));
  }

  __attribute__((noinline)) bool EmptyKey(Sv tok) {
    return Fail(absl::StrCat("empty key in ", Quote(tok), " (a field is key=value)"));
  }

  // An unknown [FLAG] (a vendor's) is skipped, but it must be one: "[", a name without
  // brackets, "]". The first one of the line is noted for the caller to report.
  bool WellFormedFlag(Sv tok) {
    if (tok.size() < 2 || tok.back() != ']') {
      return Fail(absl::StrCat("unterminated flag ", Quote(tok), " (no closing ])"));
    }
    Sv name = tok.substr(1, tok.size() - 2);
    if (name.empty() || name.find_first_of("[]") != Sv::npos) {
      return Fail(absl::StrCat("malformed flag ", Quote(tok)));
    }
    if (notes_ != nullptr && notes_->unknown_flag.empty()) notes_->unknown_flag = tok;
    return true;
  }

  // Decimal value of `key`, at most `max`, with a message naming `what` on failure.
  // Inlined: it runs for about ten fields of every line; the messages are out of line.
  inline __attribute__((always_inline)) bool Dec(Sv key, Sv val, uint64_t max,
                                                 absl::string_view what, uint64_t* out) {
    const Num n = ParseDec(val, max, out);
    if (ABSL_PREDICT_TRUE(n == Num::kOk)) return true;
    return DecFailed(n, key, val, what);
  }
  __attribute__((noinline)) bool DecFailed(Num n, Sv key, Sv val, absl::string_view what) {
    if (n == Num::kBad) {
      return Fail(absl::StrCat("bad ", what, " ", Quote(val), " in ", key, "="));
    }
    return Fail(absl::StrCat(what, " ", Clip(val), " out of range in ", key, "="));
  }

  AddrResult ParseAddr(Sv key, Sv val, Addr* out) {
    if (f_->family == kFamilyIPv6) {
      if (ParseExpandedIPv6(val, out) || ParseIPv6(val, out)) return AddrResult::kOk;
    } else if (ParseIPv4(val, out)) {
      return AddrResult::kOk;
    }
    if (IsMacAddress(val) || !LooksLikeAddress(val)) return AddrResult::kSkip;
    Addr v6;
    if (f_->family == kFamilyIPv4 && f_->source == Source::kProcIpConntrack &&
        ParseIPv6(val, &v6)) {
      Fail(absl::StrCat("IPv6 address ", Quote(val), " in ", key,
                        "= of a line without an L3 prefix (conntrack -L output is not "
                        "/proc text)"));
      return AddrResult::kFail;
    }
    Fail(absl::StrCat("bad address ", Quote(val), " in ", key, "="));
    return AddrResult::kFail;
  }

  // src= opens the original tuple, then the reply tuple (docs/procfs-format.md 2.4).
  bool Src(Sv val) {
    Addr a;
    switch (ParseAddr("src", val, &a)) {
      case AddrResult::kOk: break;
      case AddrResult::kSkip: in_tuple_ = false; return true;
      case AddrResult::kFail: return false;
    }
    if (dir_ == 2) {
      return Fail(absl::StrCat("third src= ", Quote(val),
                               " (more than two tuples: two lines run together?)"));
    }
    ++dir_;
    Current().src = a;
    in_tuple_ = true;
    return true;
  }

  bool Dst(Sv val) {
    Addr a;
    switch (ParseAddr("dst", val, &a)) {
      case AddrResult::kOk: break;
      case AddrResult::kSkip: return true;
      case AddrResult::kFail: return false;
    }
    if (!in_tuple_) {
      return Fail(absl::StrCat("dst=", Quote(val), " is not inside a tuple (no src= before it)"));
    }
    if (have_dst_[dir_ - 1]) {
      return Fail(absl::StrCat("second dst= ", Quote(val), " in one tuple"));
    }
    have_dst_[dir_ - 1] = true;
    Current().dst = a;
    return true;
  }

  // Layer-4 identifiers; they belong to the tuple that is open. Outside a tuple the same
  // names are taken for vendor fields.
  bool L4(L4Key k, Sv key, Sv val) {
    if (!in_tuple_) return true;
    Tuple& t = Current();
    uint64_t v = 0;
    switch (k) {
      case L4Key::kSport:
      case L4Key::kDport:
        if (!Dec(key, val, 65535, "port", &v)) return false;
        (k == L4Key::kSport ? t.sport : t.dport) = static_cast<uint16_t>(v);
        break;
      case L4Key::kType:
      case L4Key::kCode:
        if (!Dec(key, val, 255, k == L4Key::kType ? "ICMP type" : "ICMP code", &v)) {
          return false;
        }
        (k == L4Key::kType ? t.icmp_type : t.icmp_code) = static_cast<uint8_t>(v);
        break;
      case L4Key::kId:
        if (!Dec(key, val, 65535, "ICMP id", &v)) return false;
        t.icmp_id = static_cast<uint16_t>(v);
        break;
      case L4Key::kSrcKey:
      case L4Key::kDstKey:
        switch (ParseHex(val, 0xffff, &v)) {
          case Num::kOk: break;
          case Num::kBad:
            return Fail(absl::StrCat("bad GRE key ", Quote(val), " in ", key, "="));
          case Num::kRange:
            return Fail(absl::StrCat("GRE key ", Clip(val), " out of range in ", key, "="));
        }
        (k == L4Key::kSrcKey ? t.sport : t.dport) = static_cast<uint16_t>(v);
        break;
    }
    const unsigned bit = 1u << static_cast<int>(k);
    if (l4_seen_[dir_ - 1] & bit) return Fail(absl::StrCat("second ", key, "= in one tuple"));
    l4_seen_[dir_ - 1] |= bit;
    t.has_l4 = true;
    return true;
  }

  // The L4 keys of a tuple are all or none of those its protocol number has (the kernel
  // prints them by number: print_tuple()); anything else would be printed back wrong.
  bool CheckL4Keys(int d) {
    const unsigned seen = l4_seen_[d];
    if (seen == 0) return true;
    auto bits = [](std::initializer_list<L4Key> keys) {
      unsigned m = 0;
      for (L4Key k : keys) m |= 1u << static_cast<int>(k);
      return m;
    };
    const uint8_t proto = f_->l4proto;
    const unsigned want = ProtoHasPorts(proto)    ? bits({L4Key::kSport, L4Key::kDport})
                          : ProtoIsICMP(proto)    ? bits({L4Key::kType, L4Key::kCode, L4Key::kId})
                          : proto == kProtoGRE    ? bits({L4Key::kSrcKey, L4Key::kDstKey})
                                                  : 0;
    static constexpr const char* kNames[] = {"sport", "dport", "type", "code",
                                             "id",    "srckey", "dstkey"};
    const char* where = d == 0 ? "the original tuple" : "the reply tuple";
    for (int i = 0; i < 7; ++i) {
      if ((seen & ~want) & (1u << i)) {
        return Fail(absl::StrCat(kNames[i], "= in ", where, " does not belong to protocol ",
                                 proto));
      }
    }
    for (int i = 0; i < 7; ++i) {
      if ((want & ~seen) & (1u << i)) {
        return Fail(absl::StrCat("no ", kNames[i], "= in ", where));
      }
    }
    return true;
  }

  bool Counter(bool bytes, Sv key, Sv val) {
    in_tuple_ = false;
    if (dir_ == 0) return Fail(absl::StrCat(key, "= before the first src="));
    uint64_t v = 0;
    if (!Dec(key, val, UINT64_MAX, "counter", &v)) return false;
    int d = dir_ - 1;
    if (bytes ? have_bytes_[d] : have_packets_[d]) {
      return Fail(absl::StrCat("second ", key, "= in the ",
                               d == 0 ? "original" : "reply", " direction"));
    }
    if (bytes) {
      counters_[d].bytes = v;
      have_bytes_[d] = true;
    } else {
      counters_[d].packets = v;
      have_packets_[d] = true;
    }
    return true;
  }

  bool ZoneField(uint8_t dir, Sv key, Sv val) {
    in_tuple_ = false;
    uint64_t v = 0;
    if (!Dec(key, val, 65535, "zone", &v)) return false;
    if (zone_seen_) {
      return Fail(absl::StrCat("second zone field ", key, "=", Clip(val),
                               " (a line has one of zone=, zone-orig=, zone-reply=)"));
    }
    zone_seen_ = true;
    f_->zone.id = static_cast<uint16_t>(v);
    f_->zone.dir = dir;
    return true;
  }

  bool Mark(Sv key, Sv val) {
    in_tuple_ = false;
    // An offload-engine tree prints "mark=HI|LO" (docs/procfs-format.md 5.9): not a mark we
    // can name, so the field is skipped like any vendor field.
    if (std::memchr(val.data(), '|', val.size()) != nullptr) return true;
    if (!Once(kSeenMark, key)) return false;
    uint64_t v = 0;
    if (!Dec(key, val, UINT32_MAX, "mark", &v)) return false;
    f_->mark = static_cast<uint32_t>(v);
    return true;
  }

  // secctx=CTX: the value runs to the next " zone=", " delta-time=" or " use=", the only
  // fields that can follow it; an AppArmor context can hold a blank (docs/procfs-format.md 2.6).
  bool Secctx(const char* value) {
    in_tuple_ = false;
    if (!Once(kSeenSecctx, "secctx")) return false;
    const char* q = value;
    for (;;) {
      const void* blank = std::memchr(q, ' ', static_cast<size_t>(end_ - q));
      if (blank == nullptr) {
        q = end_;
        break;
      }
      q = static_cast<const char*>(blank);
      const char* next = q + 1;
      if (StartsWith(next, end_, "zone=") || StartsWith(next, end_, "use=") ||
          StartsWith(next, end_, "delta-time=")) {
        break;
      }
      q = next;
    }
    f_->secctx.assign(value, static_cast<size_t>(q - value));
    p_ = q;
    return true;
  }

  bool Finish() {
    if (dir_ == 0) return Fail("no src= (no original tuple)");
    if (!have_dst_[0]) return Fail("no dst= in the original tuple");
    if (dir_ == 1) return Fail("no reply tuple (only one src=)");
    if (!have_dst_[1]) return Fail("no dst= in the reply tuple");
    if (!CheckL4Keys(0) || !CheckL4Keys(1)) return false;
    // The kernel prints both tuples with the same tracker: keys in both or in neither.
    if (f_->orig.has_l4 != f_->reply.has_l4) {
      return Fail(f_->orig.has_l4 ? "L4 keys in the original tuple but not in the reply tuple"
                                  : "L4 keys in the reply tuple but not in the original tuple");
    }
    if (f_->gre && !f_->orig.has_l4) {
      return Fail("GRE timeout=/stream_timeout= without srckey=/dstkey=");
    }
    for (int d = 0; d < 2; ++d) {
      if (have_packets_[d] != have_bytes_[d]) {
        return Fail(absl::StrCat(have_packets_[d] ? "packets= without bytes=" : "bytes= without packets=",
                                 d == 0 ? " in the original direction" : " in the reply direction"));
      }
      if (have_packets_[d]) (d == 0 ? f_->orig_counters : f_->reply_counters) = counters_[d];
    }
    if (!f_->use) return Fail("missing use=");
    f_->status_known = kStatusVisibleInProc;
    if (!unreplied_) f_->status |= kStatusSeenReply;
    return true;
  }

  const char* p_;
  const char* const end_;
  Flow* const f_;
  ProcLineNotes* const notes_;  // may be null
  Sv tok_;
  const char* eq_ = nullptr;  // first '=' of the token Next() returned last
  absl::Status error_;

  int dir_ = 0;            // 0: before the first src=, 1: original, 2: reply
  bool in_tuple_ = false;  // the last fields were src=/dst=/L4 of tuple `dir_`
  bool have_dst_[2] = {false, false};
  unsigned l4_seen_[2] = {0, 0};  // L4Key bits given in each tuple
  bool have_packets_[2] = {false, false};
  bool have_bytes_[2] = {false, false};
  Counters counters_[2];
  bool zone_seen_ = false;
  bool unreplied_ = false;
  unsigned seen_ = 0;  // SeenBit: fields given so far
};

}  // namespace

absl::Status ParseProcLine(absl::string_view line, Flow* flow, ProcLineNotes* notes) {
  flow->Clear();
  if (notes != nullptr) *notes = ProcLineNotes();
  return LineParser(line, flow, notes).Run();
}

}  // namespace ctdump
