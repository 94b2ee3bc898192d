#include "cli/run_summary.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "cli/all_netns.h"
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
  // A saved -o json --all-netns file: the netns key (--by netns) groups by it.
  void OnNetns(absl::string_view name) override { summary_->SetNetns(name); }

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


// Writes `text` to stdout, or publishes it with --textfile. Returns the exit code for
// the writing alone (0, or 1 after saying why).
int Publish(const Options& opts, absl::string_view text) {
  if (!opts.textfile.empty()) {
    absl::Status published = PublishTextfile(opts.textfile, text);
    if (!published.ok()) {
      PrintErr(absl::StrCat("cannot publish --textfile: ", published.message()));
      return 1;
    }
    return 0;
  }
  FdWriter out(STDOUT_FILENO);
  out.buffer().Append(text);
  absl::Status written = out.Flush();
  if (written.code() == absl::StatusCode::kCancelled) return 0;
  if (!written.ok()) {
    PrintErr(absl::StrCat("cannot write the summary: ", written.message()));
    return 1;
  }
  return 0;
}

// One namespace's summary (or the only one): its text after a "# netns NAME" line
// under --all-netns, or its JSON object (which then ends in "netns").
struct SummaryPart {
  const TableSummary* summary;
  const SummaryContext* ctx;
};

// The summaries in the output format: text, JSON objects, or Prometheus text (one
// section per namespace under --all-netns, core/prometheus.h).
void Format(const Options& opts, const std::vector<SummaryPart>& parts, TextBuffer* text) {
  ReportForms forms;
  forms.text = [&](TextBuffer* out) {
    for (const SummaryPart& p : parts) {
      if (!p.ctx->netns.empty()) out->Append(absl::StrCat("# netns ", p.ctx->netns, "\n"));
      AppendSummaryText(*p.summary, *p.ctx, out);
    }
  };
  forms.json = [&](TextBuffer* out) {
    for (const SummaryPart& p : parts) AppendSummaryJson(*p.summary, *p.ctx, out);
  };
  forms.prometheus = [&](TextBuffer* out) {
    std::vector<PrometheusSection> sections;
    for (const SummaryPart& p : parts) sections.push_back(PrometheusSection{p.summary, p.ctx});
    AppendPrometheusNamespaces(sections, out);
  };
  AppendReport(opts.format, forms, text);
}

// Writes the finished summary to stdout, or publishes it with --textfile. Returns the
// exit code for the writing alone (0, or 1 after saying why).
int Emit(const Options& opts, const TableSummary& summary, const SummaryContext& ctx) {
  TextBuffer text;
  Format(opts, {SummaryPart{&summary, &ctx}}, &text);
  return Publish(opts, text.view());
}

// -o prometheus: the kernel's conntrack statistics (what -S prints), summed over CPUs.
void ReadKernelStats(SummaryContext* ctx, const BackendLog& log) {
  absl::StatusOr<std::vector<CpuStats>> cpus = ReadCpuStats();
  if (!cpus.ok()) {
    ctx->kernel_stats_state = SummaryContext::KernelStats::kFailed;
    ctx->kernel_stats_error = std::string(cpus.status().message());
    PrintErr(absl::StrCat("WARNING: the kernel's conntrack statistics (ctdump_stat_*) are "
                          "left out: ",
                          cpus.status().message()));
    return;
  }
  ctx->kernel_stats_state = SummaryContext::KernelStats::kRead;
  ctx->kernel_stats_source = !cpus->empty() && cpus->front().source == CpuStatsSource::kProcStat
                                 ? "/proc/net/stat/nf_conntrack"
                                 : "ctnetlink";
  for (int n = 1; n <= kCpuStatMax; ++n) {
    uint64_t sum = 0;
    bool present = false;
    for (const CpuStats& c : *cpus) {
      if (!c.Has(n)) continue;
      present = true;
      sum += c.value[n];
    }
    if (present) ctx->kernel_stats.emplace_back(std::string(CpuStatName(n)), sum);
  }
  if (log) log(absl::StrCat("kernel statistics from ", ctx->kernel_stats_source));
}

SummaryOptions SummaryOptionsOf(const Options& opts) {
  SummaryOptions o;
  o.top = opts.top;
  o.sort = opts.summary_sort;
  o.by = opts.summary_by;
  return o;
}

// What Summarize() did.
struct Summarized {
  int rc = 0;              // non-zero: no dump was made (the backend could not be made)
  absl::Status failure;    // why, then
  absl::Status judge;      // not OK: the filter cannot be judged on this source (printed)
  absl::Status dumped;     // the dump's result
  uint64_t read = 0;
  uint64_t skipped = 0;
};

