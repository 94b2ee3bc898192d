#include "core/read_ahead.h"

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_matchers.h"
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

INSTANTIATE_TEST_SUITE_P(ThreadedAndInline, ReadAheadTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Threaded" : "Inline";
                         });

}  // namespace
}  // namespace ctdump
