#include "core/filter_gate.h"

namespace ctdump {

bool NatIsInferred(const Filter& filter, const Flow& flow) {
  return (filter.snat || filter.dnat || filter.any_nat) && NatInferredFromTuples(flow);
}

void FilterGate::JudgeSource(const Flow& flow) {
  judged_source_ = flow.source;
  status_ = CanJudge(filter_, flow);
  if (NatIsInferred(filter_, flow)) {
    nat_inferred_ = true;
    if (on_nat_inferred_) on_nat_inferred_();
  }
}

}  // namespace ctdump
