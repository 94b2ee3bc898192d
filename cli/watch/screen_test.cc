// The screen model, table-driven: frames and states in, lines out, compared with the
// goldens in cli/watch/testdata/ (see its README). To rewrite the goldens after an
// intended change:
//   bazel run //cli/watch:screen_test -- --update=$PWD/cli/watch/testdata
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "cli/watch/flow_tracker.h"
#include "cli/watch/frame.h"
#include "cli/watch/screen.h"
#include "core/flow.h"
#include "core/summary.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

std::string g_update_dir;  // --update=DIR: write the goldens instead of comparing

WatchRow Row(const char* key, const char* order, std::optional<uint64_t> entries,
             std::optional<double> bytes, std::optional<double> packets) {
  WatchRow r;
  r.key = key;
  r.order = order;
  r.entries = entries;
  r.bytes_per_s = bytes;
  r.packets_per_s = packets;
  return r;
}

// A frame such as one refresh of a busy host makes (values chosen by hand).
WatchFrame BusyFrame() {
  WatchFrame f;
  f.time = "12:00:01";
  f.backend = "netlink";
  f.table_count = 1240;
  f.table_max = 262144;
  f.entries_read = 1234;
  f.entries = 1234;
  f.dump_seconds = 0.012;
  f.protocols = {{"tcp", 1000}, {"udp", 200}, {"icmp", 34}};
  f.tcp_states = {{"ESTABLISHED", 800}, {"TIME_WAIT", 200}};
  f.change_valid = true;
  f.new_per_s = 3;
  f.gone_per_s = 1.5;
  f.count_change_per_s = 1.5;
  f.accounting = true;
  f.tracked = 1234;
  auto& src = f.rows[static_cast<size_t>(WatchView::kSources)];
  src = {Row("10.0.0.1", "a1", 300, 1200, 10), Row("10.0.0.2", "a2", 200, 5e6, 4000),
         Row("10.0.0.3", "a3", 100, 0, 0), Row("fd00::1", "b1", std::nullopt, 2.5e9, 2e6)};
  f.rows_exact.fill(true);
  auto& ports = f.rows[static_cast<size_t>(WatchView::kPorts)];
  ports = {Row("tcp/443", "p443", 500, 1e5, 100), Row("udp/53", "p053", 150, 20, 1)};
  auto& flows = f.rows[static_cast<size_t>(WatchView::kFlows)];
  flows = {Row("tcp 10.0.0.2:40000 -> 10.9.0.1:443 ESTABLISHED", "x", std::nullopt, 5e6, 4000)};
  return f;
}

WatchFrame FirstFrame() {
  WatchFrame f = BusyFrame();
  f.change_valid = false;
  f.count_change_per_s.reset();
  for (auto& rows : f.rows) {
    for (WatchRow& r : rows) r.bytes_per_s = r.packets_per_s = std::nullopt;
  }
  return f;
}

WatchFrame FullNoAcctFrame() {
  WatchFrame f = BusyFrame();
  f.table_count = 900;
  f.table_max = 1000;
  f.accounting = false;
  f.change_exact = false;
  f.change_shift = 2;
  f.track_shift = 2;
  f.filtered = true;
  f.entries = 42;
  f.error = "ctnetlink dump interrupted (EINTR)";
  f.rows_exact[static_cast<size_t>(WatchView::kSources)] = false;
  return f;
}

// A frame built by BuildWatchFrame() from the library's counters: two refreshes of six
// flows with counters, one second apart. With `netns_names` (--all-netns) the flows come
// from two namespaces, 1 (sources 1-4) and 2 (sources 5-6), numbered as run_watch.cc
// numbers them.
WatchFrame SixFlowsFrame(const std::vector<std::string>& netns_names) {
  TableSummary summary(SummaryOptions{0, 0});  // as run_watch.cc makes it
  FlowTracker tracker;
  auto flow = [](uint8_t src, uint16_t dport, uint64_t bytes) {
    Flow f;
    f.family = 2;
    f.l4proto = 6;
    f.state = 3;  // ESTABLISHED
    f.orig.src = Addr{192, 168, 0, src};
    f.orig.dst = Addr{10, 0, 0, 1};
    f.orig.sport = 50000 + src;
    f.orig.dport = dport;
    f.orig.has_l4 = true;
    f.orig_counters = Counters{bytes / 1000, bytes};
    f.reply_counters = Counters{0, 0};
    return f;
  };
  RefreshFacts facts;
  facts.netns_names = netns_names;
  facts.netns_entries.resize(netns_names.size());
  for (uint64_t refresh = 0; refresh < 2; ++refresh) {
    tracker.Begin();
    for (uint8_t i = 1; i <= 6; ++i) {
      const uint32_t netns = netns_names.empty() ? 0 : i <= 4 ? 1 : 2;
      Flow f = flow(i, i % 2 ? 443 : 22, 1000 + refresh * i * 10000);
      tracker.Add(f, netns);
      if (refresh == 0) continue;
      summary.Add(f);
      if (netns != 0) ++facts.netns_entries[netns - 1];
    }
    tracker.End();
  }
  facts.time = "08:30:00";
  facts.backend = "netlink";
  facts.table_count = 6;
  facts.table_max = 65536;
  facts.previous_count = 6;
  facts.entries_read = 6;
  facts.dump_seconds = 0.001;
  facts.seconds = 1;
  return BuildWatchFrame(summary, tracker, facts, 100);
}

