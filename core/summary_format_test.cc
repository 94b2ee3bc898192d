#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/prometheus.h"
#include "core/summary.h"
#include "core/summary_format.h"
#include "core/testing/test_flows.h"
#include "core/testing/testdata_file.h"
#include "core/text_buffer.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

// With CTDUMP_WRITE_GOLDEN=DIR (bazel run //core:summary_format_test), the goldens are
// written to DIR instead of compared: review the diff, then commit.
bool WriteGolden(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("CTDUMP_WRITE_GOLDEN");
  if (dir == nullptr) return false;
  std::ofstream(absl::StrCat(dir, "/", name), std::ios::binary) << text;
  return true;
}

std::string ReadGolden(const std::string& name) {
  return ReadTestdataFile("testdata/summary/" + name);
}


// The table of testdata/summary/README.md.
void Fill(TableSummary* s) {
  for (int i = 0; i < 3; ++i) s->Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  s->Add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.2", "10.0.0.9", 80, 7, 5));
  s->Add(TestSummaryFlow(kFamilyIPv4, kProtoSCTP, "10.0.0.2", "10.0.0.8", 3868, 4, 5));
  s->Add(TestSummaryFlow(kFamilyIPv6, kProtoUDP, "fd00::1", "fd00::53", 53));
  s->Add(TestSummaryFlow(kFamilyIPv6, kProtoUDP, "fd00::1", "fd00::53", 53));
  s->Add(TestSummaryFlow(kFamilyIPv4, kProtoICMP, "10.0.0.3", "10.0.0.9", 0));
  s->Add(TestSummaryFlow(kFamilyIPv4, 50, "10.0.0.4", "10.0.0.7", 0));
}

SummaryContext Context() {
  SummaryContext ctx;
  ctx.table_count = 10;
  ctx.table_max = 12;
  ctx.backend = "netlink";
  ctx.duration_seconds = 0.0125;
  ctx.entries_read = 11;
  ctx.timestamp_seconds = 1764000000;
  // -o prometheus adds the kernel's statistics (a 6.18 kernel's set).
  ctx.kernel_stats_state = SummaryContext::KernelStats::kRead;
  ctx.kernel_stats_source = "ctnetlink";
  ctx.kernel_stats = {{"found", 0},        {"invalid", 17},       {"insert", 1200},
                      {"insert_failed", 3}, {"drop", 2},          {"early_drop", 0},
                      {"error", 5},         {"search_restart", 9}, {"clash_resolve", 1},
                      {"chaintoolong", 0}};
  return ctx;
}

