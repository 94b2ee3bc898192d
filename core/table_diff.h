// File: core/table_diff.h
//
// Events by difference: compares successive snapshots of a conntrack table and reports
// the entries that appeared (NEW) and disappeared (DESTROY). This is how `ctdump -E
// --backend procfs --interval S` produces events where ctnetlink is unavailable.
//
//   TableDiff diff;
//   for (;;) {
//     diff.BeginSnapshot();
//     CTDUMP_RETURN_IF_ERROR(backend->Dump(DumpRequest{}, diff));   // diff is a FlowSink
//     if (!diff.EndSnapshot(WallClockNs(), sink)) break;             // sink: EventSink
//     Sleep(interval);
//   }
//
// Contract:
//  * The first snapshot is the baseline and produces no events (like `conntrack -E`,
//    entries that exist when listening starts are not reported).
//  * An entry is identified by its family, protocol, original tuple (addresses and the
//    layer-4 identifiers the source gave) and zone; /proc gives no entry id. So an entry
//    destroyed and re-created with the same tuple between two snapshots is not seen, and
//    neither is one that lived only between two snapshots.
//  * NEW carries the record as first seen, DESTROY the record as last seen (its timeout
//    and counters are from the last snapshot that had it). Both are marked polled.
//    `use` is removed (events carry no reference count, as ctnetlink events do not).
//  * Events are emitted in a stable order: DESTROYs, then NEWs, each in the order the
//    entries appeared in their snapshot.
//  * Memory: two copies of the table's records at the most (the previous snapshot and the
//    one being read), that is O(table size). There is no bound: a differ must remember
//    what it saw. A snapshot that ends with an error must be dropped with
//    AbandonSnapshot(), so that a partial read does not look like mass destruction.
//  * Malformed records reach the sink's OnSkipped() as they come.

#ifndef CTDUMP_CORE_TABLE_DIFF_H_
#define CTDUMP_CORE_TABLE_DIFF_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "core/backend.h"
#include "core/event.h"
#include "core/flow.h"

namespace ctdump {

class TableDiff : public FlowSink {
 public:
  TableDiff() = default;
  TableDiff(const TableDiff&) = delete;
  TableDiff& operator=(const TableDiff&) = delete;

  // Starts reading a snapshot; then Dump() the table into this object. `size_hint`, the
  // number of entries expected (for example the kernel's count before the first
  // snapshot), only saves regrowing the snapshot's storage while it is read.
  void BeginSnapshot(size_t size_hint = 0);
  // FlowSink. A record whose key repeats within one snapshot (a dump duplicate) is kept
  // once.
  bool OnFlow(const Flow& flow) override;
  void OnSkipped(const absl::Status& why) override;

  // Ends the snapshot: reports DESTROY and NEW events (none for the first snapshot) to
  // `sink` with time `now_ns`, then keeps the snapshot as the new baseline. Skipped
  // records collected during the snapshot are forwarded first. Returns false when the
  // sink asked to stop, or when `stop_requested` (asked every few thousand entries)
  // returned true: the changes not yet reported are then dropped, as an abandoned read's
  // are (the baseline is still replaced).
  bool EndSnapshot(uint64_t now_ns, EventSink& sink,
                   absl::FunctionRef<bool()> stop_requested = [] { return false; });
  // Drops the snapshot being read (after a failed dump); the baseline stays.
  void AbandonSnapshot();

  // Entries in the baseline (the last complete snapshot).
  size_t size() const { return previous_.size(); }
  // Snapshots completed so far.
  uint64_t snapshots() const { return snapshots_; }

 private:
  struct Key {
    uint8_t family = 0;
    uint8_t l4proto = 0;
    uint16_t zone = 0;
    uint8_t zone_dir = 0;
    bool has_l4 = false;
    Addr src{};
    Addr dst{};
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint8_t icmp_type = 0;
    uint8_t icmp_code = 0;
    uint16_t icmp_id = 0;

    bool operator==(const Key& o) const;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.family, k.l4proto, k.zone, k.zone_dir, k.has_l4,
                        k.src, k.dst, k.sport, k.dport, k.icmp_type, k.icmp_code, k.icmp_id);
    }
  };
  static Key KeyOf(const Flow& flow);

  // Snapshot: records in arrival order, and key -> index.
  struct Snapshot {
    std::vector<Flow> flows;
    absl::flat_hash_map<Key, size_t> index;
    size_t size() const { return flows.size(); }
    void clear() {
      flows.clear();
      index.clear();
    }
  };

  Snapshot previous_;
  Snapshot current_;
  std::vector<absl::Status> skipped_;
  bool reading_ = false;
  uint64_t snapshots_ = 0;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_TABLE_DIFF_H_
