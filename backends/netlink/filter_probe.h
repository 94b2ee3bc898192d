// File: backends/netlink/filter_probe.h
//
// What the running kernel does with the kernel-side dump filters of kernel_filter.h:
// found out ONCE per backend, by behaviour, the first time a part is wanted (never by
// version strings), with probe dumps in the family being dumped. The netlink backend
// (netlink_backend.h) keeps one NetlinkFilterSupport, lets ProbeFilterSupport() fill it
// in before its first filtered request, sends only AllowedFilterParts(), and calls
// BlameRefusal() when the kernel refuses a filtered request anyway.
//
//   NetlinkFilterSupport support;
//   CTDUMP_RETURN_IF_ERROR(ProbeFilterSupport(wanted, AF_INET, probe_dump, &support));
//   uint32_t allowed = AllowedFilterParts(support);   // what the requests may carry
//   ... the kernel refuses a request that carried `used` before any entry:
//   allowed &= ~BlameRefusal(used, &support);          // ask again with less
//
// The probes (docs/ctnetlink.md 4.2):
//   mark    CTA_MARK 1 / CTA_MARK_MASK 0: no entry can pass (mark & 0) == 1. An empty
//           dump means the kernel applies mark filters; an entry means it ignores them
//           (reading stops there and the socket is replaced, so an old kernel costs one
//           datagram, not a table); EINVAL/EOPNOTSUPP means it refuses them (kernel
//           without CONFIG_NF_CONNTRACK_MARK).
//   status  CTA_STATUS = CTA_STATUS_MASK = IPS_TEMPLATE: templates never enter the table
//           and ctnetlink cannot set the bit, so again nothing can pass. Same reading
//           (5.15+ applies it, older kernels ignore it).
//   tuple   Decided by the kernel's validation, not by the table's content: CTA_FILTER
//           asking for PROTO_NUM in CTA_TUPLE_ORIG and PROTO_NUM|ICMP_TYPE in
//           CTA_TUPLE_REPLY, with ICMP type 3 (ICMPv6 type 1 for AF_INET6) in the reply
//           tuple, a type conntrack cannot track. A kernel that parses CTA_FILTER and
//           checks each direction's tuple against that direction's flags answers EINVAL
//           (supported). A kernel that does not know CTA_FILTER (before 5.8), or 5.8-5.14
//           kernels without commit "ctnetlink: use correct flags for reply tuple filter",
//           which parse the reply tuple with the ORIGINAL flags and would then compare
//           reply fields against zeros, accept it and dump: tuple filters are not used
//           there. On a kernel that validates, the probe costs no table walk at all (the
//           EINVAL comes before the dump starts); on one that does not, reading stops at
//           the first datagram, as for the other probes.
//   zone    No value of CTA_ZONE can match nothing and CTA_ZONE has no validation to
//           exploit, so there is no probe: the zone is sent whenever it is sound (a
//           kernel before 6.8 ignores it, which is harmless) and judged on the dump itself.
// Why not "nothing came back, so it is supported" alone: an empty family table also
// returns nothing. For mark and status that is harmless (sending a filter the kernel
// ignores costs nothing and changes no result); for the tuple filter it is not, because a
// kernel with the reply-flags bug would DROP wanted entries, hence the validation probe.
// The backend also checks every entry that crosses the socket against what was pushed
// (KernelKeeps()): an entry the kernel should have dropped is counted in
// NetlinkDumpStats::filter_misses / filter_not_applied, which tells "ignored" apart from
// "applied" on the real dump.
// If the kernel refuses a filtered request (EINVAL or EOPNOTSUPP before any entry), the
// parts no probe vouched for (or, if all were vouched for, all of them) are marked
// refused (BlameRefusal()) and the family is asked for again without them, down to a
// family-only dump.

#ifndef CTDUMP_BACKENDS_NETLINK_FILTER_PROBE_H_
#define CTDUMP_BACKENDS_NETLINK_FILTER_PROBE_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/netlink/request.h"
#include "backends/netlink/transport.h"
#include "core/flow.h"

namespace ctdump {
namespace netlink {

// What a backend found out about the kernel's dump filters (see the file comment).
enum class FilterSupport : uint8_t {
  kUnknown,   // not probed yet (or the probe was cut short)
  kApplied,   // the kernel filters by it
  kIgnored,   // the kernel accepts it but does not filter (too old), or cannot be trusted
              // with it (tuple: the 5.8-5.14 reply-flags bug)
  kRefused,   // the kernel answers EINVAL/EOPNOTSUPP (build option missing)
};
struct NetlinkFilterSupport {
  FilterSupport mark = FilterSupport::kUnknown;
  FilterSupport status = FilterSupport::kUnknown;
  FilterSupport zone = FilterSupport::kUnknown;  // never probed; kRefused after a refusal
  FilterSupport tuple = FilterSupport::kUnknown;
};
const char* FilterSupportName(FilterSupport s);  // "unknown", "applied", ...

// How one probe dump ended.
struct ProbeResult {
  bool conclusive = false;  // false: cut short by an I/O or framing problem
  bool entries = false;     // at least one entry crossed the socket
  int error = 0;            // the kernel refused the request with this errno (EPERM too:
                            // the caller turns that into its permission error)
  bool close_transport = false;  // the socket may still hold part of the dump (an entry
                                 // came, or the reply was cut short): replace it
};

// Runs one probe dump of `filter` for `family`. The caller supplies the transport (and
// replaces it when ProbeResult::close_transport says so).
using ProbeDump =
    absl::FunctionRef<absl::StatusOr<ProbeResult>(uint8_t family, const DumpFilter& filter)>;

// Probes the parts of `wanted` (KernelFilterPart bits) whose support is still kUnknown in
// *support, with dumps of `family` through `probe`, and records the answers. Errors: those
// of `probe`, at once.
absl::Status ProbeFilterSupport(uint32_t wanted, uint8_t family, ProbeDump probe,
                                NetlinkFilterSupport* support);

// The KernelFilterPart bits a request may carry given `support`: the parts a probe found
// applied, plus the zone unless it was refused (no probe; a kernel before 6.8 ignores it).
uint32_t AllowedFilterParts(const NetlinkFilterSupport& support);

// The kernel refused, before any entry, a request carrying the parts `used`: blames the
// parts no probe vouched for (all of `used` if every part was vouched for), marks them
// kRefused in *support and returns them. Non-zero whenever `used` is.
uint32_t BlameRefusal(uint32_t used, NetlinkFilterSupport* support);

// One probe over `transport`: sends a CT_GET dump request of `family` carrying `filter`
// with sequence number `seq` (counted in *sent once it is out), then reads the answer
// into `buf` (decoding entries into *scratch) until it is clear: the first entry, the
// end of the dump, or a refusal.
// Errors: those of Transport::Send(); kInternal when the request cannot be built.
absl::StatusOr<ProbeResult> RunProbeDump(Transport& transport, uint8_t family,
                                         const DumpFilter& filter, uint32_t seq,
                                         absl::Span<uint8_t> buf, Flow* scratch,
                                         uint64_t* sent);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_FILTER_PROBE_H_
