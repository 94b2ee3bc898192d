// Read-only by construction: everything BuildCtRequest() can produce is one of the three
// allowed requests.

#include "backends/netlink/request.h"

#include <cstring>
#include <set>

#include "backends/netlink/ctnetlink.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

struct Header {
  uint32_t len;
  uint16_t type;
  uint16_t flags;
  uint32_t seq;
  uint32_t pid;
  uint8_t family;
  uint8_t version;
  uint16_t res_id;
};

Header Parse(const CtRequestBytes& r) {
  Header h;
  std::memcpy(&h.len, r.data.data(), 4);
  std::memcpy(&h.type, r.data.data() + 4, 2);
  std::memcpy(&h.flags, r.data.data() + 6, 2);
  std::memcpy(&h.seq, r.data.data() + 8, 4);
  std::memcpy(&h.pid, r.data.data() + 12, 4);
  h.family = r.data[16];
  h.version = r.data[17];
  std::memcpy(&h.res_id, r.data.data() + 18, 2);
  return h;
}

TEST(RequestTest, EverythingTheBuilderCanProduceIsReadOnly) {
  // Every byte value that could be cast to the enum, every family.
  std::set<uint16_t> types_seen;
  int built = 0;
  for (int k = 0; k < 256; ++k) {
    for (int family = 0; family < 256; ++family) {
      const CtRequestBytes r =
          BuildCtRequest(static_cast<CtRequest>(k), static_cast<uint8_t>(family), 77);
      if (r.size == 0) continue;  // outside the enum: nothing
      ++built;
      ASSERT_EQ(r.size, 20u);
      const Header h = Parse(r);
      EXPECT_EQ(h.len, 20u);
      switch (h.type) {
        case 0x0101:  // CT_GET
          EXPECT_EQ(h.flags, 0x301);
          break;
        case 0x0105:  // CT_GET_STATS
          EXPECT_EQ(h.flags, 0x001);
          break;
        case 0x0104:  // CT_GET_STATS_CPU
          EXPECT_EQ(h.flags, 0x301);
          break;
        default:
          ADD_FAILURE() << "request kind " << k << " built nlmsg_type " << h.type;
      }
      // Never CT_NEW, CT_DELETE or CT_GET_CTRZERO, whatever the flags.
      EXPECT_NE(h.type, 0x0100);
      EXPECT_NE(h.type, 0x0102);
      EXPECT_NE(h.type, 0x0103);
      // No flag beyond REQUEST|DUMP (no ACK, REPLACE, EXCL, CREATE, APPEND).
      EXPECT_EQ(h.flags & ~(ctnl::kNlmFRequest | ctnl::kNlmFDump), 0);
      EXPECT_EQ(h.seq, 77u);
      EXPECT_EQ(h.pid, 0u);
      EXPECT_EQ(h.family, family);
      EXPECT_EQ(h.version, 0);
      EXPECT_EQ(h.res_id, 0);
      types_seen.insert(h.type);
    }
  }
  EXPECT_EQ(built, 3 * 256);
  EXPECT_EQ(types_seen, (std::set<uint16_t>{0x0101, 0x0104, 0x0105}));
}

TEST(RequestTest, KindsMatchTheirNames) {
  EXPECT_EQ(Parse(BuildCtRequest(CtRequest::kDumpTable, 2, 1)).type, 0x0101);
  EXPECT_EQ(Parse(BuildCtRequest(CtRequest::kGetStats, 0, 1)).type, 0x0105);
  EXPECT_EQ(Parse(BuildCtRequest(CtRequest::kDumpStatsCpu, 0, 1)).type, 0x0104);
  EXPECT_EQ(sizeof(kAllCtRequests) / sizeof(kAllCtRequests[0]), 3u);
}

TEST(RequestTest, ExactBytesOfADumpRequest) {
  const CtRequestBytes r = BuildCtRequest(CtRequest::kDumpTable, 10, 0x01020304);
  const uint8_t want[20] = {20, 0, 0, 0, 0x01, 0x01, 0x01, 0x03, 0x04, 0x03,
                            0x02, 0x01, 0, 0, 0, 0, 10, 0, 0, 0};
  ASSERT_EQ(r.span().size(), 20u);
  EXPECT_EQ(std::memcmp(r.span().data(), want, 20), 0);
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
