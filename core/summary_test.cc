#include "core/summary.h"

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {


TEST(TableSummary, ExactBreakdowns) {
  TableSummary s(SummaryOptions{3, 0});
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.2", "10.0.0.9", 80, 7, 5));
  s.Add(TestSummaryFlow(kFamilyIPv6, kProtoUDP, "fd00::1", "fd00::2", 53));
  s.Add(TestSummaryFlow(kFamilyIPv4, 50, "10.0.0.3", "10.0.0.9", 0));  // ESP: no ports
  EXPECT_EQ(s.total(), 5u);

  auto fam = s.ByFamily();
  ASSERT_EQ(fam.size(), 2u);
  EXPECT_EQ(fam[0].key, kFamilyIPv4);
  EXPECT_EQ(fam[0].count, 4u);
  EXPECT_EQ(fam[1].count, 1u);

  auto proto = s.ByProtocol();
  ASSERT_EQ(proto.size(), 3u);
  EXPECT_EQ(proto[0].key, kProtoTCP);
  EXPECT_EQ(proto[0].count, 3u);
  EXPECT_EQ(proto[1].key, kProtoUDP);  // ties: by number
  EXPECT_EQ(proto[2].key, 50u);

  auto state = s.ByState();
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state[0].state, 3);
  EXPECT_EQ(state[0].count, 2u);
  EXPECT_EQ(state[1].state, 7);

  auto zone = s.ByZone();
  ASSERT_EQ(zone.size(), 2u);
  EXPECT_EQ(zone[0].key, 0u);
  EXPECT_EQ(zone[0].count, 4u);
  EXPECT_EQ(zone[1].key, 5u);

  TopList src = s.TopSources();
  EXPECT_TRUE(src.exact);
  EXPECT_EQ(src.counted, 5u);
  ASSERT_EQ(src.items.size(), 3u);
  EXPECT_EQ(src.items[0].addr, TestAddr("10.0.0.1"));
  EXPECT_EQ(src.items[0].count, 2u);
  EXPECT_EQ(src.items[0].error, 0u);
  EXPECT_EQ(src.other, 1u);  // 4 distinct sources, 3 shown

  TopList ports = s.TopDestinationPorts();
  EXPECT_EQ(ports.counted, 4u);  // the ESP entry has no port
  ASSERT_EQ(ports.items.size(), 3u);
  EXPECT_EQ(ports.items[0].proto, kProtoTCP);
  EXPECT_EQ(ports.items[0].port, 443);
  EXPECT_EQ(ports.items[0].count, 2u);
  EXPECT_EQ(ports.other, 0u);
}

TEST(TableSummary, TopZeroCountsNothing) {
  TableSummary s(SummaryOptions{0, 0});
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443));
  EXPECT_EQ(s.total(), 1u);
  EXPECT_TRUE(s.TopSources().items.empty());
}

// Space-Saving guarantees on a skewed stream with far more distinct keys than counters:
// no underestimate, overestimate within the reported error, the error at most N/capacity,
// every key above N/capacity present, and the counters adding up to N.
TEST(TableSummary, SpaceSavingGuarantees) {
  constexpr size_t kCapacity = 64;
  TableSummary s(SummaryOptions{10, kCapacity});
  std::mt19937 rng(7);
  std::map<uint32_t, uint64_t> truth;
  uint64_t n = 0;
  for (int i = 0; i < 20000; ++i) {
    // Zipf-like: a few hot sources and a long tail of 5000 cold ones.
    uint32_t host = (rng() % 4 == 0) ? rng() % 5 : 100 + rng() % 5000;
    Flow f = TestSummaryFlow(kFamilyIPv4, kProtoUDP, "10.0.0.0", "10.9.9.9", 53);
    f.orig.src[2] = static_cast<uint8_t>(host >> 8);
    f.orig.src[3] = static_cast<uint8_t>(host);
    s.Add(f);
    ++truth[host];
    ++n;
  }
  TopList top = s.TopSources();
  EXPECT_FALSE(top.exact);
  EXPECT_EQ(top.capacity, kCapacity);
  ASSERT_EQ(top.items.size(), 10u);
  uint64_t shown = 0;
  for (const TopItem& item : top.items) {
    const uint32_t host = uint32_t{item.addr[2]} << 8 | item.addr[3];
    const uint64_t real = truth[host];
    EXPECT_GE(item.count, real);
    EXPECT_LE(item.count - item.error, real);
    EXPECT_LE(item.error, n / kCapacity);
    shown += item.count;
  }
  EXPECT_EQ(top.other, n - shown);
  // The five hot hosts (about 1000 each, far above n / capacity = 312) lead the list.
  for (size_t i = 0; i < 5; ++i) {
    const uint32_t host = uint32_t{top.items[i].addr[2]} << 8 | top.items[i].addr[3];
    EXPECT_LT(host, 5u) << i;
  }
}

TEST(TableSummary, ExactUntilCapacityIsExceeded) {
  TableSummary s(SummaryOptions{2, 4});
  for (int i = 0; i < 4; ++i) {
    Flow f = TestSummaryFlow(kFamilyIPv4, kProtoUDP, "10.0.0.0", "10.9.9.9", 53);
    f.orig.src[3] = static_cast<uint8_t>(i);
    s.Add(f);
    s.Add(f);
  }
  EXPECT_TRUE(s.TopSources().exact);
  Flow f = TestSummaryFlow(kFamilyIPv4, kProtoUDP, "10.0.0.99", "10.9.9.9", 53);
  s.Add(f);
  TopList t = s.TopSources();
  EXPECT_FALSE(t.exact);
  EXPECT_EQ(t.counted, 9u);
  // The newcomer took over a counter of 2 and reads 3 with error 2.
  EXPECT_EQ(t.items[0].addr, TestAddr("10.0.0.99"));
  EXPECT_EQ(t.items[0].count, 3u);
  EXPECT_EQ(t.items[0].error, 2u);
}

}  // namespace
}  // namespace ctdump
