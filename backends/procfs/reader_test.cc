// Tests for ProcReader: line reassembly across reads, numbering, skipped lines, memory
// bound on over-long lines, early stop, family filter and read errors.

#include "backends/procfs/reader.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/backend.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Records what the reader delivers; stops after `stop_after` flows when set.
class RecordingSink : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    flows.push_back(DebugString(flow));
    families.push_back(flow.family);
    return stop_after == 0 || flows.size() < stop_after;
  }
  void OnSkipped(const absl::Status& why) override {
    EXPECT_EQ(why.code(), absl::StatusCode::kDataLoss) << why;
    skipped.push_back(std::string(why.message()));
  }

  size_t stop_after = 0;
  std::vector<std::string> flows;
  std::vector<uint8_t> families;
  std::vector<std::string> skipped;
};

// Serves `data` in pieces: each read returns at most the next size from `pattern`
// (cycled) and at most what was asked.
class ChunkedSource {
 public:
  ChunkedSource(std::string data, std::vector<size_t> pattern)
      : data_(std::move(data)), pattern_(std::move(pattern)) {}

  ssize_t Read(char* buf, size_t size) {
    asked.push_back(size);
    if (fail_at_ != 0 && pos_ >= fail_at_) {
      errno = fail_errno_;
      return -1;
    }
    if (eintr_every_ != 0 && ++calls_ % eintr_every_ == 0) {
      errno = EINTR;
      return -1;
    }
    size_t n = std::min(size, data_.size() - pos_);
    if (!pattern_.empty()) n = std::min(n, pattern_[next_++ % pattern_.size()]);
    if (fail_at_ != 0) n = std::min(n, fail_at_ - pos_);
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  // After `offset` bytes, every read fails with `err`.
  void FailAt(size_t offset, int err) {
    fail_at_ = offset;
    fail_errno_ = err;
  }
  void EintrEvery(int n) { eintr_every_ = n; }

  std::vector<size_t> asked;

 private:
  std::string data_;
  std::vector<size_t> pattern_;
  size_t pos_ = 0;
  size_t next_ = 0;
  size_t fail_at_ = 0;
  int fail_errno_ = 0;
  int eintr_every_ = 0;
  int calls_ = 0;
};

// A ProcReader::ReadFn over `src`; the temporary lives as long as the call it is passed to.
auto Fn(ChunkedSource& src) {
  return [&src](char* buf, size_t size) { return src.Read(buf, size); };
}

constexpr char kTcp[] =
    "ipv4     2 tcp      6 296 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=40000 "
    "dport=80 packets=0 bytes=0 src=198.51.100.2 dst=192.0.2.1 sport=80 dport=40000 "
    "packets=0 bytes=0 [ASSURED] mark=0 zone=0 delta-time=3 use=2";
constexpr char kUdp6[] =
    "ipv6     10 udp      17 27 src=2001:0db8:0000:0000:0000:0000:0000:0001 "
    "dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=1 dport=53 [UNREPLIED] "
    "src=2001:0db8:0000:0000:0000:0000:0000:0002 dst=2001:0db8:0000:0000:0000:0000:0000:0001 "
    "sport=53 dport=1 mark=0 zone=0 use=2";
constexpr char kGre[] =
    "ipv4     2 gre      47 27 timeout=30, stream_timeout=180 src=127.0.0.1 dst=127.0.0.3 "
    "srckey=0x0 dstkey=0x1234 packets=1 bytes=28 [UNREPLIED] src=127.0.0.3 dst=127.0.0.1 "
    "srckey=0x1234 dstkey=0x0 packets=0 bytes=0 mark=119 zone=0 delta-time=2 use=2";
constexpr char kOldTcp[] =
    "tcp      6 117 LISTEN src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 packets=1 bytes=60 "
    "[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 packets=0 bytes=0 mark=0 "
    "secmark=0 use=1";

std::string Dbg(absl::string_view line) {
  Flow flow;
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src(absl::StrCat(line, "\n"), {});
  EXPECT_THAT(reader.Read(Fn(src), "x", sink), IsOk());
  EXPECT_EQ(sink.flows.size(), 1u);
  return sink.flows.empty() ? "" : sink.flows[0];
}

// A file with comments, blank lines and bad lines among good ones.
std::string MixedFile() {
  return absl::StrCat("# saved from host A\n",            // 1
                      kTcp, "\n",                         // 2
                      "\n",                               // 3
                      kUdp6, "\n",                        // 4
                      "ipv4     2 tcp      6 1 BOGUS src=1.2.3.4\n",  // 5
                      "   \n",                            // 6
                      kGre, "\n",                         // 7
                      "  # indented comment\n",           // 8
                      "ipv4     2 udp      17 1 src=10.0.0.300 dst=1.1.1.1\n",  // 9
                      kOldTcp, "\r\n");                   // 10 (CRLF)
}

std::vector<std::string> MixedFlows() {
  return {Dbg(kTcp), Dbg(kUdp6), Dbg(kGre), Dbg(kOldTcp)};
}

const std::vector<std::string> kMixedSkipped = {
    "line 5: unknown tcp state \"BOGUS\"",
    "line 9: bad address \"10.0.0.300\" in src=",
};

TEST(ProcReaderTest, GoodLinesDeliveredBadLinesReportedWithLineNumbers) {
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src(MixedFile(), {});
  ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk());
  EXPECT_EQ(sink.flows, MixedFlows());
  EXPECT_EQ(sink.skipped, kMixedSkipped);
  EXPECT_EQ(reader.lines(), 10u);
}

