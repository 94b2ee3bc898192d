// File: cli/watch/frame.h
//
// Builds the WatchFrame of one refresh (cli/watch/screen.h) from the library's counters:
// a TableSummary (core/summary.h) of the matching flows, the FlowTracker
// (cli/watch/flow_tracker.h) that saw the same flows, and what the caller measured.
// Pure: no I/O, no clock.
//
//   WatchFrame frame = BuildWatchFrame(summary, tracker, facts, /*rows=*/100);
//
// The summary gives the exact counts (protocols, TCP states); it is made with top 0, so
// that no Space-Saving list costs time in the dump's loop. Each key view (sources,
// destinations, ports, states) is counted over the tracked flows: entries, and bytes/s
// and packets/s from their deltas. While every matching flow is tracked (shift 0) the
// counts are EXACT; past the cap they are the sample's counts times 2^shift, ESTIMATES
// (WatchFrame::rows_exact false), and the states view keeps the summary's exact entry
// counts. A view lists the top `rows` keys by entries, by bytes/s and by packets/s,
// joined by key. The flows view lists the busiest tracked flows by bytes/s and by
// packets/s. Under --all-netns the namespaces view counts per namespace (entries exact,
// from RefreshFacts::netns_entries). Memory: O(tracked flows + rows + namespaces).

#ifndef CTDUMP_CLI_WATCH_FRAME_H_
#define CTDUMP_CLI_WATCH_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/watch/flow_tracker.h"
#include "cli/watch/screen.h"
#include "core/summary.h"

namespace ctdump {

// What the caller knows about the refresh besides the flows.
struct RefreshFacts {
  std::string time;
  std::string backend;
  std::optional<uint64_t> table_count;
  std::optional<uint64_t> table_max;
  std::string table_error;
  uint64_t entries_read = 0;
  bool filtered = false;
  double dump_seconds = 0;
  // Seconds since the previous refresh (its dump's start to this one's); 0 on the first.
  double seconds = 0;
  // The kernel's count at the previous refresh, for the net change.
  std::optional<uint64_t> previous_count;
  // --all-netns: the namespaces' names, by the number the tracker knows them by
  // (netns_names[n - 1] for TrackedFlow::netns n), and the exact count of matching
  // entries listed from each (same index; 0 for one not seen this refresh). Empty
  // otherwise: then there is no namespaces view.
  std::vector<std::string> netns_names;
  std::vector<uint64_t> netns_entries;
};

WatchFrame BuildWatchFrame(const TableSummary& summary, const FlowTracker& tracker,
                           const RefreshFacts& facts, size_t rows);

// "tcp 10.0.0.1:40000 -> 10.0.0.2:80 ESTABLISHED" (ports, ICMP type/code/id or neither,
// as the protocol has them), after "[NAME] " when `netns_names` names the flow's
// namespace (--all-netns).
std::string TrackedFlowText(const TrackedFlow& flow,
                            const std::vector<std::string>& netns_names = {});

}  // namespace ctdump

#endif  // CTDUMP_CLI_WATCH_FRAME_H_
