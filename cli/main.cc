// ctdump: list the Linux connection-tracking table, read-only; a drop-in for
// `conntrack -L`. This file only wires the library together: options in, a backend from
// backends/select.h, lines out through core/flow_formatter.h. -E and --summary / -o prometheus
// are in cli/run_events.cc and cli/run_summary.cc.

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <functional>
#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "backends/lookup.h"
#include "backends/netns.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "cli/all_netns.h"
#include "cli/doctor.h"
#include "cli/command_json.h"
#include "cli/label_setup.h"
#include "cli/messages.h"
#include "cli/netns_option.h"
#include "cli/options.h"
#include "cli/run_events.h"
#include "cli/run_summary.h"
#include "cli/run_watch.h"
#include "cli/version.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/filter_gate.h"
#include "core/flow_formatter.h"
#include "core/format.h"
#include "core/json.h"
#include "core/output_format.h"
#include "core/text_buffer.h"
#include "io/fd_writer.h"

namespace ctdump {
namespace {

// Filters and formats one flow at a time into a buffer: the part of ListSink that the
// shards of a parallel read (core/backend.h, FlowShard) each have a copy of.
class FlowPrinter {
 public:
  // `on_nat_inferred`: FilterGate's (core/filter_gate.h); null for the printer of a shard,
  // on a worker thread, which prints nothing to stderr (the sink reads
  // gate().nat_inferred() when it commits the shard).
  FlowPrinter(const Filter& filter, std::unique_ptr<FlowFormatter> formatter, uint64_t now_ns,
              std::function<void()> on_nat_inferred)
      : gate_(filter, std::move(on_nat_inferred)),
        formatter_(std::move(formatter)),
        now_ns_(now_ns) {}

  // Appends `flow` to `out` when it passes the filter. False when the filter cannot be
  // judged on this source (gate().status() says why): the listing must stop.
  bool Print(const Flow& flow, TextBuffer* out) {
    switch (gate_.Check(flow)) {
      case FilterGate::kCannotJudge:
        return false;
      case FilterGate::kNoMatch:
        return true;
      case FilterGate::kMatch:
        break;
    }
    formatter_->Add(flow, now_ns_, out);
    ++shown_;
    return true;
  }

  FlowFormatter& formatter() { return *formatter_; }
  void set_formatter(std::unique_ptr<FlowFormatter> formatter) { formatter_ = std::move(formatter); }
  const FilterGate& gate() const { return gate_; }
  uint64_t shown() const { return shown_; }
  void reset_shown() { shown_ = 0; }

 private:
  FilterGate gate_;
  std::unique_ptr<FlowFormatter> formatter_;
  uint64_t now_ns_;
  uint64_t shown_ = 0;
};

// A chunk's share of a listing (parallel reads of large saved files): a printer of its
// own and the text it made, taken back by ListSink::CommitShard() in input order.
class ListShard : public FlowShard {
 public:
  ListShard(const Filter& filter, std::unique_ptr<FlowFormatter> formatter, uint64_t now_ns)
      : printer_(filter, std::move(formatter), now_ns, /*on_nat_inferred=*/nullptr),
        text_(64 * 1024) {}

  bool OnFlow(const Flow& flow) override { return printer_.Print(flow, &text_); }
  size_t Position() const override { return text_.size(); }

  const FlowPrinter& printer() const { return printer_; }
  absl::string_view text() const { return text_.view(); }
  // Empties the shard for another chunk (its buffer keeps its memory).
  void Reset() {
    printer_.reset_shown();
    text_.clear();
  }

 private:
  FlowPrinter printer_;
  TextBuffer text_;
};

// Formats every flow to stdout; reports skipped records on stderr as they come.
class ListSink : public FlowSink {
 public:
  // `format` and `style` made `formatter` (MakeFlowFormatter()); shards get their own.
  ListSink(const Filter& filter, OutputFormat format, const OutputStyle& style,
           std::unique_ptr<FlowFormatter> formatter, std::string source)
      : filter_(filter),
        format_(format),
        style_(style),
        now_ns_(WallClockNs()),
        printer_(filter, std::move(formatter), now_ns_,
                 [this] { WarnOnceAboutInferredNat(&nat_warned_); }),
        source_(std::move(source)),
        out_(STDOUT_FILENO) {
    printer_.formatter().Begin(&out_.buffer());
  }

