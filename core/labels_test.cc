#include "core/labels.h"

#include "gtest/gtest.h"

namespace ctdump {
namespace {

TEST(ParseLabelNames, ReadsBitsAndNames) {
  LabelNames n = ParseLabelNames(
      "# connlabel.conf\n0\teth0-in\n1 one\n\n40   forty  \n1024 too-big\nx bad\n7\n");
  ASSERT_EQ(n.by_bit.size(), 41u);
  EXPECT_EQ(n.by_bit[0], "eth0-in");
  EXPECT_EQ(n.by_bit[1], "one");
  EXPECT_EQ(n.by_bit[40], "forty");
  EXPECT_EQ(n.by_bit[7], "");
  EXPECT_EQ(LabelBit(n, "forty"), 40);
  EXPECT_EQ(LabelBit(n, "nope"), -1);
}

// libnetfilter_conntrack's rules (issue 12, item 9; the crosscheck test compares with the
// library itself).
TEST(ParseLabelNames, ParsesLikeLibnetfilterConntrack) {
  LabelNames n = ParseLabelNames(
      "0x5 hex\n013 octal\n3 first\n3 second\n4 under_score\n6 sp ace\n7 first\n"
      "8 ok-name\n");
  ASSERT_GE(n.by_bit.size(), 12u);
  EXPECT_EQ(n.by_bit[5], "hex");
  EXPECT_EQ(n.by_bit[11], "octal");
  EXPECT_EQ(n.by_bit[3], "first");   // the first definition of a bit wins
  EXPECT_EQ(n.by_bit[4], "");        // '_' is not allowed
  EXPECT_EQ(n.by_bit[6], "sp ace");
  EXPECT_EQ(n.by_bit[7], "");        // "first" is taken
  EXPECT_EQ(n.by_bit[8], "ok-name");
}

TEST(LoadLabelNames, MissingFileSaysSo) {
  auto n = LoadLabelNames("/nonexistent/connlabel.conf");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(n.status().message().find("/nonexistent/connlabel.conf"), absl::string_view::npos);
}

}  // namespace
}  // namespace ctdump