// Lines split at every possible place: same result for every read size and for odd
// short-read patterns.
TEST(ProcReaderTest, LinesSplitAcrossReads) {
  const std::string data = MixedFile();
  for (size_t read_size : {1, 2, 3, 7, 13, 64, 100, 333, 4096, 65536}) {
    ProcReaderOptions options;
    options.read_size = read_size;
    ProcReader reader(options);
    RecordingSink sink;
    ChunkedSource src(data, {});
    ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk()) << read_size;
    EXPECT_EQ(sink.flows, MixedFlows()) << read_size;
    EXPECT_EQ(sink.skipped, kMixedSkipped) << read_size;
  }
  for (std::vector<size_t> pattern : std::vector<std::vector<size_t>>{
           {1}, {5, 1, 17}, {3913}, {4095, 1}, {250, 7, 1000}}) {
    ProcReader reader;
    RecordingSink sink;
    ChunkedSource src(data, pattern);
    ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk());
    EXPECT_EQ(sink.flows, MixedFlows());
    EXPECT_EQ(sink.skipped, kMixedSkipped);
  }
}

TEST(ProcReaderTest, AsksForAtLeast64KiBPerRead) {
  ProcReader reader;
  RecordingSink sink;
  std::string data;
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&data, kTcp, "\n");
  ChunkedSource src(data, {3913});  // what 6.18 returned for a 1 MiB request
  ASSERT_THAT(reader.Read(Fn(src), "big", sink), IsOk());
  EXPECT_EQ(sink.flows.size(), 2000u);
  ASSERT_FALSE(src.asked.empty());
  for (size_t n : src.asked) EXPECT_GE(n, size_t{64} << 10);
}

TEST(ProcReaderTest, RetriesEintr) {
  ProcReaderOptions options;
  options.read_size = 50;
  ProcReader reader(options);
  RecordingSink sink;
  ChunkedSource src(MixedFile(), {});
  src.EintrEvery(2);
  ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk());
  EXPECT_EQ(sink.flows, MixedFlows());
  EXPECT_EQ(sink.skipped, kMixedSkipped);
}

TEST(ProcReaderTest, ReadErrorMidFile) {
  const std::string data = absl::StrCat(kTcp, "\n", kGre, "\n", kTcp, "\n");
  ProcReaderOptions options;
  options.read_size = 100;
  ProcReader reader(options);
  RecordingSink sink;
  ChunkedSource src(data, {});
  src.FailAt(std::string(kTcp).size() + 1 + 10, EIO);
  EXPECT_THAT(reader.Read(Fn(src), "/proc/net/nf_conntrack", sink),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("read /proc/net/nf_conntrack: Input/output error (after line 1)")));
  EXPECT_EQ(sink.flows, std::vector<std::string>{Dbg(kTcp)});
  EXPECT_THAT(sink.skipped, IsEmpty());
}

