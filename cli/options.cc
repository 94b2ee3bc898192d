#include "cli/options.h"

#include <getopt.h>
#include <strings.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctdump {
namespace {

enum LongOnly {
  kOptBackend = 1000,
  kOptInput,
};

const struct option kLongOptions[] = {
    {"dump", no_argument, nullptr, 'L'},
    {"output", required_argument, nullptr, 'o'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {"backend", required_argument, nullptr, kOptBackend},
    {"input", required_argument, nullptr, kOptInput},
    {nullptr, 0, nullptr, 0},
};

// conntrack's -o words in its matching order; a word matches as a case-insensitive prefix.
constexpr const char* kOutputWords[] = {"xml",        "extended", "timestamp", "id",
                                        "ktimestamp", "labels",   "userspace", "save"};

absl::Status ParseOutput(const char* arg, Options* o) {
  for (absl::string_view word : absl::StrSplit(arg, ',')) {
    const char* match = nullptr;
    for (const char* w : kOutputWords) {
      if (!word.empty() && word.size() <= std::strlen(w) &&
          strncasecmp(std::string(word).c_str(), w, word.size()) == 0) {
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
    } else if (m == "timestamp" || m == "userspace") {
      // Accepted like conntrack; neither changes a -L listing.
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("output format `", m, "' is not supported yet"));
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

}  // namespace

const char* UsageText() {
  return "Usage: ctdump [-L [conntrack]] [options]\n"
         "List the Linux connection-tracking table, like `conntrack -L', read-only.\n"
         "\n"
         "Commands:\n"
         "  -L, --dump              list the table (default)\n"
         "  -h, --help              show this help\n"
         "  -V, --version           show the version\n"
         "\n"
         "Options:\n"
         "  -o, --output WORD,...   extended, id, ktimestamp, labels (conntrack's words)\n"
         "      --backend NAME      auto (default: netlink, then /proc/net/nf_conntrack,\n"
         "                          then /proc/net/ip_conntrack), netlink, procfs,\n"
         "                          or procfs:PATH\n"
         "      --input FILE        list a saved copy of /proc/net/nf_conntrack or\n"
         "                          /proc/net/ip_conntrack (- for stdin)\n"
         "  -v, --verbose           say on stderr which backend was used and why\n"
         "\n"
         "Exit status: 0 success (also when nothing matched), 1 runtime error,\n"
         "2 usage error.\n";
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Options o;
  bool have_command = false;
  auto set_command = [&](Command c) -> absl::Status {
    if (have_command && o.command != c) {
      return absl::InvalidArgumentError("Invalid commands combination");
    }
    have_command = true;
    o.command = c;
    return absl::OkStatus();
  };
  optind = 0;  // full reset of getopt state (GNU), so tests can parse repeatedly
  opterr = 0;
  for (;;) {
    int longindex = 0;
    int c = getopt_long(argc, argv, ":Lo:vhV", kLongOptions, &longindex);
    if (c == -1) break;
    absl::Status s;
    switch (c) {
      case 'L':
        s = set_command(Command::kList);
        if (s.ok() && optind < argc && argv[optind][0] != '-') s = ParseTable(argv[optind++]);
        break;
      case 'h':
        s = set_command(Command::kHelp);
        break;
      case 'V':
        s = set_command(Command::kVersion);
        break;
      case 'o':
        s = ParseOutput(optarg, &o);
        break;
      case 'v':
        o.verbose = true;
        break;
      case kOptBackend:
        if (std::strcmp(optarg, "auto") != 0 && std::strcmp(optarg, "netlink") != 0 &&
            std::strcmp(optarg, "procfs") != 0 && std::strncmp(optarg, "procfs:", 7) != 0) {
          s = absl::InvalidArgumentError(absl::StrCat(
              "unknown backend `", optarg, "' (want auto, netlink, procfs or procfs:PATH)"));
        }
        o.backend = optarg;
        break;
      case kOptInput:
        o.input = optarg;
        break;
      case ':':
        s = absl::InvalidArgumentError(
            absl::StrCat("option `", argv[optind - 1], "' requires an argument"));
        break;
      default:
        s = absl::InvalidArgumentError(absl::StrCat("unknown option `", argv[optind - 1], "'"));
        break;
    }
    if (!s.ok()) return s;
  }
  if (optind < argc) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument `", argv[optind], "'"));
  }
  if (!o.input.empty() && o.backend != "auto") {
    return absl::InvalidArgumentError("--input and --backend cannot be combined");
  }
  return o;
}

}  // namespace ctdump
