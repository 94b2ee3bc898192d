// File: core/summary.h
//
// `ctdump --summary` and `-o prometheus`: counts over a table, in memory that does not
// grow with the table.
//
//   TableSummary summary(SummaryOptions{/*top=*/10});
//   for (const Flow& f : flows) summary.Add(f);          // e.g. from a FlowSink
//   for (const CountItem& c : summary.ByProtocol()) ...   // tcp 1000, udp 200, ...
//   TopList src = summary.TopSources();                    // 10 items + "other"
//
// What is exact and what is approximate:
//  * EXACT, always: the total, and the counts by family, protocol, (protocol, state) and
//    zone. Their key spaces are small and fixed (2 families, 256 protocols, 256 states per
//    protocol, 65536 zones), so exact counting is bounded too.
//  * Top-N sources (original source address), destinations (original destination
//    address) and destination ports ((protocol, original destination port), for the
//    protocols that have ports): counted with the Space-Saving algorithm (Metwally et al.,
//    2005) over `capacity` counters. While a list has seen no more distinct keys than
//    its capacity, it is EXACT (TopList::exact). Past that, each count may overestimate
//    the true one by at most its `error` (never by more than total/capacity), and every
//    key whose true count exceeds total/capacity is guaranteed to be listed. Counts are
//    never underestimated. "other" is the total of the list minus the shown counts.
//  * Memory: O(capacity) per top list (about 100 bytes per counter), whatever the number
//    of distinct keys. Each Add() is O(log capacity).
//  * --sort packets|bytes (SummaryOptions::sort) ranks the top lists by the entries'
//    packet or byte counters (both directions summed; they need accounting,
//    nf_conntrack_acct=1) instead of by entries: the same Space-Saving bounds hold for
//    that metric (core/space_saving.h), TopItem::count is the metric, and entries,
//    packets and bytes ride along. accounted() says how many entries carried counters;
//    when none did, the ranking falls back to entries (the metric is 0 throughout).
//  * --by KEY[,KEY...] (SummaryOptions::by, core/summary_keys.h) replaces the three
//    default top lists with ONE list grouped by the composite key (TopGroups()), with
//    the same bounds and the same O(capacity) memory.
//  * One summary can span several network namespaces (--all-netns --by netns): the
//    caller says with SetNetns() which namespace the following Add() calls come from,
//    and the netns key groups by it. The names are kept once each (memory grows with
//    the number of namespaces, not of entries).
//  * Zones count the zone id whatever its direction (a zone-orig=6 entry counts as zone
//    6); entries without a zone count as zone 0. States count only entries that carry
//    one (tcp, sctp, dccp; offloaded entries have none).

#ifndef CTDUMP_CORE_SUMMARY_H_
#define CTDUMP_CORE_SUMMARY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/flow.h"
#include "core/summary_keys.h"

