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

void AppendTop(absl::string_view what, const TopList& list, size_t top, TextBuffer* out) {
  std::string head = absl::StrCat("top ", top, " ", what, " (");
  if (list.exact) {
    absl::StrAppend(&head, "exact");
  } else {
    uint64_t max_error = 0;
    for (const TopItem& i : list.items) max_error = std::max(max_error, i.error);
    absl::StrAppend(&head, "approximate: counts may be high by up to ", max_error, "; ",
                    list.capacity, " counters");
  }
  absl::StrAppend(&head, "; ", list.counted, " entries):\n");
  out->Append(head);
  for (const TopItem& i : list.items) {
    out->Append("  ");
    out->AppendU64(i.count);
    out->Append(' ');
    out->Append(TopItemAddrText(i));
    out->Append('\n');
  }
  if (list.other > 0) {
    out->Append("  ");
    out->AppendU64(list.other);
    out->Append(" other\n");
  }
}

}  // namespace

bool TableNearlyFull(const SummaryContext& ctx) {
  return ctx.table_count && ctx.table_max && *ctx.table_max > 0 &&
         static_cast<double>(*ctx.table_count) >
             kTableWarnFraction * static_cast<double>(*ctx.table_max);
}

std::string SummaryProtoName(uint8_t proto) {
  absl::string_view name = ProtoName(proto);
  if (name == "unknown") return absl::StrCat("unknown(", proto, ")");
  return std::string(name);
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
  AppendTop("sources", summary.TopSources(), summary.top(), out);
  AppendTop("destinations", summary.TopDestinations(), summary.top(), out);
  AppendTop("destination ports", summary.TopDestinationPorts(), summary.top(), out);
}

}  // namespace ctdump
