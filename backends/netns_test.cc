#include "backends/netns.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
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

// --all-netns listing over a fake /proc and /run/netns made of ordinary files: a hard
// link stands for two names of one namespace (same st_dev and st_ino).
TEST(ListNetworkNamespaces, NamesFirstThenPidsEachNamespaceOnce) {
  const std::string root = absl::StrCat(testing::TempDir(), "/nslist");
  for (const char* dir : {"", "/run", "/proc", "/proc/self", "/proc/self/ns", "/proc/1",
                          "/proc/1/ns", "/proc/7", "/proc/7/ns", "/proc/30", "/proc/30/ns",
                          "/proc/notapid"}) {
    mkdir((root + dir).c_str(), 0755);
  }
  auto touch = [](const std::string& p) { fclose(fopen(p.c_str(), "w")); };
  touch(root + "/proc/self/ns/net");
  touch(root + "/proc/1/ns/net");
  touch(root + "/proc/7/ns/net");
  unlink((root + "/proc/30/ns/net").c_str());
  ASSERT_EQ(link((root + "/proc/1/ns/net").c_str(), (root + "/proc/30/ns/net").c_str()), 0);
  unlink((root + "/run/blue").c_str());
  ASSERT_EQ(link((root + "/proc/7/ns/net").c_str(), (root + "/run/blue").c_str()), 0);

  absl::StatusOr<NetnsList> list = ListNetworkNamespaces(root + "/run", root + "/proc");
  ASSERT_THAT(list, IsOk());
  std::vector<std::string> names;
  for (const NetnsInfo& ns : list->namespaces) names.push_back(ns.name);
  // blue is pid 7's namespace; pid 30 shares pid 1's.
  EXPECT_THAT(names, testing::ElementsAre("blue", "pid:1"));
  EXPECT_EQ(list->namespaces[0].path, root + "/run/blue");
  EXPECT_TRUE(list->problems.empty());

  // No /run/netns at all is no error.
  list = ListNetworkNamespaces(root + "/no-such-dir", root + "/proc");
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->namespaces.size(), 2u);
}

TEST(ListNetworkNamespaces, RealHostIncludesOwnNamespace) {
  absl::StatusOr<NetnsList> list = ListNetworkNamespaces();
  ASSERT_THAT(list, IsOk());
  struct stat self;
  ASSERT_EQ(stat("/proc/self/ns/net", &self), 0);
  bool found = false;
  for (const NetnsInfo& ns : list->namespaces) {
    found = found || (ns.dev == self.st_dev && ns.ino == self.st_ino);
  }
  EXPECT_TRUE(found);
}

TEST(ScopedNetns, EnterListedRefusesAnotherNamespace) {
  if (geteuid() != 0) GTEST_SKIP() << "setns needs root";
  struct stat self;
  ASSERT_EQ(stat("/proc/self/ns/net", &self), 0);
  EXPECT_THAT(ScopedNetns::EnterListed("/proc/self/ns/net", self.st_dev, self.st_ino + 1),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("vanished")));
  EXPECT_THAT(ScopedNetns::EnterListed("/run/netns/ctdump-no-such-ns", self.st_dev, 1),
              StatusIs(absl::StatusCode::kNotFound, testing::_));
  auto ns = ScopedNetns::EnterListed("/proc/self/ns/net", self.st_dev, self.st_ino);
  if (!ns.ok() && ns.status().code() == absl::StatusCode::kPermissionDenied) {
    GTEST_SKIP() << ns.status();  // sandboxed
  }
  ASSERT_THAT(ns, IsOk());
  EXPECT_THAT((*ns)->Leave(), IsOk());
}

}  // namespace
}  // namespace ctdump
