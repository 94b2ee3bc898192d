// File: cli/run_events.h
//
// `ctdump -E`: stream conntrack events like `conntrack -E` (ctnetlink multicast,
// backends/netlink/events.h), or, with --interval S, poll the table and report NEW and
// DESTROY by difference (core/table_diff.h), marked [POLLED]. Ends on SIGINT/SIGTERM
// with "ctdump: v0.1.0 (ctdump): N flow events have been shown." on stderr.
//
// Exit status: 0 after a clean stop; 1 when events were lost (the kernel dropped them:
// the count is reported as it happens and in the summary; also when the run ended because
// stdout's reader went away), were queued at SIGINT/SIGTERM and not shown (the queue is
// drained for about 1 s, then what is left is counted), a record was malformed, the
// source failed, or stdout could not be written; 2 for a bad --backend spec or label.

#ifndef CTDUMP_CLI_RUN_EVENTS_H_
#define CTDUMP_CLI_RUN_EVENTS_H_

#include "cli/options.h"

namespace ctdump {

int RunEvents(const Options& opts);

}  // namespace ctdump

#endif  // CTDUMP_CLI_RUN_EVENTS_H_
