#include "cli/options.h"

#include <getopt.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "core/filter_options.h"
#include "core/kernel.h"
#include "core/status_macros.h"

namespace ctdump {
namespace {

enum LongOnly {
  kOptBackend = 1000,
  kOptInput,
  kOptNetns,
  kOptDoctor,
  kOptMaskSrc,
  kOptMaskDst,
  kOptOrigZone,
  kOptReplyZone,
  kOptSport,
  kOptDport,
  kOptReplySport,
  kOptReplyDport,
  kOptState,
  kOptIcmpType,
  kOptIcmpCode,
  kOptIcmpId,
  kOptIcmp6Type,
  kOptIcmp6Code,
  kOptIcmp6Id,
  kOptSrcKey,
  kOptDstKey,
  kOptReplySrcKey,
  kOptReplyDstKey,
  kOptInterval,
  kOptSummary,
  kOptTop,
  kOptRcvbuf,
  kOptRcvbufMax,
  kOptResync,
  kOptTextfile,
  kOptNoProgname,
  kOptBy,
  kOptSort,
  kOptWatch,
  kOptBatch,
  kOptIterations,
  kOptAllNetns,
};

const struct option kLongOptions[] = {
    {"dump", no_argument, nullptr, 'L'},
    {"count", no_argument, nullptr, 'C'},
    {"stats", no_argument, nullptr, 'S'},
    {"output", required_argument, nullptr, 'o'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"backend", required_argument, nullptr, kOptBackend},
    {"input", required_argument, nullptr, kOptInput},
    {"netns", required_argument, nullptr, kOptNetns},
    {"all-netns", no_argument, nullptr, kOptAllNetns},
    {"get", no_argument, nullptr, 'G'},
    {"doctor", no_argument, nullptr, kOptDoctor},
    {"event", no_argument, nullptr, 'E'},
    {"event-mask", required_argument, nullptr, 'e'},
    {"interval", required_argument, nullptr, kOptInterval},
    {"summary", no_argument, nullptr, kOptSummary},
    {"top", required_argument, nullptr, kOptTop},
    {"by", required_argument, nullptr, kOptBy},
    {"sort", required_argument, nullptr, kOptSort},
    {"rcvbuf", required_argument, nullptr, kOptRcvbuf},
    {"buffer-size", required_argument, nullptr, 'b'},  // conntrack's name for it
    {"rcvbuf-max", required_argument, nullptr, kOptRcvbufMax},
    {"resync", no_argument, nullptr, kOptResync},
    {"no-progname", no_argument, nullptr, kOptNoProgname},
    {"textfile", required_argument, nullptr, kOptTextfile},
    {"watch", no_argument, nullptr, kOptWatch},
    {"batch", no_argument, nullptr, kOptBatch},
    {"iterations", required_argument, nullptr, kOptIterations},
    // Filters, with conntrack's spellings.
    {"src", required_argument, nullptr, 's'},
    {"orig-src", required_argument, nullptr, 's'},
    {"dst", required_argument, nullptr, 'd'},
    {"orig-dst", required_argument, nullptr, 'd'},
    {"reply-src", required_argument, nullptr, 'r'},
    {"reply-dst", required_argument, nullptr, 'q'},
    {"mask-src", required_argument, nullptr, kOptMaskSrc},
    {"mask-dst", required_argument, nullptr, kOptMaskDst},
    {"proto", required_argument, nullptr, 'p'},
    {"protonum", required_argument, nullptr, 'p'},
    {"family", required_argument, nullptr, 'f'},
    {"mark", required_argument, nullptr, 'm'},
    {"status", required_argument, nullptr, 'u'},
    {"zone", required_argument, nullptr, 'w'},
    {"orig-zone", required_argument, nullptr, kOptOrigZone},
    {"reply-zone", required_argument, nullptr, kOptReplyZone},
    {"src-nat", optional_argument, nullptr, 'n'},
    {"dst-nat", optional_argument, nullptr, 'g'},
    {"any-nat", optional_argument, nullptr, 'j'},
    {"label", required_argument, nullptr, 'l'},
    {"secmark", required_argument, nullptr, 'c'},
    {"zero", no_argument, nullptr, 'z'},
    // Protocol options: valid only after -p names a protocol that has them.
    {"sport", required_argument, nullptr, kOptSport},
    {"orig-port-src", required_argument, nullptr, kOptSport},
    {"dport", required_argument, nullptr, kOptDport},
    {"orig-port-dst", required_argument, nullptr, kOptDport},
    {"reply-port-src", required_argument, nullptr, kOptReplySport},
    {"reply-port-dst", required_argument, nullptr, kOptReplyDport},
    {"state", required_argument, nullptr, kOptState},
    {"icmp-type", required_argument, nullptr, kOptIcmpType},
    {"icmp-code", required_argument, nullptr, kOptIcmpCode},
    {"icmp-id", required_argument, nullptr, kOptIcmpId},
    {"icmpv6-type", required_argument, nullptr, kOptIcmp6Type},
    {"icmpv6-code", required_argument, nullptr, kOptIcmp6Code},
    {"icmpv6-id", required_argument, nullptr, kOptIcmp6Id},
    {"srckey", required_argument, nullptr, kOptSrcKey},
    {"orig-key-src", required_argument, nullptr, kOptSrcKey},
    {"dstkey", required_argument, nullptr, kOptDstKey},
    {"orig-key-dst", required_argument, nullptr, kOptDstKey},
    {"reply-key-src", required_argument, nullptr, kOptReplySrcKey},
    {"reply-key-dst", required_argument, nullptr, kOptReplyDstKey},
    {nullptr, 0, nullptr, 0},
};

// conntrack's -o words in its matching order; a word matches as a case-insensitive prefix.
// json and proc are ctdump's and come last, so conntrack's prefixes keep their meaning.
constexpr const char* kOutputWords[] = {"xml",      "extended",  "timestamp", "id",
                                        "ktimestamp", "labels", "userspace", "save",
                                        "json",     "proc",      "prometheus"};

// The -o words that name a format.
struct NamedFormat {
  absl::string_view word;
  OutputFormat format;
};
constexpr NamedFormat kFormatWords[] = {{"xml", OutputFormat::kXml},
                                        {"json", OutputFormat::kJson},
                                        {"proc", OutputFormat::kProc},
                                        {"prometheus", OutputFormat::kPrometheus}};

// The format `word` (a whole -o word) names, or nullptr.
const OutputFormat* FormatNamed(absl::string_view word) {
  for (const NamedFormat& f : kFormatWords) {
    if (f.word == word) return &f.format;
  }
  return nullptr;
}

absl::Status ParseOutput(const char* arg, Options* o) {
  for (absl::string_view word : absl::StrSplit(arg, ',')) {
    const char* match = nullptr;
    for (const char* w : kOutputWords) {
      if (!word.empty() && absl::StartsWithIgnoreCase(w, word)) {
        match = w;
        break;
      }
    }
    if (match == nullptr) return absl::InvalidArgumentError(absl::StrCat("Bad parameter `", word, "'"));
    absl::string_view m = match;
    if (m == "extended") {
      o->out_extended = true;
    } else if (m == "id") {
      o->out_id = true;
    } else if (m == "ktimestamp") {
      o->out_ktimestamp = true;
    } else if (m == "labels") {
      o->out_labels = true;
    } else if (m == "timestamp") {
      o->out_timestamp = true;  // events only (CheckCommandOptions)
    } else if (m == "userspace") {
      o->out_userspace = true;  // events only (CheckCommandOptions)
    } else if (const OutputFormat* named = FormatNamed(m)) {
      const OutputFormat f = *named;
      if (o->format != OutputFormat::kText && o->format != f) {
        return absl::InvalidArgumentError(
            "-o takes one of xml, json, proc and prometheus at a time");
      }
      o->format = f;
    } else {
      return absl::InvalidArgumentError(
          "-o save is not supported: it prints commands that change the table");
    }
  }
  return absl::OkStatus();
}

// conntrack's table words after a command, prefixes allowed.
absl::Status ParseTable(absl::string_view word) {
  for (absl::string_view t : {"conntrack", "expect", "dying", "unconfirmed"}) {
    if (!word.empty() && t.substr(0, word.size()) == word) {
      if (t == "conntrack") return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("listing the `", t, "' table is not supported; ctdump lists conntrack"));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown type `", word, "'"));
}

// A protocol option is legal only after -p names a protocol that has it.
absl::Status RequireProto(const Options& o, const char* option, bool (*ok)(uint8_t),
                          const char* protos) {
  if (o.filter.l4proto && ok(*o.filter.l4proto)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("unknown option `--", option, "' (it needs -p ", protos, " before it)"));
}

bool IsPortProto(uint8_t p) { return ProtoHasPorts(p); }
bool IsStateProto(uint8_t p) { return ProtoHasState(p); }
bool IsIcmp4(uint8_t p) { return p == kProtoICMP; }
bool IsIcmp6(uint8_t p) { return p == kProtoICMPv6; }
bool IsGre(uint8_t p) { return p == kProtoGRE; }

constexpr char kPortProtos[] = "tcp|udp|udplite|sctp|dccp";

// conntrack takes the value of -n/-g/-j from the next argument unless it is an option.
const char* OptionalValue(int argc, char** argv) {
  if (optarg != nullptr) return optarg;
  if (optind < argc && argv[optind][0] != '-') return argv[optind++];
  return nullptr;
}

absl::Status SetAddr(Options* o, std::optional<AddrCondition>* field, const char* option,
                     const char* value, bool allow_cidr) {
  absl::StatusOr<AddrCondition> c = ParseAddrOption(option, value, allow_cidr);
  if (!c.ok()) return c.status();
  if (o->filter.family && *o->filter.family != c->family) {
    return absl::InvalidArgumentError("mismatched address family");
  }
  o->filter.family = c->family;
  *field = *c;
  return absl::OkStatus();
}

template <typename T>
absl::Status SetNumber(const char* option, const char* value, uint32_t max,
                       std::optional<T>* field) {
  absl::StatusOr<uint32_t> n = ParseNumberOption(option, value, max);
  if (!n.ok()) return n.status();
  *field = static_cast<T>(*n);
  return absl::OkStatus();
}

template <typename T>
absl::Status SetDecimal(const char* option, const char* value, uint32_t max,
                        std::optional<T>* field) {
  absl::StatusOr<uint32_t> n = ParseDecimalOption(option, value, max);
  if (!n.ok()) return n.status();
  *field = static_cast<T>(*n);
  return absl::OkStatus();
}

// -e: conntrack's event words (ALL, NEW, UPDATES, DESTROY), each matched
// case-insensitively as a prefix, comma-separated.
absl::Status ParseEventMask(const char* arg, uint32_t* mask) {
  *mask = 0;
  for (absl::string_view word : absl::StrSplit(arg, ',')) {
    uint32_t bit = 0;
    if (!word.empty()) {
      if (absl::StartsWithIgnoreCase("ALL", word)) bit = 7;
      else if (absl::StartsWithIgnoreCase("NEW", word)) bit = 1;
      else if (absl::StartsWithIgnoreCase("UPDATES", word)) bit = 2;
      else if (absl::StartsWithIgnoreCase("DESTROY", word)) bit = 4;
    }
    if (bit == 0) return absl::InvalidArgumentError(absl::StrCat("Bad parameter `", word, "'"));
    *mask |= bit;
  }
  return absl::OkStatus();
}

// --interval: seconds, a decimal number in (0, 86400].
absl::Status ParseInterval(const char* arg, double* out) {
  double v = 0;
  if (!absl::SimpleAtod(arg, &v) || !(v > 0) || v > 86400) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--interval wants seconds, more than 0 and at most 86400 (e.g. 0.5), got `", arg, "'"));
  }
  *out = v;
  return absl::OkStatus();
}

// What options imply: --textfile publishes the -o prometheus summary, and -o prometheus
// prints the summary. Only where the implication is legal; Validate() refuses the rest.
void ApplyImplications(Options& o) {
  if (!o.textfile.empty() && (o.command == Command::kList || o.command == Command::kSummary) &&
      (o.format == OutputFormat::kText || o.format == OutputFormat::kPrometheus)) {
    o.format = OutputFormat::kPrometheus;
  }
  if (o.format == OutputFormat::kPrometheus && o.command == Command::kList) {
    o.command = Command::kSummary;
  }
}

// Which options belong to which command: a usage error names the option.
absl::Status ValidateCommand(const Options& o) {
  if (!o.textfile.empty() &&
      (o.command != Command::kSummary || o.format != OutputFormat::kPrometheus)) {
    // After ApplyImplications(), a legal --textfile made both so.
    return absl::InvalidArgumentError(
        "--textfile writes the -o prometheus summary (use it with -L, --summary or -o "
        "prometheus only)");
  }
  const bool mask_given = o.event_mask_given;
  const bool interval_given = o.interval > 0;
  const bool buffer_given = o.rcvbuf != 0 || o.rcvbuf_max != 0 || o.resync;
  const bool events = o.command == Command::kEvents;
  const bool summary = o.command == Command::kSummary;
  const bool watch = o.command == Command::kWatch;
  if (!watch && (o.watch_batch || o.watch_iterations != 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Illegal option `", o.watch_batch ? "--batch" : "--iterations",
        "' with this command (it goes with --watch)"));
  }
  if (watch) {
    const bool line_words = o.out_extended || o.out_id || o.out_ktimestamp || o.out_labels ||
                            o.out_timestamp || o.out_userspace;
    if (o.format != OutputFormat::kText || line_words) {
      return absl::InvalidArgumentError("--watch draws its own screen and takes no -o");
    }
    if (mask_given || buffer_given || o.no_progname) {
      return absl::InvalidArgumentError(
          "--event-mask, --rcvbuf, --resync and --no-progname go with -E, not --watch");
    }
    if (o.input == "-") {
      return absl::InvalidArgumentError(
          "--watch reads its source again at every refresh; standard input can be read "
          "once (give --input a file)");
    }
    return absl::OkStatus();
  }
  if (!events && (mask_given || interval_given || buffer_given || o.no_progname)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Illegal option `",
        mask_given       ? "--event-mask"
        : interval_given ? "--interval"
        : buffer_given   ? "--rcvbuf/--resync"
                         : "--no-progname",
        "' with this command (it goes with -E)"));
  }
  if (!summary && !watch && o.top_given) {
    return absl::InvalidArgumentError("--top goes with --summary, -o prometheus or --watch");
  }
  if (!summary && (!o.summary_by.empty() || o.summary_sort_given)) {
    return absl::InvalidArgumentError(absl::StrCat(
        !o.summary_by.empty() ? "--by" : "--sort", " goes with --summary or -o prometheus"));
  }
  if (GroupsByNetns(o.summary_by) && !o.all_netns && o.input.empty()) {
    return absl::InvalidArgumentError("--by netns goes with --all-netns or --input (of "
                                      "-o json --all-netns lines): it groups by namespace");
  }
  if (events) {
    if (o.format != OutputFormat::kText && o.format != OutputFormat::kJson &&
        o.format != OutputFormat::kXml) {
      return absl::InvalidArgumentError(
          "-E prints conntrack's event lines, -o json or -o xml (not proc or prometheus)");
    }
    if (!o.input.empty()) {
      return absl::InvalidArgumentError(
          "-E listens to the running kernel; --input (a saved file) has no events");
    }
    if (o.interval == 0 && o.backend.rfind("procfs", 0) == 0) {
      return absl::InvalidArgumentError(
          "the procfs backend has no events: poll it with --interval S (e.g. 1)");
    }
    if (o.interval > 0 && buffer_given) {
      return absl::InvalidArgumentError(
          "--rcvbuf, --rcvbuf-max and --resync are for ctnetlink events, not --interval polling");
    }
    if (o.rcvbuf_max != 0 && o.rcvbuf > o.rcvbuf_max) {
      return absl::InvalidArgumentError("--rcvbuf is larger than --rcvbuf-max");
    }
  }
  if (o.format == OutputFormat::kPrometheus && !summary) {
    return absl::InvalidArgumentError("-o prometheus goes with -L or --summary only");
  }
  // -o that a command cannot honour is a usage error, never silently ignored.
  const bool line_words = o.out_extended || o.out_id || o.out_ktimestamp || o.out_labels;
  const bool event_words = o.out_timestamp || o.out_userspace;
  const char* report = o.command == Command::kCount    ? "-C"
                       : o.command == Command::kStats  ? "-S"
                       : o.command == Command::kDoctor ? "--doctor"
                       : summary                       ? "--summary"
                                                       : nullptr;
  if (report != nullptr) {
    const bool format_ok = o.format == OutputFormat::kText || o.format == OutputFormat::kJson ||
                           (summary && o.format == OutputFormat::kPrometheus);
    if (!format_ok || line_words || event_words) {
      return absl::InvalidArgumentError(absl::StrCat(
          report, " prints text or -o json", summary ? " or -o prometheus" : "",
          " (the other -o words are for -L and -E)"));
    }
  }
  if ((o.command == Command::kHelp || o.command == Command::kVersion) &&
      (o.format != OutputFormat::kText || line_words || event_words)) {
    return absl::InvalidArgumentError("-h and -V take no -o");
  }
  if (o.command == Command::kList || o.command == Command::kGet) {
    if (event_words) {
      return absl::InvalidArgumentError(absl::StrCat(
          "-o ", o.out_timestamp ? "timestamp" : "userspace",
          " is for -E (events); -L cannot honour it"));
    }
    if (o.format == OutputFormat::kProc && (o.out_id || o.out_ktimestamp || o.out_labels)) {
      return absl::InvalidArgumentError(
          "-o proc prints /proc's line, which has no id, ktimestamp or labels");
    }
  }
  return absl::OkStatus();
}

}  // namespace

OutputStyle OutputStyleOf(const Options& o) {
  OutputStyle style;
  style.line.extended = o.out_extended;
  style.line.show_id = o.out_id;
  style.line.ktimestamp = o.out_ktimestamp;
  style.event_timestamp = o.out_timestamp;
  return style;
}

namespace {

// ---- ParseOptions(): one handler per option, in tables per option group ----------------

// The state of one parse: what the handlers fill in, and getopt's position.
struct Parser {
  int argc;
  char** argv;
  int longindex;  // getopt_long's index of the long option matched, or -1
  Options o;
  bool have_command = false;

  absl::Status SetCommand(Command c) {
    if (have_command) return absl::InvalidArgumentError("Invalid commands combination");
    have_command = true;
    o.command = c;
    return absl::OkStatus();
  }
  // The same, then conntrack's optional table word (-L conntrack, -E expect, ...).
  absl::Status SetCommandWithTable(Command c) {
    CTDUMP_RETURN_IF_ERROR(SetCommand(c));
    if (optind < argc && argv[optind][0] != '-') return ParseTable(argv[optind++]);
    return absl::OkStatus();
  }
};

// `c` is getopt's value for the option (its short letter or a LongOnly code), `arg` its
// argument (optarg).
using Handler = absl::Status (*)(Parser& p, int c, const char* arg);
struct OptionHandler {
  int code;
  Handler handle;
};

// -- Commands: -L -C -S -E -h -V --summary --doctor.
const OptionHandler kCommandOptions[] = {
    {'L', [](Parser& p, int, const char*) { return p.SetCommandWithTable(Command::kList); }},
    {'C', [](Parser& p, int, const char*) { return p.SetCommandWithTable(Command::kCount); }},
    {'S', [](Parser& p, int, const char*) { return p.SetCommand(Command::kStats); }},
    {'E', [](Parser& p, int, const char*) { return p.SetCommandWithTable(Command::kEvents); }},
    {'G', [](Parser& p, int, const char*) { return p.SetCommandWithTable(Command::kGet); }},
    {'h', [](Parser& p, int, const char*) { return p.SetCommand(Command::kHelp); }},
    {'V', [](Parser& p, int, const char*) { return p.SetCommand(Command::kVersion); }},
    {kOptSummary, [](Parser& p, int, const char*) { return p.SetCommand(Command::kSummary); }},
    {kOptDoctor, [](Parser& p, int, const char*) { return p.SetCommand(Command::kDoctor); }},
    {kOptWatch, [](Parser& p, int, const char*) { return p.SetCommand(Command::kWatch); }},
};

// -- Where entries come from: --backend --input --netns, and -v.
absl::Status HandleBackend(Parser& p, int, const char* arg) {
  p.o.backend = arg;
  if (std::strcmp(arg, "auto") != 0 && std::strcmp(arg, "netlink") != 0 &&
      std::strcmp(arg, "procfs") != 0 && std::strncmp(arg, "procfs:", 7) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown backend `", arg, "' (want auto, netlink, procfs or procfs:PATH)"));
  }
  return absl::OkStatus();
}
absl::Status HandleNetns(Parser& p, int, const char* arg) {
  p.o.netns = arg;
  if (*arg == '\0') return absl::InvalidArgumentError("--netns needs a name, path or pid:N");
  return absl::OkStatus();
}
const OptionHandler kSourceOptions[] = {
    {kOptBackend, HandleBackend},
    {kOptInput, [](Parser& p, int, const char* arg) { return p.o.input = arg, absl::OkStatus(); }},
    {kOptNetns, HandleNetns},
    {kOptAllNetns, [](Parser& p, int, const char*) { return p.o.all_netns = true, absl::OkStatus(); }},
    {'v', [](Parser& p, int, const char*) { return p.o.verbose = true, absl::OkStatus(); }},
};

