// Fuzz-style robustness of the decoder (no libFuzzer with Debian's gcc): every recorded
// datagram is truncated at every length and mutated byte by byte and at random, and the
// decoder must neither crash, nor loop, nor read past the buffer. Each input lives in a
// heap buffer of exactly its size, so `bazel test --config=asan` turns any over-read into
// a failure.

#include <dirent.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "core/flow.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

std::vector<std::vector<uint8_t>> AllDatagrams() {
  std::vector<std::vector<uint8_t>> out;
  const std::string dir = "testdata/netlink/";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (!absl::EndsWith(n, ".bin")) continue;
      auto r = ReadRecordingFile(dir + n);
      EXPECT_TRUE(r.ok()) << r.status();
      if (r.ok()) out.insert(out.end(), r->begin(), r->end());
    }
    closedir(d);
  }
  return out;
}

// Walks `bytes` (copied to an exact-size allocation); returns the number of items.
size_t Walk(const uint8_t* bytes, size_t n, Flow* flow) {
  std::unique_ptr<uint8_t[]> exact(new uint8_t[n == 0 ? 1 : n]);
  if (n != 0) std::memcpy(exact.get(), bytes, n);
  DumpBufferReader reader(absl::MakeConstSpan(exact.get(), n), flow);
  NlItem item;
  size_t items = 0;
  size_t last_offset = 0;
  while (reader.Next(&item)) {
    ++items;
    EXPECT_GT(reader.offset(), last_offset);  // always progresses
    last_offset = reader.offset();
    EXPECT_LE(reader.offset(), n);
    EXPECT_GE(item.bytes.size(), 16u);
    if (item.kind == NlKind::kFlow) (void)DebugString(*flow);
    if (item.kind == NlKind::kBadFlow) {
      EXPECT_FALSE(item.status.ok());
    }
  }
  return items;
}

TEST(DecodeRobustnessTest, EveryTruncation) {
  Flow flow;
  size_t runs = 0;
  for (const auto& d : AllDatagrams()) {
    // Long datagrams: every length near the start and the end, a stride in between.
    for (size_t len = 0; len <= d.size(); len += (len < 1024 || d.size() - len < 1024) ? 1 : 97) {
      Walk(d.data(), len, &flow);
      ++runs;
    }
  }
  EXPECT_GT(runs, 10000u);
}

TEST(DecodeRobustnessTest, EveryByteOfEveryEntryMutated) {
  Flow flow;
  // The first message of each datagram from the richest recording, every byte set to
  // 0x00, 0xff, and its value + 1 / - 1 in turn.
  auto r = ReadRecordingFile("testdata/netlink/entries-6.18.bin");
  ASSERT_TRUE(r.ok()) << r.status();
  size_t runs = 0;
  for (const auto& d : *r) {
    uint32_t len;
    std::memcpy(&len, d.data(), 4);
    const size_t n = std::min<size_t>(len, d.size());
    for (size_t i = 0; i < n; ++i) {
      for (int op = 0; op < 4; ++op) {
        std::vector<uint8_t> m(d.begin(), d.begin() + n);
        m[i] = op == 0 ? 0x00 : op == 1 ? 0xff : op == 2 ? m[i] + 1 : m[i] - 1;
        Walk(m.data(), m.size(), &flow);
        (void)DecodeCtMessage(m, &flow);
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 1000u);
}

TEST(DecodeRobustnessTest, RandomMutations) {
  Flow flow;
  std::mt19937 rng(20261125);
  const auto datagrams = AllDatagrams();
  ASSERT_FALSE(datagrams.empty());
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> m = datagrams[rng() % datagrams.size()];
    if (m.size() > 4096) m.resize(4096 + rng() % 64);  // keep it quick
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips && !m.empty(); ++f) m[rng() % m.size()] = static_cast<uint8_t>(rng());
    if (rng() % 4 == 0 && !m.empty()) m.resize(rng() % m.size());
    Walk(m.data(), m.size(), &flow);
  }
}

// Found by //fuzz:netlink_decode_fuzzer: an error code of INT32_MIN in NLMSG_DONE or
// NLMSG_ERROR was negated (undefined behaviour) into a negative errno.
TEST(DecodeRobustnessTest, ErrorCodeOfInt32MinIsAPositiveErrno) {
  for (uint16_t type : {uint16_t{2}, uint16_t{3}}) {  // NLMSG_ERROR, NLMSG_DONE
    uint8_t msg[36] = {};
    const uint32_t len = type == 2 ? 36 : 20;
    const uint32_t err = 0x80000000u;
    std::memcpy(msg, &len, 4);
    std::memcpy(msg + 4, &type, 2);
    std::memcpy(msg + 16, &err, 4);
    Flow flow;
    DumpBufferReader reader(absl::MakeConstSpan(msg, len), &flow);
    NlItem item;
    ASSERT_TRUE(reader.Next(&item)) << reader.status();
    EXPECT_EQ(item.error, 0x7fffffff) << type;
  }
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
