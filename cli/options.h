// File: cli/options.h
//
// The ctdump command line: conntrack-tools 1.4.7 spellings for what ctdump shares with
// `conntrack -L`, plus ctdump's own long options. Parsing is pure (no I/O) so that tests
// can check every accepted and refused spelling.
//
//   absl::StatusOr<Options> opts = ParseOptions(argc, argv);
//   if (!opts.ok()) { /* usage error: print and exit 2 */ }

#ifndef CTDUMP_CLI_OPTIONS_H_
#define CTDUMP_CLI_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/filter.h"
#include "core/flow_formatter.h"
#include "core/summary.h"

namespace ctdump {

enum class Command {
  kList,     // -L / --dump (the default)
  kHelp,     // -h / --help
  kVersion,  // -V / --version
  kDoctor,   // --doctor: diagnose why data is missing
  kCount,    // -C / --count: the table's entry count
  kStats,    // -S / --stats: per-CPU statistics
  kEvents,   // -E / --event: stream events (like conntrack -E)
  kSummary,  // --summary (or -o prometheus): counts over the table
  kWatch,    // --watch: a live view of the table (cli/run_watch.h)
  kGet,      // -G / --get: one entry by its tuple (like conntrack -G)
};

struct Options {
  Command command = Command::kList;
  std::string backend = "auto";  // --backend auto|netlink|procfs|procfs:PATH
  std::string input;             // --input FILE|- (a saved /proc file or -o json lines)
  bool verbose = false;          // -v: say which backend and why
  std::string netns;             // --netns NAME|PATH|pid:N
  bool all_netns = false;        // --all-netns: every network namespace, each marked

  // -o words (conntrack's, matched case-insensitively as prefixes, plus json and proc).
  OutputFormat format = OutputFormat::kText;
  bool out_extended = false;
  bool out_id = false;
  bool out_ktimestamp = false;
  bool out_labels = false;
  bool out_timestamp = false;  // -o timestamp: "[SEC.USEC]\t" before each event (-E)
  bool out_userspace = false;  // -o userspace (-E: conntrack's word; ctdump always shows it)

  // -E. Event types (-e NEW,UPDATES,DESTROY,ALL; core/event.h bits), polling instead of
  // ctnetlink events (--interval S), and the receive buffer (--rcvbuf / --rcvbuf-max,
  // bytes; 0 = the listener's defaults) and resync dump (--resync) of ctnetlink events.
  uint32_t event_mask = 7;
  bool event_mask_given = false;  // -e was given (Validate: it goes with -E only)
  double interval = 0;  // seconds; 0 = ctnetlink events
  uint64_t rcvbuf = 0;
  uint64_t rcvbuf_max = 0;
  bool resync = false;
  // --no-progname: no process-name lookup for " [USERSPACE] portid=N" (no /proc reads).
  bool no_progname = false;

  // --summary / -o prometheus: items per top list (--top N).
  size_t top = 10;
  bool top_given = false;  // --top was given (Validate: it goes with the summary only)
  // --by KEY,... (core/summary_keys.h) and --sort entries|packets|bytes.
  std::vector<const SummaryKey*> summary_by;
  SummarySort summary_sort = SummarySort::kEntries;
  bool summary_sort_given = false;
  // --watch: --batch (plain screens even on a terminal), --iterations N (stop after N
  // screens; 0 = until q or a signal). --interval and --top also go with --watch.
  bool watch_batch = false;
  uint64_t watch_iterations = 0;
  // --textfile PATH: publish the -o prometheus summary atomically at PATH (cli/textfile.h).
  std::string textfile;

  // Filter options (-s -d -r -q -p --sport ... -m -u -w -n -g -j -f -l -c). Label names
  // given with -l are kept until the label map is loaded (`filter.labels` is set then).
  Filter filter;
  std::vector<std::string> label_filter;
  // -G: the first option given (in conntrack's order of options) that `conntrack -G`
  // refuses ("--mark", "--zone", ...), for Validate()'s "Illegal option" error.
  std::string get_refused;
  // Warnings to print (conntrack's, such as "ignoring SRC_NAT, use --src-nat instead").
  std::vector<std::string> warnings;
};

// Parses argv. Errors are usage errors (exit 2), kInvalidArgument, with a message in
// conntrack's words where conntrack has one (e.g. "Bad parameter `bogus'"). Each option
// has its handler, in one table per option group (options.cc); once every option is
// read, what options imply is applied (--textfile and -o prometheus make the summary's
// Prometheus text) and the whole is checked with Validate().
absl::StatusOr<Options> ParseOptions(int argc, char** argv);

// The checks that need every option: the filter (core/filter.h Validate()), which options
// and -o words go with the command, and which options exclude each other (-C/-S with
// filters or --input, --input with --netns or --backend). The first problem found is
// returned, as kInvalidArgument.
absl::Status Validate(const Options& options);

// The -o words as the formats take them (core/flow_formatter.h): extended, id,
// ktimestamp and timestamp. Labels are set by SetupLabels() (cli/label_setup.h).
OutputStyle OutputStyleOf(const Options& options);

// The text of -h.
const char* UsageText();

}  // namespace ctdump

#endif  // CTDUMP_CLI_OPTIONS_H_
