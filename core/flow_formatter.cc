#include "core/flow_formatter.h"

#include "absl/status/status.h"
#include "core/event_format.h"
#include "core/json.h"
#include "core/proc_format.h"
#include "core/xml.h"

namespace ctdump {
namespace {

// conntrack's lines; also the event form of kProc.
class TextFormatter : public FlowFormatter {
 public:
  explicit TextFormatter(const OutputStyle& style)
      : event_style_{style.line, style.event_timestamp}, netns_(style.netns) {}
  void Begin(TextBuffer* out) override {
    if (netns_.empty()) return;
    out->Append("# netns ");
    out->Append(netns_);
    out->Append('\n');
  }
  void Add(const Flow& flow, uint64_t now_ns, TextBuffer* out) override {
    AppendConntrackLine(flow, event_style_.line, now_ns, out);
  }
  void AddEvent(const FlowEvent& event, const Flow& flow, uint64_t now_ns,
                TextBuffer* out) final {
    AppendEventLine(event, flow, event_style_, now_ns, out);
  }
  void End(TextBuffer*) final {}
  bool Shardable() const final { return true; }

 private:
  EventTextStyle event_style_;
  std::string netns_;
};

class ProcFormatter final : public TextFormatter {
 public:
  using TextFormatter::TextFormatter;
  void Add(const Flow& flow, uint64_t now_ns, TextBuffer* out) override {
    AppendProcLine(flow, now_ns, out);
  }
};

class JsonFormatter final : public FlowFormatter {
 public:
  explicit JsonFormatter(const OutputStyle& style)
      : style_{style.line.labels, style.netns}, events_(style_) {}
  void Begin(TextBuffer*) override {}
  void Add(const Flow& flow, uint64_t now_ns, TextBuffer* out) override {
    AppendJsonLine(flow, style_, now_ns, out);
  }
  void AddEvent(const FlowEvent& event, const Flow& flow, uint64_t now_ns,
                TextBuffer* out) override {
    events_.Append(event, flow, now_ns, out);
  }
  void End(TextBuffer*) override {}
  bool Shardable() const override { return true; }

 private:
  JsonStyle style_;
  EventJsonWriter events_;
};

class XmlFormatter final : public FlowFormatter {
 public:
  explicit XmlFormatter(const OutputStyle& style)
      : xml_(XmlStyle{style.line.ktimestamp, style.line.labels}, style.event_timestamp) {}
  void Begin(TextBuffer*) override {}
  void Add(const Flow& flow, uint64_t now_ns, TextBuffer* out) override {
    xml_.AddFlow(flow, now_ns, out);
  }
  void AddEvent(const FlowEvent& event, const Flow& flow, uint64_t now_ns,
                TextBuffer* out) override {
    xml_.Append(event, flow, now_ns, out);
  }
  void End(TextBuffer* out) override { xml_.End(out); }
  bool Shardable() const override { return false; }

 private:
  EventXmlWriter xml_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FlowFormatter>> MakeFlowFormatter(OutputFormat format,
                                                                 const OutputStyle& style) {
  switch (format) {
    case OutputFormat::kText:
      return std::make_unique<TextFormatter>(style);
    case OutputFormat::kJson:
      return std::make_unique<JsonFormatter>(style);
    case OutputFormat::kProc:
      return std::make_unique<ProcFormatter>(style);
    case OutputFormat::kXml:
      return std::make_unique<XmlFormatter>(style);
    case OutputFormat::kPrometheus:
      break;
  }
  return absl::InvalidArgumentError(
      "-o prometheus has no per-flow form: it is the format of --summary (core/prometheus.h)");
}

}  // namespace ctdump
