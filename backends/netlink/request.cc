#include "backends/netlink/request.h"

#include <cstring>

#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {

CtRequestBytes BuildCtRequest(CtRequest kind, uint8_t family, uint32_t seq) {
  CtRequestBytes req;
  uint16_t type;
  uint16_t flags;
  // The only place where ctdump chooses an nlmsg_type to send.
  switch (kind) {
    case CtRequest::kDumpTable:
      type = ctnl::CtType(ctnl::kMsgCtGet);
      flags = ctnl::kNlmFRequest | ctnl::kNlmFDump;
      break;
    case CtRequest::kGetStats:
      type = ctnl::CtType(ctnl::kMsgCtGetStats);
      flags = ctnl::kNlmFRequest;
      break;
    case CtRequest::kDumpStatsCpu:
      type = ctnl::CtType(ctnl::kMsgCtGetStatsCpu);
      flags = ctnl::kNlmFRequest | ctnl::kNlmFDump;
      break;
    default:
      return req;
  }
  const uint32_t len = static_cast<uint32_t>(req.data.size());
  const uint32_t pid = 0;
  uint8_t* p = req.data.data();
  std::memcpy(p, &len, 4);     // nlmsg_len
  std::memcpy(p + 4, &type, 2);  // nlmsg_type
  std::memcpy(p + 6, &flags, 2);  // nlmsg_flags
  std::memcpy(p + 8, &seq, 4);   // nlmsg_seq
  std::memcpy(p + 12, &pid, 4);  // nlmsg_pid
  p[16] = family;                // nfgen_family
  p[17] = ctnl::kNfnetlinkV0;    // version
  p[18] = 0;                     // res_id (be16)
  p[19] = 0;
  req.size = req.data.size();
  return req;
}

}  // namespace netlink
}  // namespace ctdump
