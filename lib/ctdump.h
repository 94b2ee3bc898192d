// File: lib/ctdump.h
//
// Everything of ctdump's public library API (Bazel target @ctdump//:ctdump), in one
// include. docs/library.md is the overview: threading, errors, lifetimes, and the
// stability promise, which covers exactly the headers included here.

#ifndef CTDUMP_LIB_CTDUMP_H_
#define CTDUMP_LIB_CTDUMP_H_

// The record.
#include "core/addr.h"    // Addr, address text
#include "core/flow.h"    // Flow, Tuple, Source
#include "core/kernel.h"  // kernel constants: families, protocols, states, status bits
// Reading a table.
#include "backends/netns.h"    // ScopedNetns: read another network namespace's table
#include "backends/select.h"   // MakeBackend("auto" | "netlink" | "procfs[:PATH]" | "input:PATH")
#include "core/backend.h"      // Backend, DumpRequest, FlowSink
#include "lib/for_each_flow.h"  // ForEachFlow(), ConntrackLine(): the short way
// Filtering.
#include "core/filter.h"          // Filter, Matches(), Validate(), CanJudge()
#include "core/filter_gate.h"     // FilterGate: a filter applied per source (NAT inferred from /proc)
#include "core/filter_options.h"  // conntrack's option values (-s, -p, --dport, ...) as conditions
#include "lib/filter_args.h"      // ParseFilterArgs(): a Filter from conntrack-style arguments
// Output formats.
#include "core/flow_formatter.h"  // MakeFlowFormatter(): every -o format behind one interface
#include "core/format.h"       // AppendConntrackLine(): conntrack -L lines
#include "core/json.h"         // AppendJsonLine(): -o json (docs/json-schema.json)
#include "core/labels.h"       // connlabel.conf names for the labels field
#include "core/proc_format.h"  // AppendProcLine(): /proc/net/nf_conntrack lines
#include "core/text_buffer.h"  // TextBuffer, what the Append*() functions write to
#include "core/xml.h"          // XmlWriter: conntrack -o xml
// Events.
#include "backends/netlink/events.h"  // netlink::EventListener: ctnetlink events (conntrack -E)
#include "core/event.h"               // FlowEvent, EventSink
#include "core/event_format.h"        // AppendEventLine(), EventJsonWriter
#include "core/table_diff.h"          // TableDiff: events from successive dumps (polling)
// Summaries.
#include "core/prometheus.h"      // AppendPrometheus()
#include "core/summary.h"         // TableSummary: counts and top-N in bounded memory
#include "core/summary_format.h"  // AppendSummaryText()
// Error helpers.
#include "core/status_macros.h"  // CTDUMP_RETURN_IF_ERROR, CTDUMP_ASSIGN_OR_RETURN

#endif  // CTDUMP_LIB_CTDUMP_H_
