// File: cli/command_json.h
//
// `-o json` for the commands that print one report instead of one line per entry. Each
// writes ONE JSON object followed by '\n' (keys always in this order; strings escaped as
// in core/json.h; "schema" is kJsonSchemaVersion of core/json.h):
//
// ctdump -C -o json (backends/stats.h TableCount)
//   {"schema":1,"count":N,"max":M,"source":"ctnetlink CT_GET_STATS"}
//   "max" is left out when the limit could not be read. With --all-netns, one object per
//   namespace, ending in "netns":"NAME" (the namespace's name, or "pid:N").
//
// ctdump -S -o json (backends/stats.h CpuStats; the counters each CPU reported, by
// conntrack -S's names)
//   {"schema":1,"cpus":[{"cpu":0,"found":0,"invalid":5,...},...]}
//
// ctdump --doctor -o json (cli/doctor.h)
//   {"schema":1,"netns":"/run/netns/x","can_list":true,
//    "findings":[{"level":"ok","topic":"privileges","text":"..."},...]}
//   "netns" is left out without --netns; "level" is ok, info, warning or problem.
//
// ctdump --summary -o json (core/summary.h, core/summary_format.h)
//   {"schema":1,"success":true,"backend":"netlink","entries":N,"entries_read":N,
//    "skipped":N,"duration_seconds":0.01,"timestamp_seconds":T,
//    "table":{"count":N,"max":M,"nearly_full":false}   (or {"error":"..."})
//    "family":{"ipv4":N,"ipv6":N},"protocol":{"tcp":N,"unknown(50)":N},
//    "state":{"tcp/ESTABLISHED":N},"zone":{"0":N,"other":N},
//    "sort":"entries","ranked_by":"entries","accounted":N,
//    "top_sources":{"exact":true,"counted":N,"capacity":C,"other":N,
//                   "items":[{"key":"10.0.0.1","count":N,"error":0},...]},
//    "top_destinations":{...},"top_destination_ports":{... "key":"tcp/443" ...}}
//   "zone" has "other" only when zones were folded (core/summary_format.h).
//   "sort" is --sort (entries, packets, bytes); "ranked_by" what the lists are really
//   ranked by: entries when no entry carried counters ("accounted", the entries that
//   did, is 0: accounting is off). Ranked by packets or bytes, "count" is that metric,
//   each list adds "other_entries" and each item "entries", "packets" and "bytes".
//   With --by the three top_* lists are replaced by
//    "top_by":{"exact":..,"counted":N,"capacity":C,"other":N,"keys":["src","dport"],
//              "items":[{"key":{"src":"10.0.0.1","dport":"443"},"count":N,"error":0}]}
//   whose key values are strings ("-" where an entry has no such value).
//   With --all-netns, one object per namespace, ending in "netns":"NAME"
//   (SummaryContext::netns).
//
// Any of these with -o json, when it fails before it has anything to report (the source
// cannot be opened, no privilege, a namespace that cannot be entered), still writes one
// object, so that a consumer of stdout sees the failure (the message is on stderr too):
//   {"schema":1,"success":false,"error":{"class":"not_found","message":"..."}}
//   "class" is the absl::StatusCode's name in lower case, as in the Prometheus
//   ctdump_dump_error_info{class=...} sample.

#ifndef CTDUMP_CLI_COMMAND_JSON_H_
#define CTDUMP_CLI_COMMAND_JSON_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/doctor.h"
#include "backends/stats.h"
#include "core/output_format.h"
#include "core/summary.h"
#include "core/summary_format.h"
#include "core/text_buffer.h"

namespace ctdump {

// `netns`: the --all-netns name, written as the last key; empty: none.
void AppendCountJson(const TableCount& count, TextBuffer* out, const std::string& netns = "");
void AppendCpuStatsJson(const std::vector<CpuStats>& cpus, TextBuffer* out);
// `netns` is the namespace path, or empty without --netns.
void AppendDoctorJson(const std::string& netns, const std::vector<Finding>& findings,
                      bool can_list, TextBuffer* out);
void AppendSummaryJson(const TableSummary& summary, const SummaryContext& ctx,
                       TextBuffer* out);
void AppendErrorJson(const absl::Status& error, TextBuffer* out);
// For a command that failed before it had a report: with -o json (`format`), writes the
// error object to stdout; with any other format, nothing (the message is on stderr).
void WriteErrorReport(OutputFormat format, const absl::Status& error);
// The class of `status` as the JSON error object and the Prometheus error sample name
// it: "permission_denied", "not_found", ...
std::string ErrorClassName(const absl::Status& status);

}  // namespace ctdump

#endif  // CTDUMP_CLI_COMMAND_JSON_H_
