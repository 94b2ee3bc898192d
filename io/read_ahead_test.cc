#include "io/read_ahead.h"

#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::_;
using ::testing::ElementsAre;

// A source of `chunks` numbered chunks ("chunk 0", "chunk 1", ...), then `end`.
struct Source {
  std::vector<std::string> chunks;
  absl::Status end = absl::OkStatus();
  std::atomic<int> calls{0};

  ReadAhead::FillFn Fill() {
    return [this](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> {
      const int i = calls.fetch_add(1);
      if (i >= static_cast<int>(chunks.size())) {
        if (!end.ok()) return end;
        return 0;
      }
      std::memcpy(buf.data(), chunks[i].data(), chunks[i].size());
      return chunks[i].size();
    };
  }
};

std::vector<std::string> Numbered(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(absl::StrCat("chunk ", i));
  return v;
}

// Drains `ahead`; returns the chunks and the final status.
std::pair<std::vector<std::string>, absl::Status> Drain(ReadAhead& ahead) {
  std::vector<std::string> got;
  for (;;) {
    absl::StatusOr<absl::Span<const uint8_t>> c = ahead.Next();
    if (!c.ok()) return {got, c.status()};
    if (c->empty()) return {got, absl::OkStatus()};
    got.emplace_back(reinterpret_cast<const char*>(c->data()), c->size());
  }
}

class ReadAheadTest : public ::testing::TestWithParam<bool> {
 protected:
  ReadAhead::Options Opts(int depth = 3) {
    ReadAhead::Options o;
    o.chunk_bytes = 64;
    o.depth = depth;
    o.threaded = GetParam();
    return o;
  }
};

TEST_P(ReadAheadTest, DeliversEveryChunkInOrderThenTheEnd) {
  Source src;
  src.chunks = Numbered(100);
  ReadAhead ahead(Opts(), src.Fill());
  auto [got, status] = Drain(ahead);
  EXPECT_THAT(status, IsOk());
  EXPECT_EQ(got, Numbered(100));
  EXPECT_EQ(ahead.chunks_filled(), 100u);
  // The end is sticky, and fill() is not called after it returned 0.
  absl::StatusOr<absl::Span<const uint8_t>> again = ahead.Next();
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(src.calls.load(), 101);
}

TEST_P(ReadAheadTest, EmptyStream) {
  Source src;
  ReadAhead ahead(Opts(), src.Fill());
  auto [got, status] = Drain(ahead);
  EXPECT_THAT(status, IsOk());
  EXPECT_TRUE(got.empty());
}

TEST_P(ReadAheadTest, ErrorComesAfterTheChunksBeforeItAndIsSticky) {
  Source src;
  src.chunks = Numbered(5);
  src.end = absl::DataLossError("recv: ENOBUFS");
  ReadAhead ahead(Opts(2), src.Fill());
  auto [got, status] = Drain(ahead);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_EQ(got, Numbered(5));
  EXPECT_THAT(ahead.Next().status(), StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_EQ(src.calls.load(), 6);
}

TEST_P(ReadAheadTest, IsLastStopsReadingAfterThatChunk) {
  Source src;
  src.chunks = Numbered(10);
  ReadAhead ahead(Opts(), src.Fill(), [](absl::Span<const uint8_t> c) {
    return std::string(reinterpret_cast<const char*>(c.data()), c.size()) == "chunk 3";
  });
  auto [got, status] = Drain(ahead);
  EXPECT_THAT(status, IsOk());
  EXPECT_THAT(got, ElementsAre("chunk 0", "chunk 1", "chunk 2", "chunk 3"));
  EXPECT_EQ(src.calls.load(), 4);  // never asked past the last chunk (it would block)
}

TEST_P(ReadAheadTest, NeverFillsMoreThanDepthAheadOfTheConsumer) {
  constexpr int kDepth = 3;
  std::atomic<int> taken{0};
  std::atomic<int> worst{0};
  int produced = 0;
  ReadAhead ahead(Opts(kDepth), [&](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> {
    if (produced == 1000) return 0;
    // Slots in use when this fill starts: chunks filled but not yet released. The
    // consumer releases a chunk inside the Next() call after the one that returned it.
    const int ahead_by = produced - (taken.load() - 1);
    worst = std::max(worst.load(), ahead_by);
    buf[0] = static_cast<uint8_t>(produced++);
    return 1;
  });
  int n = 0;
  for (;; ++n) {
    absl::StatusOr<absl::Span<const uint8_t>> c = ahead.Next();
    ASSERT_THAT(c, IsOk());
    if (c->empty()) break;
    ASSERT_EQ((*c)[0], static_cast<uint8_t>(n));
    taken.fetch_add(1);
  }
  EXPECT_EQ(n, 1000);
  EXPECT_LE(worst.load(), kDepth);
}

TEST_P(ReadAheadTest, DestroyingEarlyStopsTheReaderWithoutDrainingTheStream) {
  Source src;
  src.chunks = Numbered(1000);
  {
    ReadAhead ahead(Opts(2), src.Fill());
    absl::StatusOr<absl::Span<const uint8_t>> c = ahead.Next();
    ASSERT_THAT(c, IsOk());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(c->data()), c->size()), "chunk 0");
  }  // must not hang, and must not read the other 999 chunks
  EXPECT_LE(src.calls.load(), 4);
}

// Runs `body` in a forked child after `limit` (which may refuse by returning false: the
// child then exits 77); returns the child's exit status. A thread cannot be started in
// the child, and ReadAhead must then read on the calling thread with the same results.
int InChild(const std::function<bool()>& limit, const std::function<bool()>& body) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    if (!limit()) _exit(77);
    try {
      _exit(body() ? 0 : 1);
    } catch (...) {
      _exit(2);  // never back into gtest: the child must not run the other tests
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// What the child checks: no thread, yet every chunk in order, then the end.
bool ReadsWithoutAThread() {
  Source src;
  src.chunks = Numbered(50);
  ReadAhead::Options o;
  o.chunk_bytes = 64;
  ReadAhead ahead(o, src.Fill());  // threaded by default; std::thread throws in here
  if (ahead.threaded()) return false;
  auto [got, status] = Drain(ahead);
  return status.ok() && got == Numbered(50);
}

// `ulimit -v`: no address space left for a thread's stack (8 MiB by default).
TEST(ReadAheadFallback, ReadsOnTheCallingThreadWhenNoStackCanBeMapped) {
  int rc = InChild(
      [] {
        std::ifstream statm("/proc/self/statm");
        uint64_t pages = 0;
        if (!(statm >> pages)) return false;
        const uint64_t now = pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
        struct rlimit rl = {now + (2u << 20), now + (2u << 20)};  // 2 MiB to spare
        return setrlimit(RLIMIT_AS, &rl) == 0;
      },
      ReadsWithoutAThread);
  EXPECT_EQ(rc, 0);
}

// `prlimit --nproc=1` as an unprivileged user: clone() refuses the thread (EAGAIN).
TEST(ReadAheadFallback, ReadsOnTheCallingThreadWhenRlimitNprocRefusesTheThread) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to become nobody";
  int rc = InChild(
      [] {
        struct rlimit rl = {1, 1};
        return setrlimit(RLIMIT_NPROC, &rl) == 0 && setgroups(0, nullptr) == 0 &&
               setgid(65534) == 0 && setuid(65534) == 0;
      },
      ReadsWithoutAThread);
  // Bazel's sandbox runs tests in a user namespace that maps only root.
  if (rc == 77) GTEST_SKIP() << "cannot become nobody here (user namespace?)";
  EXPECT_EQ(rc, 0);
}

// bad_alloc thrown by fill() ends the stream with an error, on either thread.
TEST_P(ReadAheadTest, BadAllocInFillEndsTheStreamWithAnError) {
  int calls = 0;
  ReadAhead ahead(Opts(), [&calls](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> {
    if (++calls == 1) {
      std::memcpy(buf.data(), "chunk 0", 7);
      return 7;
    }
    throw std::bad_alloc();
  });
  auto [got, status] = Drain(ahead);
  EXPECT_THAT(got, ElementsAre("chunk 0"));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted, _));
}

INSTANTIATE_TEST_SUITE_P(ThreadedAndInline, ReadAheadTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Threaded" : "Inline";
                         });

}  // namespace
}  // namespace ctdump
