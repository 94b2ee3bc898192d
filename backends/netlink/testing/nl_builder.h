// File: backends/netlink/testing/nl_builder.h (testonly)
//
// Builders for netlink messages in tests: one message with nested attributes, NLMSG_DONE,
// NLMSG_ERROR, and typical conntrack entries. Everything is host byte order where
// netlink uses it (nlmsghdr, nla_len/nla_type) and big-endian where ctnetlink does.
//
//   std::vector<uint8_t> msg =
//       MsgBuilder(CtType(kMsgCtNew), kNlmFMulti).Nfgen(AF_INET)
//           .Begin(kCtaTupleOrig)
//             .Begin(kCtaTupleIp).Ipv4(kCtaIpV4Src, "10.0.0.1").Ipv4(kCtaIpV4Dst, "10.0.0.2").End()
//             .Begin(kCtaTupleProto).U8(kCtaProtoNum, 6).Be16(kCtaProtoSrcPort, 1000)...End()
//           .End()
//           .Build();

#ifndef CTDUMP_BACKENDS_NETLINK_TESTING_NL_BUILDER_H_
#define CTDUMP_BACKENDS_NETLINK_TESTING_NL_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {
namespace testing {

class MsgBuilder {
 public:
  MsgBuilder(uint16_t type, uint16_t flags = ctnl::kNlmFMulti, uint32_t seq = 0,
             uint32_t port_id = 0);

  // The 4-byte nfgenmsg. `res_id` is written big-endian.
  MsgBuilder& Nfgen(uint8_t family, uint8_t version = 0, uint16_t res_id = 0);

  // Opens a nested attribute (with NLA_F_NESTED, as 6.x kernels send it; `flag` false
  // for the pre-5.x form) and closes the innermost open one.
  MsgBuilder& Begin(uint16_t type, bool flag = true);
  MsgBuilder& End();

  MsgBuilder& Attr(uint16_t type, absl::Span<const uint8_t> payload);
  MsgBuilder& U8(uint16_t type, uint8_t v);
  MsgBuilder& Be16(uint16_t type, uint16_t v);
  MsgBuilder& Be32(uint16_t type, uint32_t v);
  MsgBuilder& Be64(uint16_t type, uint64_t v);
  MsgBuilder& Host32(uint16_t type, uint32_t v);
  MsgBuilder& Str(uint16_t type, absl::string_view s);  // adds the NUL
  MsgBuilder& Ipv4(uint16_t type, absl::string_view text);
  MsgBuilder& Ipv6(uint16_t type, absl::string_view text);
  // Bytes appended as they are (for malformed input).
  MsgBuilder& Raw(absl::Span<const uint8_t> bytes);

  // The message with nlmsg_len = its size, and every open nest closed.
  std::vector<uint8_t> Build() const;

 private:
  std::vector<uint8_t> buf_;
  std::vector<size_t> open_;
};

// One direction of a conntrack entry, for AddTuple().
struct TupleSpec {
  std::string src;
  std::string dst;
  uint8_t proto = 6;
  std::optional<uint16_t> sport, dport;       // CTA_PROTO_SRC/DST_PORT (also GRE keys)
  std::optional<uint8_t> icmp_type, icmp_code;  // ICMP or ICMPv6 by proto
  std::optional<uint16_t> icmp_id;
  std::optional<uint16_t> zone;  // CTA_TUPLE_ZONE
};
// Appends CTA_TUPLE_{ORIG,REPLY,MASTER} `type` for `family` (AF_INET / AF_INET6).
MsgBuilder& AddTuple(MsgBuilder& b, uint16_t type, uint8_t family, const TupleSpec& t);

// NLMSG_DONE carrying -err (err is a positive errno or 0).
std::vector<uint8_t> DoneMsg(uint32_t seq = 0, uint32_t port_id = 0, int err = 0);
// NLMSG_ERROR carrying -err and a copy of a CT_GET request header; with `ext_ack`, the
// NLM_F_ACK_TLVS|NLM_F_CAPPED form with NLMSGERR_ATTR_MSG.
std::vector<uint8_t> ErrorMsg(uint32_t seq, uint32_t port_id, int err,
                              absl::string_view ext_ack = "");
// A TCP ESTABLISHED dump entry 10.0.0.1:sport -> 10.0.0.2:80 with status
// SEEN_REPLY|ASSURED|CONFIRMED, timeout 100, mark 0, use 1 and CTA_ID `id` (as the
// number conntrack prints).
std::vector<uint8_t> TcpEntry(uint32_t id, uint16_t sport, uint32_t seq = 0,
                              uint32_t port_id = 0);

// Concatenates messages into one datagram.
// A CT_GET_STATS_CPU reply as 6.18 sends it: its ten counters in its order, all 0 but
// CTA_STATS_INSERT.
std::vector<uint8_t> CpuStats618Reply(uint16_t cpu, uint32_t insert);

std::vector<uint8_t> Concat(std::initializer_list<std::vector<uint8_t>> parts);

}  // namespace testing
}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_TESTING_NL_BUILDER_H_
