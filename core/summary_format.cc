#include "core/summary_format.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/addr.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

void AppendCounts(absl::string_view name, const std::vector<CountItem>& items,
                  std::string (*key)(const CountItem&), TextBuffer* out) {
  out->Append(name);
  out->Append(':');
  if (items.empty()) out->Append(" none");
  for (const CountItem& c : items) {
    out->Append(' ');
    out->Append(key(c));
    out->Append('=');
    out->AppendU64(c.count);
  }
  out->Append('\n');
}

// " (12 entries, 34 packets)" after an item ranked by packets or bytes.
template <typename Item>
std::string Extras(SummarySort sort, const Item& i) {
  if (sort == SummarySort::kEntries) return "";
  return absl::StrCat(" (", i.entries, " entries, ",
                      sort == SummarySort::kBytes ? i.packets : i.bytes,
                      sort == SummarySort::kBytes ? " packets)" : " bytes)");
}

template <typename Item>
void AppendTop(absl::string_view what, const TableSummary& summary, const RankedList<Item>& list,
               std::string (*text)(const TableSummary&, const Item&), TextBuffer* out) {
  const SummarySort sort = EffectiveSort(summary);
  std::string head = absl::StrCat("top ", summary.top(), " ", what);
  if (summary.sort() != SummarySort::kEntries) {
    absl::StrAppend(&head, " by ", SummarySortName(sort));
    if (sort != summary.sort()) {
      absl::StrAppend(&head, " (", SummarySortName(summary.sort()),
                      " unknown: no entry carries counters, accounting is off)");
    }
  }
  absl::StrAppend(&head, " (");
  if (list.exact) {
    absl::StrAppend(&head, "exact");
  } else {
    uint64_t max_error = 0;
    for (const Item& i : list.items) max_error = std::max(max_error, i.error);
    absl::StrAppend(&head, "approximate: counts may be high by up to ", max_error, "; ",
                    list.capacity, " counters");
  }
  absl::StrAppend(&head, "; ", list.counted, " entries");
  if (sort != SummarySort::kEntries) {
    absl::StrAppend(&head, ", ", list.counted_metric, " ", SummarySortName(sort));
  }
  absl::StrAppend(&head, "):\n");
  out->Append(head);
  for (const Item& i : list.items) {
    out->Append("  ");
    out->AppendU64(i.count);
    out->Append(' ');
    out->Append(text(summary, i));
    out->Append(Extras(sort, i));
    out->Append('\n');
  }
  if (list.other > 0 || list.other_entries > 0) {
    out->Append("  ");
    out->AppendU64(list.other);
    out->Append(" other");
    if (sort != SummarySort::kEntries) out->Append(absl::StrCat(" (", list.other_entries, " entries)"));
    out->Append('\n');
  }
}

std::string TopText(const TableSummary&, const TopItem& i) { return TopItemAddrText(i); }
std::string GroupText(const TableSummary& s, const GroupItem& i) {
  return GroupValueText(s, i.value, " ");
}

}  // namespace

SummarySort EffectiveSort(const TableSummary& summary) {
  return summary.RankedByEntries() ? SummarySort::kEntries : summary.sort();
}

std::string GroupValueText(const TableSummary& summary, const GroupValue& v,
                           absl::string_view separator) {
  std::string out;
  for (size_t i = 0; i < summary.by().size() && i < kMaxSummaryKeys; ++i) {
    if (i > 0) absl::StrAppend(&out, separator);
    absl::StrAppend(&out, summary.KeyText(i, v.parts[i]));
  }
  return out;
}

std::string SummaryKeyNames(const std::vector<const SummaryKey*>& keys) {
  std::string out;
  for (const SummaryKey* k : keys) absl::StrAppend(&out, out.empty() ? "" : ",", k->name);
  return out;
}

bool TableNearlyFull(const SummaryContext& ctx) {
  return ctx.table_count && ctx.table_max && *ctx.table_max > 0 &&
         static_cast<double>(*ctx.table_count) >
             kTableWarnFraction * static_cast<double>(*ctx.table_max);
}

std::string TopItemAddrText(const TopItem& item) {
  if (item.family == 0) return absl::StrCat(SummaryProtoName(item.proto), "/", item.port);
  char buf[kMaxAddrText];
  char* end = FormatAddr(item.family, item.addr, AddrStyle::kCompressed, buf);
  return std::string(buf, static_cast<size_t>(end - buf));
}

std::vector<CountItem> ZonesShown(const TableSummary& summary, uint64_t* other) {
  std::vector<CountItem> zones = summary.ByZone();
  *other = 0;
  if (zones.size() > kMaxZoneItems) {
    for (size_t i = kMaxZoneItems; i < zones.size(); ++i) *other += zones[i].count;
    zones.resize(kMaxZoneItems);
  }
  return zones;
}

void AppendSummaryText(const TableSummary& summary, const SummaryContext& ctx,
                       TextBuffer* out) {
  out->Append("entries: ");
  out->AppendU64(summary.total());
  out->Append('\n');
  if (ctx.namespaces > 0) {
    out->Append("network namespaces: ");
    out->AppendU64(ctx.namespaces);
    out->Append('\n');
  }

  std::string table = "table: ";
  if (ctx.table_count) {
    absl::StrAppend(&table, *ctx.table_count);
    if (ctx.table_max && *ctx.table_max > 0) {
      const double pct = 100.0 * static_cast<double>(*ctx.table_count) /
                         static_cast<double>(*ctx.table_max);
      absl::StrAppend(&table, " of ", *ctx.table_max, " entries (",
                      absl::StrFormat("%.1f", pct), "% full)");
      if (TableNearlyFull(ctx)) {
        absl::StrAppend(&table, " WARNING: above ", static_cast<int>(kTableWarnFraction * 100),
                        "% full; when the table is full the kernel drops new connections");
      }
    } else {
      absl::StrAppend(&table, " entries (maximum unknown)");
    }
  } else {
    absl::StrAppend(&table, "count unknown",
                    ctx.table_error.empty() ? "" : absl::StrCat(" (", ctx.table_error, ")"));
  }
  table += '\n';
  out->Append(table);

  AppendCounts("family", summary.ByFamily(),
               [](const CountItem& c) { return std::string(FamilyName(c.key)); }, out);
  AppendCounts("protocol", summary.ByProtocol(),
               [](const CountItem& c) { return SummaryProtoName(static_cast<uint8_t>(c.key)); },
               out);
  AppendCounts("state", summary.ByState(),
               [](const CountItem& c) {
                 const uint8_t proto = static_cast<uint8_t>(c.key);
                 return absl::StrCat(SummaryProtoName(proto), "/", StateName(proto, c.state));
               },
               out);
  uint64_t other_zones = 0;
  std::vector<CountItem> zones = ZonesShown(summary, &other_zones);
  if (other_zones > 0) zones.push_back(CountItem{0x10000, 0, other_zones});
  AppendCounts("zone", zones,
               [](const CountItem& c) {
                 return c.key > 0xffff ? std::string("other") : absl::StrCat(c.key);
               },
               out);
  if (summary.top() == 0) return;
  if (!summary.by().empty()) {
    AppendTop(absl::StrCat("by ", SummaryKeyNames(summary.by())), summary,
              summary.TopGroups(), GroupText, out);
    return;
  }
  AppendTop("sources", summary, summary.TopSources(), TopText, out);
  AppendTop("destinations", summary, summary.TopDestinations(), TopText, out);
  AppendTop("destination ports", summary, summary.TopDestinationPorts(), TopText, out);
}

}  // namespace ctdump
