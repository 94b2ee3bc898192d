// ctdump: list the Linux connection-tracking table, read-only; a drop-in for
// `conntrack -L`. This file only wires the library together: options in, a backend from
// backends/select.h, lines out through core/format.h. -E and --summary / -o prometheus
// are in cli/run_events.cc and cli/run_summary.cc.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "backends/doctor.h"
#include "backends/netns.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "cli/cli_util.h"
#include "cli/options.h"
#include "cli/run_events.h"
#include "cli/run_summary.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/format.h"
#include "core/json.h"
#include "core/proc_format.h"
#include "core/xml.h"
#include "core/text_buffer.h"

namespace ctdump {
namespace {

// Formats every flow to stdout; reports skipped records on stderr as they come.
class ListSink : public FlowSink {
 public:
  ListSink(const Filter& filter, OutputFormat format, const ConntrackStyle& style,
           std::string source)
      : filter_(filter),
        filter_empty_(filter.empty()),
        format_(format),
        style_(style),
        json_{style.labels},
        xml_(XmlStyle{style.ktimestamp, style.labels}),
        source_(std::move(source)),
        out_(STDOUT_FILENO),
        now_ns_(WallClockNs()) {}

  bool OnFlow(const Flow& flow) override {
    if (!filter_empty_) {
      if (flow.source != judged_source_) {
        judged_source_ = flow.source;
        judge_status_ = CanJudge(filter_, flow);
      }
      if (!judge_status_.ok()) return false;  // Finish() reports it
      if (!Matches(filter_, flow)) return true;
    }
    switch (format_) {
      case OutputFormat::kText:
        AppendConntrackLine(flow, style_, now_ns_, &out_.buffer());
        break;
      case OutputFormat::kJson:
        AppendJsonLine(flow, json_, now_ns_, &out_.buffer());
        break;
      case OutputFormat::kProc:
        AppendProcLine(flow, now_ns_, &out_.buffer());
        break;
      case OutputFormat::kXml:
        xml_.AddFlow(flow, now_ns_, &out_.buffer());
        break;
    }
    ++shown_;
    write_status_ = out_.MaybeFlush();
    return write_status_.ok();
  }

  void OnSkipped(const absl::Status& why) override {
    ++skipped_;
    // Keep stdout and stderr in order for people reading a terminal.
    write_status_.Update(out_.Flush());
    PrintErr(absl::StrCat(source_, ": ", why.message()));
  }

  // A filter the source cannot answer (for example -u EXPECTED from /proc).
  const absl::Status& judge_status() const { return judge_status_; }

  absl::Status Finish() {
    if (format_ == OutputFormat::kXml && write_status_.ok()) xml_.End(&out_.buffer());
    write_status_.Update(out_.Flush());
    return write_status_;
  }

  uint64_t shown() const { return shown_; }
  uint64_t skipped() const { return skipped_; }
  void set_source(std::string s) { source_ = std::move(s); }

 private:
  const Filter& filter_;
  bool filter_empty_;
  OutputFormat format_;
  ConntrackStyle style_;
  JsonStyle json_;
  XmlWriter xml_;
  Source judged_source_ = Source::kUnknown;
  absl::Status judge_status_;
  std::string source_;
  FdWriter out_;
  uint64_t now_ns_;
  uint64_t shown_ = 0;
  uint64_t skipped_ = 0;
  absl::Status write_status_;
};

int RunList(const Options& opts) {
  for (const std::string& w : opts.warnings) PrintErr(absl::StrCat("WARNING: ", w));
  ConntrackStyle style;
  style.extended = opts.out_extended;
  style.show_id = opts.out_id;
  style.ktimestamp = opts.out_ktimestamp;
  Filter filter = opts.filter;
  LabelNames label_names;
  if (int rc = SetupLabels(opts, &filter, &label_names, &style.labels); rc != 0) return rc;

  BackendLog log = VerboseLog(opts);
  // Enter the namespace before any socket or file is opened: both keep the namespace
  // they were opened in.
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, log, &netns)) return 1;
  std::string spec = opts.input.empty() ? opts.backend : absl::StrCat("input:", opts.input);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, log);
  if (!backend.ok()) return BackendFailure(backend.status());

  DumpRequest request;
  request.family = filter.family.value_or(0);
  // A hint: the netlink backend pushes what the running kernel honours; every flow is
  // still checked against the whole filter in ListSink.
  if (!filter.empty()) request.filter = &filter;
  ListSink sink(filter, opts.format, style, (*backend)->Name());
  absl::Status dumped = (*backend)->Dump(request, sink);

  absl::Status written = sink.Finish();
  if (written.code() == absl::StatusCode::kCancelled) return 0;  // reader went away
  if (!sink.judge_status().ok()) {
    PrintErr(sink.judge_status().message());
    return 1;
  }
  if (!written.ok()) {
    PrintErr(absl::StrCat("cannot write the listing: ", written.message()));
    return 1;
  }
  if (!dumped.ok()) {
    // Like conntrack, no summary when nothing could be read; when the source broke off
    // part-way, the count is printed but the listing is called incomplete.
    if (sink.shown() > 0) {
      PrintSummaryLine(absl::StrCat(sink.shown(), " flow entries have been shown."));
      PrintErr(absl::StrCat("the listing is incomplete: ", dumped.message()));
    } else {
      PrintErr(dumped.message());
    }
    return 1;
  }
  PrintSummaryLine(absl::StrCat(sink.shown(), " flow entries have been shown."));
  if (sink.skipped() > 0) {
    PrintErr(absl::StrCat(sink.skipped(), " malformed ",
                          sink.skipped() == 1 ? "entry was" : "entries were",
                          " skipped; the listing is incomplete"));
    return 1;
  }
  return 0;
}

