// File: backends/netlink/netlink_backend.h
//
// The ctnetlink backend: dumps the conntrack table of the caller's network namespace over
// a NETLINK_NETFILTER socket (what `conntrack -L` does), decoding and streaming entries as
// they arrive. Read-only by construction (request.h).
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, MakeNetlinkBackend());
//   CTDUMP_RETURN_IF_ERROR(b->Dump(DumpRequest{}, sink));
//   if (const NetlinkDumpCounters* st = NetlinkDumpCountersOf(*b)) log(st->duplicates);
//
//   DumpRequest req;
//   req.filter = &filter;                    // a hint: `sink` must still call Matches()
//   CTDUMP_RETURN_IF_ERROR(b->Dump(req, sink));
//   log(netlink::KernelFilterPartsText(NetlinkDumpCountersOf(*b)->filter_pushed));  // "mark"
//
// Dump() sends one CT_GET dump request for AF_UNSPEC when both families are wanted and no
// tuple condition is pushed (the kernel then walks its table once); otherwise one per
// family, AF_INET then AF_INET6 (only those that DumpRequest::family and the filter
// allow). A kernel that refuses AF_UNSPEC (4.4-era) is asked per family from then on.
// A second thread receives the datagrams of a dump ahead of the decoder (at most 4 x 64
// KiB, io/read_ahead.h), so the kernel's work inside recvmsg() overlaps with decoding
// and printing. Every reply is checked against the request's sequence number and the
// socket's port id. Entries go to
// FlowSink::OnFlow() in kernel order; entries that cannot be decoded go to OnSkipped()
// and the dump goes on. The kernel may send an entry twice when the table changes during
// the dump (no NLM_F_DUMP_INTR in ctnetlink); repeats of an (id, original tuple) seen
// among the last kDedupWindow entries are dropped and counted. Memory stays flat in the
// table size: the receive buffers, one Flow, the window.
//
// When the sink returns false, Dump() closes the socket at once (the kernel discards the
// rest of the dump) and returns OK; the next Dump() opens a new socket. The same happens
// after any error in mid-dump, so no stale reply can leak into a later dump.
//
// KERNEL-SIDE FILTERING. With DumpRequest::filter set, the requests carry the parts of the
// filter that kernel_filter.h calls sound (mark, status, non-zero zone, exact IPv4
// addresses, protocol, TCP/UDP ports, ICMP fields), and only families the filter can match
// are asked for. The kernel then never serializes the other entries; the caller re-applies
// the whole Filter anyway. Which parts the running kernel applies is found out once per
// backend by probe dumps (filter_probe.h, which also says what happens when the kernel
// refuses a filtered request). Every entry that crosses the socket is checked against
// what was pushed (KernelKeeps()): an entry the kernel should have dropped is counted in
// NetlinkDumpCounters::filter_misses / filter_not_applied.
//
// Errors of Dump():
//   kPermissionDenied    "ctnetlink dump refused (EPERM): needs CAP_NET_ADMIN in this
//                        network namespace; run as root"
//   kFailedPrecondition  ctnetlink missing (socket EPROTONOSUPPORT, or EINVAL for a plain
//                        dump request: nf_conntrack_netlink not loaded)
//   kDataLoss            "dump failed part-way: ..." (NLMSG_DONE with an error),
//                        "dump lost messages (ENOBUFS) ...", a reply with the wrong
//                        sequence number or port id, broken framing. Entries already
//                        streamed stand, but the listing is incomplete.
//   kInvalidArgument     DumpRequest::family other than 0, AF_INET, AF_INET6
//   others               absl::ErrnoToStatus(errno, "<operation>") for the rest

#ifndef CTDUMP_BACKENDS_NETLINK_NETLINK_BACKEND_H_
#define CTDUMP_BACKENDS_NETLINK_NETLINK_BACKEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "backends/netlink/filter_probe.h"
#include "backends/netlink/kernel_filter.h"
#include "backends/netlink/transport.h"
#include "core/backend.h"

