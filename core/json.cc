#include "core/json.h"

#include <cstring>

#include "core/addr.h"
#include "core/json_names.h"
#include "core/kernel.h"
#include "core/utf8.h"

// The writer. The reader, ParseJsonLine(), is core/json_reader.cc.

namespace ctdump {
namespace {

using json_internal::kStatusNames;
using json_internal::SourceName;
using json_internal::ZoneDirName;

// ---------------------------------------------------------------------------------------
// Writing. The caller reserves room once (kFixedBound plus 6 bytes per string byte) and
// every piece below writes at a raw pointer.

// Enough for every fixed-size part of a line at its largest (about 2.5 KB: three tuples
// with 20-digit counters, 32 status names, 128 label bits, every protocol block).
constexpr size_t kFixedBound = 4096;

using text::Put;
using text::PutU;
using text::PutI;

constexpr char kHexDigits[] = "0123456789abcdef";

inline char* PutEscapedByte(char* p, unsigned c) {
  p = Put(p, "\\u00");
  *p++ = kHexDigits[c >> 4];
  *p++ = kHexDigits[c & 0xf];
  return p;
}

// A JSON string, quotes included. Writes at most 6 * s.size() + 2 bytes.
char* PutString(char* p, absl::string_view s) {
  *p++ = '"';
  const unsigned char* i = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = i + s.size();
  while (i < end) {
    const unsigned c = *i;
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      *p++ = static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(i, end);
      if (n == 0) {
        p = PutEscapedByte(p, c);
        ++i;
      } else {
        std::memcpy(p, i, n);
        p += n;
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': p = Put(p, "\\\""); break;
      case '\\': p = Put(p, "\\\\"); break;
      case '\b': p = Put(p, "\\b"); break;
      case '\f': p = Put(p, "\\f"); break;
      case '\n': p = Put(p, "\\n"); break;
      case '\r': p = Put(p, "\\r"); break;
      case '\t': p = Put(p, "\\t"); break;
      default: p = PutEscapedByte(p, c); break;  // other controls and DEL
    }
  }
  *p++ = '"';
  return p;
}

char* PutAddr(char* p, uint8_t family, const Addr& a) {
  *p++ = '"';
  if (family == kFamilyIPv4 || family == kFamilyIPv6) {
    p = FormatAddr(family, a, AddrStyle::kCompressed, p);
  } else {
    for (uint8_t b : a) {
      *p++ = kHexDigits[b >> 4];
      *p++ = kHexDigits[b & 0xf];
    }
  }
  *p++ = '"';
  return p;
}

// {"src":..,"dst":..,<L4>[,"packets":N,"bytes":N]}
char* PutTuple(char* p, const Flow& f, const Tuple& t, const std::optional<Counters>* c) {
  p = Put(p, "{\"src\":");
  p = PutAddr(p, f.family, t.src);
  p = Put(p, ",\"dst\":");
  p = PutAddr(p, f.family, t.dst);
  if (t.has_l4) {
    if (ProtoIsICMP(f.l4proto)) {
      p = Put(p, ",\"type\":");
      p = PutU(p, t.icmp_type);
      p = Put(p, ",\"code\":");
      p = PutU(p, t.icmp_code);
      p = Put(p, ",\"id\":");
      p = PutU(p, t.icmp_id);
    } else if (f.l4proto == kProtoGRE) {
      p = Put(p, ",\"srckey\":");
      p = PutU(p, t.sport);
      p = Put(p, ",\"dstkey\":");
      p = PutU(p, t.dport);
    } else {
      p = Put(p, ",\"sport\":");
      p = PutU(p, t.sport);
      p = Put(p, ",\"dport\":");
      p = PutU(p, t.dport);
    }
  }
  if (c != nullptr && c->has_value()) {
    p = Put(p, ",\"packets\":");
    p = PutU(p, (*c)->packets);
    p = Put(p, ",\"bytes\":");
    p = PutU(p, (*c)->bytes);
  }
  *p++ = '}';
  return p;
}

char* PutSeqAdj(char* p, const SeqAdj& s) {
  p = Put(p, "{\"correction_pos\":");
  p = PutU(p, s.correction_pos);
  p = Put(p, ",\"offset_before\":");
  p = PutU(p, s.offset_before);
  p = Put(p, ",\"offset_after\":");
  p = PutU(p, s.offset_after);
  *p++ = '}';
  return p;
}

// The sections of a line, in the order of the schema (json.h). Each writes its keys at
// `p` and returns the end; PutIdentity() opens the object, the others add to it.

// "v", "source", "family", "familynum", "proto", "protonum", "timeout", "state", "statenum".
char* PutIdentity(char* p, const Flow& f) {
  p = Put(p, "{\"v\":1,\"source\":\"");
  p = Put(p, SourceName(f.source));
  p = Put(p, "\",\"family\":\"");
  p = Put(p, FamilyName(f.family));
  p = Put(p, "\",\"familynum\":");
  p = PutU(p, f.family);
  p = Put(p, ",\"proto\":\"");
  p = Put(p, ProtoName(f.l4proto));
  p = Put(p, "\",\"protonum\":");
  p = PutU(p, f.l4proto);
  if (f.timeout) {
    p = Put(p, ",\"timeout\":");
    p = PutI(p, *f.timeout);
  }
  if (f.state) {
    p = Put(p, ",\"state\":\"");
    p = Put(p, StateName(f.l4proto, *f.state));
    p = Put(p, "\",\"statenum\":");
    p = PutU(p, *f.state);
  }
  return p;
}

// "orig", "reply", "zone".
char* PutTuplesAndZone(char* p, const Flow& f) {
  p = Put(p, ",\"orig\":");
  p = PutTuple(p, f, f.orig, &f.orig_counters);
  p = Put(p, ",\"reply\":");
  p = PutTuple(p, f, f.reply, &f.reply_counters);
  p = Put(p, ",\"zone\":{\"id\":");
  p = PutU(p, f.zone.id);
  p = Put(p, ",\"dir\":\"");
  p = Put(p, ZoneDirName(f.zone.dir));
  p = Put(p, "\"}");
  return p;
}

// "status", "status_bits", "status_known".
char* PutStatus(char* p, const Flow& f) {
  p = Put(p, ",\"status\":[");
  bool first = true;
  for (uint32_t bits = f.status; bits != 0; bits &= bits - 1) {
    if (!first) *p++ = ',';
    first = false;
    *p++ = '"';
    p = Put(p, kStatusNames[__builtin_ctz(bits)]);
    *p++ = '"';
  }
  p = Put(p, "],\"status_bits\":");
  p = PutU(p, f.status);
  if (f.status_known != 0xffffffffu) {
    p = Put(p, ",\"status_known\":");
    p = PutU(p, f.status_known);
  }
  return p;
}

// "mark", "secmark", "secctx".
char* PutMarks(char* p, const Flow& f) {
  if (f.mark) {
    p = Put(p, ",\"mark\":");
    p = PutU(p, *f.mark);
  }
  if (f.secmark) {
    p = Put(p, ",\"secmark\":");
    p = PutU(p, *f.secmark);
  }
  if (!f.secctx.empty()) {
    p = Put(p, ",\"secctx\":");
    p = PutString(p, f.secctx);
  }
  return p;
}

// "start_ns", "stop_ns", "delta_time", "use", "id".
char* PutTimesAndIds(char* p, const Flow& f, uint64_t now_ns) {
  if (f.start_ns) {
    p = Put(p, ",\"start_ns\":");
    p = PutU(p, *f.start_ns);
  }
  if (f.stop_ns) {
    p = Put(p, ",\"stop_ns\":");
    p = PutU(p, *f.stop_ns);
  }
  if (f.start_ns) {
    // As conntrack -L: both ends truncated to seconds (clamped at 0, not wrapped).
    const uint64_t stop_s = (f.stop_ns ? *f.stop_ns : now_ns) / 1000000000u;
    const uint64_t start_s = *f.start_ns / 1000000000u;
    p = Put(p, ",\"delta_time\":");
    p = PutU(p, stop_s > start_s ? stop_s - start_s : 0);
  } else if (f.delta_time) {
    p = Put(p, ",\"delta_time\":");
    p = PutU(p, *f.delta_time);
  }
  if (f.use) {
    p = Put(p, ",\"use\":");
    p = PutU(p, *f.use);
  }
  if (f.id) {
    p = Put(p, ",\"id\":");
    p = PutU(p, *f.id);
  }
  return p;
}

// "labels", "label_names" (when `names` is set), "helper".
char* PutLabelsAndHelper(char* p, const Flow& f, const LabelNames* names) {
  if (f.labels) {
    p = Put(p, ",\"labels\":[");
    bool first = true;
    for (unsigned bit = 0; bit < 128; ++bit) {
      if (!f.labels->Test(bit)) continue;
      if (!first) *p++ = ',';
      first = false;
      p = PutU(p, bit);
    }
    *p++ = ']';
    if (names != nullptr) {
      p = Put(p, ",\"label_names\":[");
      first = true;
      const auto& by_bit = names->by_bit;
      for (unsigned bit = 0; bit < 128 && bit < by_bit.size(); ++bit) {
        if (!f.labels->Test(bit) || by_bit[bit].empty()) continue;
        if (!first) *p++ = ',';
        first = false;
        p = PutString(p, by_bit[bit]);
      }
      *p++ = ']';
    }
  }
  if (!f.helper.empty()) {
    p = Put(p, ",\"helper\":");
    p = PutString(p, f.helper);
  }
  return p;
}

// "tcp", "sctp", "dccp", "gre": the protocol's own state.
char* PutProtoInfo(char* p, const Flow& f) {
  if (f.tcp) {
    p = Put(p, ",\"tcp\":{\"wscale_orig\":");
    p = PutU(p, f.tcp->wscale_orig);
    p = Put(p, ",\"wscale_reply\":");
    p = PutU(p, f.tcp->wscale_reply);
    p = Put(p, ",\"flags_orig\":");
    p = PutU(p, f.tcp->flags_orig);
    p = Put(p, ",\"flags_reply\":");
    p = PutU(p, f.tcp->flags_reply);
    *p++ = '}';
  }
  if (f.sctp) {
    p = Put(p, ",\"sctp\":{\"vtag_orig\":");
    p = PutU(p, f.sctp->vtag_orig);
    p = Put(p, ",\"vtag_reply\":");
    p = PutU(p, f.sctp->vtag_reply);
    *p++ = '}';
  }
  if (f.dccp) {
    p = Put(p, ",\"dccp\":{\"role\":");
    p = PutU(p, f.dccp->role);
    p = Put(p, ",\"handshake_seq\":");
    p = PutU(p, f.dccp->handshake_seq);
    *p++ = '}';
  }
  if (f.gre) {
    p = Put(p, ",\"gre\":{\"timeout\":");
    p = PutU(p, f.gre->timeout);
    p = Put(p, ",\"stream_timeout\":");
    p = PutU(p, f.gre->stream_timeout);
    *p++ = '}';
  }
  return p;
}

// "master", "seqadj_orig", "seqadj_reply", "synproxy": the extensions.
char* PutExtensions(char* p, const Flow& f) {
  if (f.master) {
    p = Put(p, ",\"master\":");
    p = PutTuple(p, f, *f.master, nullptr);
  }
  if (f.seqadj_orig) {
    p = Put(p, ",\"seqadj_orig\":");
    p = PutSeqAdj(p, *f.seqadj_orig);
  }
  if (f.seqadj_reply) {
    p = Put(p, ",\"seqadj_reply\":");
    p = PutSeqAdj(p, *f.seqadj_reply);
  }
  if (f.synproxy) {
    p = Put(p, ",\"synproxy\":{\"isn\":");
    p = PutU(p, f.synproxy->isn);
    p = Put(p, ",\"its\":");
    p = PutU(p, f.synproxy->its);
    p = Put(p, ",\"tsoff\":");
    p = PutU(p, f.synproxy->tsoff);
    *p++ = '}';
  }
  return p;
}

}  // namespace

void AppendJsonString(absl::string_view s, TextBuffer* out) {
  char* p = out->Reserve(6 * s.size() + 2);
  out->Commit(PutString(p, s));
}

void AppendJsonLine(const Flow& f, const JsonStyle& style, uint64_t now_ns, TextBuffer* out) {
  size_t need = kFixedBound + 6 * (f.secctx.size() + f.helper.size() + style.netns.size()) + 12;
  const bool label_names = style.labels != nullptr && f.labels.has_value();
  if (label_names) {
    const auto& names = style.labels->by_bit;
    for (unsigned bit = 0; bit < 128 && bit < names.size(); ++bit) {
      if (f.labels->Test(bit)) need += 6 * names[bit].size() + 3;
    }
  }
  char* p = out->Reserve(need);
  p = PutIdentity(p, f);
  p = PutTuplesAndZone(p, f);
  p = PutStatus(p, f);
  p = PutMarks(p, f);
  p = PutTimesAndIds(p, f, now_ns);
  p = PutLabelsAndHelper(p, f, label_names ? style.labels : nullptr);
  p = PutProtoInfo(p, f);
  p = PutExtensions(p, f);
  if (!style.netns.empty()) {
    p = Put(p, ",\"netns\":");
    p = PutString(p, style.netns);
  }
  p = Put(p, "}\n");
  out->Commit(p);
}

}  // namespace ctdump
