// File: cli/watch/screen.h
//
// The screen of `ctdump --watch`, as a pure model: what one refresh found (WatchFrame)
// and what the user chose (WatchState) in, the lines of the screen out. No terminal, no
// clock, no kernel: the tests feed frames and compare lines with goldens
// (cli/watch/testdata/).
//
//   WatchState state;                              // view, sort, pause, interval
//   if (ApplyKey('s', &state) == KeyAction::kQuit) ...
//   std::vector<std::string> lines = RenderScreen(frame, state, ScreenSize{80, 24});
//
// Layout (each line cut to the width; no escape codes here, cli/watch/terminal.h adds them):
//   ctdump --watch  12:00:01  every 2s  netlink  [PAUSED]
//   [ERROR: why the last refresh failed]  [note: a namespace skipped (and N more)]
//   table: 1240 of 262144 entries (0.5% full)[  WARNING: above 80% full]
//   listed: 1234 entries in 0.012 s (filters: 1234 of 1240 matched)
//   protocols: tcp 1000  udp 200  icmp 34
//   tcp states: ESTABLISHED 800  TIME_WAIT 200
//   change: new 3.0/s  gone 1.5/s (exact)  net +1.5/s
//   rates: bytes/s and packets/s of 1234 tracked flows (exact)
//   view: 1 sources  sort: entries (exact)
//      ENTRIES   BYTES/S  PACKETS/S  SOURCE
//          300     1.2M      1.0K    10.0.0.1
//   ...
//   keys:  q quit  1 sources  2 destinations  3 ports  4 states  5 flows  v next view ...
// Under --all-netns there is a sixth view, 6 namespaces (NETNS column), and the flows
// view names each flow's namespace ("[NAME] tcp ...").
// The flows view has no ENTRIES column, and its "entries" sort is by bytes/s. The flows
// listed are those that moved bytes or packets since the previous refresh.
// The help line wraps onto more lines when the terminal is narrow. Below 60 columns the
// PACKETS/S column is left out, below 46 BYTES/S too. Rows fill the height left; in
// batch mode (ScreenSize::height 0) at most WatchState::rows rows are printed, and no
// help line (there are no keys).

#ifndef CTDUMP_CLI_WATCH_SCREEN_H_
#define CTDUMP_CLI_WATCH_SCREEN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ctdump {

// kNamespaces (entries and rates per network namespace) exists only under --all-netns
// (WatchState::all_netns).
enum class WatchView { kSources, kDestinations, kPorts, kStates, kFlows, kNamespaces };
inline constexpr size_t kWatchViews = 6;
enum class WatchSort { kEntries, kBytes, kPackets, kKey };

struct WatchState {
  WatchView view = WatchView::kSources;
  WatchSort sort = WatchSort::kEntries;
  bool paused = false;
  double interval = 2;  // seconds between refreshes
  size_t rows = 20;     // rows in batch mode
  bool all_netns = false;  // --all-netns: the namespaces view (key 6) exists
};

enum class KeyAction {
  kNone,     // not a key of ours
  kRedraw,   // the state changed: draw again from the same frame
  kRefresh,  // the interval changed or the view was resumed: refresh now
  kQuit,
};
// Applies one key press to `state`.
KeyAction ApplyKey(int key, WatchState* state);

// One row of a view: a key (or a flow) and what is known of it.
struct WatchRow {
  std::string key;                 // shown: "10.0.0.1", "tcp/443", "tcp ESTABLISHED"
  std::string order;               // sorts the rows by key (bytes that order as wanted)
  std::optional<uint64_t> entries;  // absent: the key is outside the counted top list
  std::optional<double> bytes_per_s;
  std::optional<double> packets_per_s;
};

struct WatchNamedCount {
  std::string name;
  uint64_t count = 0;
};

// What one refresh found.
struct WatchFrame {
  std::string time;     // wall clock of the refresh, HH:MM:SS
  std::string backend;  // Backend::Name()
  std::string error;    // why the last refresh failed (the rest is from the one before)
  std::string note;     // what the refresh left out (--all-netns: a namespace skipped)
  std::optional<uint64_t> table_count;  // nf_conntrack_count
  std::optional<uint64_t> table_max;    // nf_conntrack_max
  std::string table_error;              // why the count is missing
  uint64_t entries_read = 0;            // listed by the backend
  uint64_t entries = 0;                 // of those, matching the filters
  bool filtered = false;                // filters were given
  double dump_seconds = 0;
  std::vector<WatchNamedCount> protocols;   // exact, by count
  std::vector<WatchNamedCount> tcp_states;  // exact, by count
  // Change since the previous refresh (FlowTracker::Change), per second.
  bool change_valid = false;
  bool change_exact = true;
  unsigned change_shift = 0;
  double new_per_s = 0;
  double gone_per_s = 0;
  std::optional<double> count_change_per_s;  // from the kernel's count: exact, net
  bool accounting = false;  // some flow had counters
  size_t tracked = 0;       // flows tracked (FlowTracker::tracked())
  unsigned track_shift = 0;
  // The rows of each view (index: WatchView). Key views: the top keys by entries
  // joined with the busiest keys by rate; flows: the busiest flows (cli/watch/frame.h).
  std::array<std::vector<WatchRow>, kWatchViews> rows;
  std::array<bool, kWatchViews> rows_exact{};  // entry counts exact, not sample estimates
};

struct ScreenSize {
  size_t width = 80;
  size_t height = 24;  // 0: batch mode, as many lines as needed
};

std::vector<std::string> RenderScreen(const WatchFrame& frame, const WatchState& state,
                                      ScreenSize size);

// "12", "1.5K", "2.3M", "4.0G": rates and counts in 4-5 characters.
std::string HumanNumber(double v);

}  // namespace ctdump

#endif  // CTDUMP_CLI_WATCH_SCREEN_H_
