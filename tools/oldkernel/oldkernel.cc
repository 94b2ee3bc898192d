// File: tools/oldkernel/oldkernel.cc
//
// oldkernel: runs a command as if on an older upstream Linux kernel, by a seccomp
// filter that answers the way that kernel would (tools/oldkernel/README.md).
//
//   oldkernel --kernel VERSION [--no-ctnetlink] [-v] -- COMMAND [ARGS...]
//   oldkernel --kernel VERSION [--no-ctnetlink] --list-denied
//   oldkernel --list-profiles
//   oldkernel --list-syscalls
//
// Example: does ctdump fall back to /proc on CentOS 6 without ctnetlink?
//
//   oldkernel --kernel 2.6.32 --no-ctnetlink -- ctdump -L -v
//
// Contract (VERSION is MAJOR.MINOR[.PATCH], any upstream release):
//   * Every x86-64 system call added after VERSION fails with ENOSYS without running
//     (table and sources: syscall_table.cc). Calls added up to VERSION run on the host.
//   * Arguments that VERSION did not know fail as it failed them: SOCK_CLOEXEC or
//     SOCK_NONBLOCK in socket(2)/socketpair(2)'s type before 2.6.27 (EINVAL),
//     fcntl(F_DUPFD_CLOEXEC) before 2.6.24 (EINVAL), and newer socket options of
//     SOL_SOCKET and SOL_NETLINK in setsockopt(2)/getsockopt(2) (ENOPROTOOPT).
//   * --no-ctnetlink: socket(AF_NETLINK, any, NETLINK_NETFILTER) fails with
//     EPROTONOSUPPORT, as on a kernel built without nfnetlink.
//   * For a 2.x VERSION, personality(UNAME26): `uname -r` says 2.6.N.
//   * PR_SET_NO_NEW_PRIVS is set before the filter is loaded (so no root is needed, and
//     setuid programs under it do not gain privileges). The filter and the personality
//     are inherited by every child, then COMMAND is run with execvp(3).
//   * -v prints the profile's summary on stderr before running COMMAND.
//   * --list-denied prints one line per rule (ERRNO, call, what, since, source);
//     --list-syscalls every call of the table (NAME, NUMBER, SINCE; tab-separated);
//     --list-profiles the named profiles the fleet tests use and their distributions.
// Limits: upstream only (distro kernels backport calls and flags: RHEL 6's 2.6.32 has
// later ones); calls that exist on VERSION behave as on the host, except the listed
// arguments; only uname(2) changes for 2.6, not /proc/sys/kernel/osrelease; the host's
// /proc, netlink attributes and sysctls are the host's. Only the x86-64 ABI is filtered.
// Exit status: COMMAND's own; 2 usage error; 1 when the personality, NO_NEW_PRIVS or the
// filter cannot be set; 127 when COMMAND cannot be executed. Messages name what failed.

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/oldkernel/filter_plan.h"
#include "tools/oldkernel/kernel_version.h"
#include "tools/oldkernel/seccomp_filter.h"
#include "tools/oldkernel/syscall_table.h"