// -- Output: -o, --top, --textfile.
absl::Status HandleTop(Parser& p, int, const char* arg) {
  p.o.top_given = true;
  absl::StatusOr<uint32_t> n = ParseDecimalOption("--top", arg, 10000);
  if (!n.ok()) return n.status();
  p.o.top = *n;
  return absl::OkStatus();
}
absl::Status HandleTextfile(Parser& p, int, const char* arg) {
  p.o.textfile = arg;
  if (*arg == '\0') return absl::InvalidArgumentError("--textfile needs a path");
  return absl::OkStatus();
}
absl::Status HandleBy(Parser& p, int, const char* arg) {
  absl::StatusOr<std::vector<const SummaryKey*>> keys = ParseSummaryKeys(arg);
  if (!keys.ok()) return keys.status();
  p.o.summary_by = *std::move(keys);
  return absl::OkStatus();
}
absl::Status HandleSort(Parser& p, int, const char* arg) {
  p.o.summary_sort_given = true;
  if (!ParseSummarySort(arg, &p.o.summary_sort)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sort: unknown order \"", arg, "\" (entries, packets or bytes)"));
  }
  return absl::OkStatus();
}
const OptionHandler kOutputOptions[] = {
    {'o', [](Parser& p, int, const char* arg) { return ParseOutput(arg, &p.o); }},
    {kOptTop, HandleTop},
    {kOptBy, HandleBy},
    {kOptSort, HandleSort},
    {kOptTextfile, HandleTextfile},
    {kOptBatch, [](Parser& p, int, const char*) { return p.o.watch_batch = true, absl::OkStatus(); }},
    {kOptIterations,
     [](Parser& p, int, const char* arg) {
       absl::StatusOr<uint32_t> n = ParseDecimalOption("--iterations", arg, 1000000000);
       if (!n.ok()) return n.status();
       if (*n == 0) return absl::InvalidArgumentError("--iterations wants 1 or more screens");
       p.o.watch_iterations = *n;
       return absl::OkStatus();
     }},
};

