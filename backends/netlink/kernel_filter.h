// File: backends/netlink/kernel_filter.h
//
// Which parts of a user-space Filter (core/filter.h) the netlink backend pushes into the
// kernel as dump-request attributes, and how the kernel judges an entry against them.
// Pure functions, no I/O.
//
//   uint32_t used = 0;
//   DumpFilter df = DeriveDumpFilter(filter, kFamilyIPv4, kAllKernelFilterParts, &used);
//   CtRequestBytes req = BuildCtRequest(CtRequest::kDumpTable, kFamilyIPv4, seq, &df);
//
// THE RULE: a kernel-side filter may only ever drop entries that the user-space filter
// drops too (callers re-apply the whole Filter; the kernel filter only saves work). For
// every flow f of the request's family:  Matches(filter, f)  implies
// KernelKeeps(DeriveDumpFilter(filter, family, ...), family, f).
// kernel_filter_test.cc checks that implication over a large generated set of filters and
// flows; the kernel test checks the kernel against KernelKeeps().
//
// What is pushed, per Filter field (kernel semantics from net/netfilter/
// nf_conntrack_netlink.c, 5.8 .. 6.18; docs/ctnetlink.md section 4):
//   family          nfgen_family: always (the backend sends one request per family, and
//                   only for families the filter can match at all: DumpFamilies()).
//   mark_value/mask CTA_MARK + CTA_MARK_MASK [part kMark]. Kernel: (mark & mask) == value,
//                   exactly Matches()'s rule (a missing mark is 0 on both sides).
//   status_set/clear  CTA_STATUS = set, CTA_STATUS_MASK = set|clear [kStatus]. Kernel:
//                   (status & mask) == value, i.e. every `set` bit set and every `clear`
//                   bit clear: exactly Matches(). Not sent when both are 0 (mask 0 is
//                   EINVAL). A bit in both sets makes the kernel keep a superset (bit set)
//                   of Matches()' empty set: still sound.
//   zone / orig_zone / reply_zone  CTA_ZONE [kZone], only a NON-ZERO value (the first of
//                   zone, orig_zone, reply_zone that is non-zero). Kernel (6.8+): zone id
//                   equal, whatever the direction. Matches() wants, for -w N, a
//                   both-directions zone N; for --orig-zone N an orig-direction zone N; for
//                   --reply-zone N a reply-direction zone N: each implies "zone id == N",
//                   so the kernel keeps a superset. Zone 0 is never sent: Matches() counts a
//                   directional zone as 0 for -w 0 (and the other direction's zone as 0 for
//                   --orig-zone 0 / --reply-zone 0), so "-w 0" matches entries whose zone
//                   id is not 0, which CTA_ZONE 0 would drop. (6.8's first version also
//                   took zone 0 as "no filter".)
//   orig_src/orig_dst/reply_src/reply_dst  CTA_FILTER IP_SRC / IP_DST in CTA_TUPLE_ORIG /
//                   CTA_TUPLE_REPLY [kTuple], only for an EXACT IPv4 address (all-ones
//                   mask): the kernel compares addresses exactly, never with a prefix, so
//                   CIDR and --mask-src stay in user space. NEVER for IPv6: every kernel
//                   from 5.8 to 6.18 inverts the IPv6 comparison (ctnetlink_filter_match_
//                   tuple() drops an entry when `!ipv6_addr_cmp()`, i.e. when the addresses
//                   are EQUAL; seen on this 6.18 kernel: filtering src fd00::1 returned only
//                   the fd00::3 entry), which would drop exactly the entries asked for.
//   l4proto         PROTO_NUM in CTA_TUPLE_ORIG [kTuple]. Kernel: original protocol equal,
//                   as Matches().
//   ports           SRC_PORT / DST_PORT in that direction's tuple, only when l4proto is TCP
//                   or UDP (the reply tuple then carries PROTO_NUM too: the kernel refuses
//                   port flags without it, and the reply protocol always equals the
//                   original). The kernel compares ports only for TCP and UDP entries, and
//                   PROTO_NUM already limits the dump to the -p protocol, so the ports are
//                   compared on every entry the kernel keeps, exactly as Matches() does.
//                   For other protocols (sctp, udplite, dccp) only PROTO_NUM is sent: the
//                   kernel would ignore their ports anyway. Without l4proto nothing about
//                   ports is sent (a port flag without PROTO_NUM is EINVAL).
//   icmp_type/code/id  ICMP_TYPE / ICMP_CODE / ICMP_ID (ICMPV6_* for ICMPv6) in CTA_TUPLE_
//                   ORIG, only when l4proto is ICMP and the request family IPv4, or ICMPv6
//                   and IPv6. The type only when the kernel can track it (ICMP 0, 8, 13-18;
//                   ICMPv6 128, 129, 139, 140): for other types the kernel answers EINVAL
//                   (and holds no such entry, so Matches() keeps nothing either).
//   everything else (GRE keys, state, secmark, NAT, labels, CIDR, IPv6 addresses):
//                   user space only.
// Kernels older than a part ignore it (a superset again); a kernel lacking a build option
// refuses it (mark without CONFIG_NF_CONNTRACK_MARK, zone without CONFIG_NF_CONNTRACK_
// ZONES: EOPNOTSUPP), which the backend handles by dumping without that part.

