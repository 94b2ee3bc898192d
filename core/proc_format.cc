#include "core/proc_format.h"

#include <cstring>

#include "core/addr.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

// Room for everything but secctx: two tuples of expanded IPv6 with every field at its
// widest come to about 500 bytes.
constexpr size_t kFixedBound = 1024;

using text::Put;
using text::PutU;

using text::PutHex;

// "%-8s %u " (no name reaches 8 characters, but keep printf's behaviour if one did).
char* PutNameColumn(char* p, absl::string_view name, unsigned number) {
  p = Put(p, name);
  for (size_t n = name.size(); n < 8; ++n) *p++ = ' ';
  *p++ = ' ';
  p = PutU(p, number);
  *p++ = ' ';
  return p;
}

// print_tuple(): addresses, then the tracker's L4 part.
char* PutTuple(char* p, const Flow& f, const Tuple& t) {
  p = Put(p, "src=");
  p = FormatAddr(f.family, t.src, AddrStyle::kExpanded, p);
  p = Put(p, " dst=");
  p = FormatAddr(f.family, t.dst, AddrStyle::kExpanded, p);
  *p++ = ' ';
  if (!t.has_l4) return p;
  if (ProtoIsICMP(f.l4proto)) {
    p = Put(p, "type=");
    p = PutU(p, t.icmp_type);
    p = Put(p, " code=");
    p = PutU(p, t.icmp_code);
    p = Put(p, " id=");
    p = PutU(p, t.icmp_id);
    *p++ = ' ';
  } else if (f.l4proto == kProtoGRE) {
    p = Put(p, "srckey=0x");
    p = PutHex(p, t.sport);
    p = Put(p, " dstkey=0x");
    p = PutHex(p, t.dport);
    *p++ = ' ';
  } else if (ProtoHasPorts(f.l4proto)) {
    p = Put(p, "sport=");
    p = PutU(p, t.sport);
    p = Put(p, " dport=");
    p = PutU(p, t.dport);
    *p++ = ' ';
  }
  return p;
}

char* PutCounters(char* p, const std::optional<Counters>& c) {
  if (!c) return p;
  p = Put(p, "packets=");
  p = PutU(p, c->packets);
  p = Put(p, " bytes=");
  p = PutU(p, c->bytes);
  *p++ = ' ';
  return p;
}

}  // namespace

void AppendProcLine(const Flow& f, uint64_t now_ns, TextBuffer* out) {
  char* p = out->Reserve(kFixedBound + f.secctx.size());

  p = PutNameColumn(p, FamilyName(f.family), f.family);
  // The tracker's name: without L4 identifiers the entry is handled by the generic
  // tracker, which calls itself "unknown".
  p = PutNameColumn(p, f.orig.has_l4 ? ProtoName(f.l4proto) : "unknown", f.l4proto);
  if (f.timeout) {
    if (*f.timeout < 0) {
      *p++ = '-';
      p = PutU(p, static_cast<uint64_t>(-(*f.timeout + 1)) + 1);
    } else {
      p = PutU(p, static_cast<uint64_t>(*f.timeout));
    }
    *p++ = ' ';
  }
  if (f.state) {
    p = Put(p, StateName(f.l4proto, *f.state));
    *p++ = ' ';
  }
  if (f.l4proto == kProtoGRE && f.orig.has_l4) {
    p = Put(p, "timeout=");
    p = PutU(p, f.gre ? f.gre->timeout : kProcGreDefaultTimeout);
    p = Put(p, ", stream_timeout=");
    p = PutU(p, f.gre ? f.gre->stream_timeout : kProcGreDefaultStreamTimeout);
    *p++ = ' ';
  }

  p = PutTuple(p, f, f.orig);
  if (f.zone.dir == kZoneDirOrig) {
    p = Put(p, "zone-orig=");
    p = PutU(p, f.zone.id);
    *p++ = ' ';
  }
  p = PutCounters(p, f.orig_counters);
  if ((f.status_known & kStatusSeenReply) && !(f.status & kStatusSeenReply)) {
    p = Put(p, "[UNREPLIED] ");
  }
  p = PutTuple(p, f, f.reply);
  if (f.zone.dir == kZoneDirReply) {
    p = Put(p, "zone-reply=");
    p = PutU(p, f.zone.id);
    *p++ = ' ';
  }
  p = PutCounters(p, f.reply_counters);

  if (f.status & kStatusHwOffload) {
    p = Put(p, "[HW_OFFLOAD] ");
  } else if (f.status & kStatusOffload) {
    p = Put(p, "[OFFLOAD] ");
  } else if (f.status & kStatusAssured) {
    p = Put(p, "[ASSURED] ");
  }
  if (f.mark) {
    p = Put(p, "mark=");
    p = PutU(p, *f.mark);
    *p++ = ' ';
  }
  if (f.secmark) {
    p = Put(p, "secmark=");
    p = PutU(p, *f.secmark);
    *p++ = ' ';
  }
  if (!f.secctx.empty()) {
    p = Put(p, "secctx=");
    p = Put(p, f.secctx);
    *p++ = ' ';
  }
  if (f.zone.dir == kZoneDirBoth &&
      (f.source != Source::kProcIpConntrack || f.zone.id != 0)) {
    p = Put(p, "zone=");
    p = PutU(p, f.zone.id);
    *p++ = ' ';
  }
  if (f.delta_time) {
    p = Put(p, "delta-time=");
    p = PutU(p, *f.delta_time);
    *p++ = ' ';
  } else if (f.start_ns) {
    // ct_show_delta_time(): one clock reading, nanoseconds subtracted, clamped at 0.
    p = Put(p, "delta-time=");
    p = PutU(p, now_ns > *f.start_ns ? (now_ns - *f.start_ns) / 1000000000u : 0);
    *p++ = ' ';
  }
  p = Put(p, "use=");
  uint64_t use = 0;
  if (f.use) use = f.source == Source::kNetlink ? uint64_t{*f.use} + 1 : *f.use;
  p = PutU(p, use);
  *p++ = '\n';
  out->Commit(p);
}

}  // namespace ctdump