// -- Events (-E): -e, --interval, --rcvbuf (-b), --rcvbuf-max, --resync.
absl::Status HandleEventMask(Parser& p, int, const char* arg) {
  p.o.event_mask_given = true;
  return ParseEventMask(arg, &p.o.event_mask);
}
// -b/--buffer-size (conntrack's spelling: the event socket's buffer), --rcvbuf, --rcvbuf-max.
absl::Status HandleBuffer(Parser& p, int c, const char* arg) {
  const char* name = c == 'b'           ? "-b/--buffer-size"
                     : c == kOptRcvbuf ? "--rcvbuf"
                                       : "--rcvbuf-max";
  uint64_t v = 0;
  if (!absl::SimpleAtoi(arg, &v) || v < 4096 || v > (uint64_t{1} << 30)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " wants bytes from 4096 to 1073741824, got `", arg, "'"));
  }
  (c == kOptRcvbufMax ? p.o.rcvbuf_max : p.o.rcvbuf) = v;
  return absl::OkStatus();
}
const OptionHandler kEventOptions[] = {
    {'e', HandleEventMask},
    {kOptInterval, [](Parser& p, int, const char* arg) { return ParseInterval(arg, &p.o.interval); }},
    {'b', HandleBuffer},
    {kOptRcvbuf, HandleBuffer},
    {kOptRcvbufMax, HandleBuffer},
    {kOptResync, [](Parser& p, int, const char*) { return p.o.resync = true, absl::OkStatus(); }},
    {kOptNoProgname,
     [](Parser& p, int, const char*) { return p.o.no_progname = true, absl::OkStatus(); }},
};

