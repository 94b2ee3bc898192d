// The parallel read of large saved files (parallel_read.h) against the sequential one:
// for inputs with lines across every chunk border, over-long lines spanning many chunks,
// a last line without '\n', CRLF, blanks, comments and malformed lines, with 2 to 4
// workers and chunks of a few bytes to 64 KiB, a sink sees the same flows and the same
// skipped lines with the same numbers, in the same interleaving, as a sequential read
// gives it; an early stop delivers the same prefix.

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/procfs/parse.h"
#include "backends/procfs/reader.h"
#include "core/backend.h"
#include "core/json.h"
#include "core/text_buffer.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

// A shard: the flows of one chunk, as text.
class LogShard : public FlowShard {
 public:
  bool OnFlow(const Flow& flow) override {
    log.push_back(DebugString(flow));
    return true;
  }
  size_t Position() const override { return log.size(); }
  std::vector<std::string> log;
};

// Logs "flow ..." and "skip ..." in the order the sink is told them, through OnFlow()/
// OnSkipped() or through shards. Stops after `stop_after` flows when set (the shards
// cannot know the global count, so the sink stops at the commit that passes it and
// drops the rest of that shard: a sequential read would not have delivered them).
class LogSink : public FlowSink {
 public:
  explicit LogSink(bool shards) : shards_(shards) {}

  bool OnFlow(const Flow& flow) override { return Add(DebugString(flow)); }
  void OnSkipped(const absl::Status& why) override {
    EXPECT_EQ(why.code(), absl::StatusCode::kDataLoss);
    log.push_back(absl::StrCat("skip ", why.message()));
  }
  // Parallel reads give a chunk's notices before its flows (parallel_read.h), so notices
  // are logged apart.
  void OnNotice(const absl::Status& note) override {
    notices.push_back(std::string(note.message()));
  }
  void OnNetns(absl::string_view name) override { log.push_back(absl::StrCat("netns ", name)); }
  std::unique_ptr<FlowShard> NewShard() override {
    if (!shards_) return nullptr;
    ++shards_made;
    return std::make_unique<LogShard>();
  }
  bool CommitShard(std::unique_ptr<FlowShard> shard, std::vector<ShardSkip> skipped) override {
    auto& part = static_cast<LogShard&>(*shard);
    size_t done = 0;
    for (const ShardSkip& s : skipped) {
      for (; done < s.position; ++done) {
        if (!Add(part.log[done])) return false;
      }
      OnSkipped(s.why);
    }
    for (; done < part.log.size(); ++done) {
      if (!Add(part.log[done])) return false;
    }
    ++commits;
    return true;
  }

  size_t stop_after = 0;
  std::vector<std::string> log;
  std::vector<std::string> notices;
  int shards_made = 0;
  int commits = 0;

 private:
  bool Add(const std::string& flow) {
    log.push_back(absl::StrCat("flow ", flow));
    return stop_after == 0 || ++flows_ < stop_after;
  }
  bool shards_;
  size_t flows_ = 0;
};

std::string TempFile(const std::string& content) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = absl::StrCat(dir ? dir : "/tmp", "/parallel_read_test.XXXXXX");
  int fd = mkstemp(&path[0]);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fd);
  return path;
}

std::vector<std::string> ReadWith(const std::string& path, bool parallel, int workers,
                                  size_t chunk, size_t stop_after, uint8_t family,
                                  int* commits = nullptr,
                                  std::vector<std::string>* notices = nullptr) {
  ProcReaderOptions options;
  options.parallel_workers = parallel ? workers : 1;
  options.parallel_chunk_bytes = chunk;
  options.parallel_min_bytes = 1;
  options.max_line_bytes = 600;
  options.family = family;
  ProcReader reader(options);
  LogSink sink(parallel);
  sink.stop_after = stop_after;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  absl::Status s = reader.ReadFd(fd, "test", sink);
  close(fd);
  EXPECT_TRUE(s.ok()) << s;
  if (commits != nullptr) *commits = sink.commits;
  if (notices != nullptr) *notices = sink.notices;
  return sink.log;
}