#ifndef CTDUMP_BACKENDS_NETLINK_KERNEL_FILTER_H_
#define CTDUMP_BACKENDS_NETLINK_KERNEL_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "backends/netlink/request.h"
#include "core/filter.h"
#include "core/flow.h"

namespace ctdump {
namespace netlink {

// The independently detected parts of a kernel-side filter (bit set).
enum KernelFilterPart : uint32_t {
  kKernelFilterMark = 1u << 0,    // CTA_MARK + CTA_MARK_MASK (≈3.5+)
  kKernelFilterStatus = 1u << 1,  // CTA_STATUS + CTA_STATUS_MASK (5.15+)
  kKernelFilterZone = 1u << 2,    // CTA_ZONE (6.8+)
  kKernelFilterTuple = 1u << 3,   // CTA_FILTER + CTA_TUPLE_ORIG/REPLY (5.8+)
};
inline constexpr uint32_t kAllKernelFilterParts = 0xf;

// The families a dump must ask for, in order (AF_INET first): those of `request_family`
// (0 = both) that `filter` (may be null) can match at all: Filter::family and the family
// of every address condition must agree. Empty when they contradict each other (the
// user-space filter matches nothing then). `request_family` must be 0, AF_INET or
// AF_INET6.
struct DumpFamilies {
  uint8_t family[2] = {};
  size_t count = 0;
};
DumpFamilies FamiliesToDump(uint8_t request_family, const Filter* filter);

// DeriveDumpFilter() returns the attributes to send with a dump request of `family`
// (AF_INET / AF_INET6) for `filter`, using only the parts in `allowed`
// (KernelFilterPart bits), per the table above. `*used` (may be null) gets the parts that
// the result carries.
DumpFilter DeriveDumpFilter(const Filter& filter, uint8_t family, uint32_t allowed,
                            uint32_t* used);

// KernelKeeps() says what a correct kernel (6.18's ctnetlink_filter_match(), minus the
// IPv6 address inversion, which DeriveDumpFilter() never relies on) does with `flow` for a
// dump request of `family` carrying `f`: true when the entry crosses the socket. When it
// does not, `*failed` (may be null) gets the parts that refused it (0 when only the family
// differs).
bool KernelKeeps(const DumpFilter& f, uint8_t family, const Flow& flow, uint32_t* failed);

// "mark,status,zone,tuple" (only the bits set; "none" for 0).
std::string KernelFilterPartsText(uint32_t parts);

// What a request carries, for -v and test messages, e.g.
// "mark=0x3/0xffffffff status=0x2/0x6 zone=5 orig{src=10.0.0.1 proto=6 dport=80}".
// "none" for an empty filter.
std::string DumpFilterText(const DumpFilter& f, uint8_t family);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_KERNEL_FILTER_H_