// -- Filters (conntrack's): -s -d -r -q --mask-src/-dst -p -f -m -u -w --orig-zone
// --reply-zone -n -g -j -l -c, and -z (refused).
absl::Status HandleAddr(Parser& p, int c, const char* arg) {
  Filter& f = p.o.filter;
  switch (c) {
    case 's': return SetAddr(&p.o, &f.orig_src, "--src", arg, true);
    case 'd': return SetAddr(&p.o, &f.orig_dst, "--dst", arg, true);
    case 'r': return SetAddr(&p.o, &f.reply_src, "--reply-src", arg, false);
    default: return SetAddr(&p.o, &f.reply_dst, "--reply-dst", arg, false);
  }
}
absl::Status HandleMask(Parser& p, int c, const char* arg) {
  auto& cond = c == kOptMaskSrc ? p.o.filter.orig_src : p.o.filter.orig_dst;
  if (!cond) {
    return absl::InvalidArgumentError(c == kOptMaskSrc ? "Can't use --mask-src without --src"
                                                       : "Can't use --mask-dst without --dst");
  }
  return ApplyMaskOption(arg, &*cond);
}
absl::Status HandleProto(Parser& p, int, const char* arg) {
  absl::StatusOr<uint8_t> proto = ParseProtoOption(arg);
  if (!proto.ok()) return proto.status();
  p.o.filter.l4proto = *proto;
  return absl::OkStatus();
}
absl::Status HandleFamily(Parser& p, int, const char* arg) {
  absl::StatusOr<uint8_t> f = ParseFamilyOption(arg);
  if (!f.ok()) return f.status();
  if (p.o.filter.family && *p.o.filter.family != *f) {
    return absl::InvalidArgumentError("mismatched address family");
  }
  p.o.filter.family = *f;
  return absl::OkStatus();
}
absl::Status HandleZone(Parser& p, int c, const char* arg) {
  Filter& f = p.o.filter;
  switch (c) {
    case 'w': return SetNumber("--zone", arg, 65535, &f.zone);
    case kOptOrigZone: return SetNumber("--orig-zone", arg, 65535, &f.orig_zone);
    default: return SetNumber("--reply-zone", arg, 65535, &f.reply_zone);
  }
}
// -n/-g/-j: the value is optional (OptionalValue()).
absl::Status HandleNat(Parser& p, int c, const char*) {
  Filter& f = p.o.filter;
  if (f.any_nat || (c == 'j' && (f.snat || f.dnat))) {
    return absl::InvalidArgumentError("cannot combine --any-nat with --src-nat or --dst-nat");
  }
  auto& field = c == 'n' ? f.snat : c == 'g' ? f.dnat : f.any_nat;
  const char* value = OptionalValue(p.argc, p.argv);
  if (value == nullptr) {
    field = NatCondition{};
    return absl::OkStatus();
  }
  absl::StatusOr<NatCondition> nat = ParseNatOption(value, &f);
  if (!nat.ok()) return nat.status();
  field = *nat;
  return absl::OkStatus();
}
absl::Status HandleLabel(Parser& p, int, const char* arg) {
  for (absl::string_view name : absl::StrSplit(arg, ',')) p.o.label_filter.emplace_back(name);
  return absl::OkStatus();
}
absl::Status HandleZero(Parser&, int, const char*) {
  return absl::InvalidArgumentError(
      "-z/--zero would reset the kernel's counters; ctdump is read-only and never "
      "changes the table");
}
const OptionHandler kFilterOptions[] = {
    {'s', HandleAddr},
    {'d', HandleAddr},
    {'r', HandleAddr},
    {'q', HandleAddr},
    {kOptMaskSrc, HandleMask},
    {kOptMaskDst, HandleMask},
    {'p', HandleProto},
    {'f', HandleFamily},
    {'m', [](Parser& p, int, const char* arg) { return ParseMarkOption(arg, &p.o.filter); }},
    {'u',
     [](Parser& p, int, const char* arg) {
       return ParseStatusOption(arg, &p.o.filter, &p.o.warnings);
     }},
    {'w', HandleZone},
    {kOptOrigZone, HandleZone},
    {kOptReplyZone, HandleZone},
    {'n', HandleNat},
    {'g', HandleNat},
    {'j', HandleNat},
    {'l', HandleLabel},
    {'c',
     [](Parser& p, int, const char* arg) {
       return SetNumber("--secmark", arg, 0xffffffff, &p.o.filter.secmark);
     }},
    {'z', HandleZero},
};

