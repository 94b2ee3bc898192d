#include "cli/run_watch.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "cli/all_netns.h"
#include "cli/label_setup.h"
#include "core/filter_gate.h"
#include "cli/messages.h"
#include "cli/netns_option.h"
#include "cli/stop_signal.h"
#include "cli/watch/flow_tracker.h"
#include "cli/watch/frame.h"
#include "cli/watch/screen.h"
#include "cli/watch/terminal.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/summary.h"
#include "core/summary_keys.h"
#include "io/fd_writer.h"

namespace ctdump {
namespace {

// Rows each view keeps per refresh (more than any screen shows).
constexpr size_t kRowsPerView = 100;

double MonotonicSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string ClockText() {
  time_t now = time(nullptr);
  struct tm tm;
  localtime_r(&now, &tm);
  char buf[16];
  strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
  return buf;
}

// Filters and feeds each flow to the summary and the tracker. Malformed records are
// counted, not printed: stderr would write over the screen.
class WatchSink : public FlowSink {
 public:
  WatchSink(const Filter& filter, TableSummary* summary, FlowTracker* tracker)
      : gate_(filter), summary_(summary), tracker_(tracker) {}

  // --all-netns: the following flows come from namespace number `id` (1, 2, ...).
  void SetNetns(uint32_t id) {
    netns_ = id;
    if (netns_entries_.size() < id) netns_entries_.resize(id);
  }

  bool OnFlow(const Flow& flow) override {
    ++read_;
    const FilterGate::Verdict verdict = gate_.Check(flow);
    if (verdict == FilterGate::kMatch) {
      summary_->Add(flow);
      tracker_->Add(flow, netns_);
      if (netns_ != 0) ++netns_entries_[netns_ - 1];
    }
    return verdict != FilterGate::kCannotJudge;  // gate_.status() says why
  }
  void OnSkipped(const absl::Status& why) override {
    ++skipped_;
    last_skip_ = std::string(why.message());
  }

  uint64_t read() const { return read_; }
  uint64_t skipped() const { return skipped_; }
  const std::string& last_skip() const { return last_skip_; }
  const absl::Status& judge_status() const { return gate_.status(); }
  std::vector<uint64_t>& netns_entries() { return netns_entries_; }

 private:
  FilterGate gate_;
  TableSummary* summary_;
  FlowTracker* tracker_;
  uint32_t netns_ = 0;
  std::vector<uint64_t> netns_entries_;
  uint64_t read_ = 0;
  uint64_t skipped_ = 0;
  std::string last_skip_;
};

// The kernel's count and limit of one refresh: counts summed over the namespaces read,
// the limit the largest reported (one limit for the whole host on current kernels).
struct TableTotals {
  uint64_t count = 0;
  uint64_t max = 0;
  bool have_count = true;
  bool have_max = true;
  std::string error;

  void Add(const absl::StatusOr<TableCount>& c) {
    if (!c.ok()) {
      have_count = false;
      error = std::string(c.status().message());
      return;
    }
    count += c->count;
    if (c->max) {
      max = std::max(max, *c->max);
    } else {
      have_max = false;
    }
  }
};

// One table being watched: the namespace it is in (--netns) and its backend.
struct WatchedTable {
  std::unique_ptr<ScopedNetns> netns;
  std::unique_ptr<Backend> backend;
  bool has_count = true;  // false for --input: a saved file has no kernel count
};

// What to read at each refresh: one table (made once), or with --all-netns every
// namespace of the host, listed anew at each refresh, a backend made inside each.
struct WatchSource {
  std::unique_ptr<WatchedTable> table;  // null with --all-netns
  std::string backend_spec;             // --all-netns: MakeBackend()'s spec
  BackendLog log;
};

class Watcher {
 public:
  Watcher(const Filter& filter, WatchSource source)
      : filter_(filter), source_(std::move(source)) {}

