// File: backends/lookup.h
//
// `conntrack -G`: one entry of the table, looked up by its tuple. Read-only.
//
//   Filter key;                        // -p tcp -s A -d B --sport X --dport Y
//   CollectingSink sink;
//   absl::Status s = LookupEntry("auto", key, sink, log);
//   if (s.code() == absl::StatusCode::kNotFound) ...   // "such conntrack doesn't exist"
//
// `key` names the entry as `conntrack -G` does: `l4proto`, the family, and the original
// tuple (exact orig_src and orig_dst, plus orig ports / ICMP type, code and id / GRE keys)
// or, when no original address is given, the reply tuple (reply_src, reply_dst, reply
// ports / GRE keys). Other fields of `key` are not looked at: the caller filters the
// entry found with its whole Filter, as conntrack does (--state, a reply tuple that
// does not fit the original one).
//
// Sources, by spec (as backends/select.h):
//   "netlink"   one IPCTNL_MSG_CT_GET request (backends/netlink/get_entry.h): the
//               kernel finds the entry in the default zone and sends it back. No dump,
//               nothing changed.
//   "auto"      the same; when ctnetlink is missing (kFailedPrecondition), the /proc scan.
//   "procfs", "procfs:PATH", "input:PATH"
//               reads the table and takes the first entry whose tuple in that direction
//               equals the key's and whose zone in that direction is 0 (a scan of the
//               whole file: /proc has no lookup).
// At most one flow reaches sink.OnFlow(); records the scan cannot read go to OnSkipped().
//
// Errors, worded as conntrack 1.4.7 words them after "Operation failed: ":
//   kNotFound          "such conntrack doesn't exist" (ENOENT, or the scan found none)
//   kInvalidArgument   "invalid parameters" (EINVAL: the kernel refused the tuple, e.g.
//                      tcp without both ports) or an unknown spec
//   kPermissionDenied  "sorry, you must be root or get CAP_NET_ADMIN capability to do this"
//   others             the source's own errors (MakeBackend(), Dump(), the socket's)

#ifndef CTDUMP_BACKENDS_LOOKUP_H_
#define CTDUMP_BACKENDS_LOOKUP_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "backends/select.h"
#include "core/backend.h"
#include "core/filter.h"

namespace ctdump {

absl::Status LookupEntry(absl::string_view spec, const Filter& key, FlowSink& sink,
                         const BackendLog& log = nullptr);

// Whether `flow` is the entry `key` names (the /proc scan's test; pure). The ctnetlink
// half is backends/netlink/get_entry.h.
bool IsLookedUpEntry(const Filter& key, const Flow& flow);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_LOOKUP_H_
