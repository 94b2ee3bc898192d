#include "backends/select.h"

#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

class CountSink : public FlowSink {
 public:
  bool OnFlow(const Flow&) override { return ++flows, true; }
  void OnSkipped(const absl::Status&) override { ++skipped; }
  int flows = 0;
  int skipped = 0;
};

TEST(MakeBackend, KnownSpecs) {
  for (const char* spec : {"auto", "netlink", "procfs", "procfs:/proc/net/nf_conntrack"}) {
    EXPECT_THAT(MakeBackend(spec), IsOk()) << spec;
  }
  EXPECT_THAT(MakeBackend("bogus"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown backend `bogus'")));
}

TEST(MakeBackend, InputNamesTheFile) {
  EXPECT_THAT(MakeBackend("input:/nonexistent/ct.txt"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/ct.txt")));
}

TEST(MakeBackend, FallbackListsEveryFailedSource) {
  // Two /proc files that do not exist: both reasons are reported, in order.
  auto b = MakeBackend("procfs:/nonexistent/a");
  EXPECT_FALSE(b.ok());
  std::vector<std::string> log;
  auto procfs = MakeBackend("procfs", [&](absl::string_view m) { log.emplace_back(m); });
  ASSERT_THAT(procfs, IsOk());
  CountSink sink;
  absl::Status s = (*procfs)->Dump(DumpRequest{}, sink);
  // A source is only "tried" until it has answered; "using" comes after, never before a
  // "skipped" for the same source (issue 12, item 17).
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0], "trying backend procfs /proc/net/nf_conntrack");
  if (s.ok()) {
    // This machine has /proc/net/nf_conntrack and we may read it.
    EXPECT_THAT(log, testing::Contains(HasSubstr("using backend procfs /proc/net/nf_conntrack")));
  } else {
    EXPECT_THAT(log, testing::Not(testing::Contains(HasSubstr("using backend"))));
    EXPECT_THAT(s.message(), HasSubstr("/proc/net/ip_conntrack"));
  }
}

}  // namespace
}  // namespace ctdump