// -- Protocol options, legal only after -p names a protocol that has them: ports,
// --state, ICMP and ICMPv6 type/code/id, GRE keys.
absl::Status HandlePort(Parser& p, int c, const char* arg) {
  const char* name = p.longindex >= 0 && kLongOptions[p.longindex].val == c
                         ? kLongOptions[p.longindex].name
                         : "sport";
  CTDUMP_RETURN_IF_ERROR(RequireProto(p.o, name, IsPortProto, kPortProtos));
  Filter& f = p.o.filter;
  auto& field = c == kOptSport        ? f.orig_sport
                : c == kOptDport      ? f.orig_dport
                : c == kOptReplySport ? f.reply_sport
                                      : f.reply_dport;
  absl::StatusOr<uint32_t> n = ParseDecimalOption(absl::StrCat("--", name), arg, 65535);
  if (!n.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid port `", arg, "' for --", name,
                                                   " (want a decimal number 0-65535)"));
  }
  field = static_cast<uint16_t>(*n);
  return absl::OkStatus();
}
absl::Status HandleState(Parser& p, int, const char* arg) {
  CTDUMP_RETURN_IF_ERROR(RequireProto(p.o, "state", IsStateProto, "tcp|sctp|dccp"));
  const uint8_t proto = *p.o.filter.l4proto;
  int v = StateValue(proto, arg);
  if (v < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown ", absl::AsciiStrToUpper(ProtoName(proto)), " state `", arg, "'"));
  }
  p.o.filter.state = static_cast<uint8_t>(v);
  return absl::OkStatus();
}
absl::Status HandleIcmp(Parser& p, int c, const char* arg) {
  bool v6 = c >= kOptIcmp6Type;
  int which = (c - (v6 ? kOptIcmp6Type : kOptIcmpType));
  const char* name = v6 ? (which == 0 ? "icmpv6-type" : which == 1 ? "icmpv6-code" : "icmpv6-id")
                        : (which == 0 ? "icmp-type" : which == 1 ? "icmp-code" : "icmp-id");
  CTDUMP_RETURN_IF_ERROR(RequireProto(p.o, name, v6 ? IsIcmp6 : IsIcmp4, v6 ? "icmpv6" : "icmp"));
  std::string opt = absl::StrCat("--", name);
  // conntrack reads these with atoi(): decimal only.
  Filter& f = p.o.filter;
  if (which == 0) return SetDecimal(opt.c_str(), arg, 255, &f.icmp_type);
  if (which == 1) return SetDecimal(opt.c_str(), arg, 255, &f.icmp_code);
  return SetDecimal(opt.c_str(), arg, 65535, &f.icmp_id);
}
absl::Status HandleGreKey(Parser& p, int c, const char* arg) {
  CTDUMP_RETURN_IF_ERROR(RequireProto(p.o, "srckey", IsGre, "gre"));
  Filter& f = p.o.filter;
  auto& field = c == kOptSrcKey        ? f.orig_srckey
                : c == kOptDstKey      ? f.orig_dstkey
                : c == kOptReplySrcKey ? f.reply_srckey
                                       : f.reply_dstkey;
  return SetNumber("GRE key", arg, 65535, &field);
}
const OptionHandler kProtocolOptions[] = {
    {kOptSport, HandlePort},          {kOptDport, HandlePort},
    {kOptReplySport, HandlePort},     {kOptReplyDport, HandlePort},
    {kOptState, HandleState},         {kOptIcmpType, HandleIcmp},
    {kOptIcmpCode, HandleIcmp},       {kOptIcmpId, HandleIcmp},
    {kOptIcmp6Type, HandleIcmp},      {kOptIcmp6Code, HandleIcmp},
    {kOptIcmp6Id, HandleIcmp},        {kOptSrcKey, HandleGreKey},
    {kOptDstKey, HandleGreKey},       {kOptReplySrcKey, HandleGreKey},
    {kOptReplyDstKey, HandleGreKey},
};

