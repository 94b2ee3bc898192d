#include "bench/corpus.h"

#include "core/kernel.h"
#include "core/proc_format.h"
#include "core/text_buffer.h"
#include "tools/ctgen/synthetic.h"

namespace ctdump {
namespace bench {
namespace {

Tuple Mirror(const Tuple& t, uint8_t proto) {
  Tuple r = t;
  r.src = t.dst;
  r.dst = t.src;
  r.sport = t.dport;
  r.dport = t.sport;
  if (proto == kProtoICMP || proto == kProtoICMPv6) {
    // Echo request <-> reply, as the kernel inverts them (8 <-> 0, 128 <-> 129).
    r.icmp_type = proto == kProtoICMP ? (t.icmp_type == 8 ? 0 : t.icmp_type)
                                      : (t.icmp_type == 128 ? 129 : t.icmp_type);
  }
  return r;
}

}  // namespace

std::vector<Flow> SyntheticTable(size_t n, uint64_t seed) {
  ctgen::SyntheticOptions o;
  o.mix = ctgen::Mix::kMixed;
  o.v6_percent = 10;
  o.seed = seed;
  std::vector<Flow> flows(n);
  for (size_t i = 0; i < n; ++i) {
    const ctgen::EntrySpec e = ctgen::SyntheticEntry(i, o);
    Flow& f = flows[i];
    f.source = Source::kNetlink;
    f.family = e.family;
    f.l4proto = e.proto;
    f.orig.src = e.src;
    f.orig.dst = e.dst;
    f.orig.has_l4 = e.proto != 253;
    f.orig.sport = e.sport;
    f.orig.dport = e.dport;
    f.orig.icmp_type = e.icmp_type;
    f.orig.icmp_code = e.icmp_code;
    f.orig.icmp_id = e.icmp_id;
    f.reply = Mirror(f.orig, e.proto);
    f.status_known = ~0u;
    f.status = e.status | kStatusConfirmed;
    f.timeout = e.timeout;
    if (e.tcp_state) {
      f.state = *e.tcp_state;
      f.tcp = TcpInfo{7, 7, 0x23, 0x23};
    }
    if (e.sctp_state) {
      f.state = *e.sctp_state;
      f.sctp = SctpInfo{static_cast<uint32_t>(i), static_cast<uint32_t>(i * 7)};
    }
    f.mark = e.mark.value_or(0);
    f.use = 1;
    f.id = static_cast<uint32_t>(i * 2654435761u);
    f.orig_counters = Counters{1 + i % 50, 60 + (i % 50) * 1400};
    f.reply_counters = Counters{i % 40, (i % 40) * 900};
    f.start_ns = kBenchNowNs - (1 + i % 3600) * 1000000000ull;
  }
  return flows;
}

std::string ProcText(const std::vector<Flow>& flows, uint64_t now_ns) {
  TextBuffer out(flows.size() * 256);
  for (const Flow& f : flows) AppendProcLine(f, now_ns, &out);
  return std::string(out.view());
}

}  // namespace bench
}  // namespace ctdump
