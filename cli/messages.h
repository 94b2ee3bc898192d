// File: cli/messages.h
//
// What the commands say on stderr (errors, the summary line, the -v log, the exit code
// of a backend that cannot be made, the warning that NAT is inferred), and a whole
// report written to stdout at once.

#ifndef CTDUMP_CLI_MESSAGES_H_
#define CTDUMP_CLI_MESSAGES_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "backends/select.h"
#include "cli/options.h"

namespace ctdump {

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

// The exit code for a MakeBackend() failure, after printing it: 2 for a bad spec, else 1.
int BackendFailure(const absl::Status& status);

// Says once on stderr, as a WARNING, that -n/-g/-j are inferred from the tuples (a source
// without NAT status bits; core/filter_gate.h). `*warned` remembers it.
void WarnOnceAboutInferredNat(bool* warned);
// A FilterGate's on_nat_inferred that warns once (a flag of its own).
std::function<void()> NatInferredWarning();

}  // namespace ctdump

#endif  // CTDUMP_CLI_MESSAGES_H_