// The options `conntrack -G` refuses, in conntrack's order of options (its "Illegal
// option" error names the first in that order).
struct GetRefused {
  int code;
  const char* name;
};
constexpr GetRefused kGetRefused[] = {
    {'u', "--status"},       {kOptMaskSrc, "--mask-src"}, {kOptMaskDst, "--mask-dst"},
    {'m', "--mark"},         {'f', "--family"},           {'n', "--src-nat"},
    {'g', "--dst-nat"},      {'c', "--secmark"},          {'j', "--any-nat"},
    {'w', "--zone"},         {kOptOrigZone, "--orig-zone"}, {kOptReplyZone, "--reply-zone"},
};
void NoteGetRefused(int c, Options* o) {
  int rank_now = -1, rank_c = -1;
  for (int i = 0; i < static_cast<int>(sizeof kGetRefused / sizeof kGetRefused[0]); ++i) {
    if (kGetRefused[i].name == o->get_refused) rank_now = i;
    if (kGetRefused[i].code == c) rank_c = i;
  }
  if (rank_c >= 0 && (rank_now < 0 || rank_c < rank_now)) o->get_refused = kGetRefused[rank_c].name;
}

// The handler of getopt's value `c`; nullptr for an unknown option.
Handler FindHandler(int c) {
  for (absl::Span<const OptionHandler> group :
       {absl::MakeConstSpan(kCommandOptions), absl::MakeConstSpan(kSourceOptions),
        absl::MakeConstSpan(kOutputOptions), absl::MakeConstSpan(kEventOptions),
        absl::MakeConstSpan(kFilterOptions), absl::MakeConstSpan(kProtocolOptions)}) {
    for (const OptionHandler& h : group) {
      if (h.code == c) return h.handle;
    }
  }
  return nullptr;
}

