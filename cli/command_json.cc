#include "cli/command_json.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/messages.h"
#include "core/json.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

void Key(absl::string_view key, TextBuffer* out) {
  AppendJsonString(key, out);
  out->Append(':');
}

void Schema(TextBuffer* out) {
  out->Append("{\"schema\":");
  out->AppendU64(kJsonSchemaVersion);
}

void Counts(absl::string_view name, const std::vector<CountItem>& items,
            std::string (*key)(const CountItem&), TextBuffer* out) {
  out->Append(',');
  Key(name, out);
  out->Append('{');
  bool first = true;
  for (const CountItem& c : items) {
    if (!first) out->Append(',');
    first = false;
    Key(key(c), out);
    out->AppendU64(c.count);
  }
  out->Append('}');
}

void U64(absl::string_view key, uint64_t v, TextBuffer* out) {
  out->Append(',');
  Key(key, out);
  out->AppendU64(v);
}

// A top list; `key` writes an item's "key" value. Ranked by packets or bytes, the list
// adds "other_entries" and its items "entries", "packets" and "bytes".
template <typename Item>
void Top(absl::string_view name, const TableSummary& summary, const RankedList<Item>& list,
         void (*key)(const TableSummary&, const Item&, TextBuffer*), TextBuffer* out) {
  const bool extras = EffectiveSort(summary) != SummarySort::kEntries;
  out->Append(',');
  Key(name, out);
  out->Append(list.exact ? "{\"exact\":true" : "{\"exact\":false");
  U64("counted", list.counted, out);
  U64("capacity", list.capacity, out);
  U64("other", list.other, out);
  if (extras) U64("other_entries", list.other_entries, out);
  if (!summary.by().empty()) {
    out->Append(",\"keys\":[");
    for (size_t i = 0; i < summary.by().size(); ++i) {
      if (i != 0) out->Append(',');
      AppendJsonString(summary.by()[i]->name, out);
    }
    out->Append(']');
  }
  out->Append(",\"items\":[");
  for (size_t i = 0; i < list.items.size(); ++i) {
    const Item& item = list.items[i];
    if (i != 0) out->Append(',');
    out->Append("{\"key\":");
    key(summary, item, out);
    U64("count", item.count, out);
    U64("error", item.error, out);
    if (extras) {
      U64("entries", item.entries, out);
      U64("packets", item.packets, out);
      U64("bytes", item.bytes, out);
    }
    out->Append('}');
  }
  out->Append("]}");
}

void TopKey(const TableSummary&, const TopItem& i, TextBuffer* out) {
  AppendJsonString(TopItemAddrText(i), out);
}
// {"src":"10.0.0.1","dport":"443"}: every value a string, "-" when absent.
void GroupKey(const TableSummary& s, const GroupItem& i, TextBuffer* out) {
  out->Append('{');
  for (size_t k = 0; k < s.by().size() && k < kMaxSummaryKeys; ++k) {
    if (k != 0) out->Append(',');
    Key(s.by()[k]->name, out);
    AppendJsonString(s.KeyText(k, i.value.parts[k]), out);
  }
  out->Append('}');
}

}  // namespace

namespace {
void AppendNetnsKey(const std::string& netns, TextBuffer* out) {
  if (netns.empty()) return;
  out->Append(",\"netns\":");
  AppendJsonString(netns, out);
}
}  // namespace

void AppendCountJson(const TableCount& count, TextBuffer* out, const std::string& netns) {
  Schema(out);
  out->Append(",\"count\":");
  out->AppendU64(count.count);
  if (count.max) {
    out->Append(",\"max\":");
    out->AppendU64(*count.max);
  }
  out->Append(",\"source\":");
  AppendJsonString(count.source_name, out);
  AppendNetnsKey(netns, out);
  out->Append("}\n");
}

void AppendCpuStatsJson(const std::vector<CpuStats>& cpus, TextBuffer* out) {
  Schema(out);
  out->Append(",\"cpus\":[");
  for (size_t i = 0; i < cpus.size(); ++i) {
    if (i != 0) out->Append(',');
    out->Append("{\"cpu\":");
    out->AppendU64(cpus[i].cpu);
    for (int n = 1; n <= kCpuStatMax; ++n) {
      if (!cpus[i].Has(n)) continue;
      out->Append(',');
      Key(CpuStatName(n), out);
      out->AppendU64(cpus[i].value[n]);
    }
    out->Append('}');
  }
  out->Append("]}\n");
}