int RunDoctor(const Options& opts) {
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, nullptr, &netns)) return 1;
  std::vector<Finding> findings = Diagnose(DoctorEnv{});
  std::string text;
  if (netns) absl::StrAppend(&text, "network namespace: ", netns->path(), "\n");
  for (const Finding& f : findings) {
    absl::StrAppend(&text, "[", LevelName(f.level), "] ", f.topic, ": ", f.text, "\n");
  }
  bool ok = AnySourceWorks(findings);
  absl::StrAppend(&text, ok ? "ctdump can list this table.\n"
                            : "ctdump cannot list this table; see the problems above.\n");
  fputs(text.c_str(), stdout);
  return ok ? 0 : 1;
}

int RunCount(const Options& opts) {
  std::unique_ptr<ScopedNetns> netns;
  BackendLog log = VerboseLog(opts);
  if (!EnterNetns(opts, log, &netns)) return 1;
  absl::StatusOr<TableCount> count = ReadTableCount();
  if (!count.ok()) {
    PrintErr(count.status().message());
    return 1;
  }
  if (log) {
    if (!count->fallback_reason.empty()) log(absl::StrCat("skipped: ", count->fallback_reason));
    log(absl::StrCat("count from ", count->source_name));
  }
  std::string line = absl::StrCat(count->count, "\n");
  fputs(line.c_str(), stdout);
  return 0;
}

int RunStats(const Options& opts) {
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, nullptr, &netns)) return 1;
  absl::StatusOr<std::vector<CpuStats>> stats = ReadCpuStats();
  if (!stats.ok()) {
    PrintErr(stats.status().message());
    return 1;
  }
  FdWriter out(STDOUT_FILENO);
  for (const CpuStats& cpu : *stats) AppendCpuStatsLine(cpu, &out.buffer());
  absl::Status written = out.Flush();
  if (!written.ok() && written.code() != absl::StatusCode::kCancelled) {
    PrintErr(written.message());
    return 1;
  }
  return 0;
}

int Main(int argc, char** argv) {
  // A closed stdout (`ctdump | head -1`) must end the run quietly: take EPIPE as an
  // error code instead of dying of SIGPIPE mid-write.
  signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<Options> opts = ParseOptions(argc, argv);
  if (!opts.ok()) {
    PrintErr(opts.status().message());
    PrintErr("Try `ctdump -h' or 'ctdump --help' for more information.");
    return 2;
  }
  switch (opts->command) {
    case Command::kHelp:
      fputs(UsageText(), stdout);
      return 0;
    case Command::kVersion:
      printf("ctdump v%s\n", kVersion);
      return 0;
    case Command::kList:
      return RunList(*opts);
    case Command::kDoctor:
      return RunDoctor(*opts);
    case Command::kCount:
      return RunCount(*opts);
    case Command::kStats:
      return RunStats(*opts);
    case Command::kEvents:
      return RunEvents(*opts);
    case Command::kSummary:
      return RunSummary(*opts);
  }
  return 2;
}

}  // namespace
}  // namespace ctdump

// No path may end in std::terminate() (an abort, exit 134): a failed allocation is a
// runtime error like any other, and so is any other exception that reaches this far.
// Nothing here allocates (stderr is unbuffered).
int main(int argc, char** argv) {
  try {
    return ctdump::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    fputs("ctdump: out of memory\n", stderr);
  } catch (const std::exception& e) {
    fputs("ctdump: internal error: ", stderr);
    fputs(e.what(), stderr);
    fputs("\n", stderr);
  }
  return 1;
}
