#include "backends/netns.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "core/testing/status_matchers.h"
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

// Another user's /proc/PID/ns/net gives EACCES (the ptrace access check): the message
// names the path and the errno, and does not claim that root is the fix (issue 12, 17).
TEST(ScopedNetns, EaccesIsReportedAsSuch) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    if (geteuid() == 0 && (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 ||
                           setresuid(65534, 65534, 65534) != 0)) {
      _exit(3);
    }
    absl::StatusOr<std::unique_ptr<ScopedNetns>> ns = ScopedNetns::Enter("pid:1");
    std::string msg = ns.ok() ? "OK" : std::string(ns.status().message());
    (void)!write(fds[1], msg.data(), msg.size());
    _exit(0);
  }
  close(fds[1]);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died";
  if (WEXITSTATUS(status) == 3) {
    GTEST_SKIP() << "cannot drop to nobody here (sandbox); privileges_test checks it";
  }
  if (msg.find("Permission denied") == std::string::npos) {
    GTEST_SKIP() << "opening /proc/1/ns/net as nobody did not give EACCES here: " << msg;
  }
  EXPECT_THAT(msg, HasSubstr("/proc/1/ns/net"));
  EXPECT_THAT(msg, HasSubstr("EACCES"));
  EXPECT_THAT(msg, testing::Not(HasSubstr("needs root")));
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