namespace oldkernel {
namespace {

constexpr char kUsage[] =
    "usage: oldkernel --kernel VERSION [--no-ctnetlink] [-v] -- COMMAND [ARGS...]\n"
    "       oldkernel --kernel VERSION [--no-ctnetlink] --list-denied\n"
    "       oldkernel --list-profiles | --list-syscalls\n"
    "Runs COMMAND under a seccomp filter that answers like upstream Linux VERSION\n"
    "(MAJOR.MINOR[.PATCH]): newer system calls fail with ENOSYS, newer socket flags and\n"
    "options with EINVAL/ENOPROTOOPT; --no-ctnetlink makes NETLINK_NETFILTER sockets fail\n"
    "with EPROTONOSUPPORT. See tools/oldkernel/README.md.\n";

enum class Mode { kRun, kListDenied, kListProfiles, kListSyscalls };

struct Options {
  Mode mode = Mode::kRun;
  bool have_kernel = false;
  Profile profile;
  bool verbose = false;
  std::vector<char*> command;  // null-terminated when run
};

int Usage(const std::string& message) {
  fprintf(stderr, "oldkernel: %s\n%s", message.c_str(), kUsage);
  return 2;
}

const char* ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "E?";
}

std::string Distro(const KernelVersion& v) {
  for (const NamedProfile& p : NamedProfiles()) {
    if (p.version == v) return p.distro;
  }
  return "";
}

// Parses argv; returns 0 to go on, or the exit status (2 usage, 0 after --help).
int ParseArgs(int argc, char** argv, Options* opts) {
  enum { kKernel = 1000, kNoCtnetlink, kListDenied, kListProfiles, kListSyscalls };
  static const option kLong[] = {
      {"kernel", required_argument, nullptr, kKernel},
      {"no-ctnetlink", no_argument, nullptr, kNoCtnetlink},
      {"list-denied", no_argument, nullptr, kListDenied},
      {"list-profiles", no_argument, nullptr, kListProfiles},
      {"list-syscalls", no_argument, nullptr, kListSyscalls},
      {"verbose", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0},
  };
  int modes = 0;
  opterr = 0;
  int c;
  // '+': stop at the first non-option, so COMMAND's own options stay its own.
  while ((c = getopt_long(argc, argv, "+vh", kLong, nullptr)) != -1) {
    switch (c) {
      case kKernel: {
        absl::StatusOr<KernelVersion> v = KernelVersion::Parse(optarg);
        if (!v.ok()) return Usage(std::string(v.status().message()));
        opts->profile.version = *v;
        opts->have_kernel = true;
        break;
      }
      case kNoCtnetlink: opts->profile.no_ctnetlink = true; break;
      case kListDenied: opts->mode = Mode::kListDenied; ++modes; break;
      case kListProfiles: opts->mode = Mode::kListProfiles; ++modes; break;
      case kListSyscalls: opts->mode = Mode::kListSyscalls; ++modes; break;
      case 'v': opts->verbose = true; break;
      case 'h': fputs(kUsage, stdout); return -1;
      default:
        return Usage(absl::StrCat("unknown option or missing value: `",
                                  argv[optind - 1], "'"));
    }
  }
  if (modes > 1) return Usage("give one of --list-denied, --list-profiles, --list-syscalls");
  bool has_command = optind < argc;
  switch (opts->mode) {
    case Mode::kListProfiles:
    case Mode::kListSyscalls:
      if (opts->have_kernel || opts->profile.no_ctnetlink || has_command) {
        return Usage("--list-profiles and --list-syscalls take no other arguments");
      }
      return 0;
    case Mode::kListDenied:
      if (!opts->have_kernel) return Usage("--list-denied needs --kernel VERSION");
      if (has_command) return Usage("--list-denied takes no command");
      return 0;
    case Mode::kRun:
      if (!opts->have_kernel) return Usage("--kernel VERSION is required");
      if (!has_command) return Usage("no command given (put it after --)");
      opts->command.assign(argv + optind, argv + argc);
      opts->command.push_back(nullptr);
      return 0;
  }
  return 0;
}

void ListProfiles() {
  for (const NamedProfile& p : NamedProfiles()) {
    printf("%s\t%s\n", p.version.ToString().c_str(), p.distro);
  }
}

void ListSyscalls() {
  std::vector<const SyscallInfo*> rows;
  for (const SyscallInfo& s : Syscalls()) rows.push_back(&s);
  std::sort(rows.begin(), rows.end(),
            [](const SyscallInfo* a, const SyscallInfo* b) { return a->nr < b->nr; });
  for (const SyscallInfo* s : rows) {
    printf("%s\t%d\t%s\n", s->name, s->nr, s->since.ToString().c_str());
  }
}

void ListDenied(const Options& opts, const Plan& plan) {
  for (const Rule& r : plan.rules) {
    printf("%s\t%s\t%s\t%s\t%s\n", ErrnoName(r.err), r.syscall.c_str(),
           r.what.empty() ? "(every call)" : r.what.c_str(),
           opts.profile.no_ctnetlink && r.err == EPROTONOSUPPORT
               ? "-"
               : absl::StrCat("since ", r.since.ToString()).c_str(),
           r.source.c_str());
  }
  if (plan.uname26) {
    printf("personality\tUNAME26\tuname(2) reports 2.6.N\t-\tpersonality(2)\n");
  }
}

void Summarize(const Options& opts, const Plan& plan) {
  int enosys = 0, other = 0;
  for (const Rule& r : plan.rules) (r.err == ENOSYS && r.args.empty() ? enosys : other)++;
  std::string distro = Distro(opts.profile.version);
  fprintf(stderr,
          "oldkernel: Linux %s%s%s%s: %d system calls answer ENOSYS, %d argument rules "
          "(--list-denied shows them)%s; running %s\n",
          opts.profile.version.ToString().c_str(), distro.empty() ? "" : " (",
          distro.c_str(), distro.empty() ? "" : ")", enosys, other,
          plan.uname26 ? ", uname says 2.6" : "", opts.command[0]);
  if (opts.profile.version < kTableFloor) {
    fprintf(stderr, "oldkernel: warning: the table is checked from %s on; older history "
            "is approximate\n", kTableFloor.ToString().c_str());
  }
}

int Run(const Options& opts, const Plan& plan) {
  if (opts.verbose) Summarize(opts, plan);
  if (plan.uname26) {
    int current = personality(0xffffffff);
    if (current == -1 || personality(static_cast<unsigned long>(current) | UNAME26) == -1) {
      fprintf(stderr, "oldkernel: personality(UNAME26) failed: %s\n", strerror(errno));
      return 1;
    }
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fprintf(stderr, "oldkernel: prctl(PR_SET_NO_NEW_PRIVS) failed: %s\n", strerror(errno));
    return 1;
  }
  absl::Status loaded = LoadSeccompFilter(plan);
  if (!loaded.ok()) {
    fprintf(stderr, "oldkernel: cannot load the seccomp filter: %s\n",
            std::string(loaded.message()).c_str());
    return 1;
  }
  execvp(opts.command[0], opts.command.data());
  fprintf(stderr, "oldkernel: cannot run `%s': %s\n", opts.command[0], strerror(errno));
  return 127;
}

}  // namespace
}  // namespace oldkernel

int main(int argc, char** argv) {
  oldkernel::Options opts;
  int rc = oldkernel::ParseArgs(argc, argv, &opts);
  if (rc == -1) return 0;
  if (rc != 0) return rc;
  switch (opts.mode) {
    case oldkernel::Mode::kListProfiles:
      oldkernel::ListProfiles();
      return 0;
    case oldkernel::Mode::kListSyscalls:
      oldkernel::ListSyscalls();
      return 0;
    case oldkernel::Mode::kListDenied:
      oldkernel::ListDenied(opts, oldkernel::BuildPlan(opts.profile));
      return 0;
    case oldkernel::Mode::kRun:
      break;
  }
  return oldkernel::Run(opts, oldkernel::BuildPlan(opts.profile));
}
