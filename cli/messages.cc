#include "cli/messages.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "cli/version.h"

namespace ctdump {

void PrintErr(absl::string_view msg) {
  std::string line = absl::StrCat("ctdump: ", msg, "\n");
  (void)!write(STDERR_FILENO, line.data(), line.size());
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
