#include "core/event_format.h"

#include <ctime>

#include "absl/strings/string_view.h"

namespace ctdump {
namespace {

absl::string_view Tag(EventType t) {
  switch (t) {
    case EventType::kNew: return "    [NEW] ";
    case EventType::kUpdate: return " [UPDATE] ";
    case EventType::kDestroy: return "[DESTROY] ";
    case EventType::kResync: return " [RESYNC] ";
  }
  return "[UNKNOWN] ";
}

// The event type as JSON and XML name it.
absl::string_view JsonName(EventType t) {
  switch (t) {
    case EventType::kNew: return "new";
    case EventType::kUpdate: return "update";
    case EventType::kDestroy: return "destroy";
    case EventType::kResync: return "resync";
  }
  return "unknown";
}

// Appends v as decimal digits, zero-padded to at least `width` (printf's "%.Nld").
void AppendPadded(uint64_t v, int width, TextBuffer* out) {
  char digits[20];
  char* end = TextBuffer::PutU64(v, digits);
  for (int n = static_cast<int>(end - digits); n < width; ++n) out->Append('0');
  out->Append(absl::string_view(digits, static_cast<size_t>(end - digits)));
}

}  // namespace

void AppendEventLine(const FlowEvent& event, const Flow& flow, const EventTextStyle& style,
                     uint64_t now_ns, TextBuffer* out) {
  if (style.timestamp) {
    // conntrack: printf("[%-.8ld.%-.6ld]\t", tv.tv_sec, tv.tv_usec) from gettimeofday().
    out->Append('[');
    AppendPadded(event.time_ns / 1000000000u, 8, out);
    out->Append('.');
    AppendPadded(event.time_ns % 1000000000u / 1000u, 6, out);
    out->Append("]\t");
  }
  out->Append(Tag(event.type));
  AppendConntrackLine(flow, style.line, now_ns, out);
  out->Truncate(out->size() - 1);  // the line's '\n'; suffixes follow
  if (event.polled) out->Append(" [POLLED]");
  if (event.port_id != 0) {
    out->Append(" [USERSPACE] portid=");
    out->AppendU64(event.port_id);
    if (!event.progname.empty()) {
      out->Append(" progname=");
      out->Append(event.progname);
    }
  }
  out->Append('\n');
}

void EventJsonWriter::Append(const FlowEvent& event, const Flow& flow, uint64_t now_ns,
                             TextBuffer* out) {
  scratch_.clear();
  AppendJsonLine(flow, style_, now_ns, &scratch_);
  // The flow object starts with {"v":1, (core/json.h); the event keys go right after it.
  constexpr absl::string_view kHead = "{\"v\":1,";
  absl::string_view body = scratch_.view();
  if (body.substr(0, kHead.size()) == kHead) body.remove_prefix(kHead.size());
  out->Append(kHead);
  out->Append("\"event\":\"");
  out->Append(JsonName(event.type));
  out->Append("\",\"time_ns\":");
  out->AppendU64(event.time_ns);
  if (event.port_id != 0) {
    out->Append(",\"portid\":");
    out->AppendU64(event.port_id);
  }
  if (!event.progname.empty()) {
    out->Append(",\"progname\":");
    AppendJsonString(event.progname, out);
  }
  if (event.polled) out->Append(",\"polled\":true");
  out->Append(',');
  out->Append(body);
}

void EventXmlWriter::Append(const FlowEvent& event, const Flow& flow, uint64_t now_ns,
                            TextBuffer* out) {
  XmlEventParts parts;
  parts.type = JsonName(event.type);
  parts.polled = event.polled;
  std::tm tm;
  if (when_) {
    const time_t sec = static_cast<time_t>(event.time_ns / 1000000000u);
    if (localtime_r(&sec, &tm) != nullptr) parts.when = &tm;
  }
  xml_.AddEventFlow(flow, now_ns, parts, out);
}

}  // namespace ctdump
