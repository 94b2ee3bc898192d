#include "core/summary.h"

#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>
#include <map>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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

Flow Accounted(Flow f, uint64_t packets, uint64_t bytes) {
  f.orig_counters = Counters{packets, bytes / 2};
  f.reply_counters = Counters{0, bytes - bytes / 2};
  return f;
}

std::vector<const SummaryKey*> Keys(absl::string_view list) {
  absl::StatusOr<std::vector<const SummaryKey*>> k = ParseSummaryKeys(list);
  EXPECT_TRUE(k.ok()) << k.status();
  return k.ok() ? *k : std::vector<const SummaryKey*>{};
}

std::string ItemText(const TableSummary& s, const GroupItem& i) {
  std::string out;
  for (size_t k = 0; k < s.by().size(); ++k) {
    out += (k ? " " : "") + s.KeyText(k, i.value.parts[k]);
  }
  return out;
}

TEST(SummaryKeys, Parse) {
  struct Case {
    const char* list;
    const char* error;  // nullptr: accepted
  } cases[] = {
      {"src", nullptr},
      {"src,dport,proto,state", nullptr},
      {"reply-src,reply-dport,zone,mark", nullptr},
      {"src,src", "--by: key \"src\" given twice"},
      {"foo", "--by: unknown key \"foo\" (known: src, dst, sport, dport, reply-src, "
              "reply-dst, reply-sport, reply-dport, proto, state, zone, mark, netns)"},
      {"", "--by: unknown key \"\""},
      {"src,dst,sport,dport,proto", "--by: at most 4 keys"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<const SummaryKey*>> k = ParseSummaryKeys(c.list);
    if (c.error == nullptr) {
      EXPECT_TRUE(k.ok()) << c.list << ": " << k.status();
    } else {
      ASSERT_FALSE(k.ok()) << c.list;
      EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(k.status().message().substr(0, strlen(c.error)), c.error) << c.list;
    }
  }
}

TEST(TableSummary, ByCompositeKeyIsExactAndReplacesDefaultLists) {
  SummaryOptions o;
  o.top = 10;
  o.by = Keys("src,dport");
  TableSummary s(o);
  for (int i = 0; i < 3; ++i) s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.8", 80, 3));
  s.Add(TestSummaryFlow(kFamilyIPv6, kProtoUDP, "fd00::1", "fd00::53", 53));
  s.Add(TestSummaryFlow(kFamilyIPv4, 50, "10.0.0.4", "10.0.0.7", 0));  // ESP: no port
  GroupList g = s.TopGroups();
  EXPECT_TRUE(g.exact);
  EXPECT_EQ(g.counted, 6u);
  EXPECT_EQ(g.other, 0u);
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const GroupItem& i : g.items) got.emplace_back(ItemText(s, i), i.count);
  const std::vector<std::pair<std::string, uint64_t>> want = {
      {"10.0.0.1 443", 3}, {"10.0.0.1 80", 1}, {"10.0.0.4 -", 1}, {"fd00::1 53", 1}};
  EXPECT_EQ(got, want);
  EXPECT_TRUE(s.TopSources().items.empty());  // --by replaces the default lists
  EXPECT_EQ(s.total(), 6u);                   // the exact breakdowns stay
}

// --all-netns --by netns: one summary over several namespaces, grouped by each.
TEST(TableSummary, ByNetnsGroupsTheNamespacesOfOneSummary) {
  SummaryOptions o;
  o.top = 10;
  o.by = Keys("netns,dport");
  EXPECT_TRUE(GroupsByNetns(o.by));
  EXPECT_FALSE(GroupsByNetns(Keys("src,dport")));
  TableSummary s(o);
  s.SetNetns("red");
  for (int i = 0; i < 3; ++i) s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  s.SetNetns("pid:42");
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoUDP, "10.0.0.1", "10.0.0.9", 53));
  s.SetNetns("red");  // a name seen before keeps its id
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoUDP, "10.0.0.1", "10.0.0.9", 53));
  EXPECT_EQ(s.netns_names(), (std::vector<std::string>{"red", "pid:42"}));
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const GroupItem& i : s.TopGroups().items) got.emplace_back(ItemText(s, i), i.count);
  const std::vector<std::pair<std::string, uint64_t>> want = {
      {"red 443", 3}, {"red 53", 1}, {"pid:42 53", 1}, {"pid:42 443", 1}};  // ties: by key
  EXPECT_EQ(got, want);
  EXPECT_EQ(s.total(), 6u);
}

TEST(NetnsNames, EachNameOnceInFirstSeenOrder) {
  NetnsNames n;
  EXPECT_EQ(n.Intern("red"), 1u);
  EXPECT_EQ(n.Intern("pid:42"), 2u);
  EXPECT_EQ(n.Intern("red"), 1u);
  EXPECT_EQ(n.Intern(""), 0u);  // no namespace
  EXPECT_EQ(n.names(), (std::vector<std::string>{"red", "pid:42"}));
  EXPECT_EQ(NetnsIdText(2, n.names()), "pid:42");
  EXPECT_EQ(NetnsIdText(3, n.names()), "netns#3");
}

