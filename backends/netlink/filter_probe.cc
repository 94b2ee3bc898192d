#include "backends/netlink/filter_probe.h"

#include <errno.h>

#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/kernel_filter.h"
#include "core/kernel.h"
#include "core/status_macros.h"

namespace ctdump {
namespace netlink {

const char* FilterSupportName(FilterSupport s) {
  switch (s) {
    case FilterSupport::kUnknown: return "unknown";
    case FilterSupport::kApplied: return "applied";
    case FilterSupport::kIgnored: return "ignored";
    case FilterSupport::kRefused: return "refused";
  }
  return "unknown";
}

absl::Status ProbeFilterSupport(uint32_t wanted, uint8_t family, ProbeDump probe,
                                NetlinkFilterSupport* support) {
  const bool want_tuple =
      (wanted & kKernelFilterTuple) && support->tuple == FilterSupport::kUnknown;
  // Read the answer of a never-match probe.
  auto never_match = [](const ProbeResult& r) {
    if (!r.conclusive) return FilterSupport::kUnknown;
    if (r.error != 0) return FilterSupport::kRefused;
    return r.entries ? FilterSupport::kIgnored : FilterSupport::kApplied;
  };
  if (support->status == FilterSupport::kUnknown && (wanted & kKernelFilterStatus)) {
    DumpFilter f;
    f.status_value = kStatusTemplate;  // templates are never in the table
    f.status_mask = kStatusTemplate;
    CTDUMP_ASSIGN_OR_RETURN(ProbeResult r, probe(family, f));
    support->status = never_match(r);
  }
  if (support->mark == FilterSupport::kUnknown && (wanted & kKernelFilterMark)) {
    DumpFilter f;
    f.mark_value = 1;  // (mark & 0) == 1 never holds
    f.mark_mask = 0;
    CTDUMP_ASSIGN_OR_RETURN(ProbeResult r, probe(family, f));
    support->mark = never_match(r);
  }
  if (want_tuple) {
    DumpFilter f;
    const bool v6 = family == kFamilyIPv6;
    const uint8_t proto = v6 ? kProtoICMPv6 : kProtoICMP;
    f.orig.flags = ctnl::kCtaFilterFProtoNum;
    f.orig.proto = proto;
    f.reply.flags = ctnl::kCtaFilterFProtoNum |
                    (v6 ? ctnl::kCtaFilterFIcmpv6Type : ctnl::kCtaFilterFIcmpType);
    f.reply.proto = proto;
    f.reply.icmp_type = v6 ? 1 : 3;  // destination unreachable: not trackable -> EINVAL
    CTDUMP_ASSIGN_OR_RETURN(ProbeResult r, probe(family, f));
    if (!r.conclusive) {
      support->tuple = FilterSupport::kUnknown;
    } else if (r.error == EINVAL) {
      support->tuple = FilterSupport::kApplied;
    } else if (r.error != 0) {
      support->tuple = FilterSupport::kRefused;
    } else {
      support->tuple = FilterSupport::kIgnored;
    }
  }
  return absl::OkStatus();
}

uint32_t AllowedFilterParts(const NetlinkFilterSupport& support) {
  uint32_t allowed = 0;
  if (support.mark == FilterSupport::kApplied) allowed |= kKernelFilterMark;
  if (support.status == FilterSupport::kApplied) allowed |= kKernelFilterStatus;
  if (support.tuple == FilterSupport::kApplied) allowed |= kKernelFilterTuple;
  // No probe for the zone: sent unless refused (a kernel before 6.8 ignores it).
  if (support.zone != FilterSupport::kRefused) allowed |= kKernelFilterZone;
  return allowed;
}

uint32_t BlameRefusal(uint32_t used, NetlinkFilterSupport* support) {
  uint32_t vouched = 0;
  if (support->mark == FilterSupport::kApplied) vouched |= kKernelFilterMark;
  if (support->status == FilterSupport::kApplied) vouched |= kKernelFilterStatus;
  if (support->tuple == FilterSupport::kApplied) vouched |= kKernelFilterTuple;
  uint32_t blame = used & ~vouched;
  if (blame == 0) blame = used;
  if (blame & kKernelFilterMark) support->mark = FilterSupport::kRefused;
  if (blame & kKernelFilterStatus) support->status = FilterSupport::kRefused;
  if (blame & kKernelFilterZone) support->zone = FilterSupport::kRefused;
  if (blame & kKernelFilterTuple) support->tuple = FilterSupport::kRefused;
  return blame;
}

absl::StatusOr<ProbeResult> RunProbeDump(Transport& transport, uint8_t family,
                                         const DumpFilter& filter, uint32_t seq,
                                         absl::Span<uint8_t> buf, Flow* scratch,
                                         uint64_t* sent) {
  ProbeResult result;
  const CtRequestBytes req = BuildCtRequest(CtRequest::kDumpTable, family, seq, &filter);
  if (req.size == 0) {
    return absl::InternalError("netlink probe: the request builder refused the probe");
  }
  CTDUMP_RETURN_IF_ERROR(transport.Send(req.span()));
  ++*sent;
  const uint32_t port_id = transport.PortId();
  for (;;) {
    absl::StatusOr<size_t> got = transport.Recv(buf);
    if (!got.ok() && TransportErrno(got.status()) == EINTR) continue;
    if (!got.ok() || *got == 0) {
      result.close_transport = true;  // inconclusive; a fresh socket for what follows
      return result;
    }
    DumpBufferReader reader(buf.subspan(0, *got), scratch);
    NlItem item;
    while (reader.Next(&item)) {
      if (item.seq != seq || item.port_id != port_id) {
        result.close_transport = true;
        return result;
      }
      switch (item.kind) {
        case NlKind::kFlow:
        case NlKind::kBadFlow:
          // The filter let an entry through: that is the answer. Closing the socket
          // discards the rest of the dump.
          result.conclusive = true;
          result.entries = true;
          result.close_transport = true;
          return result;
        case NlKind::kDone:
          result.conclusive = item.error == 0;
          return result;
        case NlKind::kError:
          if (item.error == 0) break;  // an ACK
          result.conclusive = true;
          result.error = item.error;
          return result;
        case NlKind::kOther:
          break;
      }
    }
    if (!reader.status().ok()) {
      result.close_transport = true;
      return result;
    }
  }
}

}  // namespace netlink
}  // namespace ctdump
