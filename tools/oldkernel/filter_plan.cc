#include "tools/oldkernel/filter_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "tools/oldkernel/syscall_table.h"

namespace oldkernel {
namespace {

constexpr uint32_t kWholeInt = 0xffffffffu;
constexpr int kNetlinkNetfilter = 12;  // NETLINK_NETFILTER, <linux/netlink.h>

constexpr NamedProfile kNamedProfiles[] = {
    {{2, 6, 32}, "CentOS 6"},     {{3, 10, 0}, "CentOS 7"},     {{4, 4, 0}, "Ubuntu 16.04"},
    {{4, 15, 0}, "Ubuntu 18.04"}, {{4, 18, 0}, "RHEL 8"},       {{5, 4, 0}, "Ubuntu 20.04"},
    {{5, 14, 0}, "RHEL 9"},       {{5, 15, 0}, "Ubuntu 22.04"}, {{6, 8, 0}, "Ubuntu 24.04"},
};

// True when `name` is refused whole by `plan` (then argument rules for it are moot).
bool Denied(const Plan& plan, const char* name) {
  for (const Rule& r : plan.rules) {
    if (r.args.empty() && r.syscall == name) return true;
  }
  return false;
}

int Nr(const char* name) { return FindSyscall(name)->nr; }

}  // namespace

Plan BuildPlan(const Profile& profile) {
  const KernelVersion& v = profile.version;
  Plan plan;
  plan.uname26 = v.major == 2;

  for (const SyscallInfo& s : Syscalls()) {
    if (s.since > v) plan.rules.push_back({s.nr, s.name, ENOSYS, {}, "", s.since, s.source});
  }

  if (v < kSockTypeFlagsSince) {
    const char* source = "socket(2): the type flags came in Linux 2.6.27 (EINVAL before)";
    for (const char* call : {"socket", "socketpair"}) {
      if (Denied(plan, call)) continue;
      plan.rules.push_back({Nr(call), call, EINVAL, {{1, SOCK_CLOEXEC, SOCK_CLOEXEC}},
                            "type & SOCK_CLOEXEC", kSockTypeFlagsSince, source});
      plan.rules.push_back({Nr(call), call, EINVAL, {{1, SOCK_NONBLOCK, SOCK_NONBLOCK}},
                            "type & SOCK_NONBLOCK", kSockTypeFlagsSince, source});
    }
  }
  if (v < kFcntlDupfdCloexecSince) {
    plan.rules.push_back({Nr("fcntl"), "fcntl", EINVAL,
                          {{1, kWholeInt, static_cast<uint32_t>(F_DUPFD_CLOEXEC)}},
                          "cmd F_DUPFD_CLOEXEC", kFcntlDupfdCloexecSince,
                          "fcntl(2): F_DUPFD_CLOEXEC since Linux 2.6.24"});
  }
  for (const SockoptInfo& o : SocketOptions()) {
    if (o.since <= v) continue;
    for (const char* call : {"setsockopt", "getsockopt"}) {
      plan.rules.push_back(
          {Nr(call), call, ENOPROTOOPT,
           {{1, kWholeInt, static_cast<uint32_t>(o.level)},
            {2, kWholeInt, static_cast<uint32_t>(o.optname)}},
           absl::StrCat(o.level_name, "/", o.name, " (", o.optname, ")"), o.since, o.source});
    }
  }
  if (profile.no_ctnetlink) {
    Rule r{Nr("socket"), "socket", EPROTONOSUPPORT,
           {{0, kWholeInt, AF_NETLINK}, {2, kWholeInt, kNetlinkNetfilter}},
           "AF_NETLINK/NETLINK_NETFILTER (--no-ctnetlink)", v,
           "--no-ctnetlink: a kernel built without nfnetlink"};
    if (v < kSockTypeFlagsSince) {
      r.args.push_back({1, SOCK_CLOEXEC | SOCK_NONBLOCK, 0});
      r.what += " without type flags";
    }
    plan.rules.push_back(std::move(r));
  }
  return plan;
}

absl::Span<const NamedProfile> NamedProfiles() { return kNamedProfiles; }

}  // namespace oldkernel