  // Reads the table(s) once and makes a new frame. Returns the error of a failed
  // refresh (the previous frame stays, with the error shown); fatal() then says whether
  // watching cannot go on (the way back from a namespace failed).
  absl::Status Refresh() {
    // Exact counts only (top 0): the key views come from the tracker's flows.
    TableSummary summary(SummaryOptions{0, 0});
    WatchSink sink(filter_, &summary, &tracker_);
    RefreshFacts facts;
    facts.time = ClockText();
    facts.filtered = !filter_.empty();
    notes_.clear();
    TableTotals totals;
    const double start = MonotonicSeconds();
    absl::Status status = source_.table ? ReadTable(sink, &totals, &facts)
                                        : ReadAllNetns(sink, &totals, &facts);
    if (status.ok() && !sink.judge_status().ok()) status = sink.judge_status();
    if (!status.ok()) {
      tracker_.Abandon();
      frame_.error = std::string(status.message());
      return status;
    }
    tracker_.End();
    facts.dump_seconds = MonotonicSeconds() - start;
    facts.entries_read = sink.read();
    if (totals.have_count) facts.table_count = totals.count;
    if (totals.have_count && totals.have_max) facts.table_max = totals.max;
    if (!totals.have_count) facts.table_error = totals.error;
    facts.seconds = previous_start_ ? start - *previous_start_ : 0;
    facts.previous_count = previous_count_;
    if (!source_.table) {
      facts.netns_names = netns_names_.names();
      facts.netns_entries = std::move(sink.netns_entries());
      facts.netns_entries.resize(facts.netns_names.size());
    }
    frame_ = BuildWatchFrame(summary, tracker_, facts, kRowsPerView);
    if (!notes_.empty()) {
      frame_.note = notes_.front();
      if (notes_.size() > 1) absl::StrAppend(&frame_.note, " (and ", notes_.size() - 1, " more)");
    }
    if (sink.skipped() > 0) {
      frame_.error = absl::StrCat(sink.skipped(), " malformed entries skipped (last: ",
                                  sink.last_skip(), ")");
      notes_.push_back(frame_.error);
    }
    previous_start_ = start;
    previous_count_ = facts.table_count;
    return absl::OkStatus();
  }

  const WatchFrame& frame() const { return frame_; }
  // What the last refresh has to say besides its frame: skipped records, namespaces
  // skipped or unreadable (--all-netns).
  const std::vector<std::string>& notes() const { return notes_; }
  bool fatal() const { return fatal_; }

 private:
  // One table: its count first (it sizes the tracker's sample before the dump).
  absl::Status ReadTable(WatchSink& sink, TableTotals* totals, RefreshFacts* facts) {
    WatchedTable& t = *source_.table;
    if (t.has_count) {
      totals->Add(ReadTableCount());
    } else {
      totals->have_count = false;
      totals->error = "not read: the entries come from a saved file (--input)";
    }
    // With filters the count says little about the matching flows: the sample adapts.
    const bool sized = totals->have_count && filter_.empty();
    tracker_.Begin(sized ? std::optional<uint64_t>(totals->count) : std::nullopt);
    facts->backend = t.backend->Name();
    return t.backend->Dump(Request(), sink);
  }

  // --all-netns: every namespace in turn. A namespace that cannot be read is noted on
  // the screen and left out of this refresh; only the filter's failure (the same
  // everywhere) or a failed way back fails the refresh.
  absl::Status ReadAllNetns(WatchSink& sink, TableTotals* totals, RefreshFacts* facts) {
    // The counts are read inside the walk: the previous refresh's total sizes the sample.
    tracker_.Begin(filter_.empty() ? previous_count_ : std::nullopt);
    absl::Status failed;
    ForEachNetns(
        source_.log,
        [&](const NetnsInfo& ns, bool* stop) {
          sink.SetNetns(netns_names_.Intern(ns.name));
          absl::StatusOr<std::unique_ptr<Backend>> backend =
              MakeBackend(source_.backend_spec, source_.log);
          if (!backend.ok()) {
            notes_.push_back(absl::StrCat("network namespace ", ns.name, ": ",
                                          backend.status().message()));
            return 1;
          }
          totals->Add(ReadTableCount());
          absl::Status dumped = (*backend)->Dump(Request(), sink);
          if (!sink.judge_status().ok()) {
            *stop = true;
            return 1;
          }
          if (!dumped.ok()) {
            notes_.push_back(absl::StrCat("network namespace ", ns.name, ": ", dumped.message()));
            return 1;
          }
          AddBackendName((*backend)->Name(), &facts->backend);
          return 0;
        },
        [&](const std::string& message, bool fatal) {
          if (fatal) {
            fatal_ = true;
            failed = absl::InternalError(message);
          } else {
            notes_.push_back(message);
          }
        });
    return failed;
  }

  DumpRequest Request() const {
    DumpRequest request;
    request.family = filter_.family.value_or(0);
    if (!filter_.empty()) request.filter = &filter_;
    return request;
  }