// The table of Fill() with counters on every entry: bytes = 100 * (dport % 7 + 1) per
// direction, packets 1 per direction.
void FillAccounted(TableSummary* s) {
  const auto add = [s](Flow f) {
    const uint64_t bytes = 100 * (f.orig.dport % 7 + 1);
    f.orig_counters = Counters{1, bytes};
    f.reply_counters = Counters{1, bytes};
    s->Add(f);
  };
  for (int i = 0; i < 3; ++i) add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.9", 443, 3));
  add(TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.2", "10.0.0.9", 80, 7, 5));
  add(TestSummaryFlow(kFamilyIPv4, kProtoSCTP, "10.0.0.2", "10.0.0.8", 3868, 4, 5));
  add(TestSummaryFlow(kFamilyIPv6, kProtoUDP, "fd00::1", "fd00::53", 53));
  add(TestSummaryFlow(kFamilyIPv6, kProtoUDP, "fd00::1", "fd00::53", 53));
  add(TestSummaryFlow(kFamilyIPv4, kProtoICMP, "10.0.0.3", "10.0.0.9", 0));
  add(TestSummaryFlow(kFamilyIPv4, 50, "10.0.0.4", "10.0.0.7", 0));
}

SummaryOptions ByOptions(const char* keys, SummarySort sort) {
  SummaryOptions o;
  o.top = 3;
  o.sort = sort;
  absl::StatusOr<std::vector<const SummaryKey*>> by = ParseSummaryKeys(keys);
  EXPECT_TRUE(by.ok()) << by.status();
  if (by.ok()) o.by = *by;
  return o;
}

TEST(SummaryFormat, TextGolden) {
  TableSummary s(SummaryOptions{2, 0});
  Fill(&s);
  TextBuffer out;
  AppendSummaryText(s, Context(), &out);
  if (WriteGolden("summary.txt", std::string(out.view()))) return;
  EXPECT_EQ(std::string(out.view()), ReadGolden("summary.txt")) << out.view();
}

TEST(SummaryFormat, PrometheusGolden) {
  TableSummary s(SummaryOptions{2, 0});
  Fill(&s);
  TextBuffer out;
  AppendPrometheus(s, Context(), &out);
  if (WriteGolden("summary.prom", std::string(out.view()))) return;
  EXPECT_EQ(std::string(out.view()), ReadGolden("summary.prom")) << out.view();
}

// --by src,dport --sort bytes (testdata/summary/README.md).
TEST(SummaryFormat, ByAndSortTextGolden) {
  TableSummary s(ByOptions("src,dport", SummarySort::kBytes));
  FillAccounted(&s);
  TextBuffer out;
  AppendSummaryText(s, Context(), &out);
  if (WriteGolden("summary_by.txt", std::string(out.view()))) return;
  EXPECT_EQ(std::string(out.view()), ReadGolden("summary_by.txt")) << out.view();
}

TEST(SummaryFormat, ByAndSortPrometheusGolden) {
  TableSummary s(ByOptions("src,dport", SummarySort::kBytes));
  FillAccounted(&s);
  TextBuffer out;
  AppendPrometheus(s, Context(), &out);
  if (WriteGolden("summary_by.prom", std::string(out.view()))) return;
  EXPECT_EQ(std::string(out.view()), ReadGolden("summary_by.prom")) << out.view();
}

TEST(SummaryFormat, SortWithoutAccountingSaysSo) {
  TableSummary s(ByOptions("proto", SummarySort::kPackets));
  Fill(&s);  // no counters
  EXPECT_EQ(EffectiveSort(s), SummarySort::kEntries);
  TextBuffer text;
  AppendSummaryText(s, Context(), &text);
  EXPECT_NE(std::string(text.view())
                .find("top 3 by proto by entries (packets unknown: no entry carries counters, "
                      "accounting is off) (exact; 9 entries):\n  4 tcp\n  2 udp\n"),
            std::string::npos)
      << text.view();
  TextBuffer prom;
  AppendPrometheus(s, Context(), &prom);
  EXPECT_EQ(std::string(prom.view()).find("ctdump_top_group_packets"), std::string::npos);
  EXPECT_NE(std::string(prom.view()).find("ctdump_top_group_entries{protocol=\"tcp\"} 4\n"),
            std::string::npos)
      << prom.view();
}

TEST(SummaryFormat, KernelStatsUnreadableOrNotAsked) {
  TableSummary s(SummaryOptions{0, 0});
  Fill(&s);
  SummaryContext ctx = Context();
  ctx.kernel_stats_state = SummaryContext::KernelStats::kFailed;
  ctx.kernel_stats.clear();
  ctx.kernel_stats_error = "ctnetlink CT_GET_STATS_CPU refused (EPERM)";
  TextBuffer out;
  AppendPrometheus(s, ctx, &out);
  std::string text(out.view());
  EXPECT_NE(text.find("ctdump_stats_success 0\n# kernel conntrack statistics unreadable: "
                      "ctnetlink CT_GET_STATS_CPU refused (EPERM)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("\nctdump_stat_"), std::string::npos);
  EXPECT_NE(text.find("ctdump_entries 9\n"), std::string::npos);  // the rest still works

  ctx.kernel_stats_state = SummaryContext::KernelStats::kNotRead;
  ctx.kernel_stats_error = "the entries come from a saved file (--input)";
  TextBuffer input;
  AppendPrometheus(s, ctx, &input);
  text = std::string(input.view());
  EXPECT_EQ(text.find("ctdump_stats_success"), std::string::npos);
  EXPECT_NE(text.find("# kernel conntrack statistics not read: the entries come from a saved "
                      "file (--input)\n"),
            std::string::npos);
}

TEST(SummaryFormat, UnknownCountAndApproximateLists) {
  TableSummary s(SummaryOptions{1, 1});
  Fill(&s);
  SummaryContext ctx;
  ctx.table_error = "no source answered";
  TextBuffer out;
  AppendSummaryText(s, ctx, &out);
  const std::string text(out.view());
  EXPECT_NE(text.find("table: count unknown (no source answered)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("top 1 sources (approximate: counts may be high by up to "),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("WARNING"), std::string::npos);
}

TEST(SummaryFormat, ZonesAreBounded) {
  TableSummary s(SummaryOptions{0, 0});
  for (int z = 0; z < 150; ++z) {
    s.Add(TestSummaryFlow(kFamilyIPv4, kProtoUDP, "10.0.0.1", "10.0.0.2", 53, std::nullopt,
               static_cast<uint16_t>(z)));
  }
  uint64_t other = 0;
  EXPECT_EQ(ZonesShown(s, &other).size(), kMaxZoneItems);
  EXPECT_EQ(other, 50u);
  TextBuffer out;
  AppendPrometheus(s, SummaryContext(), &out);
  const std::string text(out.view());
  EXPECT_NE(text.find("ctdump_entries_by_zone{zone=\"other\"} 50\n"), std::string::npos);
}

// --all-netns: each family once, the samples of every namespace under it, netns first.
TEST(SummaryFormat, PrometheusNamespaces) {
  TableSummary a(SummaryOptions{2, 0});
  Fill(&a);
  TableSummary b(SummaryOptions{2, 0});
  SummaryContext ca = Context();
  ca.netns = "blue";
  SummaryContext cb = Context();
  cb.netns = "pid:1";
  cb.success = false;
  cb.error_class = "permission_denied";
  TextBuffer out;
  AppendPrometheusNamespaces({{&a, &ca}, {&b, &cb}}, &out);
  const std::string text(out.view());
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("# TYPE ctdump_entries gauge\n"), 1u) << text;
  EXPECT_NE(text.find("# TYPE ctdump_entries gauge\nctdump_entries{netns=\"blue\"} 9\n"
                      "ctdump_entries{netns=\"pid:1\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ctdump_entries_by_family{netns=\"blue\",family=\"ipv4\"} 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ctdump_dump_error_info{netns=\"pid:1\",class=\"permission_denied\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(count("# TYPE ctdump_dump_error_info gauge"), 1u);
  // Without names, the output is the single summary's.
  TextBuffer one, many;
  AppendPrometheus(a, Context(), &one);
  const SummaryContext plain = Context();
  AppendPrometheusNamespaces({{&a, &plain}}, &many);
  EXPECT_EQ(one.view(), many.view());
}

TEST(PrometheusLabelValue, Escapes) {
  EXPECT_EQ(PrometheusLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace ctdump
