// File: tools/oldkernel/filter_plan.h
//
// What a simulated kernel refuses, as plain data: the rules a seccomp filter needs to
// answer like upstream Linux VERSION would (syscall_table.h has the facts). Pure; the
// seccomp side is seccomp_filter.h, so the version logic is tested without a filter.
//
//   Plan plan = BuildPlan(Profile{*KernelVersion::Parse("2.6.32"), /*no_ctnetlink=*/true});
//   for (const Rule& r : plan.rules) ...   // setns -> ENOSYS, SOCK_CLOEXEC -> EINVAL, ...
//
// The rules (each also in --list-denied):
//   * every x86-64 system call added after VERSION: ENOSYS, whatever the arguments;
//   * VERSION < 2.6.27: socket(2)/socketpair(2) with SOCK_CLOEXEC or SOCK_NONBLOCK in
//     `type`: EINVAL;
//   * VERSION < 2.6.24: fcntl(fd, F_DUPFD_CLOEXEC, ...): EINVAL;
//   * setsockopt(2)/getsockopt(2) of an option in SocketOptions() newer than VERSION:
//     ENOPROTOOPT;
//   * no_ctnetlink: socket(AF_NETLINK, any type, NETLINK_NETFILTER): EPROTONOSUPPORT
//     (a kernel built without nfnetlink). Before 2.6.27 only for a type without the
//     flags, which EINVAL answers first, as a kernel would (the rules never overlap, so
//     their order in the filter does not matter).
//   * uname26 for every 2.x VERSION: personality(UNAME26), so uname(2) reports
//     "2.6.(60 + the host's minor)".
// Every argument check compares the low 32 bits only (the arguments are C ints, and the
// x86-64 ABI leaves a register's upper half unspecified).

#ifndef CTDUMP_TOOLS_OLDKERNEL_FILTER_PLAN_H_
#define CTDUMP_TOOLS_OLDKERNEL_FILTER_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "tools/oldkernel/kernel_version.h"

namespace oldkernel {

struct Profile {
  KernelVersion version;
  bool no_ctnetlink = false;
};

// Argument `arg` (0..5) matches when (value_of_arg & mask) == value, on 32 bits.
struct ArgCheck {
  int arg;
  uint32_t mask;
  uint32_t value;
};

struct Rule {
  int nr;                        // x86-64 system call number
  std::string syscall;           // its name
  int err;                       // errno the call fails with (the call is not made)
  std::vector<ArgCheck> args;    // all must match; empty: every call
  std::string what;              // e.g. "SOL_SOCKET/SO_MEMINFO (55)", "" for a whole call
  KernelVersion since;           // the release that lifted it (not for no_ctnetlink)
  std::string source;            // where `since` comes from
};

struct Plan {
  std::vector<Rule> rules;
  bool uname26 = false;
};

Plan BuildPlan(const Profile& profile);

// The profiles the fleet tests use: a version and the distribution it stands for.
struct NamedProfile {
  KernelVersion version;
  const char* distro;
};
absl::Span<const NamedProfile> NamedProfiles();

}  // namespace oldkernel

#endif  // CTDUMP_TOOLS_OLDKERNEL_FILTER_PLAN_H_
