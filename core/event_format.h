// File: core/event_format.h
//
// Output of flow events (`ctdump -E`): conntrack's event lines and JSON.
//
//   EventTextStyle style;                   // plain `conntrack -E`
//   style.timestamp = true;                 // -o timestamp
//   AppendEventLine(event, flow, style, WallClockNs(), &buffer);
//
//   EventJsonWriter json(JsonStyle{});      // -o json
//   json.Append(event, flow, WallClockNs(), &buffer);
//
// AppendEventLine() reproduces conntrack-tools 1.4.7's event_cb() output byte for byte
// (docs/conntrack-compatibility.md sections 1 and 2.4):
//   [-o timestamp] "[%.8ld.%.6ld]\t": the receive time, seconds (at least 8 digits) and
//                  microseconds (6 digits, zero-padded), then a TAB;
//   the tag right-aligned in 9 columns plus a blank: "    [NEW] ", " [UPDATE] ",
//                  "[DESTROY] " (ctdump's " [RESYNC] " has the same width);
//   the `conntrack -L` line of the record (core/format.h; events carry no CTA_USE, so no
//                  use= appears for ctnetlink records);
//   " [USERSPACE] portid=N" when a process caused the event, plus " progname=NAME" when
//                  its name was found;
//   ctdump only: " [POLLED]" for events inferred by polling a table (FlowEvent::polled);
//   "\n".
//
// JSON (-o json with -E): the record's schema-v1 object (core/json.h) with these keys
// inserted after "v", so that ParseJsonLine() still reads every event line as a flow:
//   event     string   always         "new", "update", "destroy", "resync"
//   time_ns   number   always         FlowEvent::time_ns (u64)
//   portid    number   when non-zero  FlowEvent::port_id
//   progname  string   when known     FlowEvent::progname (JSON-escaped)
//   polled    true     when polled    FlowEvent::polled
// Example:
//   {"v":1,"event":"destroy","time_ns":1764060998123456789,"portid":3414919298,
//    "source":"netlink","family":"ipv4",...}
//
// XML (-o xml with -E): `conntrack -E -o xml`'s document (EventXmlWriter): the header
// (kXmlHeader) with the first event, one <flow type="new|update|destroy"> line per event
// (core/xml.h; ctdump's resync events: type="resync", polled events: polled="yes"),
// with -o timestamp the event's local time as <when>, and kXmlFooter at End() if a
// header was written. Unlike conntrack, no " [USERSPACE] portid=N" text follows
// </flow>: conntrack's suffix makes the document ill-formed (its bug 11).

#ifndef CTDUMP_CORE_EVENT_FORMAT_H_
#define CTDUMP_CORE_EVENT_FORMAT_H_

#include <cstdint>

#include "core/event.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/json.h"
#include "core/text_buffer.h"
#include "core/xml.h"

namespace ctdump {

struct EventTextStyle {
  ConntrackStyle line;     // -o extended, id, ktimestamp, labels
  bool timestamp = false;  // -o timestamp: "[SEC.USEC]\t" prefix
};

// Appends one event line, ending in '\n'. `now_ns` is used for delta-time as in
// AppendConntrackLine().
void AppendEventLine(const FlowEvent& event, const Flow& flow, const EventTextStyle& style,
                     uint64_t now_ns, TextBuffer* out);

// Writes JSON event lines; keeps a scratch buffer so that a line costs no allocation
// once warmed up.
class EventJsonWriter {
 public:
  explicit EventJsonWriter(JsonStyle style) : style_(style) {}
  // Appends one JSON object for the event, then '\n'.
  void Append(const FlowEvent& event, const Flow& flow, uint64_t now_ns, TextBuffer* out);

 private:
  JsonStyle style_;
  TextBuffer scratch_;
};

// Writes the -E -o xml document.
class EventXmlWriter {
 public:
  // `when`: -o timestamp (<when> in each line).
  EventXmlWriter(const XmlStyle& style, bool when) : xml_(style), when_(when) {}
  // Appends kXmlHeader before the first event, then the event's line.
  void Append(const FlowEvent& event, const Flow& flow, uint64_t now_ns, TextBuffer* out);
  // The same for a plain flow's line (XmlWriter::AddFlow()), in the same document.
  void AddFlow(const Flow& flow, uint64_t now_ns, TextBuffer* out) {
    xml_.AddFlow(flow, now_ns, out);
  }
  // Appends kXmlFooter if a header was written and no footer yet.
  void End(TextBuffer* out) { xml_.End(out); }

 private:
  XmlWriter xml_;
  bool when_;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_EVENT_FORMAT_H_
