// File: backends/netlink/request.h
//
// The ctnetlink requests that ctdump sends. READ-ONLY BY CONSTRUCTION: a request is
// named by the CtRequest enum, and the only messages this library can build are
//   kDumpTable     IPCTNL_MSG_CT_GET          0x0101  NLM_F_REQUEST|NLM_F_DUMP (0x301)
//   kGetStats      IPCTNL_MSG_CT_GET_STATS    0x0105  NLM_F_REQUEST            (0x001)
//   kDumpStatsCpu  IPCTNL_MSG_CT_GET_STATS_CPU 0x0104 NLM_F_REQUEST|NLM_F_DUMP (0x301)
// There is no way to ask for CT_NEW, CT_DELETE or CT_GET_CTRZERO (which zeroes counters
// while dumping); request_test.cc enumerates every value of the enum (and every byte that
// could be cast to it) and checks the type of what comes out.
//
//   CtRequestBytes req = BuildCtRequest(CtRequest::kDumpTable, AF_INET, seq);
//   CTDUMP_RETURN_IF_ERROR(transport->Send(req.span()));
//
// Requests carry no attributes (no kernel-side filters yet): kernels of every version
// accept them. Send one kDumpTable per family: 4.4-era kernels reject AF_UNSPEC
// (shared/reference/ctnetlink.md section 5).

#ifndef CTDUMP_BACKENDS_NETLINK_REQUEST_H_
#define CTDUMP_BACKENDS_NETLINK_REQUEST_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace ctdump {
namespace netlink {

enum class CtRequest : uint8_t {
  kDumpTable = 0,     // every entry of the family's table (replies: CT_NEW messages)
  kGetStats = 1,      // global entry count and maximum (reply: one 0x0105 message)
  kDumpStatsCpu = 2,  // per-CPU statistics (replies: one 0x0104 message per CPU)
};

// Every request kind, for tests and tools that enumerate them.
inline constexpr CtRequest kAllCtRequests[] = {CtRequest::kDumpTable, CtRequest::kGetStats,
                                               CtRequest::kDumpStatsCpu};

// A request: nlmsghdr + nfgenmsg, 20 bytes. Empty (size 0) for a value outside the enum.
struct CtRequestBytes {
  std::array<uint8_t, 20> data{};
  size_t size = 0;
  absl::Span<const uint8_t> span() const { return absl::MakeConstSpan(data.data(), size); }
};

// BuildCtRequest() returns the request `kind` for `family` (AF_INET, AF_INET6, or 0 for
// every family; statistics requests ignore it but send it as given) with sequence number
// `seq` and nlmsg_pid 0. Never fails; a `kind` outside the enum gives an empty request.
CtRequestBytes BuildCtRequest(CtRequest kind, uint8_t family, uint32_t seq);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_REQUEST_H_
