// File: backends/netlink/stats_query.h
//
// The kernel's conntrack counts and statistics over ctnetlink: CT_GET_STATS (the table's
// entry count and limit, `conntrack -C`) and CT_GET_STATS_CPU (per-CPU statistics,
// `conntrack -S`). Read-only: only those two requests are sent (request.h). The /proc
// fallbacks and the choice between sources are in backends/stats.h.
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Transport> t, OpenCtnetlinkTransport());
//   CTDUMP_ASSIGN_OR_RETURN(GlobalStats g, QueryGlobalStats(*t));
//   CTDUMP_ASSIGN_OR_RETURN(std::vector<CpuStats> cpus, DumpCpuStats(*t));
//
// Both need CAP_NET_ADMIN in the caller's network namespace (docs/ctnetlink.md section 9).
// Every error message starts with "ctnetlink CT_GET_STATS" or "ctnetlink
// CT_GET_STATS_CPU" and says why, e.g. "ctnetlink CT_GET_STATS refused (EPERM): needs
// CAP_NET_ADMIN in this network namespace". Codes:
//   kPermissionDenied    the kernel refused with EPERM
//   kFailedPrecondition  the kernel has no such message (EINVAL/EOPNOTSUPP)
//   kDataLoss            the reply was malformed or broke off part-way (NLMSG_DONE with an
//                        error, ENOBUFS), or did not answer the request
//   others               from the transport, or the errno of another refusal

#ifndef CTDUMP_BACKENDS_NETLINK_STATS_QUERY_H_
#define CTDUMP_BACKENDS_NETLINK_STATS_QUERY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/transport.h"
#include "core/cpu_stats.h"

namespace ctdump {
namespace netlink {

// One CT_GET_STATS request: the entry count, and the limit on 4.18+.
absl::StatusOr<GlobalStats> QueryGlobalStats(Transport& transport);

// One CT_GET_STATS_CPU dump: one record per possible CPU, in the kernel's order.
absl::StatusOr<std::vector<CpuStats>> DumpCpuStats(Transport& transport);

// DecodeCpuStatsMessage() decodes one CT_GET_STATS_CPU reply (nlmsg_type 0x0104): cpu
// from res_id (be16), every be32 counter attribute 1..kCpuStatMax that is present;
// attributes of other numbers are skipped (newer kernels may add some).
// Errors: kDataLoss ("not a CT_GET_STATS_CPU reply: nlmsg_type 0x0100", "truncated
// message ...", "CTA_STATS_FOUND has 2 bytes, want 4", "malformed attribute ...").
absl::Status DecodeCpuStatsMessage(absl::Span<const uint8_t> msg, CpuStats* out);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_STATS_QUERY_H_
