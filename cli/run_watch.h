// File: cli/run_watch.h
//
// `ctdump --watch`: a live view of the table, refreshed every --interval seconds
// (default 2). On a terminal it draws a full screen (cli/watch/terminal.h) and reads
// keys; when stdout is not a terminal, or with --batch, it prints one plain-text screen
// per refresh, like `top -b`, and --iterations N stops after N screens. The screen is
// cli/watch/screen.h's; what it counts comes from core/summary.h (bounded counters) and
// cli/watch/flow_tracker.h (bounded diffs between refreshes).
//
// Each refresh is one dump of the table (any backend, --input too, filters and --netns
// apply) plus one table count (backends/stats.h): no more work than one `-L`, without the
// formatting.
//
// Exit status: 0 on q, SIGINT, SIGTERM, SIGHUP or after --iterations screens; 1 when the
// first refresh fails (or, in batch mode, any refresh), or the terminal cannot be set
// up; 2 for a bad --backend spec or label. The terminal is restored on every path.

#ifndef CTDUMP_CLI_RUN_WATCH_H_
#define CTDUMP_CLI_RUN_WATCH_H_

#include "cli/options.h"

namespace ctdump {

int RunWatch(const Options& opts);

}  // namespace ctdump

#endif  // CTDUMP_CLI_RUN_WATCH_H_