constexpr char kTcp[] =
    "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40000 "
    "dport=443 src=10.0.0.2 dst=10.0.0.1 sport=443 dport=40000 [ASSURED] mark=0 zone=0 use=2";
constexpr char kUdp6[] =
    "ipv6     10 udp      17 27 src=2001:0db8:0000:0000:0000:0000:0000:0001 "
    "dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=1 dport=53 [UNREPLIED] "
    "src=2001:0db8:0000:0000:0000:0000:0000:0002 dst=2001:0db8:0000:0000:0000:0000:0000:0001 "
    "sport=53 dport=1 mark=0 zone=0 use=2";

// A few hundred lines of every kind, the port numbers making every line distinct.
std::string MixedInput(bool final_newline) {
  std::string in;
  for (int i = 0; i < 300; ++i) {
    switch (i % 11) {
      case 3:
        absl::StrAppend(&in, "\n");  // blank
        break;
      case 5:
        absl::StrAppend(&in, "# a comment\n");
        break;
      case 7:
        absl::StrAppend(&in, "ipv4     2 tcp      6 1 BOGUS src=1.2.3.4\n");  // malformed
        break;
      case 8:
        absl::StrAppend(&in, std::string(1500 + i, 'x'), "\n");  // over-long (> 600)
        break;
      case 9:
        absl::StrAppend(&in, kUdp6, " secmark=", i, "\r\n");  // CRLF
        break;
      case 10:  // 13 different unknown [FLAG]s: past UnknownFlagReporter's limit
        absl::StrAppend(&in, kTcp, " [VENDOR", i % 13, "] secmark=", i, "\n");
        break;
      default:
        absl::StrAppend(&in, kTcp, " secmark=", i, "\n");
    }
  }
  absl::StrAppend(&in, kTcp);
  if (final_newline) absl::StrAppend(&in, "\n");
  return in;
}

TEST(ParallelReadTest, SameAsSequentialForEveryChunkSizeAndWorkerCount) {
  for (bool final_newline : {true, false}) {
    const std::string path = TempFile(MixedInput(final_newline));
    const std::vector<std::string> want = ReadWith(path, false, 1, 0, 0, 0);
    ASSERT_GT(want.size(), 200u);
    for (int workers : {2, 3, 4}) {
      for (size_t chunk : {4096, 4097, 10000, 65536}) {
        int commits = 0;
        EXPECT_EQ(ReadWith(path, true, workers, chunk, 0, 0, &commits), want)
            << "workers " << workers << " chunk " << chunk << " final newline "
            << final_newline;
        EXPECT_GT(commits, 1) << "chunk " << chunk;  // it really was cut in chunks
      }
    }
    unlink(path.c_str());
  }
}

TEST(ParallelReadTest, LineNumbersAndMessagesAreTheSequentialOnes) {
  const std::string path = TempFile(MixedInput(false));
  std::vector<std::string> got = ReadWith(path, true, 2, 4096, 0, 0);
  std::vector<std::string> skips;
  for (const std::string& e : got) {
    if (e.rfind("skip ", 0) == 0) skips.push_back(e);
  }
  ASSERT_FALSE(skips.empty());
  EXPECT_EQ(skips.front(), "skip line 8: unknown tcp state \"BOGUS\"");
  EXPECT_EQ(skips[1], "skip line 9: line longer than 600 bytes, skipped");
  EXPECT_EQ(skips.back(), "skip line 301: truncated last line (no newline at end)");
  unlink(path.c_str());
}