bool IsExact(const std::optional<AddrCondition>& c) {
  if (!c) return true;
  const size_t n = c->family == kFamilyIPv4 ? 4 : 16;
  for (size_t i = 0; i < n; ++i) {
    if (c->mask[i] != 0xff) return false;
  }
  return true;
}

// -G: what `conntrack -G` (1.4.7) requires, checked in its order (the protocol, then the
// refused options, the addresses, the protocol's fields), with its words.
absl::Status ValidateGet(const Options& o) {
  if (!o.filter.l4proto) {
    return absl::InvalidArgumentError("You need to supply the `--protonum' option for this command");
  }
  std::string refused = o.get_refused;
  if (refused.empty() || refused != "--status") {
    if (!IsExact(o.filter.orig_src)) refused = "--mask-src";
    else if (!IsExact(o.filter.orig_dst) && (refused.empty() || refused != "--mask-src"))
      refused = "--mask-dst";
  }
  if (!refused.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("Illegal option `", refused, "' with this command"));
  }
  if (o.all_netns) return absl::InvalidArgumentError("-G looks in one namespace: use --netns NS, not --all-netns");
  const Filter& f = o.filter;
  const bool orig_any = f.orig_src || f.orig_dst;
  const bool reply_any = f.reply_src || f.reply_dst;
  if ((orig_any && !(f.orig_src && f.orig_dst)) || (!orig_any && !reply_any)) {
    return absl::InvalidArgumentError("you have to specify `--src' and `--dst'");
  }
  if (reply_any && !(f.reply_src && f.reply_dst)) {
    return absl::InvalidArgumentError("you have to specify `--reply-src' and `--reply-dst'");
  }
  const uint8_t proto = *f.l4proto;
  if (ProtoHasPorts(proto) && !(f.orig_sport && f.orig_dport) &&
      !(f.reply_sport && f.reply_dport)) {
    return absl::InvalidArgumentError("you have to specify `--sport' and `--dport'");
  }
  if (proto == kProtoGRE && !(f.orig_srckey && f.orig_dstkey) &&
      !(f.reply_srckey && f.reply_dstkey)) {
    return absl::InvalidArgumentError("you have to specify `--srckey' and `--dstkey'");
  }
  if (proto == kProtoICMP || proto == kProtoICMPv6) {
    const char* v = proto == kProtoICMP ? "icmp" : "icmpv6";
    const char* missing = !f.icmp_type ? "type" : !f.icmp_code ? "code" : !f.icmp_id ? "id" : nullptr;
    if (missing != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("You need to supply the `--", v, "-",
                                                     missing, "' option for this command"));
    }
  }
  return absl::OkStatus();
}

