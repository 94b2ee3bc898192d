#include "backends/select.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "backends/netlink/netlink_backend.h"
#include "backends/procfs/procfs_backend.h"
#include "core/status_macros.h"

namespace ctdump {
namespace {

// Factory of one candidate, deferred so that a candidate that cannot even be built
// (no nfnetlink) is just another reason in the list.
struct Candidate {
  std::string label;
  std::function<absl::StatusOr<std::unique_ptr<Backend>>()> make;
};

bool MayFallBack(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kNotFound:
      return true;
    default:
      return false;
  }
}

// Counts what passes through, so that a fallback happens only before the first flow.
class CountingSink : public FlowSink {
 public:
  explicit CountingSink(FlowSink& inner) : inner_(inner) {}
  bool OnFlow(const Flow& flow) override {
    ++delivered_;
    return inner_.OnFlow(flow);
  }
  void OnSkipped(const absl::Status& why) override {
    ++delivered_;
    inner_.OnSkipped(why);
  }
  uint64_t delivered() const { return delivered_; }

 private:
  FlowSink& inner_;
  uint64_t delivered_ = 0;
};

// Tries candidates in order at Dump() time.
class FallbackBackend : public Backend {
 public:
  FallbackBackend(std::string name, std::vector<Candidate> candidates, BackendLog log)
      : name_(std::move(name)), candidates_(std::move(candidates)), log_(std::move(log)) {}

  std::string Name() const override { return used_.empty() ? name_ : used_; }

  absl::Status Dump(const DumpRequest& request, FlowSink& sink) override {
    std::vector<std::string> reasons;
    absl::Status last;
    for (size_t i = 0; i < candidates_.size(); ++i) {
      const Candidate& c = candidates_[i];
      absl::StatusOr<std::unique_ptr<Backend>> backend = c.make();
      absl::Status status = backend.status();
      CountingSink counting(sink);
      if (backend.ok()) {
        used_ = (*backend)->Name();
        // "trying" until the source has answered: it may still be passed over.
        if (log_) log_(absl::StrCat("trying backend ", used_));
        status = (*backend)->Dump(request, counting);
        if (log_ && request.filter != nullptr) {
          if (const netlink::NetlinkDumpCounters* st =
                  netlink::NetlinkDumpCountersOf(**backend)) {
            log_(absl::StrCat("kernel-side filter: ",
                              st->kernel_filter.empty() ? "none" : st->kernel_filter));
          }
        }
        if (status.ok() || counting.delivered() > 0 || !MayFallBack(status)) {
          if (log_ && (status.ok() || counting.delivered() > 0)) {
            log_(absl::StrCat("using backend ", used_));
          }
          return status;
        }
      }
      reasons.push_back(absl::StrCat(c.label, ": ", status.message()));
      if (log_) {
        log_(absl::StrCat("skipped backend ", c.label, ": ", status.message()));
      }
      last = status;
      used_.clear();
    }
    if (reasons.size() == 1) return last;
    return absl::Status(last.code(),
                        absl::StrCat("no conntrack source could be read; tried:\n  ",
                                     absl::StrJoin(reasons, "\n  ")));
  }

 private:
  std::string name_;
  std::vector<Candidate> candidates_;
  BackendLog log_;
  std::string used_;
};

Candidate ProcCandidate(std::string path) {
  return {path, [path] { return MakeProcBackend(path); }};
}

// A backend chosen directly, not by fallback: say so under -v.
absl::StatusOr<std::unique_ptr<Backend>> Logged(absl::StatusOr<std::unique_ptr<Backend>> b,
                                                const BackendLog& log) {
  if (b.ok() && log) log(absl::StrCat("using backend ", (*b)->Name()));
  return b;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> MakeBackend(absl::string_view spec, BackendLog log) {
  std::vector<Candidate> candidates;
  if (spec == "auto" || spec == "netlink") {
    candidates.push_back({"netlink", [] { return netlink::MakeNetlinkBackend(); }});
  }
  if (spec == "auto" || spec == "procfs") {
    candidates.push_back(ProcCandidate(kNfConntrackPath));
    candidates.push_back(ProcCandidate(kIpConntrackPath));
  }
  if (!candidates.empty()) {
    // Chosen at Dump() time, below.
  } else if (absl::ConsumePrefix(&spec, "procfs:")) {
    return Logged(MakeProcBackend(std::string(spec)), log);
  } else if (absl::ConsumePrefix(&spec, "input:")) {
    return Logged(MakeProcInputBackend(std::string(spec)), log);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown backend `", spec, "' (want auto, netlink or procfs)"));
  }
  return std::unique_ptr<Backend>(
      new FallbackBackend(std::string(spec), std::move(candidates), std::move(log)));
}

}  // namespace ctdump
