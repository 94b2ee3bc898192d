#include "backends/netns.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

TEST(ScopedNetns, PathOf) {
  EXPECT_THAT(ScopedNetns::PathOf("blue"), IsOkAndHolds(std::string("/run/netns/blue")));
  EXPECT_THAT(ScopedNetns::PathOf("pid:42"), IsOkAndHolds(std::string("/proc/42/ns/net")));
  EXPECT_THAT(ScopedNetns::PathOf("/var/run/ns/x"), IsOkAndHolds(std::string("/var/run/ns/x")));
  EXPECT_THAT(ScopedNetns::PathOf(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--netns")));
  EXPECT_THAT(ScopedNetns::PathOf("pid:x"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad pid")));
  EXPECT_THAT(ScopedNetns::PathOf(".."), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad namespace name")));
}

TEST(ScopedNetns, MissingNamespaceSaysSo) {
  EXPECT_THAT(ScopedNetns::Enter("ctdump-no-such-ns"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ip netns list")));
}

TEST(ScopedNetns, NotANamespaceFile) {
  if (geteuid() != 0) GTEST_SKIP() << "setns needs root";
  EXPECT_THAT(ScopedNetns::Enter("/proc/self/ns/uts"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a network namespace")));
}

TEST(ScopedNetns, EnterOwnNamespaceAndLeave) {
  if (geteuid() != 0) GTEST_SKIP() << "setns needs root";
  struct stat before, inside, after;
  ASSERT_EQ(stat("/proc/self/ns/net", &before), 0);
  auto ns = ScopedNetns::Enter("pid:1");
  if (!ns.ok() && ns.status().code() == absl::StatusCode::kPermissionDenied) {
    GTEST_SKIP() << ns.status();  // sandboxed
  }
  ASSERT_THAT(ns, IsOk());
  ASSERT_EQ(stat("/proc/self/ns/net", &inside), 0);
  ASSERT_THAT((*ns)->Leave(), IsOk());
  ASSERT_EQ(stat("/proc/self/ns/net", &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_THAT((*ns)->Leave(), IsOk());  // idempotent
}

}  // namespace
}  // namespace ctdump
