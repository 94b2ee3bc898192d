#include "cli/run_summary.h"

#include <time.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "cli/command_json.h"
#include "cli/label_setup.h"
#include "cli/messages.h"
#include "cli/netns_option.h"
#include "cli/textfile.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/filter_gate.h"
#include "core/format.h"
#include "core/output_format.h"
#include "core/prometheus.h"
#include "core/summary.h"
#include "core/summary_format.h"
#include "core/text_buffer.h"
#include "io/fd_writer.h"

namespace ctdump {
namespace {

// Counts every flow read, filters, and adds the matching ones to the summary.
class SummarySink : public FlowSink {
 public:
  SummarySink(const Filter& filter, TableSummary* summary, std::string source)
      : gate_(filter, NatInferredWarning()), summary_(summary), source_(std::move(source)) {}

  bool OnFlow(const Flow& flow) override {
    ++read_;
    switch (gate_.Check(flow)) {
      case FilterGate::kCannotJudge: return false;
      case FilterGate::kNoMatch: return true;
      case FilterGate::kMatch: break;
    }
    summary_->Add(flow);
    return true;
  }
  void OnSkipped(const absl::Status& why) override {
    ++skipped_;
    PrintErr(absl::StrCat(source_, ": ", why.message()));
  }
  void OnNotice(const absl::Status& note) override {
    PrintErr(absl::StrCat("WARNING: ", source_, ": ", note.message()));
  }

  uint64_t read() const { return read_; }
  uint64_t skipped() const { return skipped_; }
  const absl::Status& judge_status() const { return gate_.status(); }

 private:
  FilterGate gate_;
  TableSummary* summary_;
  std::string source_;
  uint64_t read_ = 0;
  uint64_t skipped_ = 0;
};

double MonotonicSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}


// Writes the finished summary to stdout, or publishes it with --textfile. Returns the
// exit code for the writing alone (0, or 1 after saying why).
int Emit(const Options& opts, const TableSummary& summary, const SummaryContext& ctx) {
  ReportForms forms;
  forms.text = [&](TextBuffer* text) { AppendSummaryText(summary, ctx, text); };
  forms.json = [&](TextBuffer* text) { AppendSummaryJson(summary, ctx, text); };
  forms.prometheus = [&](TextBuffer* text) { AppendPrometheus(summary, ctx, text); };
  TextBuffer text;
  AppendReport(opts.format, forms, &text);
  if (!opts.textfile.empty()) {
    absl::Status published = PublishTextfile(opts.textfile, text.view());
    if (!published.ok()) {
      PrintErr(absl::StrCat("cannot publish --textfile: ", published.message()));
      return 1;
    }
    return 0;
  }
  FdWriter out(STDOUT_FILENO);
  out.buffer().Append(text.view());
  absl::Status written = out.Flush();
  if (written.code() == absl::StatusCode::kCancelled) return 0;
  if (!written.ok()) {
    PrintErr(absl::StrCat("cannot write the summary: ", written.message()));
    return 1;
  }
  return 0;
}

}  // namespace

int RunSummary(const Options& opts) {
  for (const std::string& w : opts.warnings) PrintErr(absl::StrCat("WARNING: ", w));
  TableSummary summary(SummaryOptions{opts.top, 0});
  SummaryContext ctx;
  ctx.backend = opts.input.empty() ? opts.backend : "input";
  // --textfile publishes every failure (ctdump_dump_success 0 and the error's class), so
  // that an old file never keeps reporting success; -o json prints the error object
  // (cli/command_json.h) instead of nothing.
  auto fail_before_dump = [&](int rc, const absl::Status& why) {
    if (!opts.textfile.empty()) {
      ctx.success = false;
      ctx.error_class = ErrorClassName(why);
      ctx.timestamp_seconds = WallClockNs() / 1000000000u;
      ctx.table_error = "not read: the dump failed";
      (void)Emit(opts, summary, ctx);
    } else {
      ReportForms forms;  // -o json only: the message is on stderr already
      forms.json = [&why](TextBuffer* text) { AppendErrorJson(why, text); };
      TextBuffer text;
      AppendReport(opts.format, forms, &text);
      if (!text.empty()) (void)WriteStdout(text.view(), "the error object");
    }
    return rc;
  };
  Filter filter = opts.filter;
  LabelNames label_names;
  const LabelNames* unused = nullptr;
  if (int rc = SetupLabels(opts, &filter, &label_names, &unused); rc != 0) {
    return fail_before_dump(rc, rc == 2 ? absl::InvalidArgumentError("bad --label")
                                        : absl::NotFoundError("connlabel.conf not readable"));
  }

  BackendLog log = VerboseLog(opts);
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, log, &netns)) {
    return fail_before_dump(
        1, absl::UnavailableError(absl::StrCat("cannot enter network namespace ", opts.netns)));
  }
  const std::string spec =
      opts.input.empty() ? opts.backend : absl::StrCat("input:", opts.input);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, log);
  if (!backend.ok()) {
    const int rc = BackendFailure(backend.status());
    return fail_before_dump(rc, backend.status());
  }

  SummarySink sink(filter, &summary, (*backend)->Name());
  DumpRequest request;
  request.family = filter.family.value_or(0);
  if (!filter.empty()) request.filter = &filter;
  const double start = MonotonicSeconds();
  absl::Status dumped = (*backend)->Dump(request, sink);
  ctx.duration_seconds = MonotonicSeconds() - start;
  ctx.timestamp_seconds = WallClockNs() / 1000000000u;
  ctx.backend = (*backend)->Name();
  ctx.entries_read = sink.read();
  ctx.skipped = sink.skipped();
  ctx.success = dumped.ok() && sink.judge_status().ok();
  if (!ctx.success) ctx.error_class = ErrorClassName(dumped.ok() ? sink.judge_status() : dumped);
  if (!sink.judge_status().ok()) {
    PrintErr(sink.judge_status().message());
    if (opts.textfile.empty()) return fail_before_dump(1, sink.judge_status());
    (void)Emit(opts, summary, ctx);
    return 1;
  }
  if (opts.input.empty()) {
    absl::StatusOr<TableCount> count = ReadTableCount();
    if (count.ok()) {
      ctx.table_count = count->count;
      ctx.table_max = count->max;
      if (log) log(absl::StrCat("table count from ", count->source_name));
    } else {
      ctx.table_error = std::string(count.status().message());
    }
  } else {
    ctx.table_error = "not read: the entries come from a saved file (--input)";
  }

  if (!dumped.ok() && !ReportsReadFailures(opts.format) && sink.read() == 0) {
    PrintErr(dumped.message());
    return fail_before_dump(1, dumped);
  }
  if (int rc = Emit(opts, summary, ctx); rc != 0) return rc;
  if (!dumped.ok()) {
    PrintErr(absl::StrCat("the summary is incomplete: ", dumped.message()));
    return 1;
  }
  if (sink.skipped() > 0) {
    PrintErr(absl::StrCat(sink.skipped(), " malformed ",
                          sink.skipped() == 1 ? "entry was" : "entries were",
                          " skipped; the summary is incomplete"));
    return 1;
  }
  return 0;
}

}  // namespace ctdump
