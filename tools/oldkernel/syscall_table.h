// File: tools/oldkernel/syscall_table.h
//
// Facts about upstream Linux on x86-64 that the old-kernel harness simulates, each with
// the release it first appeared in and where that fact comes from (syscall_table.cc):
//
//   * Syscalls(): every x86-64 system call number 0..336 and 424..469 (the native 64-bit
//     ABI, not x32 or i386) with the first upstream release whose x86-64 kernel
//     implements it. Calls present since 2.6.0 or earlier carry 2.6.0.
//   * SocketOptions(): socket options at SOL_SOCKET and SOL_NETLINK that a kernel older
//     than their release refuses with ENOPROTOOPT.
//   * kSockTypeFlagsSince: SOCK_CLOEXEC / SOCK_NONBLOCK in socket(2)'s and
//     socketpair(2)'s `type` (2.6.27; EINVAL before).
//   * kFcntlDupfdCloexecSince: fcntl(F_DUPFD_CLOEXEC) (2.6.24; EINVAL before).
//
// Limits: upstream releases only (distro kernels backport calls: RHEL 6's 2.6.32 has
// some later ones), and a call's existence only: a flag an old kernel silently ignored
// (O_CLOEXEC before 2.6.23) cannot be simulated by refusing it. The table is checked
// for 2.6.16 and later; finer history before that is not claimed.
//
// Pure data; no seccomp here (see filter_plan.h and seccomp_filter.h).

#ifndef CTDUMP_TOOLS_OLDKERNEL_SYSCALL_TABLE_H_
#define CTDUMP_TOOLS_OLDKERNEL_SYSCALL_TABLE_H_

#include "absl/types/span.h"
#include "tools/oldkernel/kernel_version.h"

namespace oldkernel {

struct SyscallInfo {
  const char* name;      // strace's and the kernel's name, e.g. "newfstatat"
  int nr;                // x86-64 number, __NR_name
  KernelVersion since;   // first upstream release with the call on x86-64
  const char* source;    // where `since` comes from, e.g. "setns(2) VERSIONS"
};

struct SockoptInfo {
  int level;             // SOL_SOCKET (1) or SOL_NETLINK (270)
  const char* level_name;
  int optname;
  const char* name;      // e.g. "SO_MEMINFO"
  KernelVersion since;
  const char* source;
};

// Grouped by release as in syscall_table.cc (not sorted); names and numbers are unique.
absl::Span<const SyscallInfo> Syscalls();

// The entry named `name`, or nullptr.
const SyscallInfo* FindSyscall(const char* name);

// Ordered by (level, optname).
absl::Span<const SockoptInfo> SocketOptions();

// socket(2) man page, VERSIONS/NOTES: "Since Linux 2.6.27, the type argument serves a
// second purpose": SOCK_NONBLOCK and SOCK_CLOEXEC; older kernels refuse them (EINVAL).
inline constexpr KernelVersion kSockTypeFlagsSince{2, 6, 27};
// fcntl(2): "F_DUPFD_CLOEXEC (int; since Linux 2.6.24)"; older kernels: EINVAL.
inline constexpr KernelVersion kFcntlDupfdCloexecSince{2, 6, 24};
// The oldest release the table is checked for (see the header comment).
inline constexpr KernelVersion kTableFloor{2, 6, 16};

}  // namespace oldkernel

#endif  // CTDUMP_TOOLS_OLDKERNEL_SYSCALL_TABLE_H_
