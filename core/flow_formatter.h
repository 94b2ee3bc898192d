// File: core/flow_formatter.h
//
// The one output seam of flows and events: every output format of ctdump's records
// behind one interface, made by one factory from the format and the style.
//
//   OutputStyle style;
//   style.line.extended = true;                               // -o extended
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<FlowFormatter> f,
//                           MakeFlowFormatter(OutputFormat::kText, style));
//   f->Begin(&buffer);
//   for (const Flow& flow : flows) f->Add(flow, WallClockNs(), &buffer);   // -L
//   f->AddEvent(event, flow, WallClockNs(), &buffer);                     // -E
//   f->End(&buffer);
//
// The formats (each one's own header has the byte-level contract):
//   kText  conntrack's lines: AppendConntrackLine() (core/format.h) for flows,
//          AppendEventLine() (core/event_format.h) for events
//   kJson  one JSON object per line (core/json.h, schema v1); events with their event keys
//          (EventJsonWriter, core/event_format.h)
//   kProc  the line /proc/net/nf_conntrack prints (core/proc_format.h); /proc has no event
//          form, so events come out as kText's event lines (the CLI refuses -E -o proc)
//   kXml   conntrack's XML document (core/xml.h, core/event_format.h): the header with
//          the first record, the footer at End() when a header was written, so that no
//          records give empty output, as with conntrack
//   kPrometheus has no per-record form (it is the --summary's format, core/prometheus.h):
//          MakeFlowFormatter() refuses it.
//
// Formatters hold no I/O: they append to a TextBuffer, which the caller writes out
// (io/fd_writer.h). Each Add() is one virtual call that appends one record; nothing is
// allocated per record once the buffer has grown.

#ifndef CTDUMP_CORE_FLOW_FORMATTER_H_
#define CTDUMP_CORE_FLOW_FORMATTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/output_format.h"
#include "core/text_buffer.h"

namespace ctdump {

struct OutputStyle {
  ConntrackStyle line;           // -o extended, id, ktimestamp, labels (labels: all formats)
  bool event_timestamp = false;  // -o timestamp: events' "[SEC.USEC]\t" prefix, XML <when>
  // --all-netns: the namespace being listed. Text: Begin() writes "# netns NAME"; JSON:
  // every object ends in "netns":"NAME". Empty: neither.
  std::string netns;
};

class FlowFormatter {
 public:
  virtual ~FlowFormatter() = default;

  // Starts a listing (or event stream). Writes nothing (a document's header, if the
  // format has one, comes with the first record), except the text form's
  // "# netns NAME" line under --all-netns (OutputStyle::netns).
  virtual void Begin(TextBuffer* out) = 0;
  // Appends one flow. `now_ns` (wall clock, ns since the epoch) is for delta-time.
  virtual void Add(const Flow& flow, uint64_t now_ns, TextBuffer* out) = 0;
  // Appends one event of `flow`.
  virtual void AddEvent(const FlowEvent& event, const Flow& flow, uint64_t now_ns,
                        TextBuffer* out) = 0;
  // Ends the listing: XML's footer if its header was written; nothing for line formats.
  // Another Begin() starts afresh.
  virtual void End(TextBuffer* out) = 0;
  // Whether formatters of this format and style may each format a consecutive part of one
  // listing, the parts then written one after the other (parallel reads, FlowShard in
  // core/backend.h): true for every line format; false for XML, whose document has one
  // header.
  virtual bool Shardable() const = 0;
};

// The formatter of `format` in `style`. `style.line.labels`, when set, must outlive it.
// Errors: kInvalidArgument for kPrometheus (no per-record form).
absl::StatusOr<std::unique_ptr<FlowFormatter>> MakeFlowFormatter(OutputFormat format,
                                                                 const OutputStyle& style);

}  // namespace ctdump

#endif  // CTDUMP_CORE_FLOW_FORMATTER_H_
