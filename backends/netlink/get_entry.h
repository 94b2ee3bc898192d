// File: backends/netlink/get_entry.h
//
// `conntrack -G` over ctnetlink: one entry by its tuple, with one IPCTNL_MSG_CT_GET
// request (NLM_F_REQUEST|NLM_F_ACK, no NLM_F_DUMP) carrying CTA_TUPLE_ORIG or
// CTA_TUPLE_REPLY (request.h kGetEntry). The kernel looks the tuple up in the default
// zone (ctnetlink_get_conntrack(), any kernel with ctnetlink) and answers with the entry
// and an ACK, or with an error. A read: nothing in the table changes.
//
//   absl::Status s = netlink::GetEntry(transport, key, sink);   // key: -p tcp -s A ...
//
// `key` names the entry as backends/lookup.h says (the original tuple when an original
// address is given, else the reply tuple). At most one flow reaches sink.OnFlow(); an
// entry that cannot be decoded goes to OnSkipped(). backends/lookup.h chooses between
// this and a /proc scan.

#ifndef CTDUMP_BACKENDS_NETLINK_GET_ENTRY_H_
#define CTDUMP_BACKENDS_NETLINK_GET_ENTRY_H_

#include "absl/status/status.h"
#include "backends/netlink/request.h"
#include "backends/netlink/transport.h"
#include "core/backend.h"
#include "core/filter.h"

namespace ctdump {
namespace netlink {

// Whether a -G key names the original tuple (it has an original address) rather than
// the reply tuple: the rule of the CT_GET request and of backends/lookup.h's scan.
bool KeyNamesOriginalTuple(const Filter& key);

// The tuple a key names (pure): `orig` filled when the key has an original address,
// else `reply`; with the protocol, ports (GRE keys as ports) and, for the original
// ICMP/ICMPv6 tuple, type, code and id.
DumpFilter GetEntryTuple(const Filter& key);

// One CT_GET over `transport`. Errors, worded as conntrack 1.4.7 words them:
//   kNotFound          "such conntrack doesn't exist" (ENOENT)
//   kInvalidArgument   "invalid parameters" (EINVAL, or a key without family or tuple:
//                      then nothing is sent)
//   kPermissionDenied  "sorry, you must be root or get CAP_NET_ADMIN capability to do this"
//   kDataLoss          a reply that does not belong to the request, or an ACK without
//                      the entry
//   others             the transport's
absl::Status GetEntry(Transport& transport, const Filter& key, FlowSink& sink);

// conntrack 1.4.7's words (its err2str()) for the errno of a CT_GET.
absl::Status GetEntryRefusal(int err);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_GET_ENTRY_H_
