#include "core/prometheus.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

using PromLabels = std::vector<std::pair<absl::string_view, std::string>>;

// Collects samples by metric family, so that the samples of several sections (one per
// namespace) come under one # HELP / # TYPE; writes them out in first-seen order.
class Writer {
 public:
  explicit Writer(TextBuffer* out) : out_(out) {}

  // The label every sample of the coming section starts with (--all-netns), or none.
  void SetSection(absl::string_view netns) { netns_ = std::string(netns); }

  void Family(absl::string_view name, absl::string_view help,
              absl::string_view type = "gauge") {
    Group& g = GroupOf(name);
    if (!g.header.empty()) return;
    absl::StrAppend(&g.header, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
  }
  // A comment line, kept in order among the families (once per distinct text).
  void Comment(absl::string_view text) {
    Group& g = GroupOf(absl::StrCat("#", text));
    if (g.header.empty()) absl::StrAppend(&g.header, "# ", text, "\n");
  }
  void Sample(absl::string_view name, const PromLabels& labels, absl::string_view value) {
    std::string& line = GroupOf(name).samples;
    line.append(name.data(), name.size());
    if (!labels.empty() || !netns_.empty()) {
      line += '{';
      bool first = true;
      auto label = [&](absl::string_view k, absl::string_view v) {
        if (!first) line += ',';
        first = false;
        absl::StrAppend(&line, k, "=\"", PrometheusLabelValue(v), "\"");
      };
      if (!netns_.empty()) label("netns", netns_);
      for (const auto& l : labels) label(l.first, l.second);
      line += '}';
    }
    absl::StrAppend(&line, " ", value, "\n");
  }
  void Sample(absl::string_view name, const PromLabels& labels, uint64_t value) {
    Sample(name, labels, absl::StrCat(value));
  }
  void Gauge(absl::string_view name, absl::string_view help, uint64_t value) {
    Family(name, help);
    Sample(name, {}, value);
  }
  // Writes every family: header, then its samples.
  void Flush() {
    for (const Group& g : groups_) {
      out_->Append(g.header);
      out_->Append(g.samples);
    }
    groups_.clear();
  }

 private:
  struct Group {
    std::string name;
    std::string header;
    std::string samples;
  };
  Group& GroupOf(absl::string_view name) {
    for (Group& g : groups_) {
      if (g.name == name) return g;
    }
    groups_.push_back(Group{std::string(name), "", ""});
    return groups_.back();
  }
  TextBuffer* out_;
  std::string netns_;
  std::vector<Group> groups_;  // a few dozen families: a linear search is enough
};

// The metrics of one top list: NAME_entries always; NAME_packets and NAME_bytes too when
// the list is ranked by one of them. `labels` gives an item's labels, `other` those of
// the rest.
template <typename Item>
void TopMetrics(Writer& w, const TableSummary& summary, absl::string_view name,
                absl::string_view what, const RankedList<Item>& list,
                const std::function<PromLabels(const Item&)>& labels, const PromLabels& other) {
  const bool extras = EffectiveSort(summary) != SummarySort::kEntries;
  struct Column {
    absl::string_view unit;
    uint64_t Item::*field;
    uint64_t other;
  };
  std::vector<Column> columns = {{"entries", &Item::entries, list.other_entries}};
  if (extras) {
    columns.push_back({"packets", &Item::packets, 0});
    columns.push_back({"bytes", &Item::bytes, 0});
    // The rest's metric is known (what was counted minus what is shown); the other
    // counter rides along only per item.
    (EffectiveSort(summary) == SummarySort::kBytes ? columns[2] : columns[1]).other = list.other;
  }
  std::string rest;
  for (const auto& [label, value] : other) {
    absl::StrAppend(&rest, rest.empty() ? "" : ",", other.size() == 1 ? "" : label,
                    other.size() == 1 ? "" : "=", "\"", value, "\"");
  }
  for (const Column& c : columns) {
    const std::string metric = absl::StrCat(name, "_", c.unit);
    w.Family(metric, absl::StrCat("Listed ", c.unit, " of ", what,
                                  c.unit == "entries" ? "" : " (both directions summed)",
                                  "; the rest as ", rest, "."));
    for (const Item& i : list.items) w.Sample(metric, labels(i), i.*c.field);
    if (c.other > 0) w.Sample(metric, other, c.other);
  }
}

// HELP text of the kernel's counters (conntrack -S names; backends/stats.h).
absl::string_view StatHelp(absl::string_view name) {
  static constexpr std::pair<absl::string_view, absl::string_view> kHelp[] = {
      {"searched", "Hash table lookups (kernels before 5.9 only)."},
      {"found", "Lookups that found an entry."},
      {"new", "Entries added (older kernels only)."},
      {"invalid", "Packets conntrack could not track (malformed, or no entry and not new)."},
      {"ignore", "Packets that were already tracked or not to be tracked (older kernels)."},
      {"delete", "Entries removed (older kernels only)."},
      {"delete_list", "Entries put on the dying list (kernels before 5.15 only)."},
      {"insert", "Entries inserted into the table."},
      {"insert_failed", "Entries that could not be inserted (a clash with an existing one): "
                        "their packets were dropped."},
      {"drop", "Packets dropped because a new entry could not be allocated (table full)."},
      {"early_drop", "Entries dropped early to make room in a full table."},
      {"error", "ICMP(v6) errors that referred to no known connection."},
      {"search_restart", "Lookups restarted because the table was resized or changed."},
      {"clash_resolve", "Insert clashes resolved without dropping the packet (5.9+)."},
      {"chaintoolong", "Entries refused because a hash chain was too long (5.15+)."},
  };
  for (const auto& [n, help] : kHelp) {
    if (n == name) return help;
  }
  return "A conntrack statistics counter of the kernel.";
}

void KernelStatsMetrics(Writer& w, const SummaryContext& ctx) {
  using K = SummaryContext::KernelStats;
  if (ctx.kernel_stats_state == K::kNotRead) {
    if (!ctx.kernel_stats_error.empty()) {
      w.Comment(absl::StrCat("kernel conntrack statistics not read: ", ctx.kernel_stats_error));
    }
    return;
  }
  w.Gauge("ctdump_stats_success",
          "1 when the kernel's conntrack statistics (ctdump_stat_*) were read, else 0.",
          ctx.kernel_stats_state == K::kRead ? 1 : 0);
  if (ctx.kernel_stats_state == K::kFailed) {
    w.Comment(absl::StrCat("kernel conntrack statistics unreadable: ", ctx.kernel_stats_error));
    return;
  }
  w.Family("ctdump_stats_source_info",
           "Where the kernel's conntrack statistics came from (value always 1).");
  w.Sample("ctdump_stats_source_info", {{"source", ctx.kernel_stats_source}}, 1);
  for (const auto& [name, value] : ctx.kernel_stats) {
    const std::string metric = absl::StrCat("ctdump_stat_", name, "_total");
    w.Family(metric,
             absl::StrCat("Kernel conntrack statistic ", name, ", summed over CPUs (conntrack -S; "
                          "each CPU's counter is 32 bits and wraps): ",
                          StatHelp(name)),
             "counter");
    w.Sample(metric, {}, value);
  }
}

}  // namespace

