#include "core/labels.h"

#include "gtest/gtest.h"

namespace ctdump {
namespace {

TEST(ParseLabelNames, ReadsBitsAndNames) {
  LabelNames n = ParseLabelNames(
      "# connlabel.conf\n0\teth0-in\n1 one\n\n40   forty  \n128 too-big\nx bad\n7\n");
  ASSERT_EQ(n.by_bit.size(), 41u);
  EXPECT_EQ(n.by_bit[0], "eth0-in");
  EXPECT_EQ(n.by_bit[1], "one");
  EXPECT_EQ(n.by_bit[40], "forty");
  EXPECT_EQ(n.by_bit[7], "");
  EXPECT_EQ(LabelBit(n, "forty"), 40);
  EXPECT_EQ(LabelBit(n, "nope"), -1);
}

TEST(LoadLabelNames, MissingFileSaysSo) {
  auto n = LoadLabelNames("/nonexistent/connlabel.conf");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(n.status().message().find("/nonexistent/connlabel.conf"), absl::string_view::npos);
}

}  // namespace
}  // namespace ctdump