// Unknown [FLAG]s: each distinct one once, with the line it first occurs on, the first
// UnknownFlagReporter::kMaxReported of them and then once "more", as a sequential read
// reports them, however the file is cut.
TEST(ParallelReadTest, UnknownFlagNoticesAreTheSequentialOnes) {
  const std::string path = TempFile(MixedInput(true));
  std::vector<std::string> want;
  ReadWith(path, false, 1, 0, 0, 0, nullptr, &want);
  ASSERT_EQ(want.size(), UnknownFlagReporter::kMaxReported + 1);
  EXPECT_EQ(want.front(),
            "line 11: unknown flag [VENDOR10] skipped (not a flag of the mainline kernel's "
            "format; a vendor kernel's addition?)");
  EXPECT_NE(want.back().find("the rest are not reported"), std::string::npos) << want.back();
  for (size_t chunk : {4096, 10000}) {
    std::vector<std::string> got;
    ReadWith(path, true, 3, chunk, 0, 0, nullptr, &got);
    EXPECT_EQ(got, want) << "chunk " << chunk;
  }
  unlink(path.c_str());
}

TEST(ParallelReadTest, FamilyFilterAsSequential) {
  const std::string path = TempFile(MixedInput(true));
  for (uint8_t family : {kFamilyIPv4, kFamilyIPv6}) {
    EXPECT_EQ(ReadWith(path, true, 2, 4096, 0, family), ReadWith(path, false, 1, 0, 0, family));
  }
  unlink(path.c_str());
}

TEST(ParallelReadTest, EarlyStopDeliversTheSamePrefix) {
  const std::string path = TempFile(MixedInput(true));
  for (size_t stop : {1, 17, 100, 250}) {
    EXPECT_EQ(ReadWith(path, true, 3, 4096, stop, 0), ReadWith(path, false, 1, 0, stop, 0))
        << "stop after " << stop;
  }
  unlink(path.c_str());
}

// ctdump's own -o json --all-netns lines: "netns" holds for the lines after it, so a file
// that starts with a JSON line is read in order, with OnNetns() at every change, whatever
// the parallel options say.
TEST(ParallelReadTest, JsonFilesAreReadInOrderWithTheirNamespaces) {
  Flow f;
  ProcLineNotes notes;
  ASSERT_TRUE(ParseProcLine(kTcp, &f, &notes).ok());
  std::string in = "# a bundle\n";
  const char* namespaces[] = {"blue", "blue", "pid:7", "", "blue"};
  for (int i = 0; i < 200; ++i) {
    f.orig.sport = static_cast<uint16_t>(1000 + i);
    JsonStyle style;
    style.netns = namespaces[i / 40];
    TextBuffer line;
    AppendJsonLine(f, style, 0, &line);
    absl::StrAppend(&in, line.view());
  }
  absl::StrAppend(&in, kTcp, "\n");  // a /proc line after a namespaced one: "" again
  const std::string path = TempFile(in);
  int commits = -1;
  const std::vector<std::string> seq = ReadWith(path, false, 1, 4096, 0, 0);
  const std::vector<std::string> par = ReadWith(path, true, 3, 512, 0, 0, &commits);
  unlink(path.c_str());
  EXPECT_EQ(par, seq);
  EXPECT_EQ(commits, 0);  // no shard: read in order
  std::vector<std::string> changes;
  for (const std::string& l : seq) {
    if (l.rfind("netns", 0) == 0) changes.push_back(l);
  }
  EXPECT_EQ(changes, (std::vector<std::string>{"netns blue", "netns pid:7", "netns ",
                                               "netns blue", "netns "}));
  EXPECT_EQ(seq.size(), 201u + changes.size());
}

TEST(ParallelReadTest, SmallFilesAndSinksWithoutShardsAreReadSequentially) {
  const std::string path = TempFile(MixedInput(true));
  ProcReaderOptions options;
  options.parallel_min_bytes = 1 << 30;  // larger than the file
  options.max_line_bytes = 600;
  ProcReader reader(options);
  LogSink sink(/*shards=*/true);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_TRUE(reader.ReadFd(fd, "test", sink).ok());
  close(fd);
  EXPECT_EQ(sink.shards_made, 0);
  EXPECT_EQ(sink.log, ReadWith(path, false, 1, 0, 0, 0));
  unlink(path.c_str());
}

}  // namespace
}  // namespace ctdump