void AppendDoctorJson(const std::string& netns, const std::vector<Finding>& findings,
                      bool can_list, TextBuffer* out) {
  Schema(out);
  if (!netns.empty()) {
    out->Append(",\"netns\":");
    AppendJsonString(netns, out);
  }
  out->Append(can_list ? ",\"can_list\":true" : ",\"can_list\":false");
  out->Append(",\"findings\":[");
  for (size_t i = 0; i < findings.size(); ++i) {
    if (i != 0) out->Append(',');
    out->Append("{\"level\":");
    AppendJsonString(LevelName(findings[i].level), out);
    out->Append(",\"topic\":");
    AppendJsonString(findings[i].topic, out);
    out->Append(",\"text\":");
    AppendJsonString(findings[i].text, out);
    out->Append('}');
  }
  out->Append("]}\n");
}

void AppendSummaryJson(const TableSummary& summary, const SummaryContext& ctx,
                       TextBuffer* out) {
  Schema(out);
  out->Append(ctx.success ? ",\"success\":true" : ",\"success\":false");
  out->Append(",\"backend\":");
  AppendJsonString(ctx.backend, out);
  out->Append(",\"entries\":");
  out->AppendU64(summary.total());
  out->Append(",\"entries_read\":");
  out->AppendU64(ctx.entries_read);
  out->Append(",\"skipped\":");
  out->AppendU64(ctx.skipped);
  out->Append(absl::StrFormat(",\"duration_seconds\":%.6f", ctx.duration_seconds));
  out->Append(",\"timestamp_seconds\":");
  out->AppendU64(ctx.timestamp_seconds);
  out->Append(",\"table\":{");
  if (ctx.table_count) {
    out->Append("\"count\":");
    out->AppendU64(*ctx.table_count);
    if (ctx.table_max) {
      out->Append(",\"max\":");
      out->AppendU64(*ctx.table_max);
    }
    out->Append(TableNearlyFull(ctx) ? ",\"nearly_full\":true" : ",\"nearly_full\":false");
  } else {
    out->Append("\"error\":");
    AppendJsonString(ctx.table_error, out);
  }
  out->Append('}');
  Counts("family", summary.ByFamily(),
         [](const CountItem& c) -> std::string {
           return c.key == kFamilyIPv4 ? "ipv4" : c.key == kFamilyIPv6 ? "ipv6"
                                                                       : absl::StrCat(c.key);
         },
         out);
  Counts("protocol", summary.ByProtocol(),
         [](const CountItem& c) { return SummaryProtoName(static_cast<uint8_t>(c.key)); }, out);
  Counts("state", summary.ByState(),
         [](const CountItem& c) {
           return absl::StrCat(SummaryProtoName(static_cast<uint8_t>(c.key)), "/",
                               StateName(static_cast<uint8_t>(c.key), c.state));
         },
         out);
  uint64_t other_zones = 0;
  std::vector<CountItem> zones = ZonesShown(summary, &other_zones);
  if (other_zones != 0) zones.push_back(CountItem{0xffffffffu, 0, other_zones});
  Counts("zone", zones,
         [](const CountItem& c) {
           return c.key == 0xffffffffu ? std::string("other") : absl::StrCat(c.key);
         },
         out);
  out->Append(",\"sort\":");
  AppendJsonString(SummarySortName(summary.sort()), out);
  out->Append(",\"ranked_by\":");
  AppendJsonString(SummarySortName(EffectiveSort(summary)), out);
  U64("accounted", summary.accounted(), out);
  if (!summary.by().empty()) {
    Top("top_by", summary, summary.TopGroups(), GroupKey, out);
  } else {
    Top("top_sources", summary, summary.TopSources(), TopKey, out);
    Top("top_destinations", summary, summary.TopDestinations(), TopKey, out);
    Top("top_destination_ports", summary, summary.TopDestinationPorts(), TopKey, out);
  }
  if (ctx.namespaces > 0) U64("namespaces", ctx.namespaces, out);
  AppendNetnsKey(ctx.netns, out);
  out->Append("}\n");
}

std::string ErrorClassName(const absl::Status& status) {
  return absl::AsciiStrToLower(absl::StatusCodeToString(status.code()));
}

void AppendErrorJson(const absl::Status& error, TextBuffer* out) {
  Schema(out);
  out->Append(",\"success\":false,\"error\":{\"class\":");
  AppendJsonString(ErrorClassName(error), out);
  out->Append(",\"message\":");
  AppendJsonString(error.message(), out);
  out->Append("}}\n");
}

void WriteErrorReport(OutputFormat format, const absl::Status& error) {
  ReportForms forms;  // no text form: the message is on stderr already
  forms.json = [&error](TextBuffer* text) { AppendErrorJson(error, text); };
  TextBuffer text;
  AppendReport(format, forms, &text);
  if (!text.empty()) (void)WriteStdout(text.view(), "the error object");
}

}  // namespace ctdump
