#include "cli/run_watch.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/select.h"
#include "backends/stats.h"
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

  bool OnFlow(const Flow& flow) override {
    ++read_;
    const FilterGate::Verdict verdict = gate_.Check(flow);
    if (verdict == FilterGate::kMatch) {
      summary_->Add(flow);
      tracker_->Add(flow);
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

 private:
  FilterGate gate_;
  TableSummary* summary_;
  FlowTracker* tracker_;
  uint64_t read_ = 0;
  uint64_t skipped_ = 0;
  std::string last_skip_;
};

// One table being watched. --all-netns (being added by another branch) hooks in here:
// RunWatch() makes one WatchedTable per namespace, and Refresh() reads each into the
// same summary and tracker (FlowTracker::FlowHash() must then also take the namespace,
// and the count is the sum of the namespaces' counts).
struct WatchedTable {
  std::unique_ptr<ScopedNetns> netns;
  std::unique_ptr<Backend> backend;
  bool has_count = true;  // false for --input: a saved file has no kernel count
};

class Watcher {
 public:
  Watcher(const Filter& filter, std::vector<WatchedTable> tables)
      : filter_(filter), tables_(std::move(tables)) {}

  // Reads every table once and makes a new frame. Returns the error of a failed
  // refresh (the previous frame stays, with the error shown).
  absl::Status Refresh() {
    // Exact counts only (top 0): the key views come from the tracker's flows.
    TableSummary summary(SummaryOptions{0, 0});
    WatchSink sink(filter_, &summary, &tracker_);
    RefreshFacts facts;
    facts.time = ClockText();
    facts.filtered = !filter_.empty();
    // The counts first: they size the tracker's sample before the dump.
    uint64_t count = 0, max = 0;
    bool have_count = true, have_max = true;
    for (WatchedTable& t : tables_) {
      if (!t.has_count) {
        have_count = false;
        facts.table_error = "not read: the entries come from a saved file (--input)";
        continue;
      }
      absl::StatusOr<TableCount> c = ReadTableCount();
      if (!c.ok()) {
        have_count = false;
        facts.table_error = std::string(c.status().message());
        continue;
      }
      count += c->count;
      if (c->max) max += *c->max; else have_max = false;
    }
    const double start = MonotonicSeconds();
    // With filters the count says little about the matching flows: the sample adapts.
    const bool sized = have_count && filter_.empty();
    tracker_.Begin(sized ? std::optional<uint64_t>(count) : std::nullopt);
    absl::Status status;
    for (WatchedTable& t : tables_) {
      DumpRequest request;
      request.family = filter_.family.value_or(0);
      if (!filter_.empty()) request.filter = &filter_;
      status = t.backend->Dump(request, sink);
      if (status.ok() && !sink.judge_status().ok()) status = sink.judge_status();
      if (!status.ok()) break;
      facts.backend = t.backend->Name();
    }
    if (!status.ok()) {
      tracker_.Abandon();
      frame_.error = std::string(status.message());
      return status;
    }
    tracker_.End();
    facts.dump_seconds = MonotonicSeconds() - start;
    facts.entries_read = sink.read();
    if (have_count) facts.table_count = count;
    if (have_count && have_max) facts.table_max = max;
    facts.seconds = previous_start_ ? start - *previous_start_ : 0;
    facts.previous_count = previous_count_;
    frame_ = BuildWatchFrame(summary, tracker_, facts, kRowsPerView);
    if (sink.skipped() > 0) {
      frame_.error = absl::StrCat(sink.skipped(), " malformed entries skipped (last: ",
                                  sink.last_skip(), ")");
    }
    skipped_ = sink.skipped();
    previous_start_ = start;
    previous_count_ = facts.table_count;
    return absl::OkStatus();
  }

  const WatchFrame& frame() const { return frame_; }
  uint64_t skipped() const { return skipped_; }

 private:
  const Filter& filter_;
  std::vector<WatchedTable> tables_;
  FlowTracker tracker_;
  WatchFrame frame_;
  std::optional<double> previous_start_;
  std::optional<uint64_t> previous_count_;
  uint64_t skipped_ = 0;
};

// Batch mode: one plain screen per refresh on stdout.
int RunBatch(Watcher& watcher, WatchState state, const Options& opts, const StopSignal& stop) {
  FdWriter out(STDOUT_FILENO);
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
    if (watcher.skipped() > 0) PrintErr(watcher.frame().error);
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
        if (!refreshed.ok() && refreshes == 0) {
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

  BackendLog log = VerboseLog(opts);
  std::vector<WatchedTable> tables(1);
  if (!EnterNetns(opts, log, &tables[0].netns)) return 1;
  const std::string spec = opts.input.empty() ? opts.backend : absl::StrCat("input:", opts.input);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, log);
  if (!backend.ok()) return BackendFailure(backend.status());
  tables[0].backend = std::move(*backend);
  tables[0].has_count = opts.input.empty();

  absl::StatusOr<std::unique_ptr<StopSignal>> stop =
      StopSignal::InstallFor({SIGINT, SIGTERM, SIGHUP});
  if (!stop.ok()) {
    PrintErr(absl::StrCat("--watch: cannot handle signals: ", stop.status().message()));
    return 1;
  }
  WatchState state;
  if (opts.interval > 0) state.interval = opts.interval;
  if (opts.top_given) state.rows = opts.top;
  Watcher watcher(filter, std::move(tables));
  const bool batch = opts.watch_batch || !isatty(STDOUT_FILENO);
  return batch ? RunBatch(watcher, state, opts, **stop) : RunScreen(watcher, state, opts, **stop);
}

}  // namespace ctdump
