// Golden test: runs ProcReader over every fixture folder of testdata/procfs and compares,
// byte for byte,
//   expected.conntrack  the `conntrack -L` line of each good entry, as written by
//                       AppendConntrackLine(flow, ConntrackStyle{}, ...) (core/format.h)
//   expected.errors     the OnSkipped() messages, one per line (absent: none expected)
//   expected.notices    the OnNotice() messages (unknown [FLAG]s), one per line (absent:
//                       none expected).
//
// Regenerate (testdata/procfs/README.md): run with CTDUMP_UPDATE_GOLDEN set to the
// workspace directory; the inputs are then read from, and the expected files written
// to, <dir>/testdata/procfs/<fixture>/. Read the new files before committing them.

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/procfs/reader.h"
#include "core/backend.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/text_buffer.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

// Every folder under testdata/procfs. Each has README.md, input.txt, expected.conntrack
// and, when lines are skipped, expected.errors.
const char* const kFixtures[] = {
    "nf_conntrack-6.18",     // verbatim lines of testdata/procfs/nf_conntrack-6.18/input.txt
    "centos5-ip_conntrack",  // 2.6.18 ip_conntrack (docs/procfs-format.md 3.1)
    "centos6-nf_conntrack",  // 2.6.32 (3.3)
    "centos7-nf_conntrack",  // 3.10 (3.4)
    "offload",               // [OFFLOAD] / [HW_OFFLOAD] (2.5)
    "vendor",                // fields of vendor kernels (5.9)
    "malformed",             // bad lines among good ones
};

// /proc records carry no start timestamp, so `now` never shows in the output.
constexpr uint64_t kNowNs = 1764000000ull * 1000000000ull;

// Formats what the reader delivers the way the golden files hold it.
class GoldenSink : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    AppendConntrackLine(flow, ConntrackStyle{}, kNowNs, &text);
    ++flows;
    return true;
  }
  void OnSkipped(const absl::Status& why) override {
    EXPECT_EQ(why.code(), absl::StatusCode::kDataLoss) << why;
    absl::StrAppend(&errors, why.message(), "\n");
  }
  void OnNotice(const absl::Status& note) override {
    absl::StrAppend(&notices, note.message(), "\n");
  }

  TextBuffer text;
  std::string errors;
  std::string notices;
  int flows = 0;
};

bool ReadFile(const std::string& path, std::string* out) {
  out->clear();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

bool WriteFile(const std::string& path, absl::string_view content) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  return std::fclose(f) == 0 && ok;
}

// Where the fixtures are: the source tree when regenerating, else the runfiles.
std::string FixtureRoot() {
  const char* update = std::getenv("CTDUMP_UPDATE_GOLDEN");
  if (update != nullptr && *update != '\0') return absl::StrCat(update, "/testdata/procfs");
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return "testdata/procfs";
  return absl::StrCat(srcdir, "/", workspace, "/testdata/procfs");
}

bool Updating() {
  const char* update = std::getenv("CTDUMP_UPDATE_GOLDEN");
  return update != nullptr && *update != '\0';
}

class GoldenTest : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenTest, MatchesConntrackOutput) {
  const std::string dir = absl::StrCat(FixtureRoot(), "/", GetParam());
  std::string readme;
  EXPECT_TRUE(ReadFile(dir + "/README.md", &readme)) << dir << " needs a README.md";

  int fd = open((dir + "/input.txt").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << dir << "/input.txt";
  ProcReader reader;
  GoldenSink sink;
  absl::Status status = reader.ReadFd(fd, dir + "/input.txt", sink);
  close(fd);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_GT(sink.flows, 0) << "a fixture without a single good line tests little";

  const std::string got_text(sink.text.view());
  if (Updating()) {
    ASSERT_TRUE(WriteFile(dir + "/expected.conntrack", got_text)) << dir;
    for (const auto& [file, got] : {std::make_pair("/expected.errors", &sink.errors),
                                    std::make_pair("/expected.notices", &sink.notices)}) {
      if (got->empty()) {
        unlink((dir + file).c_str());
      } else {
        ASSERT_TRUE(WriteFile(dir + file, *got)) << dir;
      }
    }
    std::printf("updated %s: %d flows, %zu bytes of errors\n", dir.c_str(), sink.flows,
                sink.errors.size());
    return;
  }

  std::string want_text, want_errors, want_notices;
  ASSERT_TRUE(ReadFile(dir + "/expected.conntrack", &want_text)) << dir;
  ReadFile(dir + "/expected.errors", &want_errors);    // absent: no errors expected
  ReadFile(dir + "/expected.notices", &want_notices);  // absent: no notices expected
  EXPECT_EQ(got_text, want_text) << dir << "/expected.conntrack differs";
  EXPECT_EQ(sink.errors, want_errors) << dir << "/expected.errors differs";
  EXPECT_EQ(sink.notices, want_notices) << dir << "/expected.notices differs";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTest, ::testing::ValuesIn(kFixtures),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// A new fixture folder must be added to kFixtures, or it would never be checked.
TEST(GoldenFixturesTest, EveryFolderIsListed) {
  const std::string root = FixtureRoot();
  DIR* d = opendir(root.c_str());
  ASSERT_NE(d, nullptr) << root;
  std::set<std::string> listed(std::begin(kFixtures), std::end(kFixtures));
  std::set<std::string> found;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string probe;
    if (ReadFile(absl::StrCat(root, "/", name, "/input.txt"), &probe)) found.insert(name);
  }
  closedir(d);
  EXPECT_EQ(found, listed);
}

}  // namespace
}  // namespace ctdump
