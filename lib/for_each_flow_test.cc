// ForEachFlow() / ConntrackLine() over the /proc fixtures (testdata/procfs): the lines
// are the fixtures' expected.conntrack, skipped records are reported or turn into
// kDataLoss, filters apply, and a callback can stop the dump.

#include "lib/for_each_flow.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/filter_options.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const char kDir[] = "testdata/procfs/";

TEST(ForEachFlowTest, ListsEveryFixtureAsConntrackDoes) {
  for (const char* fixture : {"nf_conntrack-6.18", "centos5-ip_conntrack", "centos6-nf_conntrack",
                              "centos7-nf_conntrack", "offload", "vendor"}) {
    const std::string dir = std::string(kDir) + fixture;
    std::string got;
    absl::Status s = ForEachFlow("input:" + dir + "/input.txt", [&](const Flow& flow) {
      got += ConntrackLine(flow);
      return true;
    });
    EXPECT_THAT(s, IsOk()) << fixture;
    EXPECT_EQ(got, ReadFile(dir + "/expected.conntrack")) << fixture;
  }
}

TEST(ForEachFlowTest, SkippedRecordsAreDataLossUnlessHandled) {
  const std::string input = std::string("input:") + kDir + "malformed/input.txt";
  std::string got;
  auto collect = [&](const Flow& flow) {
    got += ConntrackLine(flow);
    return true;
  };
  EXPECT_THAT(ForEachFlow(input, collect),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed record(s) skipped")));
  const std::string want = ReadFile(std::string(kDir) + "malformed/expected.conntrack");
  EXPECT_EQ(got, want);  // the good records still came

  got.clear();
  std::vector<std::string> skipped;
  ForEachFlowOptions options;
  options.on_skipped = [&](const absl::Status& why) { skipped.emplace_back(why.message()); };
  EXPECT_THAT(ForEachFlow(input, collect, options), IsOk());
  EXPECT_EQ(got, want);
  std::string errors;
  for (const std::string& s : skipped) errors += s + "\n";
  EXPECT_EQ(errors, ReadFile(std::string(kDir) + "malformed/expected.errors"));
}

TEST(ForEachFlowTest, NoticesGoToTheirCallback) {
  ForEachFlowOptions options;
  std::string notices;
  options.on_notice = [&](const absl::Status& note) {
    notices += std::string(note.message()) + "\n";
  };
  EXPECT_THAT(ForEachFlow(std::string("input:") + kDir + "vendor/input.txt",
                          [](const Flow&) { return true; }, options),
              IsOk());
  EXPECT_EQ(notices, ReadFile(std::string(kDir) + "vendor/expected.notices"));
}

TEST(ForEachFlowTest, FilterAndEarlyStop) {
  const std::string input = std::string("input:") + kDir + "nf_conntrack-6.18/input.txt";
  ForEachFlowOptions options;
  absl::StatusOr<uint8_t> proto = ParseProtoOption("udp");
  ASSERT_THAT(proto, IsOk());
  options.filter.l4proto = *proto;
  int udp = 0;
  EXPECT_THAT(ForEachFlow(input,
                          [&](const Flow& flow) {
                            EXPECT_EQ(flow.l4proto, 17);
                            ++udp;
                            return true;
                          },
                          options),
              IsOk());
  EXPECT_GT(udp, 0);

  int seen = 0;
  EXPECT_THAT(ForEachFlow(input, [&](const Flow&) { return ++seen < 2; }), IsOk());
  EXPECT_EQ(seen, 2);
}

TEST(ForEachFlowTest, ErrorsOfTheSource) {
  EXPECT_THAT(ForEachFlow("no-such-backend", [](const Flow&) { return true; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no-such-backend")));
  EXPECT_FALSE(ForEachFlow("input:/nonexistent/ctdump-file", [](const Flow&) { return true; }).ok());
}

}  // namespace
}  // namespace ctdump
