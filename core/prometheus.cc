#include "core/prometheus.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

using Labels = std::vector<std::pair<absl::string_view, std::string>>;

// Collects samples by metric family, so that the samples of several sections (one per
// namespace) come under one # HELP / # TYPE; writes them out in first-seen order.
class Writer {
 public:
  explicit Writer(TextBuffer* out) : out_(out) {}

  // The label every sample of the coming section starts with (--all-netns), or none.
  void SetSection(absl::string_view netns) { netns_ = std::string(netns); }

  void Family(absl::string_view name, absl::string_view help) {
    Group& g = GroupOf(name);
    if (!g.header.empty()) return;
    absl::StrAppend(&g.header, "# HELP ", name, " ", help, "\n# TYPE ", name, " gauge\n");
  }
  void Sample(absl::string_view name, const Labels& labels, absl::string_view value) {
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
  void Sample(absl::string_view name, const Labels& labels, uint64_t value) {
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

void TopMetric(Writer& w, absl::string_view name, absl::string_view help,
               absl::string_view label, const TopList& list) {
  w.Family(name, help);
  for (const TopItem& i : list.items) w.Sample(name, {{label, TopItemAddrText(i)}}, i.count);
  if (list.other > 0) w.Sample(name, {{label, "other"}}, list.other);
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

  if (summary.top() > 0) {
    const TopList src = summary.TopSources();
    const TopList dst = summary.TopDestinations();
    const TopList ports = summary.TopDestinationPorts();
    TopMetric(w, "ctdump_top_source_entries",
              "Listed entries of the top original source addresses; the rest as \"other\".",
              "source", src);
    TopMetric(w, "ctdump_top_destination_entries",
              "Listed entries of the top original destination addresses; the rest as "
              "\"other\".",
              "destination", dst);
    const char* kPorts = "ctdump_top_destination_port_entries";
    w.Family(kPorts,
             "Listed entries of the top original destination ports (protocols with ports); "
             "the rest as protocol=\"other\",port=\"other\".");
    for (const TopItem& i : ports.items) {
      w.Sample(kPorts, {{"protocol", SummaryProtoName(i.proto)}, {"port", absl::StrCat(i.port)}},
               i.count);
    }
    if (ports.other > 0) w.Sample(kPorts, {{"protocol", "other"}, {"port", "other"}}, ports.other);
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