TEST(TableSummary, KeysOfEveryKind) {
  Flow f = TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3, 7);
  f.orig.sport = 40000;
  f.reply.src = f.orig.dst;
  f.reply.dst = f.orig.src;
  f.reply.sport = 443;
  f.reply.dport = 40000;
  f.reply.has_l4 = true;
  f.mark = 0x10;
  struct Case {
    const char* key;
    const char* text;
  } cases[] = {
      {"src", "10.0.0.1"},       {"dst", "10.0.0.9"},         {"sport", "40000"},
      {"dport", "443"},          {"reply-src", "10.0.0.9"},   {"reply-dst", "10.0.0.1"},
      {"reply-sport", "443"},    {"reply-dport", "40000"},    {"proto", "tcp"},
      {"state", "tcp/ESTABLISHED"}, {"zone", "7"},            {"mark", "16"},
      {"netns", "blue"},
  };
  const std::vector<std::string> names = {"red", "blue"};
  ASSERT_EQ(std::size(cases), SummaryKeys().size());
  for (const Case& c : cases) {
    std::vector<const SummaryKey*> k = Keys(c.key);
    ASSERT_EQ(k.size(), 1u);
    EXPECT_EQ(GroupPartText(*k[0], MakeGroupValue(k, f, /*netns=*/2).parts[0], names), c.text)
        << c.key;
  }
  Flow bare = TestSummaryFlow(kFamilyIPv4, 50, "10.0.0.1", "10.0.0.9", 0);
  for (const char* absent : {"sport", "dport", "reply-sport", "state", "mark", "netns"}) {
    std::vector<const SummaryKey*> k = Keys(absent);
    EXPECT_EQ(GroupPartText(*k[0], MakeGroupValue(k, bare).parts[0]), "-") << absent;
  }
}

TEST(TableSummary, SortByBytesRanksByBytesAndKeepsEntries) {
  SummaryOptions o;
  o.top = 2;
  o.sort = SummarySort::kBytes;
  TableSummary s(o);
  // 10.0.0.1: 3 entries of 100 bytes; 10.0.0.2: 1 entry of 5000; 10.0.0.3: 1 of 50.
  for (int i = 0; i < 3; ++i) {
    s.Add(Accounted(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443), 2, 100));
  }
  s.Add(Accounted(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.2", "10.0.0.9", 443), 9, 5000));
  s.Add(Accounted(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.3", "10.0.0.9", 443), 1, 50));
  EXPECT_EQ(s.accounted(), 5u);
  TopList t = s.TopSources();
  ASSERT_EQ(t.items.size(), 2u);
  EXPECT_EQ(t.items[0].count, 5000u);
  EXPECT_EQ(t.items[0].entries, 1u);
  EXPECT_EQ(t.items[0].packets, 9u);
  EXPECT_EQ(t.items[1].count, 300u);
  EXPECT_EQ(t.items[1].entries, 3u);
  EXPECT_EQ(t.items[1].bytes, 300u);
  EXPECT_EQ(t.counted, 5u);
  EXPECT_EQ(t.counted_metric, 5350u);
  EXPECT_EQ(t.other, 50u);
  EXPECT_EQ(t.other_entries, 1u);
}

TEST(TableSummary, SortByBytesWithoutAccountingRanksByEntries) {
  SummaryOptions o;
  o.top = 1;
  o.sort = SummarySort::kBytes;
  TableSummary s(o);
  s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.2", "10.0.0.9", 443));
  for (int i = 0; i < 2; ++i) s.Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443));
  EXPECT_EQ(s.accounted(), 0u);
  TopList t = s.TopSources();
  ASSERT_EQ(t.items.size(), 1u);
  EXPECT_TRUE(s.RankedByEntries());
  EXPECT_EQ(t.items[0].entries, 2u);
  EXPECT_EQ(t.items[0].count, 2u);  // the entries: there are no bytes to show
  EXPECT_EQ(t.other, 1u);
  EXPECT_EQ(t.other_entries, 1u);
}

// Weighted Space-Saving over more groups than counters: estimates are never low, at most
// `error` high, and memory (counters) stays at the capacity.
TEST(TableSummary, GroupedBytesAreBoundedWhenApproximate) {
  constexpr size_t kCapacity = 16;
  SummaryOptions o;
  o.top = 5;
  o.capacity = kCapacity;
  o.sort = SummarySort::kBytes;
  o.by = Keys("src,proto");
  TableSummary s(o);
  std::mt19937 rng(7);
  std::map<uint32_t, uint64_t> real;
  uint64_t total = 0;
  for (int i = 0; i < 20000; ++i) {
    // A few heavy sources among many light ones.
    const uint32_t host = (rng() % 4 == 0) ? rng() % 3 : 10 + rng() % 500;
    const uint64_t bytes = host < 3 ? 1000 : 1 + rng() % 100;
    const std::string src = absl::StrCat("10.0.", host / 256, ".", host % 256);
    s.Add(Accounted(TestSummaryFlow(kFamilyIPv4, kProtoUDP, src.c_str(), "10.1.0.1", 53), 1, bytes));
    real[host] += bytes;
    total += bytes;
  }
  GroupList g = s.TopGroups();
  EXPECT_FALSE(g.exact);
  EXPECT_EQ(g.capacity, kCapacity);
  EXPECT_EQ(g.counted_metric, total);
  ASSERT_EQ(g.items.size(), 5u);
  uint64_t shown = 0;
  for (size_t n = 0; n < g.items.size(); ++n) {
    const GroupItem& i = g.items[n];
    const std::string text = ItemText(s, i);
    const std::string addr = text.substr(0, text.find(' '));
    std::vector<std::string> parts = absl::StrSplit(addr, '.');
    const uint32_t host = static_cast<uint32_t>(std::stoi(parts[2]) * 256 + std::stoi(parts[3]));
    if (n < 3) {
      EXPECT_LT(host, 3u) << "the three heavy sources come first: " << text;
    }
    EXPECT_EQ(text.substr(text.find(' ') + 1), "udp");
    EXPECT_GE(i.count, real[host]) << text;
    EXPECT_LE(i.count - i.error, real[host]) << text;
    EXPECT_LE(i.error, total / kCapacity) << text;
    shown += i.count;
  }
  EXPECT_EQ(g.other, total - shown);
}

}  // namespace
}  // namespace ctdump
