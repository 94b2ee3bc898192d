// File: lib/for_each_flow.h
//
// The shortest way through the library: read a table, get each flow, print it as
// `conntrack -L` does.
//
//   absl::Status s = ctdump::ForEachFlow("auto", [](const ctdump::Flow& flow) {
//     std::cout << ctdump::ConntrackLine(flow);
//     return true;  // false ends the dump early (ForEachFlow then returns OK)
//   });
//
// ForEachFlow() is MakeBackend() (backends/select.h) + Backend::Dump() (core/backend.h)
// + Matches() (core/filter.h) with a sink made of callbacks. Like every dump it streams:
// memory does not grow with the table. It runs on the calling thread, and calls
// `on_flow` on that thread, in table order. Use Backend and FlowSink directly for
// parallel decoding of large saved files (FlowSink::NewShard()) or to keep a backend
// across dumps.

#ifndef CTDUMP_LIB_FOR_EACH_FLOW_H_
#define CTDUMP_LIB_FOR_EACH_FLOW_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "backends/select.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/format.h"

namespace ctdump {

struct ForEachFlowOptions {
  // Only flows that match are passed on (empty: every flow). The parts the kernel can
  // apply are pushed into the netlink dump request (DumpRequest::filter).
  Filter filter;
  // Records the backend could not decode. Null: ForEachFlow() returns kDataLoss after
  // the dump, naming how many were skipped and the first one.
  std::function<void(const absl::Status& why)> on_skipped;
  // Notes about the source that do not make the result incomplete (FlowSink::OnNotice(),
  // e.g. a vendor kernel's unknown /proc flag). Null: ignored.
  std::function<void(const absl::Status& note)> on_notice;
  // MakeBackend()'s log: one line per backend decision. Null: quiet.
  BackendLog log;
};

// Dumps the table that `spec` names ("auto", "netlink", "procfs", "procfs:PATH",
// "input:PATH"; backends/select.h) and calls `on_flow` for each matching flow. `flow` is
// valid only during the call. Return false from `on_flow` to stop; that is not an error.
// Errors: MakeBackend()'s and Dump()'s (core/backend.h: kPermissionDenied,
// kFailedPrecondition, kDataLoss, ...); kInvalidArgument when the filter is invalid or
// cannot be judged on this source (for example a status bit /proc does not carry);
// kDataLoss for skipped records when `on_skipped` is null. Flows delivered before an
// error stand.
absl::Status ForEachFlow(absl::string_view spec,
                         const std::function<bool(const Flow& flow)>& on_flow,
                         const ForEachFlowOptions& options = ForEachFlowOptions());

// One `conntrack -L` line of `flow`, ending in '\n' (AppendConntrackLine() with the
// wall clock now). For many flows, AppendConntrackLine() into one TextBuffer is faster.
std::string ConntrackLine(const Flow& flow, const ConntrackStyle& style = ConntrackStyle());

}  // namespace ctdump

#endif  // CTDUMP_LIB_FOR_EACH_FLOW_H_