TEST(ProcReaderTest, TruncatedLastLine) {
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src(absl::StrCat(kTcp, "\n", "# c\n", kGre, "\n", "ipv4     2 tcp      6 29"),
                    {7});
  ASSERT_THAT(reader.Read(Fn(src), "t", sink), IsOk());
  EXPECT_EQ(sink.flows, (std::vector<std::string>{Dbg(kTcp), Dbg(kGre)}));
  EXPECT_THAT(sink.skipped, ElementsAre("line 4: truncated last line (no newline at end)"));
  EXPECT_EQ(reader.lines(), 4u);
}

TEST(ProcReaderTest, CompleteLastLineWithoutNewlineIsStillTruncated) {
  // Whole-looking, but the kernel always ends a record with '\n' (docs/procfs-format.md 4.1).
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src(kTcp, {});
  ASSERT_THAT(reader.Read(Fn(src), "t", sink), IsOk());
  EXPECT_THAT(sink.flows, IsEmpty());
  EXPECT_THAT(sink.skipped, ElementsAre("line 1: truncated last line (no newline at end)"));
}

TEST(ProcReaderTest, CommentOrBlankFragmentAtEndIsIgnored) {
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src(absl::StrCat(kTcp, "\n# end of capture"), {});
  ASSERT_THAT(reader.Read(Fn(src), "t", sink), IsOk());
  EXPECT_EQ(sink.flows.size(), 1u);
  EXPECT_THAT(sink.skipped, IsEmpty());
}

TEST(ProcReaderTest, EmptyInput) {
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src("", {});
  ASSERT_THAT(reader.Read(Fn(src), "t", sink), IsOk());
  EXPECT_THAT(sink.flows, IsEmpty());
  EXPECT_THAT(sink.skipped, IsEmpty());
  EXPECT_EQ(reader.lines(), 0u);
}

TEST(ProcReaderTest, HugeLineSkippedWithBoundedMemory) {
  // 5 MiB of junk in one line between good lines, served the way the kernel would
  // (4 KiB at a time) and all at once.
  std::string huge = absl::StrCat(kTcp, std::string(5 << 20, 'x'));
  std::string data = absl::StrCat(kTcp, "\n", huge, "\n", kGre, "\n");
  for (std::vector<size_t> pattern : std::vector<std::vector<size_t>>{{4096}, {}}) {
    ProcReader reader;
    RecordingSink sink;
    ChunkedSource src(data, pattern);
    ASSERT_THAT(reader.Read(Fn(src), "huge", sink), IsOk());
    EXPECT_EQ(sink.flows, (std::vector<std::string>{Dbg(kTcp), Dbg(kGre)}));
    EXPECT_THAT(sink.skipped, ElementsAre("line 2: line longer than 1048576 bytes, skipped"));
    EXPECT_EQ(reader.lines(), 3u);
    EXPECT_LE(reader.peak_buffer_bytes(), (size_t{1} << 20) + (size_t{64} << 10));
  }
}

TEST(ProcReaderTest, HugeLastLineWithoutNewlineReportedOnce) {
  std::string data = absl::StrCat(kTcp, "\n", std::string(3 << 20, 'y'));
  ProcReader reader;
  RecordingSink sink;
  ChunkedSource src(data, {4096});
  ASSERT_THAT(reader.Read(Fn(src), "huge", sink), IsOk());
  EXPECT_EQ(sink.flows.size(), 1u);
  EXPECT_THAT(sink.skipped, ElementsAre("line 2: line longer than 1048576 bytes, skipped"));
  EXPECT_LE(reader.peak_buffer_bytes(), (size_t{1} << 20) + (size_t{64} << 10));
}

TEST(ProcReaderTest, LongLineArrivingInOneReadIsSkippedToo) {
  ProcReaderOptions options;
  options.max_line_bytes = 100;
  ProcReader reader(options);
  RecordingSink sink;
  ChunkedSource src(absl::StrCat(kTcp, "\n", "# short\n"), {});
  ASSERT_THAT(reader.Read(Fn(src), "t", sink), IsOk());
  EXPECT_THAT(sink.flows, IsEmpty());
  EXPECT_THAT(sink.skipped, ElementsAre("line 1: line longer than 100 bytes, skipped"));
}