namespace ctdump {

// What the top lists are ranked by (--sort).
enum class SummarySort : uint8_t { kEntries, kPackets, kBytes };
// "entries", "packets", "bytes".
absl::string_view SummarySortName(SummarySort sort);
// The reverse; false for other words.
bool ParseSummarySort(absl::string_view word, SummarySort* sort);

struct SummaryOptions {
  size_t top = 10;       // items per top list (--top N); 0 lists none
  size_t capacity = 0;   // counters per top list; 0: DefaultTopCapacity(top)
  SummarySort sort = SummarySort::kEntries;  // --sort
  std::vector<const SummaryKey*> by;         // --by; empty: the three default lists
};

// max(1024, 16 * top): exact for tables with up to 1024 distinct keys per list.
size_t DefaultTopCapacity(size_t top);

// One count of an exact breakdown. `key` is the family / protocol number, or the zone id;
// for states `key` is the protocol and `state` the state value.
struct CountItem {
  uint32_t key = 0;
  uint8_t state = 0;
  uint64_t count = 0;
};

// The counts of one top-list item.
struct RankedCounts {
  uint64_t count = 0;    // the sort metric (entries by default): Space-Saving estimate,
                         // exact when the list is exact
  uint64_t error = 0;    // the estimate exceeds the true count by at most this
  uint64_t entries = 0;  // entries (== count when ranked by entries)
  uint64_t packets = 0;  // packets and bytes, both directions; when the list is not
  uint64_t bytes = 0;    // exact, only since the key took its counter
};

// One item of a default top list. Addresses for sources/destinations (family + addr),
// protocol + port for destination ports.
struct TopItem : RankedCounts {
  uint8_t family = 0;
  Addr addr{};
  uint8_t proto = 0;
  uint16_t port = 0;
};

// One item of the --by list: the composite key's value.
struct GroupItem : RankedCounts {
  GroupValue value;
};

template <typename Item>
struct RankedList {
  std::vector<Item> items;  // by count, descending; ties by entries, then key
  uint64_t other = 0;       // the sort metric of what is not in `items`
  uint64_t other_entries = 0;  // entries not in `items`
  uint64_t counted = 0;     // entries that had this key (ports: port protocols only)
  uint64_t counted_metric = 0;  // their sort metric summed (== counted for entries)
  bool exact = true;        // no counter was ever evicted
  size_t capacity = 0;
};
using TopList = RankedList<TopItem>;
using GroupList = RankedList<GroupItem>;

class TableSummary {
 public:
  explicit TableSummary(SummaryOptions options = SummaryOptions());
  ~TableSummary();
  TableSummary(const TableSummary&) = delete;
  TableSummary& operator=(const TableSummary&) = delete;

  void Add(const Flow& flow);

  // The namespace the following Add() calls list (`name` as --all-netns prints it; ""
  // for none, which the netns key shows as "-").
  void SetNetns(absl::string_view name);
  // Every namespace set so far, in order; NetnsId n is netns_names()[n - 1].
  const std::vector<std::string>& netns_names() const { return netns_names_.names(); }
  // The text of part `k` of a --by value (GroupPartText with this summary's names).
  std::string KeyText(size_t k, const GroupPart& part) const;

  uint64_t total() const { return total_; }
  size_t top() const { return options_.top; }
  SummarySort sort() const { return options_.sort; }
  const std::vector<const SummaryKey*>& by() const { return options_.by; }
  // Entries that carried packet/byte counters (accounting on where they were listed).
  uint64_t accounted() const { return accounted_; }
  // The top lists are ranked by entries: sort() is kEntries, or no entry had counters
  // (then TopItem::count is the entries, not a metric of zeros).
  bool RankedByEntries() const;
  // Exact breakdowns, by count descending, ties by key ascending. Zero counts left out.
  std::vector<CountItem> ByFamily() const;
  std::vector<CountItem> ByProtocol() const;
  std::vector<CountItem> ByState() const;
  std::vector<CountItem> ByZone() const;
  // Top lists (at most options.top items each). Empty with --by.
  TopList TopSources() const;
  TopList TopDestinations() const;
  TopList TopDestinationPorts() const;
  // The --by list (empty without --by).
  GroupList TopGroups() const;

  class Heavy;   // the Space-Saving counters of the default lists (summary.cc)
  class Groups;  // those of the --by list

 private:
  SummaryOptions options_;
  uint64_t total_ = 0;
  uint64_t accounted_ = 0;
  std::array<uint64_t, 256> by_family_{};
  std::array<uint64_t, 256> by_proto_{};
  absl::flat_hash_map<uint32_t, uint64_t> by_state_;  // proto << 8 | state
  absl::flat_hash_map<uint16_t, uint64_t> by_zone_;
  std::unique_ptr<Heavy> sources_;
  std::unique_ptr<Heavy> destinations_;
  std::unique_ptr<Heavy> dports_;
  std::unique_ptr<Groups> groups_;
  NetnsNames netns_names_;
  NetnsId netns_ = 0;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_SUMMARY_H_
