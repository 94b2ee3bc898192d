#include "cli/cli_util.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "core/labels.h"
#include "io/fd_writer.h"

namespace ctdump {

void PrintErr(absl::string_view msg) {
  std::string line = absl::StrCat("ctdump: ", msg, "\n");
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

int WriteStdout(absl::string_view text, absl::string_view what) {
  FdWriter out(STDOUT_FILENO);
  out.buffer().Append(text);
  absl::Status written = out.Flush();
  if (written.ok() || written.code() == absl::StatusCode::kCancelled) return 0;
  PrintErr(absl::StrCat("cannot write ", what, ": ", written.message()));
  return 1;
}

void PrintSummaryLine(absl::string_view text) {
  PrintErr(absl::StrCat("v", kVersion, " (ctdump): ", text));
}

BackendLog VerboseLog(const Options& opts) {
  if (!opts.verbose) return nullptr;
  return [](absl::string_view msg) { PrintErr(msg); };
}

bool EnterNetns(const Options& opts, const BackendLog& log, std::unique_ptr<ScopedNetns>* out) {
  if (opts.netns.empty()) return true;
  absl::StatusOr<std::unique_ptr<ScopedNetns>> entered = ScopedNetns::Enter(opts.netns);
  if (!entered.ok()) {
    PrintErr(entered.status().message());
    return false;
  }
  *out = *std::move(entered);
  if (log) log(absl::StrCat("in network namespace ", (*out)->path()));
  return true;
}

int SetupLabels(const Options& opts, Filter* filter, LabelNames* label_names,
                const LabelNames** style_labels) {
  if (!opts.out_labels && opts.label_filter.empty()) return 0;
  absl::StatusOr<LabelNames> names = LoadLabelNames(kConnlabelConfPath);
  if (!names.ok() && !opts.label_filter.empty()) {
    PrintErr(absl::StrCat(names.status().message(), "; -l needs label names"));
    return 1;
  }
  if (names.ok()) {
    *label_names = *std::move(names);
    *style_labels = label_names;  // -l also turns on labels= output, as in conntrack
  } else {
    PrintErr(absl::StrCat(names.status().message(), "; labels are not printed"));
  }
  if (!opts.label_filter.empty()) {
    filter->labels = Labels{};
    for (const std::string& name : opts.label_filter) {
      int bit = LabelBit(*label_names, name);
      if (bit < 0) {
        PrintErr(absl::StrCat("unknown label '", name, "' (not in ", kConnlabelConfPath, ")"));
        PrintErr("Try `ctdump -h' or 'ctdump --help' for more information.");
        return 2;
      }
      filter->labels->Set(static_cast<unsigned>(bit));
    }
  }
  return 0;
}

bool NatIsInferred(const Filter& filter, const Flow& flow) {
  return (filter.snat || filter.dnat || filter.any_nat) && NatInferredFromTuples(flow);
}

void WarnOnceIfNatInferred(const Filter& filter, const Flow& flow, bool* warned) {
  if (!*warned && NatIsInferred(filter, flow)) WarnOnceAboutInferredNat(warned);
}

void WarnOnceAboutInferredNat(bool* warned) {
  if (*warned) return;
  *warned = true;
  PrintErr(
      "WARNING: this source has no NAT status bits (/proc does not show them): -n/-g/-j "
      "are inferred from the tuples (a reply tuple that is not the mirror of the original "
      "counts as NAT)");
}

int BackendFailure(const absl::Status& status) {
  PrintErr(status.message());
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace ctdump
