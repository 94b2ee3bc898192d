// File: cli/cli_util.h
//
// What the ctdump commands (cli/main.cc, cli/run_events.cc, cli/run_summary.cc) share:
// the version, stderr messages, entering --netns, label names for -o labels / -l, and
// the exit codes of a backend that cannot be made.

#ifndef CTDUMP_CLI_CLI_UTIL_H_
#define CTDUMP_CLI_CLI_UTIL_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "backends/netns.h"
#include "backends/select.h"
#include "cli/options.h"
#include "core/filter.h"
#include "core/format.h"

namespace ctdump {

inline constexpr char kVersion[] = "0.1.0";

// Writes "ctdump: MSG\n" to stderr in one write().
void PrintErr(absl::string_view msg);
// "ctdump: v0.1.0 (ctdump): TEXT" (the summary-line prefix, like conntrack's).
void PrintSummaryLine(absl::string_view text);
// Writes `text` to stdout. Returns the exit code of the writing: 0, or 1 after saying
// why (ENOSPC, EIO, ...) with `what` naming the text. A reader that went away (EPIPE)
// ends the run quietly, as for -L.
int WriteStdout(absl::string_view text, absl::string_view what);

// The -v log (prints to stderr), or an empty one without -v.
BackendLog VerboseLog(const Options& opts);

// Enters --netns when given. Returns false (after printing why) on failure.
bool EnterNetns(const Options& opts, const BackendLog& log, std::unique_ptr<ScopedNetns>* out);

// Loads label names when -o labels or -l needs them, and adds the -l bits to `filter`.
// `*style_labels` is set to `names` when labels are to be printed. Returns 0 on success,
// else the exit code (after printing why): 1 when -l cannot get names, 2 for an unknown
// label name.
int SetupLabels(const Options& opts, Filter* filter, LabelNames* names,
                const LabelNames** style_labels);

// Whether `filter` asks about NAT (-n/-g/-j) and `flow`'s source has no NAT status
// bits (/proc, --input), so that NAT is inferred from the tuples.
bool NatIsInferred(const Filter& filter, const Flow& flow);
// When NatIsInferred(): says once on stderr, as a WARNING, that NAT is inferred from the
// tuples. `*warned` remembers it.
void WarnOnceIfNatInferred(const Filter& filter, const Flow& flow, bool* warned);
void WarnOnceAboutInferredNat(bool* warned);

// The user filter as the commands apply it: a source that cannot answer the filter (for
// example -u EXPECTED from /proc) is found once per source and ends the run. With
// `warn` false (a gate on a worker thread), the NAT warning is not printed but
// remembered in nat_inferred(), for the owner to print.
class FilterGate {
 public:
  enum Verdict { kMatch, kNoMatch, kCannotJudge };
  explicit FilterGate(const Filter& filter, bool warn = true)
      : filter_(filter), empty_(filter.empty()), warn_(warn) {}
  Verdict Check(const Flow& flow) {
    if (empty_) return kMatch;
    if (flow.source != judged_source_) {
      judged_source_ = flow.source;
      status_ = CanJudge(filter_, flow);
      if (warn_) {
        WarnOnceIfNatInferred(filter_, flow, &nat_warned_);
      } else {
        nat_inferred_ = nat_inferred_ || NatIsInferred(filter_, flow);
      }
    }
    if (!status_.ok()) return kCannotJudge;
    return Matches(filter_, flow) ? kMatch : kNoMatch;
  }
  // Why the last source could not be judged (OK otherwise).
  const absl::Status& status() const { return status_; }
  // With `warn` false: whether a source judged so far had NAT inferred from tuples.
  bool nat_inferred() const { return nat_inferred_; }

 private:
  const Filter& filter_;
  bool empty_;
  bool warn_;
  Source judged_source_ = Source::kUnknown;
  absl::Status status_;
  bool nat_warned_ = false;
  bool nat_inferred_ = false;
};

// The exit code for a MakeBackend() failure, after printing it: 2 for a bad spec, else 1.
int BackendFailure(const absl::Status& status);

}  // namespace ctdump

#endif  // CTDUMP_CLI_CLI_UTIL_H_
