#include "cli/netns_option.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/messages.h"

namespace ctdump {

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

}  // namespace ctdump
