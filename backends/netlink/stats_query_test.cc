// DecodeCpuStatsMessage(); the requests themselves are tested through backends/stats.h
// (backends/stats_test.cc), with a scripted kernel.

#include "backends/netlink/stats_query.h"

#include <cstdint>
#include <string>
#include <vector>

#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/cpu_stats.h"
#include "core/testing/status_matchers.h"
#include "core/text_buffer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using ::testing::HasSubstr;
using testing::MsgBuilder;
using testing::CpuStats618Reply;

constexpr uint16_t kStatsCpuType = 0x0104;

std::string Line(const CpuStats& s) {
  TextBuffer b;
  AppendCpuStatsLine(s, &b);
  return std::string(b.view());
}


TEST(DecodeCpuStatsMessageTest, CpuFromResIdAndWhatIsPresent) {
  CpuStats s;
  ASSERT_THAT(DecodeCpuStatsMessage(MsgBuilder(kStatsCpuType)
                                        .Nfgen(0, 0, 0x0102)
                                        .Be32(ctnl::kCtaStatsSearched, 7)
                                        .Be32(ctnl::kCtaStatsDeleteList, 0xdeadbeef)
                                        .Be32(99, 1)  // a counter from a future kernel
                                        .Build(),
                                    &s),
              IsOk());
  EXPECT_EQ(s.cpu, 0x0102u);
  EXPECT_EQ(s.source, CpuStatsSource::kNetlink);
  EXPECT_EQ(s.present, (1u << 1) | (1u << 7));
  EXPECT_EQ(s.value[1], 7u);
  EXPECT_EQ(s.value[7], 0xdeadbeefu);
  EXPECT_EQ(Line(s), "cpu=258 \tsearched=7 delete_list=3735928559 \n");
}

TEST(DecodeCpuStatsMessageTest, Errors) {
  CpuStats s;
  EXPECT_THAT(DecodeCpuStatsMessage(MsgBuilder(kStatsCpuType)
                                        .Nfgen(0)
                                        .Attr(ctnl::kCtaStatsFound, std::vector<uint8_t>{0, 1})
                                        .Build(),
                                    &s),
              StatusIs(absl::StatusCode::kDataLoss, "CTA_STATS_FOUND has 2 bytes, want 4"));
  EXPECT_THAT(DecodeCpuStatsMessage(MsgBuilder(0x0100).Nfgen(2).Build(), &s),
              StatusIs(absl::StatusCode::kDataLoss,
                       "not a CT_GET_STATS_CPU reply: nlmsg_type 0x0100"));
  std::vector<uint8_t> cut = CpuStats618Reply(0, 1);
  cut.resize(30);
  EXPECT_THAT(DecodeCpuStatsMessage(cut, &s),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated message")));
  EXPECT_THAT(DecodeCpuStatsMessage(MsgBuilder(kStatsCpuType).Build(), &s),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("message too short")));
  std::vector<uint8_t> bad = MsgBuilder(kStatsCpuType)
                                 .Nfgen(0)
                                 .Raw(std::vector<uint8_t>{40, 0, 2, 0, 0, 0, 0, 0})
                                 .Build();
  EXPECT_THAT(DecodeCpuStatsMessage(bad, &s),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed attribute")));
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