  bool OnFlow(const Flow& flow) override {
    if (!printer_.Print(flow, &out_.buffer())) {
      judge_status_ = printer_.gate().status();
      return false;  // Finish() reports it
    }
    write_status_ = out_.MaybeFlush();
    return write_status_.ok();
  }

  void OnSkipped(const absl::Status& why) override {
    ++skipped_;
    // Keep stdout and stderr in order for people reading a terminal.
    write_status_.Update(out_.Flush());
    PrintErr(absl::StrCat(source_, ": ", why.message()));
  }

  void OnNotice(const absl::Status& note) override {
    write_status_.Update(out_.Flush());
    PrintErr(absl::StrCat("WARNING: ", source_, ": ", note.message()));
  }

  // A saved -o json --all-netns file: the namespace of the flows that follow, marked as
  // --all-netns marks it ("# netns NAME" before them, or "netns" in each object). Files
  // that start with JSON are read in order (backends/procfs/reader.h), so no shard is
  // in flight.
  void OnNetns(absl::string_view name) override {
    if (!MarksNetns(format_)) {
      if (!netns_warned_) {
        write_status_.Update(out_.Flush());
        PrintErr(absl::StrCat("WARNING: ", source_, ": the entries' network namespaces "
                              "(\"netns\") are not shown in this output format"));
      }
      netns_warned_ = true;
      return;
    }
    style_.netns = std::string(name);
    absl::StatusOr<std::unique_ptr<FlowFormatter>> formatter = MakeFlowFormatter(format_, style_);
    if (!formatter.ok()) return;  // never: the first one was made the same way
    printer_.formatter().End(&out_.buffer());
    printer_.set_formatter(*std::move(formatter));
    printer_.formatter().Begin(&out_.buffer());
  }

  std::unique_ptr<FlowShard> NewShard() override {
    if (!printer_.formatter().Shardable()) return nullptr;
    if (!spare_.empty()) {
      std::unique_ptr<FlowShard> shard = std::move(spare_.back());
      spare_.pop_back();
      return shard;
    }
    absl::StatusOr<std::unique_ptr<FlowFormatter>> formatter = MakeFlowFormatter(format_, style_);
    if (!formatter.ok()) return nullptr;  // never: the sink's own was made the same way
    return std::make_unique<ListShard>(filter_, *std::move(formatter), now_ns_);
  }

  bool CommitShard(std::unique_ptr<FlowShard> shard, std::vector<ShardSkip> skipped) override {
    // Only NewShard() makes the shards; a used one is kept for the next chunk, so that
    // its buffer is not allocated (and faulted in) again for every chunk.
    std::unique_ptr<ListShard> part(static_cast<ListShard*>(shard.release()));
    if (part->printer().gate().nat_inferred()) WarnOnceAboutInferredNat(&nat_warned_);
    absl::string_view text = part->text();
    size_t done = 0;
    for (const ShardSkip& skip : skipped) {
      write_status_.Update(out_.Write(text.substr(done, skip.position - done)));
      done = skip.position;
      OnSkipped(skip.why);
    }
    write_status_.Update(out_.Write(text.substr(done)));
    shard_shown_ += part->printer().shown();
    if (!part->printer().gate().status().ok()) {
      judge_status_ = part->printer().gate().status();
      return false;
    }
    part->Reset();
    spare_.push_back(std::move(part));
    return write_status_.ok();
  }

  // A filter the source cannot answer (for example -u EXPECTED from /proc).
  const absl::Status& judge_status() const { return judge_status_; }

  // `end_document`: false for -G, which (like conntrack -G) ends no XML document.
  absl::Status Finish(bool end_document = true) {
    if (write_status_.ok() && end_document) printer_.formatter().End(&out_.buffer());
    write_status_.Update(out_.Flush());
    return write_status_;
  }

  uint64_t shown() const { return printer_.shown() + shard_shown_; }
  uint64_t skipped() const { return skipped_; }

