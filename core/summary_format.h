// File: core/summary_format.h
//
// The text of `ctdump --summary`: counts of a TableSummary (core/summary.h) plus what the
// caller knows about the table and the dump (SummaryContext).
//
//   SummaryContext ctx;
//   ctx.table_count = 1240; ctx.table_max = 262144; ctx.backend = "netlink";
//   AppendSummaryText(summary, ctx, &buffer);
//
// Output (one fact per line, "name: key=count ..." or "  count key" under a heading, so
// that both people and awk can read it):
//
//   entries: 1234
//   network namespaces: 3        (only for a summary spanning namespaces, --by netns)
//   table: 1240 of 262144 entries (0.5% full)
//   family: ipv4=1200 ipv6=34
//   protocol: tcp=1000 udp=200 icmp=34 unknown(50)=1
//   state: tcp/ESTABLISHED=800 tcp/TIME_WAIT=200
//   zone: 0=1234
//   top 10 sources (exact; 1234 entries):
//     300 10.0.0.1
//     934 other
//   top 10 destinations (exact; 1234 entries):
//     ...
//   top 10 destination ports (exact; 1100 entries):
//     500 tcp/443
//
// `table:` says "WARNING: above 80% full" past 80% (a full table drops new connections),
// or why the count is unknown. A top list that is not exact says so:
// "(approximate: counts may be high by up to E; C counters)".
//
// With --sort packets|bytes each top list is headed "top 10 sources by bytes (exact;
// 1234 entries, 567890 bytes):", its items read "  4000 10.0.0.1 (12 entries, 30
// packets)" and "other" adds "(N entries)". When no entry carried counters (accounting
// off) the heading says "by entries (bytes unknown: no entry carries counters,
// accounting is off)" and the list is ranked by entries. With --by the three top lists
// are replaced by one, "top 10 by src,dport (...):", whose items print each key's value
// separated by blanks ("  300 10.0.0.1 443"; "-" for a value an entry lacks). Protocols without a name
// print as unknown(N); zone counts over kMaxZoneItems are folded into "other".

#ifndef CTDUMP_CORE_SUMMARY_FORMAT_H_
#define CTDUMP_CORE_SUMMARY_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/summary.h"
#include "core/text_buffer.h"

namespace ctdump {

// Zones listed one by one, at most (the rest are summed as "other").
inline constexpr size_t kMaxZoneItems = 100;
// The fill level above which the table is reported as nearly full.
inline constexpr double kTableWarnFraction = 0.8;

// What the caller knows besides the flows.
struct SummaryContext {
  std::optional<uint64_t> table_count;  // nf_conntrack_count (backends/stats.h)
  std::optional<uint64_t> table_max;    // nf_conntrack_max
  std::string table_error;              // why the count is missing (empty if known)
  std::string backend;                  // Backend::Name() that listed the flows
  double duration_seconds = 0;          // how long the dump took
  uint64_t entries_read = 0;            // flows read, before user-space filtering
  uint64_t skipped = 0;                 // malformed records skipped
  bool success = true;                  // the dump completed
  std::string error_class;              // when it did not: what failed, e.g.
                                        // "permission_denied" (absl status code, lower case)
  uint64_t timestamp_seconds = 0;       // wall clock at the end of the dump

  // The kernel's conntrack statistics (`ctdump -S`, backends/stats.h), summed over CPUs,
  // for -o prometheus: each counter the kernel reported, by conntrack -S's name
  // ("found", "insert_failed", ...), in counter-number order.
  enum class KernelStats : uint8_t {
    kNotRead,  // not asked for (--input, or not -o prometheus); kernel_stats_error says why
    kRead,     // kernel_stats holds them, from kernel_stats_source
    kFailed,   // asked for, but unreadable; kernel_stats_error says why
  };
  KernelStats kernel_stats_state = KernelStats::kNotRead;
  std::vector<std::pair<std::string, uint64_t>> kernel_stats;
  std::string kernel_stats_source;  // "ctnetlink" or "/proc/net/stat/nf_conntrack"
  std::string kernel_stats_error;
  std::string netns;                    // --all-netns: the namespace (else empty)
  uint64_t namespaces = 0;              // --all-netns --by netns: the namespaces one
                                        // summary spans (else 0)
};

// True when count/max is above kTableWarnFraction.
bool TableNearlyFull(const SummaryContext& ctx);

// Appends the summary text described above.
void AppendSummaryText(const TableSummary& summary, const SummaryContext& ctx,
                       TextBuffer* out);

// The text of a top item: an address (sources, destinations) or "tcp/443" (ports).
std::string TopItemAddrText(const TopItem& item);
// The sort the top lists really have: summary.sort(), or kEntries when it asked for
// packets or bytes but no entry carried counters (accounting off; the Space-Saving
// order then is by entries, core/space_saving.h).
SummarySort EffectiveSort(const TableSummary& summary);
// The text of a --by item: each key's text (TableSummary::KeyText), joined by `separator`.
std::string GroupValueText(const TableSummary& summary, const GroupValue& v,
                           absl::string_view separator);
// "src,dport".
std::string SummaryKeyNames(const std::vector<const SummaryKey*>& keys);
// Zones of the summary, at most kMaxZoneItems, plus the count of the rest (0 if none).
std::vector<CountItem> ZonesShown(const TableSummary& summary, uint64_t* other);

}  // namespace ctdump

#endif  // CTDUMP_CORE_SUMMARY_FORMAT_H_