WatchFrame BuiltFrame() { return SixFlowsFrame({}); }

WatchFrame BuiltNetnsFrame() {
  WatchFrame f = SixFlowsFrame({"blue", "pid:42"});
  f.note = "network namespace pid:77 vanished before it was listed (gone); skipped";
  return f;
}

struct Case {
  const char* golden;
  WatchFrame (*frame)();
  WatchView view;
  WatchSort sort;
  bool paused;
  ScreenSize size;
  bool all_netns = false;
};

const Case kCases[] = {
    {"busy_sources_80x24", BusyFrame, WatchView::kSources, WatchSort::kEntries, false, {80, 24}},
    {"busy_sources_by_bytes", BusyFrame, WatchView::kSources, WatchSort::kBytes, false, {80, 24}},
    {"busy_sources_by_key", BusyFrame, WatchView::kSources, WatchSort::kKey, false, {80, 24}},
    {"busy_ports_paused", BusyFrame, WatchView::kPorts, WatchSort::kEntries, true, {80, 24}},
    {"busy_flows_wide", BusyFrame, WatchView::kFlows, WatchSort::kBytes, false, {120, 16}},
    {"busy_flows_entries_sort", BusyFrame, WatchView::kFlows, WatchSort::kEntries, false, {100, 14}},
    {"busy_narrow_50", BusyFrame, WatchView::kSources, WatchSort::kEntries, false, {50, 20}},
    {"busy_narrow_40", BusyFrame, WatchView::kSources, WatchSort::kEntries, false, {40, 20}},
    {"busy_short_8", BusyFrame, WatchView::kSources, WatchSort::kEntries, false, {80, 8}},
    {"first_refresh", FirstFrame, WatchView::kSources, WatchSort::kEntries, false, {80, 20}},
    {"full_no_accounting", FullNoAcctFrame, WatchView::kSources, WatchSort::kEntries, false, {80, 20}},
    {"batch", BusyFrame, WatchView::kSources, WatchSort::kEntries, false, {100000, 0}},
    {"built_ports", BuiltFrame, WatchView::kPorts, WatchSort::kEntries, false, {80, 20}},
    {"built_flows", BuiltFrame, WatchView::kFlows, WatchSort::kBytes, false, {100, 20}},
    {"built_states", BuiltFrame, WatchView::kStates, WatchSort::kEntries, false, {80, 18}},
    {"netns_namespaces", BuiltNetnsFrame, WatchView::kNamespaces, WatchSort::kEntries, false,
     {80, 18}, true},
    {"netns_flows", BuiltNetnsFrame, WatchView::kFlows, WatchSort::kBytes, false, {100, 20},
     true},
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ScreenTest, Goldens) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const std::string dir = std::string(srcdir ? srcdir : ".") + "/" +
                          (std::getenv("TEST_WORKSPACE") ? std::getenv("TEST_WORKSPACE") : "ctdump") +
                          "/cli/watch/testdata/";
  for (const Case& c : kCases) {
    WatchState state;
    state.view = c.view;
    state.sort = c.sort;
    state.paused = c.paused;
    state.rows = 3;
    state.all_netns = c.all_netns;
    const std::vector<std::string> lines = RenderScreen(c.frame(), state, c.size);
    const std::string got = absl::StrJoin(lines, "\n") + "\n";
    for (const std::string& l : lines) EXPECT_LE(l.size(), c.size.width) << c.golden;
    if (c.size.height > 0) {
      EXPECT_EQ(lines.size(), c.size.height) << c.golden;
    }
    if (!g_update_dir.empty()) {
      std::ofstream(g_update_dir + "/" + c.golden + ".txt") << got;
      continue;
    }
    EXPECT_EQ(got, ReadFile(dir + c.golden + ".txt")) << "golden " << c.golden;
  }
}