 private:
  const Filter& filter_;
  OutputFormat format_;
  OutputStyle style_;
  uint64_t now_ns_;
  FlowPrinter printer_;
  absl::Status judge_status_;
  std::string source_;
  FdWriter out_;
  uint64_t shard_shown_ = 0;
  std::vector<std::unique_ptr<ListShard>> spare_;  // committed shards, for NewShard()
  // The NAT warning, given once: by the sequential printer's gate, or when a shard whose
  // gate saw NAT inferred is committed.
  bool nat_warned_ = false;
  bool netns_warned_ = false;
  uint64_t skipped_ = 0;
  absl::Status write_status_;
};

// Makes the formatter of `style` for -o (MakeFlowFormatter()); null after saying why.
std::unique_ptr<FlowFormatter> FormatterOrSay(const Options& opts, const OutputStyle& style) {
  absl::StatusOr<std::unique_ptr<FlowFormatter>> formatter = MakeFlowFormatter(opts.format, style);
  if (!formatter.ok()) {
    PrintErr(formatter.status().message());
    return nullptr;
  }
  return *std::move(formatter);
}

// --all-netns -L: every namespace's table in turn (cli/all_netns.h), each after a
// "# netns NAME" line (text) or with "netns" in every object (-o json); one summary line
// with the total at the end.
int ListAllNetns(const Options& opts, const Filter& filter, const OutputStyle& base_style,
                 const BackendLog& log) {
  uint64_t shown = 0;
  bool reader_gone = false;
  const int rc = ForEachNetns(log, [&](const NetnsInfo& ns, bool* stop) {
    absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(opts.backend, log);
    if (!backend.ok()) {
      PrintErr(absl::StrCat("network namespace ", ns.name, ": ", backend.status().message()));
      return 1;
    }
    OutputStyle style = base_style;
    style.netns = ns.name;
    std::unique_ptr<FlowFormatter> formatter = FormatterOrSay(opts, style);
    if (formatter == nullptr) return 2;
    DumpRequest request;
    request.family = filter.family.value_or(0);
    if (!filter.empty()) request.filter = &filter;
    ListSink sink(filter, opts.format, style, std::move(formatter), (*backend)->Name());
    const absl::Status dumped = (*backend)->Dump(request, sink);
    const absl::Status written = sink.Finish();
    shown += sink.shown();
    std::string why;
    if (written.code() == absl::StatusCode::kCancelled) {
      reader_gone = *stop = true;  // the reader went away: end quietly
      return 0;
    }
    if (!sink.judge_status().ok()) {
      why = std::string(sink.judge_status().message());
    } else if (!written.ok()) {
      *stop = true;
      why = absl::StrCat("cannot write the listing: ", written.message());
    } else if (!dumped.ok()) {
      why = absl::StrCat(sink.shown() > 0 ? "the listing is incomplete: " : "", dumped.message());
    } else if (sink.skipped() > 0) {
      why = absl::StrCat(sink.skipped(), " malformed ",
                         sink.skipped() == 1 ? "entry was" : "entries were",
                         " skipped; the listing is incomplete");
    }
    if (why.empty()) return 0;
    PrintErr(absl::StrCat("network namespace ", ns.name, ": ", why));
    return 1;
  });
  if (reader_gone) return rc;
  PrintSummaryLine(absl::StrCat(shown, " flow entries have been shown."));
  return rc;
}

// -G: the one entry with the tuple of the filter (backends/lookup.h), printed as -L
// prints it if it also passes the rest of the filter, as conntrack -G does. Exit 1, as
// conntrack's, when there is no such entry ("Operation failed: such conntrack doesn't
// exist") or when the entry found does not pass the filter ("0 flow entries have been
// shown.").
int GetEntry(const Options& opts, const Filter& filter, const OutputStyle& style,
             std::unique_ptr<FlowFormatter> formatter, const BackendLog& log) {
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, log, &netns)) return 1;
  const std::string spec =
      opts.input.empty() ? opts.backend : absl::StrCat("input:", opts.input);
  ListSink sink(filter, opts.format, style, std::move(formatter),
                opts.input.empty() ? opts.backend : opts.input);
  const absl::Status looked = LookupEntry(spec, filter, sink, log);
  const absl::Status written = sink.Finish(/*end_document=*/false);
  if (written.code() == absl::StatusCode::kCancelled) return 0;
  if (!sink.judge_status().ok()) {
    PrintErr(sink.judge_status().message());
    return 1;
  }
  if (!written.ok()) {
    PrintErr(absl::StrCat("cannot write the entry: ", written.message()));
    return 1;
  }
  if (!looked.ok()) {
    PrintErr(absl::StrCat("Operation failed: ", looked.message()));
    return 1;
  }
  PrintSummaryLine(absl::StrCat(sink.shown(), " flow entries have been shown."));
  return sink.shown() > 0 && sink.skipped() == 0 ? 0 : 1;
}