// Lists the current namespace's table into `summary` and fills `ctx` (times, backend,
// counts, the table's fill, and for -o prometheus the kernel's statistics).
Summarized Summarize(const Options& opts, const Filter& filter, const BackendLog& log,
                     TableSummary* summary, SummaryContext* ctx) {
  Summarized r;
  const std::string spec =
      opts.input.empty() ? opts.backend : absl::StrCat("input:", opts.input);
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, log);
  if (!backend.ok()) {
    r.rc = BackendFailure(backend.status());
    r.failure = backend.status();
    return r;
  }
  SummarySink sink(filter, summary, (*backend)->Name());
  DumpRequest request;
  request.family = filter.family.value_or(0);
  if (!filter.empty()) request.filter = &filter;
  const double start = MonotonicSeconds();
  r.dumped = (*backend)->Dump(request, sink);
  ctx->duration_seconds = MonotonicSeconds() - start;
  ctx->timestamp_seconds = WallClockNs() / 1000000000u;
  ctx->backend = (*backend)->Name();
  ctx->entries_read = r.read = sink.read();
  ctx->skipped = r.skipped = sink.skipped();
  ctx->success = r.dumped.ok() && sink.judge_status().ok();
  if (!ctx->success) {
    ctx->error_class = ErrorClassName(r.dumped.ok() ? sink.judge_status() : r.dumped);
  }
  if (!sink.judge_status().ok()) {
    PrintErr(sink.judge_status().message());
    r.judge = sink.judge_status();
    return r;
  }
  if (opts.input.empty()) {
    absl::StatusOr<TableCount> count = ReadTableCount();
    if (count.ok()) {
      ctx->table_count = count->count;
      ctx->table_max = count->max;
      if (log) log(absl::StrCat("table count from ", count->source_name));
    } else {
      ctx->table_error = std::string(count.status().message());
    }
    if (CarriesKernelStats(opts.format)) ReadKernelStats(ctx, log);
  } else {
    ctx->table_error = "not read: the entries come from a saved file (--input)";
    ctx->kernel_stats_error = "the entries come from a saved file (--input)";
  }
  return r;
}

// --sort packets|bytes when no entry carried counters: say that the lists are ranked by
// entries instead.
void WarnIfRankedByEntries(const TableSummary& summary) {
  if (EffectiveSort(summary) == summary.sort()) return;
  PrintErr(absl::StrCat("WARNING: --sort ", SummarySortName(summary.sort()),
                        ": no listed entry carries packet/byte counters (connection "
                        "accounting is off: sysctl net.netfilter.nf_conntrack_acct=1 turns "
                        "it on for new connections); the top lists are ranked by entries"));
}

std::string Incomplete(const Summarized& r) {
  if (!r.dumped.ok()) return absl::StrCat("the summary is incomplete: ", r.dumped.message());
  if (r.skipped > 0) {
    return absl::StrCat(r.skipped, " malformed ", r.skipped == 1 ? "entry was" : "entries were",
                        " skipped; the summary is incomplete");
  }
  return "";
}

// What a context reports for a dump that never started (`why`: the backend could not be
// made): not a success, the error's class, no table count.
void MarkNotDumped(const absl::Status& why, SummaryContext* ctx) {
  ctx->success = false;
  ctx->error_class = ErrorClassName(why);
  ctx->timestamp_seconds = WallClockNs() / 1000000000u;
  ctx->table_error = "not read: the dump failed";
}

// --all-netns: the exit code of namespace `ns`'s Summarize() (0, or 1 after saying why
// when the summary is incomplete; failures before the dump were said already).
int NetnsOutcome(const NetnsInfo& ns, const Summarized& r) {
  if (r.rc != 0 || !r.judge.ok()) return 1;
  const std::string why = Incomplete(r);
  if (why.empty()) return 0;
  PrintErr(absl::StrCat("network namespace ", ns.name, ": ", why));
  return 1;
}

// --all-netns: one summary per namespace; Prometheus: every namespace's samples under
// each metric, labelled netns="NAME".
int RunSummaryAllNetns(const Options& opts, const Filter& filter, const BackendLog& log) {
  std::vector<std::unique_ptr<TableSummary>> summaries;
  std::vector<std::unique_ptr<SummaryContext>> contexts;
  int rc = ForEachNetns(log, [&](const NetnsInfo& ns, bool*) {
    summaries.push_back(std::make_unique<TableSummary>(SummaryOptionsOf(opts)));
    contexts.push_back(std::make_unique<SummaryContext>());
    SummaryContext& ctx = *contexts.back();
    ctx.netns = ns.name;
    ctx.backend = opts.backend;
    Summarized r = Summarize(opts, filter, log, summaries.back().get(), &ctx);
    if (r.rc == 0 && r.judge.ok()) WarnIfRankedByEntries(*summaries.back());
    if (r.rc != 0) MarkNotDumped(r.failure, &ctx);
    return NetnsOutcome(ns, r);
  });
  std::vector<SummaryPart> parts;
  for (size_t i = 0; i < summaries.size(); ++i) {
    parts.push_back(SummaryPart{summaries[i].get(), contexts[i].get()});
  }
  TextBuffer text;
  Format(opts, parts, &text);
  return std::max(rc, Publish(opts, text.view()));
}

