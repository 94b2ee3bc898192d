#include "core/format.h"

#include <time.h>

#include <cstring>

#include "core/addr.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

// "%-8s %u " as conntrack prints the L3 and L4 columns.
void AppendNameColumn(absl::string_view name, unsigned number, TextBuffer* out) {
  char* p = out->Reserve(32);
  std::memcpy(p, name.data(), name.size());
  size_t n = name.size();
  while (n < 8) p[n++] = ' ';
  p += n;
  *p++ = ' ';
  p = TextBuffer::PutU64(number, p);
  *p++ = ' ';
  out->Commit(p);
}

void AppendAddresses(uint8_t family, const Tuple& t, TextBuffer* out) {
  char* p = out->Reserve(2 * kMaxAddrText + 16);
  std::memcpy(p, "src=", 4);
  p = FormatAddr(family, t.src, AddrStyle::kCompressed, p + 4);
  std::memcpy(p, " dst=", 5);
  p = FormatAddr(family, t.dst, AddrStyle::kCompressed, p + 5);
  *p++ = ' ';
  out->Commit(p);
}

// The L4 part of a tuple, chosen by protocol number as libnetfilter_conntrack does.
// Identifiers the source did not supply print as 0 (conntrack's behaviour for DCCP on
// 6.17+ kernels).
void AppendL4(uint8_t proto, const Tuple& t, TextBuffer* out) {
  if (ProtoHasPorts(proto)) {
    out->Append("sport=");
    out->AppendU64(t.has_l4 ? t.sport : 0);
    out->Append(" dport=");
    out->AppendU64(t.has_l4 ? t.dport : 0);
    out->Append(' ');
  } else if (proto == kProtoGRE) {
    out->Append("srckey=0x");
    out->AppendHex(t.has_l4 ? t.sport : 0);
    out->Append(" dstkey=0x");
    out->AppendHex(t.has_l4 ? t.dport : 0);
    out->Append(' ');
  } else if (ProtoIsICMP(proto)) {
    out->Append("type=");
    out->AppendU64(t.has_l4 ? t.icmp_type : 0);
    out->Append(" code=");
    out->AppendU64(t.has_l4 ? t.icmp_code : 0);
    out->Append(" id=");
    out->AppendU64(t.has_l4 ? t.icmp_id : 0);
    out->Append(' ');
  }
}

void AppendCounters(const Counters& c, TextBuffer* out) {
  out->Append("packets=");
  out->AppendU64(c.packets);
  out->Append(" bytes=");
  out->AppendU64(c.bytes);
  out->Append(' ');
}

// One direction: addresses, L4 part, that direction's zone, its counters.
void AppendDirection(const Flow& f, const Tuple& t, ZoneDir dir,
                     const std::optional<Counters>& counters, TextBuffer* out) {
  AppendAddresses(f.family, t, out);
  AppendL4(f.l4proto, t, out);
  if (f.zone.dir == dir && f.zone.id != 0) {
    out->Append(dir == kZoneDirOrig ? "zone-orig=" : "zone-reply=");
    out->AppendU64(f.zone.id);
    out->Append(' ');
  }
  if (counters) AppendCounters(*counters, out);
}

void AppendCtime(absl::string_view key, uint64_t ns, TextBuffer* out) {
  time_t secs = static_cast<time_t>(ns / 1000000000u);
  char buf[64];
  if (ctime_r(&secs, buf) == nullptr) return;
  size_t n = std::strlen(buf);
  if (n > 0 && buf[n - 1] == '\n') --n;
  out->Append('[');
  out->Append(key);
  out->Append('=');
  out->Append(absl::string_view(buf, n));
  out->Append("] ");
}

}  // namespace

uint64_t WallClockNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void AppendConntrackLine(const Flow& f, const ConntrackStyle& style, uint64_t now_ns,
                         TextBuffer* out) {
  if (style.extended) AppendNameColumn(FamilyName(f.family), f.family, out);
  AppendNameColumn(ProtoName(f.l4proto), f.l4proto, out);
  if (f.timeout) {
    // ctnetlink clamps an overdue timer to 0 and conntrack prints it unsigned; only
    // pre-4.7 /proc text can hold a negative value.
    out->AppendU64(*f.timeout < 0 ? 0 : static_cast<uint64_t>(*f.timeout));
    out->Append(' ');
  }
  if (f.state) {
    out->Append(StateName(f.l4proto, *f.state));
    out->Append(' ');
  }

  AppendDirection(f, f.orig, kZoneDirOrig, f.orig_counters, out);
  if ((f.status_known & kStatusSeenReply) && !(f.status & kStatusSeenReply)) {
    out->Append("[UNREPLIED] ");
  }

  AppendDirection(f, f.reply, kZoneDirReply, f.reply_counters, out);

  if (f.status & kStatusHwOffload) {
    out->Append("[HW_OFFLOAD] ");
  } else if (f.status & kStatusOffload) {
    out->Append("[OFFLOAD] ");
  } else if (f.status & kStatusAssured) {
    out->Append("[ASSURED] ");
  }
  if (f.mark) {
    out->Append("mark=");
    out->AppendU64(*f.mark);
    out->Append(' ');
  }
  if (f.secmark) {
    out->Append("secmark=");
    out->AppendU64(*f.secmark);
    out->Append(' ');
  }
  if (!f.secctx.empty()) {
    out->Append("secctx=");
    out->Append(f.secctx);
    out->Append(' ');
  }
  if (f.zone.dir == kZoneDirBoth && f.zone.id != 0) {
    out->Append("zone=");
    out->AppendU64(f.zone.id);
    out->Append(' ');
  }
  if (f.start_ns) {
    // libnetfilter_conntrack truncates both ends to seconds before subtracting.
    // A stop of 0 means "not stopped", as libnetfilter_conntrack reads it.
    uint64_t stop_s = f.stop_ns && *f.stop_ns != 0 ? *f.stop_ns / 1000000000u
                                                   : now_ns / 1000000000u;
    out->Append("delta-time=");
    out->AppendU64(stop_s - *f.start_ns / 1000000000u);
    out->Append(' ');
  } else if (f.delta_time) {
    out->Append("delta-time=");
    out->AppendU64(*f.delta_time);
    out->Append(' ');
  }
  if (style.ktimestamp) {
    if (f.start_ns) AppendCtime("start", *f.start_ns, out);
    if (f.stop_ns) AppendCtime("stop", *f.stop_ns, out);
  }
  if (!f.helper.empty()) {
    out->Append("helper=");
    out->Append(f.helper);
    out->Append(' ');
  }
  if (f.use) {
    out->Append("use=");
    out->AppendU64(*f.use);
    out->Append(' ');
  }
  if (style.show_id && f.id) {
    out->Append("id=");
    out->AppendU64(*f.id);
    out->Append(' ');
  }
  if (style.labels != nullptr && f.labels) {
    // conntrack 1.4.7 prints a bare "labels" when no set bit has a name (its bug 10);
    // we leave the field out instead.
    bool any = false;
    const auto& names = style.labels->by_bit;
    for (unsigned bit = 0; bit < 128 && bit < names.size(); ++bit) {
      if (!f.labels->Test(bit) || names[bit].empty()) continue;
      out->Append(any ? "," : "labels=");
      out->Append(names[bit]);
      any = true;
    }
    if (any) out->Append(' ');
  }
  // Every field ends in a blank; the last one becomes the newline.
  char* end = out->Reserve(1);
  if (end[-1] == ' ') {
    end[-1] = '\n';
  } else {
    *end++ = '\n';
    out->Commit(end);
  }
}

}  // namespace ctdump