int RunList(const Options& opts) {
  for (const std::string& w : opts.warnings) PrintErr(absl::StrCat("WARNING: ", w));
  OutputStyle style = OutputStyleOf(opts);
  Filter filter = opts.filter;
  LabelNames label_names;
  if (int rc = SetupLabels(opts, &filter, &label_names, &style.line.labels); rc != 0) return rc;
  BackendLog log = VerboseLog(opts);
  if (opts.all_netns) return ListAllNetns(opts, filter, style, log);
  std::unique_ptr<FlowFormatter> formatter = FormatterOrSay(opts, style);
  if (formatter == nullptr) return 2;
  if (opts.command == Command::kGet) {
    return GetEntry(opts, filter, style, std::move(formatter), log);
  }
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
  ListSink sink(filter, opts.format, style, std::move(formatter), (*backend)->Name());
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

// A report command (-C, -S, --doctor) that failed before it had a report: with -o json,
// stdout still gets one object, the error (cli/command_json.h). Returns 1.
int ReportFailed(const Options& opts, const absl::Status& why) {
  WriteErrorReport(opts.format, why);
  return 1;
}

absl::Status NetnsFailed(const Options& opts) {
  return absl::UnavailableError(absl::StrCat("cannot enter network namespace ", opts.netns));
}

int RunDoctor(const Options& opts) {
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, nullptr, &netns)) return ReportFailed(opts, NetnsFailed(opts));
  std::vector<Finding> findings = Diagnose(DoctorEnv{});
  bool ok = AnySourceWorks(findings);
  ReportForms forms;
  forms.text = [&](TextBuffer* text) {
    if (netns) text->Append(absl::StrCat("network namespace: ", netns->path(), "\n"));
    for (const Finding& f : findings) {
      text->Append(absl::StrCat("[", LevelName(f.level), "] ", f.topic, ": ", f.text, "\n"));
    }
    text->Append(ok ? "ctdump can list this table.\n"
                    : "ctdump cannot list this table; see the problems above.\n");
  };
  forms.json = [&](TextBuffer* text) {
    AppendDoctorJson(netns ? netns->path() : std::string(), findings, ok, text);
  };
  TextBuffer text;
  AppendReport(opts.format, forms, &text);
  if (WriteStdout(text.view(), "the report") != 0) return 1;
  return ok ? 0 : 1;
}

// The count of the current namespace's table into `text`: the number, or a JSON object.
// With `netns` (--all-netns), after a "# netns NAME" line, or with "netns" in the object.
// Returns OK, or why not (after printing it).
absl::Status AppendCount(const Options& opts, const BackendLog& log, const std::string& netns,
                         TextBuffer* text) {
  absl::StatusOr<TableCount> count = ReadTableCount();
  if (!count.ok()) {
    PrintErr(netns.empty() ? std::string(count.status().message())
                           : absl::StrCat("network namespace ", netns, ": ",
                                          count.status().message()));
    return count.status();
  }
  if (log) {
    if (!count->fallback_reason.empty()) log(absl::StrCat("skipped: ", count->fallback_reason));
    log(absl::StrCat("count from ", count->source_name));
  }
  ReportForms forms;
  forms.text = [&](TextBuffer* out) {
    if (!netns.empty()) out->Append(absl::StrCat("# netns ", netns, "\n"));
    out->AppendU64(count->count);
    out->Append('\n');
  };
  forms.json = [&](TextBuffer* out) { AppendCountJson(*count, out, netns); };
  AppendReport(opts.format, forms, text);
  return absl::OkStatus();
}

