// The decoder allocates nothing per message once the reused Flow's strings have grown:
// counted with a replaced global operator new while every recording is decoded twice.

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "core/flow.h"
#include "gtest/gtest.h"

namespace {
std::atomic<long> g_allocations{0};  // NOLINT(runtime/int)
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace ctdump {
namespace netlink {
namespace {

TEST(DecodeAllocTest, NoAllocationPerMessage) {
  std::vector<std::vector<std::vector<uint8_t>>> recordings;
  for (const char* name : {"entries-6.18", "plain-6.18", "many-6.18"}) {
    auto r = ReadRecordingFile(std::string("testdata/netlink/") + name + ".bin");
    ASSERT_TRUE(r.ok()) << r.status();
    recordings.push_back(std::move(*r));
  }
  Flow flow;
  size_t flows = 0;
  auto decode_all = [&] {
    for (const auto& datagrams : recordings) {
      for (const auto& d : datagrams) {
        DumpBufferReader reader(d, &flow);
        NlItem item;
        while (reader.Next(&item)) flows += item.kind == NlKind::kFlow;
      }
    }
  };
  decode_all();  // warm-up: the helper string may grow once
  const long before = g_allocations.load();  // NOLINT(runtime/int)
  flows = 0;
  decode_all();
  const long after = g_allocations.load();  // NOLINT(runtime/int)
  EXPECT_GT(before, 0) << "the operator new hook is not in use";
  EXPECT_EQ(flows, 47u + 47u + 600u);
  EXPECT_EQ(after - before, 0) << "allocations while decoding " << flows << " entries";
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