namespace ctdump {
namespace netlink {

// Counters of the most recent Dump() of a netlink backend (reset when a Dump() starts).
struct NetlinkDumpCounters {
  uint64_t requests = 0;      // dump requests sent (one, or one per family, plus a re-send per
                              // refused filter); probes are counted in probe_requests
  uint64_t datagrams = 0;     // successful recvmsg() calls for those requests
  uint64_t bytes = 0;         // bytes received for them
  uint64_t messages = 0;      // netlink messages walked for them (entries, NLMSG_DONE, ...)
  uint64_t flows = 0;         // entries handed to FlowSink::OnFlow()
  uint64_t duplicates = 0;    // entries dropped as repeats of a recent (id, tuple)
  uint64_t skipped = 0;       // entries handed to FlowSink::OnSkipped()
  uint64_t eintr = 0;         // recvmsg() calls interrupted and retried
  bool stopped_early = false;  // the sink returned false

  // Kernel-side filtering (DumpRequest::filter). The uint32_t fields are sets of
  // netlink::KernelFilterPart bits; netlink::KernelFilterPartsText() prints them.
  uint32_t filter_wanted = 0;       // parts of the filter that are sound to push
  uint32_t filter_pushed = 0;       // parts the dump requests carried (after any fallback)
  uint32_t filter_rejected = 0;     // parts the kernel refused (EINVAL/EOPNOTSUPP); the
                                    // family was asked for again without them
  uint32_t filter_not_applied = 0;  // pushed parts that an entry crossing the socket
                                    // contradicts: the kernel ignored them
  uint64_t filter_misses = 0;       // entries that crossed although the pushed filter
                                    // drops them (0 when the kernel applied it all)
  uint64_t probe_requests = 0;      // support probes sent by this Dump() (not in
                                    // requests/datagrams/bytes/messages)
  // What each dump request carried, e.g. "AF_INET{mark=0x3/0xffffffff}
  // AF_INET6{mark=0x3/0xffffffff}" (netlink::DumpFilterText() per request; "{none}" when
  // unfiltered; a refused request and its retry both appear).
  std::string kernel_filter;
};

// Entries remembered for duplicate suppression (about 100 KiB). A resumed dump resends
// at most one hash bucket, which is far smaller.
inline constexpr size_t kDedupWindow = 4096;

// MakeNetlinkBackend() opens a ctnetlink socket now (so that a kernel without nfnetlink
// is reported before any dump) and returns the backend. Name() is "netlink".
// Errors: those of OpenCtnetlinkTransport() (transport.h).
absl::StatusOr<std::unique_ptr<Backend>> MakeNetlinkBackend();

// For tests: a backend that dumps through `transport`. Once the backend closes it (early
// stop or mid-dump error), later Dump() calls fail with kFailedPrecondition.
absl::StatusOr<std::unique_ptr<Backend>> MakeNetlinkBackend(
    std::unique_ptr<netlink::Transport> transport);

// For tests: a backend that opens its transport with `open`, now and again whenever it
// had to close it (early stop, mid-dump error, a probe cut short), like the real one.
using TransportOpener = std::function<absl::StatusOr<std::unique_ptr<netlink::Transport>>()>;
absl::StatusOr<std::unique_ptr<Backend>> MakeReopeningNetlinkBackend(TransportOpener open);

// The counters of `backend`'s most recent Dump(), or nullptr when `backend` was not made
// by MakeNetlinkBackend(). Valid until the next Dump() or the backend's destruction.
const NetlinkDumpCounters* NetlinkDumpCountersOf(const Backend& backend);

// What `backend` knows about the kernel's dump filters (filter_probe.h), or nullptr when
// `backend` was not made by MakeNetlinkBackend(). Valid for the backend's lifetime.
const netlink::NetlinkFilterSupport* NetlinkSupport(const Backend& backend);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_NETLINK_BACKEND_H_