int RunCount(const Options& opts) {
  BackendLog log = VerboseLog(opts);
  TextBuffer text;
  if (opts.all_netns) {
    const int rc = ForEachNetns(log, [&](const NetnsInfo& ns, bool*) {
      return AppendCount(opts, log, ns.name, &text).ok() ? 0 : 1;
    });
    return std::max(rc, WriteStdout(text.view(), "the counts"));
  }
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, log, &netns)) return ReportFailed(opts, NetnsFailed(opts));
  if (absl::Status counted = AppendCount(opts, log, "", &text); !counted.ok()) {
    return ReportFailed(opts, counted);
  }
  return WriteStdout(text.view(), "the count");
}

int RunStats(const Options& opts) {
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, nullptr, &netns)) return ReportFailed(opts, NetnsFailed(opts));
  absl::StatusOr<std::vector<CpuStats>> stats = ReadCpuStats();
  if (!stats.ok()) {
    PrintErr(stats.status().message());
    return ReportFailed(opts, stats.status());
  }
  ReportForms forms;
  forms.text = [&](TextBuffer* text) {
    for (const CpuStats& cpu : *stats) AppendCpuStatsLine(cpu, text);
  };
  forms.json = [&](TextBuffer* text) { AppendCpuStatsJson(*stats, text); };
  TextBuffer text;
  AppendReport(opts.format, forms, &text);
  return WriteStdout(text.view(), "the statistics");
}

bool FdIsOpen(int fd) { return fcntl(fd, F_GETFD) >= 0 || errno != EBADF; }

// Before anything is opened: fds 0 and 2 that are closed get /dev/null, so that no file
// or socket opened later can take their number (and stdin reads or stderr messages reach
// it). Returns false when stdout is closed: every command writes there, and the first
// socket opened would otherwise become fd 1 (`ctdump -L >&-`).
bool SetUpStandardFds() {
  const bool stdout_open = FdIsOpen(STDOUT_FILENO);
  for (int fd : {STDIN_FILENO, STDERR_FILENO}) {
    if (FdIsOpen(fd)) continue;
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0 && null != fd) {
      dup2(null, fd);
      close(null);  // may be 1 again when stdout is closed: it stays closed
    }
  }
  return stdout_open;
}

int Main(int argc, char** argv) {
  // A closed stdout (`ctdump | head -1`) must end the run quietly: take EPIPE as an
  // error code instead of dying of SIGPIPE mid-write.
  signal(SIGPIPE, SIG_IGN);
  if (!SetUpStandardFds()) {
    PrintErr("standard output is closed");
    return 1;
  }
  absl::StatusOr<Options> opts = ParseOptions(argc, argv);
  if (!opts.ok()) {
    PrintErr(opts.status().message());
    PrintErr("Try `ctdump -h' or 'ctdump --help' for more information.");
    return 2;
  }
  switch (opts->command) {
    case Command::kHelp:
      return WriteStdout(UsageText(), "the help");
    case Command::kVersion:
      return WriteStdout(absl::StrCat(VersionLine(), "\n"), "the version");
    case Command::kList:
    case Command::kGet:
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
    case Command::kWatch:
      return RunWatch(*opts);
  }
  return 2;
}

}  // namespace
}  // namespace ctdump

// No path may end in std::terminate() (an abort, exit 134): a failed allocation is a
// runtime error like any other, and so is any other exception that reaches this far.
// Nothing here allocates (stderr is unbuffered). A failed operator new does not even
// throw: under a tight `ulimit -v` libstdc++ may have had no memory for its emergency
// exception pool, and a throw of std::bad_alloc would then itself call std::terminate()
// ("terminate called without an active exception"); the new-handler says so and exits.
int main(int argc, char** argv) {
  std::set_new_handler([] {
    static const char kMessage[] = "ctdump: out of memory\n";
    (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    ::_exit(1);
  });
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