// --all-netns: which commands and outputs can mark each namespace.
absl::Status ValidateAllNetns(const Options& o) {
  if (!o.netns.empty()) {
    return absl::InvalidArgumentError(
        "--all-netns and --netns cannot be combined (--netns names one namespace)");
  }
  if (!o.input.empty()) {
    return absl::InvalidArgumentError(
        "--all-netns lists the running host's namespaces; --input (a saved file) has none");
  }
  if (o.command != Command::kList && o.command != Command::kCount &&
      o.command != Command::kSummary && o.command != Command::kWatch) {
    return absl::InvalidArgumentError(
        "--all-netns goes with -L, -C, --summary, -o prometheus and --watch");
  }
  if (o.command == Command::kList && o.format != OutputFormat::kText &&
      o.format != OutputFormat::kJson) {
    return absl::InvalidArgumentError(
        "--all-netns marks every entry's namespace: use the default output or -o json "
        "(-o xml and -o proc have no place for it)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Parser p{argc, argv, -1, Options{}};
  optind = 0;  // full reset of getopt state (GNU), so tests can parse repeatedly
  opterr = 0;
  for (;;) {
    p.longindex = -1;
    int c = getopt_long(argc, argv, ":LCSGEe:o:vhVs:d:r:q:p:f:m:u:w:n::g::j::l:c:zb:", kLongOptions,
                        &p.longindex);
    if (c == -1) break;
    if (c == ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("option `", argv[optind - 1], "' requires an argument"));
    }
    const Handler handle = FindHandler(c);
    if (handle == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option `", argv[optind - 1], "'"));
    }
    CTDUMP_RETURN_IF_ERROR(handle(p, c, optarg));
    NoteGetRefused(c, &p.o);
  }
  if (optind < argc) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument `", argv[optind], "'"));
  }
  ApplyImplications(p.o);
  CTDUMP_RETURN_IF_ERROR(Validate(p.o));
  return std::move(p.o);
}

absl::Status Validate(const Options& o) {
  CTDUMP_RETURN_IF_ERROR(Validate(o.filter));
  CTDUMP_RETURN_IF_ERROR(ValidateCommand(o));
  if ((o.command == Command::kCount || o.command == Command::kStats) &&
      (!o.filter.empty() || !o.label_filter.empty() || !o.input.empty())) {
    return absl::InvalidArgumentError(
        "-C and -S take no filters and no --input: they report the whole table (filter "
        "with -L and count the lines instead)");
  }
  if (!o.input.empty() && !o.netns.empty()) {
    return absl::InvalidArgumentError("--input and --netns cannot be combined");
  }
  if (!o.input.empty() && o.backend != "auto") {
    return absl::InvalidArgumentError("--input and --backend cannot be combined");
  }
  if (o.command == Command::kGet) CTDUMP_RETURN_IF_ERROR(ValidateGet(o));
  if (o.all_netns) CTDUMP_RETURN_IF_ERROR(ValidateAllNetns(o));
  return absl::OkStatus();
}

}  // namespace ctdump