  const Filter& filter_;
  WatchSource source_;
  FlowTracker tracker_;
  WatchFrame frame_;
  std::optional<double> previous_start_;
  std::optional<uint64_t> previous_count_;
  std::vector<std::string> notes_;
  bool fatal_ = false;
  // --all-netns: the tracker's numbers of the namespaces, the same across refreshes.
  NetnsNames netns_names_;
};

// Batch mode: one plain screen per refresh on stdout.
int RunBatch(Watcher& watcher, WatchState state, const Options& opts, const StopSignal& stop) {
  FdWriter out(STDOUT_FILENO);
  absl::flat_hash_set<std::string> told;  // each note once, not once per screen
  for (uint64_t screen = 1;; ++screen) {
    const double start = MonotonicSeconds();
    absl::Status refreshed = watcher.Refresh();
    if (!refreshed.ok()) {
      PrintErr(absl::StrCat("--watch: reading the table failed: ", refreshed.message()));
      return 1;
    }
    if (screen > 1) out.buffer().Append("\n");
    for (const std::string& line :
         RenderScreen(watcher.frame(), state, ScreenSize{100000, 0})) {
      out.buffer().Append(line);
      out.buffer().Append("\n");
    }
    absl::Status written = out.Flush();
    if (written.code() == absl::StatusCode::kCancelled) return 0;  // reader went away
    if (!written.ok()) {
      PrintErr(absl::StrCat("cannot write the screen: ", written.message()));
      return 1;
    }
    for (const std::string& note : watcher.notes()) {
      if (told.insert(note).second) PrintErr(note);
    }
    if (opts.watch_iterations != 0 && screen >= opts.watch_iterations) return 0;
    const double left = start + state.interval - MonotonicSeconds();
    if (stop.WaitFor(std::max(0.0, left))) return 0;
  }
}

// Full-screen mode. The Terminal restores itself when this returns, on every path.
int RunScreen(Watcher& watcher, WatchState state, const Options& opts, const StopSignal& stop) {
  std::string error;
  {
    absl::StatusOr<std::unique_ptr<Terminal>> term = Terminal::Open(STDIN_FILENO, STDOUT_FILENO);
    if (!term.ok()) {
      PrintErr(term.status().message());
      return 1;
    }
    uint64_t refreshes = 0;
    bool refresh = true;
    double next = 0;
    for (;;) {
      if (refresh) {
        const double start = MonotonicSeconds();
        absl::Status refreshed = watcher.Refresh();
        if (!refreshed.ok() && (refreshes == 0 || watcher.fatal())) {
          error = absl::StrCat("--watch: reading the table failed: ", refreshed.message());
          break;
        }
        ++refreshes;
        next = start + state.interval;
        refresh = false;
      }
      (*term)->Draw(RenderScreen(watcher.frame(), state, (*term)->Size()));
      if (opts.watch_iterations != 0 && refreshes >= opts.watch_iterations) break;
      // Wait for the next refresh, a key, a resize or a stop.
      bool quit = false, redraw = false;
      while (!quit && !redraw && !refresh) {
        const double left = std::max(0.0, next - MonotonicSeconds());
        Terminal::Event e = (*term)->Wait(stop.fd(), left);
        switch (e.kind) {
          case Terminal::Event::kStop:
          case Terminal::Event::kEndOfInput:
            quit = true;
            break;
          case Terminal::Event::kResize:
            redraw = true;
            break;
          case Terminal::Event::kKey:
            switch (ApplyKey(e.key, &state)) {
              case KeyAction::kQuit: quit = true; break;
              case KeyAction::kRedraw: redraw = true; break;
              case KeyAction::kRefresh: refresh = !state.paused; redraw = true; break;
              case KeyAction::kNone: break;
            }
            break;
          case Terminal::Event::kTimeout:
            if (MonotonicSeconds() < next) break;
            if (state.paused) {
              next += state.interval;
            } else {
              refresh = true;
            }
            break;
        }
      }
      if (quit) break;
    }
  }
  if (!error.empty()) {
    PrintErr(error);
    return 1;
  }
  return 0;
}

}  // namespace

int RunWatch(const Options& opts) {
  for (const std::string& w : opts.warnings) PrintErr(absl::StrCat("WARNING: ", w));
  Filter filter = opts.filter;
  LabelNames label_names;
  const LabelNames* unused = nullptr;
  if (int rc = SetupLabels(opts, &filter, &label_names, &unused); rc != 0) return rc;

  WatchSource source;
  source.log = VerboseLog(opts);
  if (opts.all_netns) {
    source.backend_spec = opts.backend;
  } else {
    source.table = std::make_unique<WatchedTable>();
    if (!EnterNetns(opts, source.log, &source.table->netns)) return 1;
    const std::string spec =
        opts.input.empty() ? opts.backend : absl::StrCat("input:", opts.input);
    absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, source.log);
    if (!backend.ok()) return BackendFailure(backend.status());
    source.table->backend = std::move(*backend);
    source.table->has_count = opts.input.empty();
  }

  absl::StatusOr<std::unique_ptr<StopSignal>> stop =
      StopSignal::InstallFor({SIGINT, SIGTERM, SIGHUP});
  if (!stop.ok()) {
    PrintErr(absl::StrCat("--watch: cannot handle signals: ", stop.status().message()));
    return 1;
  }
  WatchState state;
  if (opts.interval > 0) state.interval = opts.interval;
  if (opts.top_given) state.rows = opts.top;
  state.all_netns = opts.all_netns;
  if (opts.all_netns) state.view = WatchView::kNamespaces;  // who fills the table
  Watcher watcher(filter, std::move(source));
  const bool batch = opts.watch_batch || !isatty(STDOUT_FILENO);
  return batch ? RunBatch(watcher, state, opts, **stop) : RunScreen(watcher, state, opts, **stop);
}

}  // namespace ctdump
