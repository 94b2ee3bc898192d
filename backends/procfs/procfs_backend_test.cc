// Tests for the procfs backends: open errors, names, dumps of files and stdin.

#include "backends/procfs/procfs_backend.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/backend.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingSink : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    families.push_back(flow.family);
    return true;
  }
  void OnSkipped(const absl::Status& why) override {
    skipped.push_back(std::string(why.message()));
  }
  std::vector<uint8_t> families;
  std::vector<std::string> skipped;
};

constexpr char kContent[] =
    "# copy of /proc/net/nf_conntrack\n"
    "ipv4     2 udp      17 26 src=192.0.2.1 dst=198.51.100.53 sport=5353 dport=53 "
    "[UNREPLIED] src=198.51.100.53 dst=192.0.2.1 sport=53 dport=5353 mark=0 zone=0 use=2\n"
    "ipv6     10 udp      17 27 src=2001:0db8:0000:0000:0000:0000:0000:0001 "
    "dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=1 dport=53 [UNREPLIED] "
    "src=2001:0db8:0000:0000:0000:0000:0000:0002 dst=2001:0db8:0000:0000:0000:0000:0000:0001 "
    "sport=53 dport=1 mark=0 zone=0 use=2\n"
    "ipv4     2 udp      17 26 src=192.0.2.1\n";

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string WriteTempFile(const std::string& name, absl::string_view content, mode_t mode) {
  std::string path = absl::StrCat(TempDir(), "/", name);
  unlink(path.c_str());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 0) << path;
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fd);
  chmod(path.c_str(), mode);
  return path;
}

// Runs `make(path)` as an unprivileged user (in a child process when we are root) and
// returns 0 if it failed with kPermissionDenied and a message naming the path, 1 if it
// failed otherwise, 2 if it succeeded, 3 if the test cannot drop privileges.
template <typename Make>
int PermissionProbe(const std::string& path, Make make, absl::string_view want) {
  auto check = [&]() {
    auto backend = make(path);
    if (backend.ok()) return 2;
    const absl::Status& s = backend.status();
    return s.code() == absl::StatusCode::kPermissionDenied &&
                   absl::StrContains(s.message(), path) && absl::StrContains(s.message(), want)
               ? 0
               : 1;
  };
  if (geteuid() != 0) return check();
  pid_t pid = fork();
  if (pid == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    _exit(check());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

TEST(MakeProcBackendTest, MissingNfConntrackExplainsWhy) {
  EXPECT_THAT(MakeProcBackend("/nonexistent/proc/net/nf_conntrack"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("/nonexistent/proc/net/nf_conntrack does not exist"),
                             HasSubstr("CONFIG_NF_CONNTRACK_PROCFS"), HasSubstr("Ubuntu"),
                             HasSubstr("netlink backend"))));
}

TEST(MakeProcBackendTest, MissingIpConntrackExplainsWhy) {
  EXPECT_THAT(MakeProcBackend("/nonexistent/proc/net/ip_conntrack"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("does not exist"), HasSubstr("2.6.18"),
                             HasSubstr("CONFIG_NF_CONNTRACK_PROC_COMPAT"),
                             HasSubstr("netlink backend"))));
}

TEST(MakeProcBackendTest, NotReadableSaysRunAsRoot) {
  if (access(kNfConntrackPath, F_OK) != 0) GTEST_SKIP() << kNfConntrackPath << " is absent here";
  int r = PermissionProbe(std::string(kNfConntrackPath), MakeProcBackend,
                          "mode 0440, readable only by root of this network namespace");
  if (r == 3) GTEST_SKIP() << "cannot drop privileges";
  EXPECT_EQ(r, 0);
}

TEST(MakeProcBackendTest, NameAndRepeatedDumps) {
  std::string path = WriteTempFile("nf_conntrack", kContent, 0440);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeProcBackend(path);
  ASSERT_THAT(backend, IsOk());
  EXPECT_EQ((*backend)->Name(), absl::StrCat("procfs ", path));
  for (int round = 0; round < 2; ++round) {  // each Dump() reads the file again
    RecordingSink sink;
    ASSERT_THAT((*backend)->Dump(DumpRequest{}, sink), IsOk());
    EXPECT_THAT(sink.families, ElementsAre(kFamilyIPv4, kFamilyIPv6));
    EXPECT_THAT(sink.skipped, ElementsAre("line 4: no dst= in the original tuple"));
  }
  DumpRequest v6;
  v6.family = kFamilyIPv6;
  RecordingSink sink;
  ASSERT_THAT((*backend)->Dump(v6, sink), IsOk());
  EXPECT_THAT(sink.families, ElementsAre(kFamilyIPv6));
  EXPECT_TRUE(sink.skipped.empty());
}

TEST(MakeProcBackendTest, DefaultNames) {
  if (access(kNfConntrackPath, R_OK) != 0) GTEST_SKIP() << kNfConntrackPath << " not readable";
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeProcBackend(kNfConntrackPath);
  ASSERT_THAT(backend, IsOk());
  EXPECT_EQ((*backend)->Name(), "procfs /proc/net/nf_conntrack");
}

TEST(MakeProcInputBackendTest, MissingFileIsNotFound) {
  EXPECT_THAT(MakeProcInputBackend("/nonexistent/saved.txt"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("input file /nonexistent/saved.txt does not exist")));
}

