// File: core/prometheus.h
//
// `ctdump -o prometheus`: a table summary (core/summary.h, core/summary_format.h) in the
// Prometheus text exposition format 0.0.4, for node_exporter's textfile collector:
//
//   dir=/var/lib/node_exporter/textfile
//   ctdump -o prometheus > "$dir/conntrack.prom.$$" &&
//     mv "$dir/conntrack.prom.$$" "$dir/conntrack.prom"
//
//   AppendPrometheus(summary, ctx, &buffer);
//
// Every metric but ctdump_stat_* is a gauge (one run's snapshot), has # HELP and # TYPE lines, and its
// name starts with ctdump_. The number of series is bounded whatever the table holds:
// at most 256 protocols, 256 states per state-bearing protocol, kMaxZoneItems zones plus
// "other", and top-N items plus "other" per top list.
//
//   ctdump_entries                       entries listed (after filters)
//   ctdump_table_entries                 nf_conntrack_count (when known)
//   ctdump_table_max_entries             nf_conntrack_max (when known)
//   ctdump_entries_by_family{family}
//   ctdump_entries_by_protocol{protocol}
//   ctdump_entries_by_state{protocol,state}
//   ctdump_entries_by_zone{zone}                     zone id, or "other"
//   ctdump_top_source_entries{source}                address, or "other"
//   ctdump_top_destination_entries{destination}      address, or "other"
//   ctdump_top_destination_port_entries{protocol,port}   "other"/"other" for the rest
//   ..._packets / ..._bytes              with --sort packets|bytes (and counters seen):
//                                        the same lists' packets and bytes; "other"
//                                        only for the metric ranked by
//   ctdump_top_group_entries{KEY...}     with --by: the one grouped list, one label per
//                                        key (SummaryKey::label), "other" in each for
//                                        the rest; _packets/_bytes as above
//   ctdump_top_exact{list}               1 when that list's counts are exact, else 0
//                                        (list="group" with --by)
//   ctdump_dump_duration_seconds         how long listing the table took
//   ctdump_dump_entries_read             records read before user-space filtering
//   ctdump_dump_skipped_entries          malformed records skipped
//   ctdump_dump_success                  1 when the dump completed, else 0
//   ctdump_dump_error_info{class}        1, only after a failure that has a class
//                                        (SummaryContext::error_class)
//   ctdump_dump_timestamp_seconds        when the dump ended (Unix time)
//   ctdump_backend_info{backend}         1, labelled with the backend used
//   ctdump_stats_success                 1/0: the kernel's statistics were read or not;
//                                        absent (a comment says why) when not asked
//                                        for (--input)
//   ctdump_stats_source_info{source}     1: "ctnetlink" or "/proc/net/stat/nf_conntrack"
//   ctdump_stat_NAME_total               COUNTER: conntrack -S counter NAME summed over
//                                        CPUs (SummaryContext::kernel_stats; only those
//                                        the kernel reported; each CPU's counter is 32
//                                        bits and wraps)
//
// --all-netns: AppendPrometheusNamespaces() writes the summaries of several namespaces in
// one exposition: each metric family once (one # HELP / # TYPE), with the samples of
// every namespace, each carrying a first label netns="NAME" (SummaryContext::netns).
//
// Label values are escaped as the format requires (\\, \", \n). Protocol labels use the
// names of core/kernel.h, "unknown(N)" for protocols without one.

#ifndef CTDUMP_CORE_PROMETHEUS_H_
#define CTDUMP_CORE_PROMETHEUS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/summary.h"
#include "core/summary_format.h"
#include "core/text_buffer.h"

namespace ctdump {

void AppendPrometheus(const TableSummary& summary, const SummaryContext& ctx,
                      TextBuffer* out);

struct PrometheusSection {
  const TableSummary* summary;
  const SummaryContext* ctx;  // ctx->netns labels the section's samples when not empty
};
void AppendPrometheusNamespaces(const std::vector<PrometheusSection>& sections,
                                TextBuffer* out);

// A label value escaped for the exposition format (backslash, double quote, newline).
std::string PrometheusLabelValue(absl::string_view v);

}  // namespace ctdump

#endif  // CTDUMP_CORE_PROMETHEUS_H_
