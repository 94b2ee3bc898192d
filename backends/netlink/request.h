// File: backends/netlink/request.h
//
// The ctnetlink requests that ctdump sends. READ-ONLY BY CONSTRUCTION: a request is
// named by the CtRequest enum, and the only messages this library can build are
//   kDumpTable     IPCTNL_MSG_CT_GET          0x0101  NLM_F_REQUEST|NLM_F_DUMP (0x301)
//   kGetStats      IPCTNL_MSG_CT_GET_STATS    0x0105  NLM_F_REQUEST            (0x001)
//   kDumpStatsCpu  IPCTNL_MSG_CT_GET_STATS_CPU 0x0104 NLM_F_REQUEST|NLM_F_DUMP (0x301)
//   kGetEntry      IPCTNL_MSG_CT_GET          0x0101  NLM_F_REQUEST|NLM_F_ACK  (0x005)
// kGetEntry is `conntrack -G`: a lookup of one entry by its tuple (CTA_TUPLE_ORIG or
// CTA_TUPLE_REPLY), which the kernel answers with that entry (ctnetlink_get_conntrack()),
// a read like the dump. There is no way to ask for CT_NEW, CT_DELETE or CT_GET_CTRZERO (which zeroes counters
// while dumping); request_test.cc enumerates every value of the enum (and every byte that
// could be cast to it), with and without dump filters, and checks the type of what comes
// out; cli/read_only_sources_test.sh checks that every Transport::Send() in product code
// sends a CtRequestBytes, and read_only_test.cc checks every message that every product
// path actually sends, at the system calls. A DumpFilter only ever adds attributes to a
// CT_GET dump: the kernel reads them as a filter of what the dump returns
// (ctnetlink_start() / ctnetlink_filter_match()), never as a change to the table.
//
//   CtRequestBytes req = BuildCtRequest(CtRequest::kDumpTable, AF_INET, seq);
//   CTDUMP_RETURN_IF_ERROR(transport->Send(req.span()));
//
//   DumpFilter f;
//   f.mark_value = 3;                        // CTA_MARK 3, CTA_MARK_MASK 0xffffffff
//   req = BuildCtRequest(CtRequest::kDumpTable, AF_INET, seq, &f);
//
// CTA_FILTER needs AF_INET or AF_INET6, and 4.4-era kernels reject AF_UNSPEC
// (docs/ctnetlink.md sections 4 and 5): the backend sends AF_UNSPEC only
// without tuple conditions, and falls back to one request per family.
//
// This library builds what it is given. Which parts of a user filter are SOUND to send
// (only ever dropping entries the user-space filter would drop too) is decided by
// kernel_filter.h.

#ifndef CTDUMP_BACKENDS_NETLINK_REQUEST_H_
#define CTDUMP_BACKENDS_NETLINK_REQUEST_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/types/span.h"

