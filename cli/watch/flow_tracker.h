// File: cli/watch/flow_tracker.h
//
// What changed between two refreshes of `ctdump --watch`, in memory that does not grow
// with the table: new and gone entries, and each tracked flow's byte and packet deltas
// (for bytes/s and packets/s). Pure: flows in, numbers out; no I/O, no clock.
//
//   FlowTracker tracker;                 // kept across refreshes
//   tracker.Begin();
//   for (const Flow& f : table) tracker.Add(f);   // the flows that match the filters
//   tracker.End();
//   tracker.change().new_flows ...       // since the previous End()
//   for (const TrackedFlow& f : tracker.flows()) ...  // with bytes_delta, packets_delta
//
// Contract (what is exact and what is approximate):
//  * A flow is identified by a 64-bit hash of its namespace (--all-netns), family,
//    protocol, zone, original tuple
//    and, where the source gives one (ctnetlink), its CTA_ID; /proc gives no id, so an
//    entry destroyed and re-created with the same tuple between two refreshes is not
//    seen as new there. Hash collisions (about n^2/2^65) are ignored.
//  * At most `cap` flows are tracked per refresh. While the table has no more matching
//    entries than that, every flow is tracked (sample shift 0) and new/gone counts and
//    the deltas are EXACT. Past the cap the tracker keeps a consistent hash sample: a
//    flow is tracked when the top `shift` bits of its hash are zero (1 in 2^shift flows,
//    the same flows in every refresh), raising `shift` until the sample fits. new/gone
//    are then the sampled counts times 2^shift: ESTIMATES (Change::exact false), and the
//    busiest flows are the busiest of the sample. Begin() takes the expected count (the
//    kernel's) to pick the shift before the dump; a diff uses the larger shift of its
//    two refreshes.
//  * Deltas: counters now minus counters at the previous refresh; a flow first seen now
//    (new) counts all its counters (they were made since the previous refresh). Counters
//    need net.netfilter.nf_conntrack_acct=1 when the entry was made (kernel 2.6.18+);
//    flows without them have no delta, and accounting_seen() stays false.
//  * The first End() is the baseline: Change::valid is false and no deltas are given.
//  * Memory: two hash maps of at most `cap` flows (about 100 bytes per tracked flow in
//    the current one, 40 in the previous one), whatever the table size.

#ifndef CTDUMP_CLI_WATCH_FLOW_TRACKER_H_
#define CTDUMP_CLI_WATCH_FLOW_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/flow.h"

namespace ctdump {

inline constexpr size_t kDefaultTrackCap = 65536;

// A tracked flow of the current refresh, as much of it as the views need.
struct TrackedFlow {
  uint32_t netns = 0;  // the caller's number of the namespace it was listed from (Add())
  uint8_t family = 0;
  uint8_t l4proto = 0;
  std::optional<uint8_t> state;
  Tuple orig;
  bool has_counters = false;
  uint64_t bytes = 0;  // both directions, since the entry was made
  uint64_t packets = 0;
  // Set by End() for flows with counters once there is a baseline.
  bool has_delta = false;
  uint64_t bytes_delta = 0;
  uint64_t packets_delta = 0;
};

class FlowTracker {
 public:
  struct Change {
    bool valid = false;  // a previous refresh exists
    bool exact = true;   // shift 0: counts of every flow, not estimates
    unsigned shift = 0;  // the sample the diff used: 1 in 2^shift flows
    uint64_t new_flows = 0;
    uint64_t gone_flows = 0;
  };

  explicit FlowTracker(size_t cap = kDefaultTrackCap);
  FlowTracker(const FlowTracker&) = delete;
  FlowTracker& operator=(const FlowTracker&) = delete;

  // `expected`: about how many flows the refresh will bring (the kernel's count), to
  // pick the sample before the dump; without it the sample grows back by one step when
  // the previous refresh used less than a quarter of the cap.
  void Begin(std::optional<uint64_t> expected = std::nullopt);
  // `netns`: the caller's number for the namespace `flow` was listed from (--all-netns;
  // 0 for one namespace). It is part of the flow's identity: the same tuple in two
  // namespaces is two flows. A namespace must keep its number across refreshes.
  void Add(const Flow& flow, uint32_t netns = 0);
  // Ends the refresh: computes change() and the deltas, and keeps this refresh as the
  // baseline of the next.
  void End();
  // Drops the refresh being read (a failed dump); the baseline stays.
  void Abandon();

  const Change& change() const { return change_; }
  // The tracked flows of the last End(), in no particular order (at most cap()).
  std::vector<const TrackedFlow*> flows() const;
  size_t tracked() const { return current_.size(); }
  size_t cap() const { return cap_; }
  unsigned shift() const { return shift_; }
  bool accounting_seen() const { return accounting_seen_; }

  // The identity hash (see the contract); public for tests.
  static uint64_t FlowHash(const Flow& flow, uint32_t netns = 0);

 private:
  static bool InSample(uint64_t hash, unsigned shift) {
    return shift == 0 || (shift < 64 && (hash >> (64 - shift)) == 0);
  }
  struct Seen {
    uint64_t bytes = 0;
    uint64_t packets = 0;
  };

  size_t cap_;
  unsigned shift_ = 0;           // of the refresh being read / last read
  unsigned previous_shift_ = 0;  // of the baseline
  bool have_previous_ = false;
  bool accounting_seen_ = false;
  absl::flat_hash_map<uint64_t, TrackedFlow> current_;
  absl::flat_hash_map<uint64_t, Seen> previous_;
  Change change_;
};

}  // namespace ctdump

#endif  // CTDUMP_CLI_WATCH_FLOW_TRACKER_H_
