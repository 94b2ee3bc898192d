#include "cli/command_json.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

std::string Text(const TextBuffer& b) { return std::string(b.view()); }

TEST(CommandJson, Count) {
  TableCount c;
  c.count = 12;
  c.max = 262144;
  c.source_name = "ctnetlink CT_GET_STATS";
  TextBuffer out;
  AppendCountJson(c, &out);
  EXPECT_EQ(Text(out),
            "{\"schema\":1,\"count\":12,\"max\":262144,\"source\":\"ctnetlink CT_GET_STATS\"}\n");
  c.max.reset();
  out.clear();
  AppendCountJson(c, &out);
  EXPECT_EQ(Text(out), "{\"schema\":1,\"count\":12,\"source\":\"ctnetlink CT_GET_STATS\"}\n");
}

TEST(CommandJson, CpuStats) {
  CpuStats a;
  a.cpu = 0;
  a.value[2] = 7;
  a.present = 1u << 2;
  CpuStats b;
  b.cpu = 1;
  TextBuffer out;
  AppendCpuStatsJson({a, b}, &out);
  EXPECT_EQ(Text(out), absl::StrCat("{\"schema\":1,\"cpus\":[{\"cpu\":0,\"", CpuStatName(2),
                                    "\":7},{\"cpu\":1}]}\n"));
}

TEST(CommandJson, Doctor) {
  std::vector<Finding> f = {{Finding::kProblem, "privileges", "needs \"CAP_NET_ADMIN\"\n"}};
  TextBuffer out;
  AppendDoctorJson("/run/netns/x", f, false, &out);
  EXPECT_EQ(Text(out),
            "{\"schema\":1,\"netns\":\"/run/netns/x\",\"can_list\":false,\"findings\":[{\"level\":"
            "\"problem\",\"topic\":\"privileges\",\"text\":\"needs \\\"CAP_NET_ADMIN\\\"\\n\"}]}\n");
}

TEST(CommandJson, SummaryIsOneObject) {
  TableSummary s(SummaryOptions{2, 0});
  Flow f;
  f.family = 2;
  f.l4proto = 6;
  s.Add(f);
  SummaryContext ctx;
  ctx.backend = "netlink";
  ctx.table_count = 1;
  ctx.table_max = 10;
  TextBuffer out;
  AppendSummaryJson(s, ctx, &out);
  const std::string t = Text(out);
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 1);
  EXPECT_THAT(t, testing::StartsWith("{\"schema\":1,\"success\":true,\"backend\":\"netlink\","
                                     "\"entries\":1,"));
  EXPECT_THAT(t, testing::HasSubstr("\"table\":{\"count\":1,\"max\":10,\"nearly_full\":false}"));
  EXPECT_THAT(t, testing::HasSubstr("\"family\":{\"ipv4\":1},\"protocol\":{\"tcp\":1}"));
  EXPECT_THAT(t, testing::HasSubstr("\"top_sources\":{\"exact\":true,\"counted\":1,"));
  EXPECT_THAT(t, testing::EndsWith("}\n"));
}

TEST(CommandJsonTest, ErrorObjectNamesTheClassAndEscapesTheMessage) {
  TextBuffer out;
  AppendErrorJson(absl::PermissionDeniedError("needs \"CAP_NET_ADMIN\"\n"), &out);
  EXPECT_EQ(out.view(),
            "{\"schema\":1,\"success\":false,\"error\":{\"class\":\"permission_denied\","
            "\"message\":\"needs \\\"CAP_NET_ADMIN\\\"\\n\"}}\n");
}

}  // namespace
}  // namespace ctdump
