#include "cli/messages.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "cli/version.h"
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

int BackendFailure(const absl::Status& status) {
  PrintErr(status.message());
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

void WarnOnceAboutInferredNat(bool* warned) {
  if (*warned) return;
  *warned = true;
  PrintErr(
      "WARNING: this source has no NAT status bits (/proc does not show them): -n/-g/-j "
      "are inferred from the tuples (a reply tuple that is not the mirror of the original "
      "counts as NAT)");
}

std::function<void()> NatInferredWarning() {
  return [warned = false]() mutable { WarnOnceAboutInferredNat(&warned); };
}

}  // namespace ctdump
