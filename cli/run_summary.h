// File: cli/run_summary.h
//
// `ctdump --summary` and `ctdump -o prometheus`: list the table once (any backend,
// --input too, filters apply) into a TableSummary (core/summary.h) and print it as text
// (core/summary_format.h) or Prometheus exposition (core/prometheus.h). The table's count
// and maximum come from backends/stats.h (ctnetlink, else the sysctls).
//
// Exit status: 0 on success; 1 when the dump failed or skipped malformed records (with
// -o prometheus the metrics are still printed, ctdump_dump_success 0, whenever a dump
// was attempted), 2 for a bad --backend spec or label.

#ifndef CTDUMP_CLI_RUN_SUMMARY_H_
#define CTDUMP_CLI_RUN_SUMMARY_H_

#include "cli/options.h"

namespace ctdump {

int RunSummary(const Options& opts);

}  // namespace ctdump

#endif  // CTDUMP_CLI_RUN_SUMMARY_H_