TEST(ProcReaderTest, StopsWhenSinkSaysSo) {
  std::string data;
  for (int i = 0; i < 5; ++i) absl::StrAppend(&data, kTcp, "\n");
  absl::StrAppend(&data, "garbage\n");
  ProcReader reader;
  RecordingSink sink;
  sink.stop_after = 2;
  ChunkedSource src(data, {});
  ASSERT_THAT(reader.Read(Fn(src), "t", sink), IsOk());
  EXPECT_EQ(sink.flows.size(), 2u);
  EXPECT_THAT(sink.skipped, IsEmpty());
}

TEST(ProcReaderTest, FamilyFilter) {
  const std::string data = MixedFile();
  {
    ProcReaderOptions options;
    options.family = kFamilyIPv6;
    ProcReader reader(options);
    RecordingSink sink;
    ChunkedSource src(data, {});
    ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk());
    EXPECT_EQ(sink.flows, std::vector<std::string>{Dbg(kUdp6)});
    // The bad lines are IPv4 by their prefix: dropped unread.
    EXPECT_THAT(sink.skipped, IsEmpty());
  }
  {
    ProcReaderOptions options;
    options.family = kFamilyIPv4;
    ProcReader reader(options);
    RecordingSink sink;
    ChunkedSource src(data, {});
    ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk());
    EXPECT_EQ(sink.flows, (std::vector<std::string>{Dbg(kTcp), Dbg(kGre), Dbg(kOldTcp)}));
    EXPECT_EQ(sink.skipped, kMixedSkipped);
  }
}

TEST(ProcReaderTest, ReaderIsReusable) {
  ProcReader reader;
  for (int round = 0; round < 2; ++round) {
    RecordingSink sink;
    ChunkedSource src(MixedFile(), {});
    ASSERT_THAT(reader.Read(Fn(src), "mixed", sink), IsOk());
    EXPECT_EQ(sink.flows, MixedFlows());
    EXPECT_EQ(sink.skipped, kMixedSkipped);
    EXPECT_EQ(reader.lines(), 10u);
  }
}

// A real pipe with a writer that trickles odd-sized pieces.
TEST(ProcReaderTest, PipeWithOddWrites) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string data;
  for (int i = 0; i < 300; ++i) absl::StrAppend(&data, MixedFile());
  std::thread writer([&data, fd = fds[1]] {
    static constexpr size_t kSizes[] = {1, 4095, 17, 3913, 2, 8191, 333};
    size_t pos = 0;
    for (size_t i = 0; pos < data.size(); ++i) {
      size_t n = std::min(kSizes[i % 7], data.size() - pos);
      ssize_t w = write(fd, data.data() + pos, n);
      if (w <= 0) break;
      pos += static_cast<size_t>(w);
    }
    close(fd);
  });
  ProcReader reader;
  RecordingSink sink;
  absl::Status status = reader.ReadFd(fds[0], "pipe", sink);
  writer.join();
  close(fds[0]);
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(sink.flows.size(), 300u * 4);
  ASSERT_EQ(sink.skipped.size(), 600u);
  EXPECT_EQ(sink.skipped[0], kMixedSkipped[0]);
  EXPECT_EQ(sink.skipped[599], "line 2999: bad address \"10.0.0.300\" in src=");
  EXPECT_EQ(reader.lines(), 3000u);
}

TEST(ProcReaderTest, Memfd) {
  int fd = memfd_create("proc-copy", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  const std::string data = MixedFile();
  ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
  ProcReader reader;
  RecordingSink sink;
  ASSERT_THAT(reader.ReadFd(fd, "memfd", sink), IsOk());
  close(fd);
  EXPECT_EQ(sink.flows, MixedFlows());
  EXPECT_EQ(sink.skipped, kMixedSkipped);
}

TEST(ProcReaderTest, ReadFdErrorNamesThePath) {
  ProcReader reader;
  RecordingSink sink;
  EXPECT_THAT(reader.ReadFd(-1, "/nowhere", sink),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("read /nowhere: Bad file descriptor")));
}

}  // namespace
}  // namespace ctdump
