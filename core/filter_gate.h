// File: core/filter_gate.h
//
// The user filter as a listing or event stream applies it, one record at a time:
//
//   FilterGate gate(filter, [] { Warn("NAT is inferred from the tuples"); });
//   for (const Flow& flow : flows) {
//     FilterGate::Verdict v = gate.Check(flow);
//     if (v == FilterGate::kCannotJudge) return gate.status();  // e.g. -u EXPECTED, /proc
//     if (v == FilterGate::kMatch) formatter->Add(flow, now, &out);
//   }
//
// A source that cannot answer the filter (CanJudge(), core/filter.h) is found once per
// source (Flow::source) and ends the run. A source without NAT status bits (/proc, saved
// files) makes -n/-g/-j infer NAT from the tuples (NatInferredFromTuples()); the gate
// calls `on_nat_inferred` once for each source where that happens and remembers it in
// nat_inferred(), for owners that report it themselves (gates on worker threads).
// Pure: no I/O of its own.

#ifndef CTDUMP_CORE_FILTER_GATE_H_
#define CTDUMP_CORE_FILTER_GATE_H_

#include <functional>

#include "absl/status/status.h"
#include "core/filter.h"
#include "core/flow.h"

namespace ctdump {

// Whether `filter` asks about NAT (-n/-g/-j) and `flow`'s source has no NAT status
// bits (/proc, --input), so that NAT is inferred from the tuples.
bool NatIsInferred(const Filter& filter, const Flow& flow);

class FilterGate {
 public:
  enum Verdict { kMatch, kNoMatch, kCannotJudge };
  // `filter` must outlive the gate.
  explicit FilterGate(const Filter& filter, std::function<void()> on_nat_inferred = nullptr)
      : filter_(filter), empty_(filter.empty()), on_nat_inferred_(std::move(on_nat_inferred)) {}

  Verdict Check(const Flow& flow) {
    if (empty_) return kMatch;
    if (flow.source != judged_source_) JudgeSource(flow);
    if (!status_.ok()) return kCannotJudge;
    return Matches(filter_, flow) ? kMatch : kNoMatch;
  }
  // Why the last source could not be judged (OK otherwise).
  const absl::Status& status() const { return status_; }
  // Whether a source judged so far had NAT inferred from tuples.
  bool nat_inferred() const { return nat_inferred_; }

 private:
  void JudgeSource(const Flow& flow);

  const Filter& filter_;
  bool empty_;
  std::function<void()> on_nat_inferred_;
  Source judged_source_ = Source::kUnknown;
  absl::Status status_;
  bool nat_inferred_ = false;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_FILTER_GATE_H_