namespace ctdump {
namespace netlink {

enum class CtRequest : uint8_t {
  kDumpTable = 0,     // every entry of the family's table (replies: CT_NEW messages)
  kGetStats = 1,      // global entry count and maximum (reply: one 0x0105 message)
  kDumpStatsCpu = 2,  // per-CPU statistics (replies: one 0x0104 message per CPU)
  kGetEntry = 3,      // one entry by its tuple (reply: one CT_NEW message, then an ACK)
};

// Every request kind, for tests and tools that enumerate them.
inline constexpr CtRequest kAllCtRequests[] = {CtRequest::kDumpTable, CtRequest::kGetStats,
                                               CtRequest::kDumpStatsCpu, CtRequest::kGetEntry};

// One direction of a CTA_FILTER tuple filter (5.8+). `flags` holds kCtaFilterF* bits
// (ctnetlink.h); for each bit set the builder sends the matching attribute inside
// CTA_TUPLE_ORIG / CTA_TUPLE_REPLY, and nothing for bits that are clear.
//   kCtaFilterFIpSrc/IpDst    CTA_TUPLE_IP > CTA_IP_V4_* (4 bytes) or CTA_IP_V6_* (16
//                             bytes) by the request's family; `src`/`dst` network order
//   kCtaFilterFProtoNum       CTA_TUPLE_PROTO > CTA_PROTO_NUM `proto`
//   kCtaFilterFSrcPort/DstPort  CTA_PROTO_SRC_PORT/DST_PORT, be16 (host order here)
//   kCtaFilterFIcmp{Id,Type,Code}    CTA_PROTO_ICMP_ID (be16) / _TYPE / _CODE (u8)
//   kCtaFilterFIcmpv6{Id,Type,Code}  CTA_PROTO_ICMPV6_ID (be16) / _TYPE / _CODE (u8)
struct DumpFilterTuple {
  uint32_t flags = 0;
  std::array<uint8_t, 16> src{};
  std::array<uint8_t, 16> dst{};
  uint8_t proto = 0;
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint16_t icmp_id = 0;
};

// The kernel-side filter of one CT_GET dump request (docs/ctnetlink.md section 4). The kernel
// ANDs everything present; kernels too old for a part ignore it.
struct DumpFilter {
  // CTA_MARK + CTA_MARK_MASK, both always sent (kernels before 5.8 use a mark filter only
  // when both are present): the kernel keeps (mark & mask) == value.
  std::optional<uint32_t> mark_value;
  uint32_t mark_mask = 0xffffffff;
  // CTA_STATUS + CTA_STATUS_MASK (5.15+): the kernel keeps (status & mask) == value.
  // A mask of 0 is refused by the kernel (EINVAL) and by the builder.
  std::optional<uint32_t> status_value;
  uint32_t status_mask = 0;
  // CTA_ZONE (6.8+): the kernel keeps entries whose zone id equals it, in any direction.
  std::optional<uint16_t> zone;
  // CTA_FILTER {ORIG_FLAGS, REPLY_FLAGS} with CTA_TUPLE_ORIG / CTA_TUPLE_REPLY (5.8+),
  // sent when either `flags` is non-zero.
  DumpFilterTuple orig;
  DumpFilterTuple reply;

  bool empty() const {
    return !mark_value && !status_value && !zone && orig.flags == 0 && reply.flags == 0;
  }
};

// Upper bound of a request's size: header, every attribute of DumpFilter, both tuples with
// every field.
inline constexpr size_t kMaxCtRequestSize = 384;

// A request: nlmsghdr + nfgenmsg (20 bytes), then any filter attributes. Empty (size 0)
// when the request cannot be built (see BuildCtRequest()).
struct CtRequestBytes {
  std::array<uint8_t, kMaxCtRequestSize> data{};
  size_t size = 0;
  absl::Span<const uint8_t> span() const { return absl::MakeConstSpan(data.data(), size); }
};

// BuildCtRequest() returns the request `kind` for `family` (AF_INET, AF_INET6, or 0 for
// every family; statistics requests ignore it but send it as given) with sequence number
// `seq` and nlmsg_pid 0. kGetEntry takes the tuple to look up in `filter`: `orig` and/or
// `reply` (CTA_TUPLE_ORIG / CTA_TUPLE_REPLY, with the fields their flags name; the kernel
// looks up by the original tuple when there is one) and nothing else, no CTA_FILTER; it
// needs AF_INET or AF_INET6 and at least one tuple. With a non-empty `filter`
// (kDumpTable only) the attributes
// follow in attribute-number order: CTA_TUPLE_ORIG, CTA_TUPLE_REPLY, CTA_STATUS,
// CTA_MARK, CTA_ZONE, CTA_MARK_MASK, CTA_FILTER, CTA_STATUS_MASK.
// Never fails loudly; the result is EMPTY (size 0) for
//   * a `kind` outside the enum;
//   * a non-empty filter on a statistics request;
//   * kGetEntry without a tuple, with any other filter part, or for another family;
//   * a filter the kernel would refuse: status with mask 0; tuple flags with a family
//     other than AF_INET/AF_INET6 (EOPNOTSUPP); flags outside kCtaFilterFAll; a port or
//     ICMP flag without kCtaFilterFProtoNum in the same direction (EINVAL).
CtRequestBytes BuildCtRequest(CtRequest kind, uint8_t family, uint32_t seq,
                              const DumpFilter* filter = nullptr);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_REQUEST_H_
