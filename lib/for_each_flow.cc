#include "lib/for_each_flow.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/backend.h"
#include "core/text_buffer.h"

namespace ctdump {
namespace {

class CallbackSink : public FlowSink {
 public:
  CallbackSink(const std::function<bool(const Flow&)>& on_flow, const ForEachFlowOptions& options)
      : on_flow_(on_flow), options_(options) {}

  bool OnFlow(const Flow& flow) override {
    if (!options_.filter.empty()) {
      if (flow.source != judged_source_) {
        judged_source_ = flow.source;
        judge_ = CanJudge(options_.filter, flow);
      }
      if (!judge_.ok()) return false;
      if (!Matches(options_.filter, flow)) return true;
    }
    return on_flow_(flow);
  }

  void OnSkipped(const absl::Status& why) override {
    if (options_.on_skipped) {
      options_.on_skipped(why);
      return;
    }
    if (skipped_++ == 0) first_skip_ = why;
  }

  void OnNotice(const absl::Status& note) override {
    if (options_.on_notice) options_.on_notice(note);
  }

  const absl::Status& judge() const { return judge_; }
  uint64_t skipped() const { return skipped_; }
  const absl::Status& first_skip() const { return first_skip_; }

 private:
  const std::function<bool(const Flow&)>& on_flow_;
  const ForEachFlowOptions& options_;
  Source judged_source_ = Source::kUnknown;
  absl::Status judge_;
  uint64_t skipped_ = 0;
  absl::Status first_skip_;
};

}  // namespace

absl::Status ForEachFlow(absl::string_view spec, const std::function<bool(const Flow&)>& on_flow,
                         const ForEachFlowOptions& options) {
  if (absl::Status valid = Validate(options.filter); !valid.ok()) return valid;
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, options.log);
  if (!backend.ok()) return backend.status();
  DumpRequest request;
  request.family = options.filter.family.value_or(0);
  if (!options.filter.empty()) request.filter = &options.filter;
  CallbackSink sink(on_flow, options);
  absl::Status dumped = (*backend)->Dump(request, sink);
  if (!sink.judge().ok()) return absl::InvalidArgumentError(sink.judge().message());
  if (!dumped.ok()) return dumped;
  if (sink.skipped() > 0) {
    return absl::DataLossError(absl::StrCat(
        (*backend)->Name(), ": ", sink.skipped(), " malformed record(s) skipped, the first: ",
        sink.first_skip().message(),
        "; the flows read are incomplete (pass ForEachFlowOptions::on_skipped to accept that)"));
  }
  return absl::OkStatus();
}

std::string ConntrackLine(const Flow& flow, const ConntrackStyle& style) {
  TextBuffer line;
  AppendConntrackLine(flow, style, WallClockNs(), &line);
  return std::string(line.view());
}

}  // namespace ctdump