// Adds what one namespace's dump reported (`ns`, listed from namespace `name`) to the
// context of a summary that spans several. Entries, skipped records, durations, the
// table's count and the kernel's statistics are summed; the table's maximum is the
// largest reported (current kernels have one limit for the whole host, and each
// namespace reports it); the first failure names its namespace.
void MergeNetnsContext(const std::string& name, const SummaryContext& ns, SummaryContext* all) {
  ++all->namespaces;
  all->duration_seconds += ns.duration_seconds;
  all->entries_read += ns.entries_read;
  all->skipped += ns.skipped;
  all->timestamp_seconds = std::max(all->timestamp_seconds, ns.timestamp_seconds);
  AddBackendName(ns.backend, &all->backend);
  if (!ns.success && all->success) {
    all->success = false;
    all->error_class = ns.error_class;
  }
  if (all->table_error.empty()) {
    if (ns.table_count) {
      all->table_count = all->table_count.value_or(0) + *ns.table_count;
      if (ns.table_max) all->table_max = std::max(all->table_max.value_or(0), *ns.table_max);
    } else {
      all->table_count.reset();
      all->table_max.reset();
      all->table_error = absl::StrCat("network namespace ", name, ": ", ns.table_error);
    }
  }
  using KS = SummaryContext::KernelStats;
  if (ns.kernel_stats_state == KS::kFailed && all->kernel_stats_state != KS::kFailed) {
    all->kernel_stats_state = KS::kFailed;
    all->kernel_stats.clear();
    all->kernel_stats_error = absl::StrCat("network namespace ", name, ": ",
                                           ns.kernel_stats_error);
  } else if (ns.kernel_stats_state == KS::kRead && all->kernel_stats_state != KS::kFailed) {
    all->kernel_stats_state = KS::kRead;
    all->kernel_stats_source = ns.kernel_stats_source;
    for (const auto& [stat, value] : ns.kernel_stats) {
      auto same = std::find_if(all->kernel_stats.begin(), all->kernel_stats.end(),
                               [&](const auto& s) { return s.first == stat; });
      if (same == all->kernel_stats.end()) {
        all->kernel_stats.emplace_back(stat, value);
      } else {
        same->second += value;
      }
    }
  } else if (ns.kernel_stats_state == KS::kNotRead && all->kernel_stats_error.empty()) {
    all->kernel_stats_error = ns.kernel_stats_error;
  }
}

// --all-netns --by netns: ONE summary over every namespace, its --by list grouped by
// namespace (TableSummary::SetNetns()), and one context merged from theirs.
int RunSummaryAcrossNetns(const Options& opts, const Filter& filter, const BackendLog& log) {
  TableSummary summary(SummaryOptionsOf(opts));
  SummaryContext all;
  int rc = ForEachNetns(log, [&](const NetnsInfo& ns, bool*) {
    summary.SetNetns(ns.name);
    SummaryContext ctx;
    ctx.backend = opts.backend;
    Summarized r = Summarize(opts, filter, log, &summary, &ctx);
    if (r.rc != 0) MarkNotDumped(r.failure, &ctx);
    MergeNetnsContext(ns.name, ctx, &all);
    return NetnsOutcome(ns, r);
  });
  WarnIfRankedByEntries(summary);
  return std::max(rc, Emit(opts, summary, all));
}

}  // namespace

int RunSummary(const Options& opts) {
  for (const std::string& w : opts.warnings) PrintErr(absl::StrCat("WARNING: ", w));
  TableSummary summary(SummaryOptionsOf(opts));
  SummaryContext ctx;
  ctx.backend = opts.input.empty() ? opts.backend : "input";
  // --textfile publishes every failure (ctdump_dump_success 0 and the error's class), so
  // that an old file never keeps reporting success; -o json prints the error object
  // (cli/command_json.h) instead of nothing.
  auto fail_before_dump = [&](int rc, const absl::Status& why) {
    if (!opts.textfile.empty()) {
      MarkNotDumped(why, &ctx);
      (void)Emit(opts, summary, ctx);
    } else {
      WriteErrorReport(opts.format, why);
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
  if (opts.all_netns && GroupsByNetns(opts.summary_by)) {
    return RunSummaryAcrossNetns(opts, filter, log);
  }
  if (opts.all_netns) return RunSummaryAllNetns(opts, filter, log);
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, log, &netns)) {
    return fail_before_dump(
        1, absl::UnavailableError(absl::StrCat("cannot enter network namespace ", opts.netns)));
  }
  const Summarized r = Summarize(opts, filter, log, &summary, &ctx);
  if (r.rc != 0) return fail_before_dump(r.rc, r.failure);
  if (r.judge.ok()) WarnIfRankedByEntries(summary);
  if (!r.judge.ok()) {
    if (opts.textfile.empty()) return fail_before_dump(1, r.judge);
    (void)Emit(opts, summary, ctx);
    return 1;
  }
  if (!r.dumped.ok() && !ReportsReadFailures(opts.format) && r.read == 0) {
    PrintErr(r.dumped.message());
    return fail_before_dump(1, r.dumped);
  }
  if (int rc = Emit(opts, summary, ctx); rc != 0) return rc;
  const std::string why = Incomplete(r);
  if (why.empty()) return 0;
  PrintErr(why);
  return 1;
}

}  // namespace ctdump