std::string PrometheusLabelValue(absl::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c; break;
    }
  }
  return out;
}

namespace {

void WriteSection(Writer& w, const TableSummary& summary, const SummaryContext& ctx) {
  w.Gauge("ctdump_entries", "Conntrack entries listed by ctdump (after its filters).",
          summary.total());
  if (ctx.table_count) {
    w.Gauge("ctdump_table_entries",
            "Entries in the kernel's conntrack table (nf_conntrack_count; counts "
            "unconfirmed and dying entries too).",
            *ctx.table_count);
  }
  if (ctx.table_max) {
    w.Gauge("ctdump_table_max_entries",
            "Size limit of the kernel's conntrack table (nf_conntrack_max).", *ctx.table_max);
  }

  w.Family("ctdump_entries_by_family", "Listed entries by address family.");
  for (const CountItem& c : summary.ByFamily()) {
    w.Sample("ctdump_entries_by_family", {{"family", std::string(FamilyName(c.key))}}, c.count);
  }
  w.Family("ctdump_entries_by_protocol", "Listed entries by layer-4 protocol.");
  for (const CountItem& c : summary.ByProtocol()) {
    w.Sample("ctdump_entries_by_protocol",
             {{"protocol", SummaryProtoName(static_cast<uint8_t>(c.key))}}, c.count);
  }
  w.Family("ctdump_entries_by_state",
           "Listed entries by protocol state (tcp, sctp and dccp entries that carry one).");
  for (const CountItem& c : summary.ByState()) {
    const uint8_t proto = static_cast<uint8_t>(c.key);
    w.Sample("ctdump_entries_by_state",
             {{"protocol", SummaryProtoName(proto)},
              {"state", std::string(StateName(proto, c.state))}},
             c.count);
  }
  uint64_t other_zones = 0;
  std::vector<CountItem> zones = ZonesShown(summary, &other_zones);
  w.Family("ctdump_entries_by_zone",
           "Listed entries by conntrack zone id (any direction; 0 is the default zone).");
  for (const CountItem& c : zones) {
    w.Sample("ctdump_entries_by_zone", {{"zone", absl::StrCat(c.key)}}, c.count);
  }
  if (other_zones > 0) w.Sample("ctdump_entries_by_zone", {{"zone", "other"}}, other_zones);

  if (summary.top() > 0 && !summary.by().empty()) {
    const GroupList groups = summary.TopGroups();
    PromLabels other;
    for (const SummaryKey* k : summary.by()) other.push_back({k->label, "other"});
    TopMetrics<GroupItem>(
        w, summary, "ctdump_top_group",
        absl::StrCat("the top groups by ", SummaryKeyNames(summary.by())), groups,
        [&summary](const GroupItem& i) {
          PromLabels l;
          for (size_t k = 0; k < summary.by().size(); ++k) {
            l.push_back({summary.by()[k]->label, summary.KeyText(k, i.value.parts[k])});
          }
          return l;
        },
        other);
    w.Family("ctdump_top_exact",
             "1 when a top list's counts are exact, 0 when they are Space-Saving estimates "
             "(more distinct keys than counters).");
    w.Sample("ctdump_top_exact", {{"list", "group"}}, groups.exact ? 1 : 0);
  } else if (summary.top() > 0) {
    const TopList src = summary.TopSources();
    const TopList dst = summary.TopDestinations();
    const TopList ports = summary.TopDestinationPorts();
    TopMetrics<TopItem>(
        w, summary, "ctdump_top_source", "the top original source addresses", src,
        [](const TopItem& i) { return PromLabels{{"source", TopItemAddrText(i)}}; },
        {{"source", "other"}});
    TopMetrics<TopItem>(
        w, summary, "ctdump_top_destination", "the top original destination addresses", dst,
        [](const TopItem& i) { return PromLabels{{"destination", TopItemAddrText(i)}}; },
        {{"destination", "other"}});
    TopMetrics<TopItem>(
        w, summary, "ctdump_top_destination_port",
        "the top original destination ports (protocols with ports)", ports,
        [](const TopItem& i) {
          return PromLabels{{"protocol", SummaryProtoName(i.proto)}, {"port", absl::StrCat(i.port)}};
        },
        {{"protocol", "other"}, {"port", "other"}});
    w.Family("ctdump_top_exact",
             "1 when a top list's counts are exact, 0 when they are Space-Saving estimates "
             "(more distinct keys than counters).");
    w.Sample("ctdump_top_exact", {{"list", "source"}}, src.exact ? 1 : 0);
    w.Sample("ctdump_top_exact", {{"list", "destination"}}, dst.exact ? 1 : 0);
    w.Sample("ctdump_top_exact", {{"list", "destination_port"}}, ports.exact ? 1 : 0);
  }

  w.Family("ctdump_dump_duration_seconds", "How long listing the table took.");
  w.Sample("ctdump_dump_duration_seconds", {}, absl::StrFormat("%.6f", ctx.duration_seconds));
  w.Gauge("ctdump_dump_entries_read", "Records read from the backend before filtering.",
          ctx.entries_read);
  w.Gauge("ctdump_dump_skipped_entries", "Malformed records skipped while listing.",
          ctx.skipped);
  w.Gauge("ctdump_dump_success", "1 when the table was listed completely, else 0.",
          ctx.success ? 1 : 0);
  if (!ctx.success && !ctx.error_class.empty()) {
    w.Family("ctdump_dump_error_info",
             "Why the dump failed (value always 1): the class of the error.");
    w.Sample("ctdump_dump_error_info", {{"class", ctx.error_class}}, 1);
  }
  w.Gauge("ctdump_dump_timestamp_seconds", "When the dump ended, in seconds since the epoch.",
          ctx.timestamp_seconds);
  w.Family("ctdump_backend_info", "The backend that listed the table (value always 1).");
  w.Sample("ctdump_backend_info", {{"backend", ctx.backend}}, 1);
  KernelStatsMetrics(w, ctx);
}

}  // namespace

void AppendPrometheus(const TableSummary& summary, const SummaryContext& ctx,
                      TextBuffer* out) {
  AppendPrometheusNamespaces({PrometheusSection{&summary, &ctx}}, out);
}

void AppendPrometheusNamespaces(const std::vector<PrometheusSection>& sections,
                                TextBuffer* out) {
  Writer w(out);
  for (const PrometheusSection& s : sections) {
    w.SetSection(s.ctx->netns);
    WriteSection(w, *s.summary, *s.ctx);
  }
  w.Flush();
}

}  // namespace ctdump
