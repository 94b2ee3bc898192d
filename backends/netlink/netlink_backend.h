// File: backends/netlink/netlink_backend.h
//
// The ctnetlink backend: dumps the conntrack table of the caller's network namespace over
// a NETLINK_NETFILTER socket (what `conntrack -L` does), decoding and streaming entries as
// they arrive. Read-only by construction (request.h).
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, MakeNetlinkBackend());
//   CTDUMP_RETURN_IF_ERROR(b->Dump(DumpRequest{}, sink));
//   if (const NetlinkDumpStats* st = NetlinkStats(*b)) log(st->duplicates);
//
// Dump() sends one CT_GET dump request per family, AF_INET then AF_INET6 (only the one
// in DumpRequest::family when set): 4.4-era kernels reject AF_UNSPEC. Every reply is
// checked against the request's sequence number and the socket's port id. Entries go to
// FlowSink::OnFlow() in kernel order; entries that cannot be decoded go to OnSkipped()
// and the dump goes on. The kernel may send an entry twice when the table changes during
// the dump (no NLM_F_DUMP_INTR in ctnetlink); repeats of an (id, original tuple) seen
// among the last kDedupWindow entries are dropped and counted. Memory stays flat in the
// table size: one 64 KiB receive buffer, one Flow, the window.
//
// When the sink returns false, Dump() closes the socket at once (the kernel discards the
// rest of the dump) and returns OK; the next Dump() opens a new socket. The same happens
// after any error in mid-dump, so no stale reply can leak into a later dump.
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

#include "absl/status/statusor.h"
#include "backends/netlink/transport.h"
#include "core/backend.h"

namespace ctdump {

// Counters of the most recent Dump() of a netlink backend (reset when a Dump() starts).
struct NetlinkDumpStats {
  uint64_t requests = 0;      // dump requests sent (one per family)
  uint64_t datagrams = 0;     // successful recvmsg() calls
  uint64_t bytes = 0;         // bytes received
  uint64_t messages = 0;      // netlink messages walked
  uint64_t flows = 0;         // entries handed to FlowSink::OnFlow()
  uint64_t duplicates = 0;    // entries dropped as repeats of a recent (id, tuple)
  uint64_t skipped = 0;       // entries handed to FlowSink::OnSkipped()
  uint64_t eintr = 0;         // recvmsg() calls interrupted and retried
  bool stopped_early = false;  // the sink returned false
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

// The statistics of `backend`'s most recent Dump(), or nullptr when `backend` was not made
// by MakeNetlinkBackend(). Valid until the next Dump() or the backend's destruction.
const NetlinkDumpStats* NetlinkStats(const Backend& backend);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_NETLINK_BACKEND_H_