TEST(ScreenTest, EveryKeyIsOnTheHelpLine) {
  const std::vector<std::string> lines =
      RenderScreen(BusyFrame(), WatchState{}, ScreenSize{200, 30});
  const std::string& help = lines.back();
  for (const char* key : {"q quit", "1 sources", "2 destinations", "3 ports", "4 states",
                          "5 flows", "v next view", "s sort", "p/space pause", "+/- interval"}) {
    EXPECT_NE(help.find(key), std::string::npos) << key;
  }
}

TEST(ScreenTest, Keys) {
  struct KeyCase {
    int key;
    KeyAction action;
    WatchView view;
    WatchSort sort;
    bool paused;
    double interval;
  };
  const KeyCase cases[] = {
      {'q', KeyAction::kQuit, WatchView::kSources, WatchSort::kEntries, false, 2},
      {'3', KeyAction::kRedraw, WatchView::kPorts, WatchSort::kEntries, false, 2},
      {'v', KeyAction::kRedraw, WatchView::kDestinations, WatchSort::kEntries, false, 2},
      {'\t', KeyAction::kRedraw, WatchView::kDestinations, WatchSort::kEntries, false, 2},
      {'s', KeyAction::kRedraw, WatchView::kSources, WatchSort::kBytes, false, 2},
      {'p', KeyAction::kRedraw, WatchView::kSources, WatchSort::kEntries, true, 2},
      {' ', KeyAction::kRedraw, WatchView::kSources, WatchSort::kEntries, true, 2},
      {'+', KeyAction::kRefresh, WatchView::kSources, WatchSort::kEntries, false, 5},
      {'-', KeyAction::kRefresh, WatchView::kSources, WatchSort::kEntries, false, 1},
      {'x', KeyAction::kNone, WatchView::kSources, WatchSort::kEntries, false, 2},
  };
  for (const KeyCase& c : cases) {
    WatchState s;
    EXPECT_EQ(ApplyKey(c.key, &s), c.action) << c.key;
    EXPECT_EQ(s.view, c.view) << c.key;
    EXPECT_EQ(s.sort, c.sort) << c.key;
    EXPECT_EQ(s.paused, c.paused) << c.key;
    EXPECT_EQ(s.interval, c.interval) << c.key;
  }
  WatchState s;
  for (int i = 0; i < 4; ++i) ApplyKey('s', &s);
  EXPECT_EQ(s.sort, WatchSort::kEntries);  // the sorts go round
  ApplyKey('p', &s);
  EXPECT_EQ(ApplyKey('p', &s), KeyAction::kRefresh);  // resuming refreshes at once
}

// The namespaces view exists only under --all-netns: key 6 and the view cycle.
TEST(ScreenTest, NamespacesViewOnlyWithAllNetns) {
  WatchState one;
  EXPECT_EQ(ApplyKey('6', &one), KeyAction::kNone);
  EXPECT_EQ(one.view, WatchView::kSources);
  one.view = WatchView::kFlows;
  ApplyKey('v', &one);
  EXPECT_EQ(one.view, WatchView::kSources);  // flows -> sources, namespaces skipped
  EXPECT_EQ(RenderScreen(BusyFrame(), one, ScreenSize{200, 30}).back().find("6 namespaces"),
            std::string::npos);

  WatchState all;
  all.all_netns = true;
  EXPECT_EQ(ApplyKey('6', &all), KeyAction::kRedraw);
  EXPECT_EQ(all.view, WatchView::kNamespaces);
  ApplyKey('v', &all);
  EXPECT_EQ(all.view, WatchView::kSources);
  all.view = WatchView::kFlows;
  ApplyKey('\t', &all);
  EXPECT_EQ(all.view, WatchView::kNamespaces);
  EXPECT_NE(RenderScreen(BusyFrame(), all, ScreenSize{200, 30}).back().find("6 namespaces"),
            std::string::npos);
}

TEST(ScreenTest, HumanNumber) {
  EXPECT_EQ(HumanNumber(0), "0");
  EXPECT_EQ(HumanNumber(999), "999");
  EXPECT_EQ(HumanNumber(2.5), "2.5");
  EXPECT_EQ(HumanNumber(1000), "1.0K");
  EXPECT_EQ(HumanNumber(5e6), "5.0M");
  EXPECT_EQ(HumanNumber(2.5e9), "2.5G");
  EXPECT_EQ(HumanNumber(999960), "1.0M");
}

}  // namespace
}  // namespace ctdump

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--update=", 0) == 0) ctdump::g_update_dir = a.substr(9);
  }
  return RUN_ALL_TESTS();
}