TEST(MakeProcInputBackendTest, DirectoryIsInvalidArgument) {
  EXPECT_THAT(MakeProcInputBackend(TempDir()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a directory")));
}

TEST(MakeProcInputBackendTest, NotReadableIsPermissionDenied) {
  std::string path = WriteTempFile("unreadable.txt", kContent, 0);
  chmod(TempDir().c_str(), 0755);  // let the unprivileged child reach the file
  int r = PermissionProbe(path, MakeProcInputBackend, "permission denied");
  if (r == 3) GTEST_SKIP() << "cannot drop privileges";
  EXPECT_EQ(r, 0);
}

TEST(MakeProcInputBackendTest, ReadsAFile) {
  std::string path = WriteTempFile("saved.txt", kContent, 0644);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeProcInputBackend(path);
  ASSERT_THAT(backend, IsOk());
  EXPECT_EQ((*backend)->Name(), absl::StrCat("input ", path));
  RecordingSink sink;
  ASSERT_THAT((*backend)->Dump(DumpRequest{}, sink), IsOk());
  EXPECT_THAT(sink.families, ElementsAre(kFamilyIPv4, kFamilyIPv6));
  EXPECT_THAT(sink.skipped, ElementsAre("line 4: no dst= in the original tuple"));
}

TEST(MakeProcInputBackendTest, ReadsStdinOnce) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string content(kContent);
  ASSERT_EQ(write(fds[1], content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fds[1]);
  int saved_stdin = dup(STDIN_FILENO);
  ASSERT_GE(saved_stdin, 0);
  ASSERT_EQ(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  close(fds[0]);

  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeProcInputBackend("-");
  ASSERT_THAT(backend, IsOk());
  EXPECT_EQ((*backend)->Name(), "input -");
  RecordingSink sink;
  EXPECT_THAT((*backend)->Dump(DumpRequest{}, sink), IsOk());
  EXPECT_THAT(sink.families, ElementsAre(kFamilyIPv4, kFamilyIPv6));
  RecordingSink again;
  EXPECT_THAT((*backend)->Dump(DumpRequest{}, again),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("standard input")));
  backend->reset();  // must not close stdin

  ASSERT_EQ(dup2(saved_stdin, STDIN_FILENO), STDIN_FILENO);
  close(saved_stdin);
  EXPECT_NE(fcntl(STDIN_FILENO, F_GETFD), -1);
}

}  // namespace
}  // namespace ctdump

namespace ctdump {
namespace {

// Sinks of the tests below: counts flows, keeps skip reports, and runs `on_first_flow`
// once (to change the file while it is being read).
class VanishingSink : public FlowSink {
 public:
  bool OnFlow(const Flow&) override {
    if (flows++ == 0 && on_first_flow) on_first_flow();
    return true;
  }
  void OnSkipped(const absl::Status& why) override {
    skipped.push_back(std::string(why.message()));
  }
  std::function<void()> on_first_flow;
  size_t flows = 0;
  std::vector<std::string> skipped;
};

constexpr char kLine[] =
    "ipv4     2 udp      17 26 src=192.0.2.1 dst=198.51.100.53 sport=5353 dport=53 "
    "[UNREPLIED] src=198.51.100.53 dst=192.0.2.1 sport=53 dport=5353 mark=0 zone=0 use=2\n";

// 3000 lines (about 450 KiB, several reads).
std::string ManyLines() {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += kLine;
  return text;
}

// The file is removed after the backend opened it: the open descriptor still reads the
// whole file; the next Dump(), which opens the path again, says the file is gone and
// lists nothing.
TEST(ProcFileVanishingTest, RemovedAfterOpen) {
  const std::string path = WriteTempFile("removed.txt", ManyLines(), 0644);
  auto backend = MakeProcBackend(path);
  ASSERT_THAT(backend, IsOk());
  ASSERT_EQ(unlink(path.c_str()), 0);
  VanishingSink sink;
  EXPECT_THAT((*backend)->Dump(DumpRequest{}, sink), IsOk());
  EXPECT_EQ(sink.flows, 3000u);
  EXPECT_THAT(sink.skipped, ::testing::IsEmpty());
  VanishingSink again;
  EXPECT_THAT((*backend)->Dump(DumpRequest{}, again),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(path), HasSubstr("does not exist"))));
  EXPECT_EQ(again.flows, 0u);
}

// The file is cut in the middle of a line while it is being read (as when the writer of
// a saved copy is still at work, or a file system goes away): the lines before the cut
// are listed and the cut line is reported, so the listing is called incomplete.
TEST(ProcFileVanishingTest, TruncatedWhileReadIsReported) {
  const std::string text = ManyLines();
  const std::string path = WriteTempFile("truncated.txt", text, 0644);
  const size_t line_size = std::strlen(kLine);
  const size_t keep_lines = 2000;  // past the first read (64 KiB is about 430 lines)
  const size_t cut = keep_lines * line_size + line_size / 2;
  for (auto make : {&MakeProcBackend, &MakeProcInputBackend}) {
    ASSERT_EQ(truncate(path.c_str(), 0), 0);
    const std::string fresh = WriteTempFile("truncated.txt", text, 0644);
    auto backend = make(fresh);
    ASSERT_THAT(backend, IsOk());
    VanishingSink sink;
    sink.on_first_flow = [&] { ASSERT_EQ(truncate(fresh.c_str(), cut), 0); };
    EXPECT_THAT((*backend)->Dump(DumpRequest{}, sink), IsOk());
    EXPECT_EQ(sink.flows, keep_lines);
    EXPECT_THAT(sink.skipped,
                ElementsAre(absl::StrCat("line ", keep_lines + 1,
                                         ": truncated last line (no newline at end)")));
  }
}

}  // namespace
}  // namespace ctdump
