// Pure checks of the harness's facts and version logic (no seccomp, no root):
// KernelVersion parsing and order, the syscall table's shape and its numbers against
// the installed <asm/unistd_64.h>, the releases of the calls ctdump's platform cares
// about, and what BuildPlan() refuses for several profiles.

#include <asm/unistd_64.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/oldkernel/filter_plan.h"
#include "tools/oldkernel/kernel_version.h"
#include "tools/oldkernel/syscall_table.h"

namespace oldkernel {
namespace {

KernelVersion V(const char* text) {
  absl::StatusOr<KernelVersion> v = KernelVersion::Parse(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status();
  return v.ok() ? *v : KernelVersion{};
}

TEST(KernelVersionTest, ParsesTwoOrThreeNumbers) {
  EXPECT_EQ(V("2.6.32"), (KernelVersion{2, 6, 32}));
  EXPECT_EQ(V("3.10"), (KernelVersion{3, 10, 0}));
  EXPECT_EQ(V("6.8.0"), (KernelVersion{6, 8, 0}));
  for (const char* bad : {"", "4", "3.", ".3", "3.10.0-1160.el7", "3.10.0.1", "a.b", "1.2",
                          "3.1000", "-3.1", "3 .10"}) {
    EXPECT_FALSE(KernelVersion::Parse(bad).ok()) << bad;
  }
}

TEST(KernelVersionTest, OrdersNumerically) {
  EXPECT_LT(V("2.6.27"), V("2.6.32"));
  EXPECT_LT(V("2.6.39"), V("3.0"));
  EXPECT_LT(V("3.2"), V("3.10"));
  EXPECT_LT(V("4.4"), V("4.15"));
  EXPECT_LT(V("5.4"), V("5.4.1"));
  EXPECT_LE(V("3.0"), V("3.0.0"));
  EXPECT_GT(V("6.8"), V("5.15"));
}

TEST(KernelVersionTest, PrintsLikeReleases) {
  EXPECT_EQ(V("2.6.32").ToString(), "2.6.32");
  EXPECT_EQ((KernelVersion{2, 6, 0}).ToString(), "2.6.0");
  EXPECT_EQ(V("3.10").ToString(), "3.10");
  EXPECT_EQ(V("5.4.1").ToString(), "5.4.1");
}

TEST(SyscallTableTest, EveryNumberOnceWithASource) {
  std::set<int> numbers;
  std::set<std::string> names;
  for (const SyscallInfo& s : Syscalls()) {
    EXPECT_TRUE(numbers.insert(s.nr).second) << "number twice: " << s.nr;
    EXPECT_TRUE(names.insert(s.name).second) << "name twice: " << s.name;
    EXPECT_NE(std::string(s.source), "") << s.name;
    EXPECT_GE(s.since, (KernelVersion{2, 6, 0})) << s.name;
    EXPECT_LE(s.since, (KernelVersion{6, 18, 0})) << s.name;
    EXPECT_EQ(FindSyscall(s.name), &s);
  }
  // The whole x86-64 table: 0..336 and the shared numbers 424..469.
  for (int nr = 0; nr <= 336; ++nr) EXPECT_EQ(numbers.count(nr), 1u) << nr;
  for (int nr = 424; nr <= 469; ++nr) EXPECT_EQ(numbers.count(nr), 1u) << nr;
  EXPECT_EQ(numbers.size(), 337u + 46u);
  EXPECT_EQ(FindSyscall("no_such_call"), nullptr);
}

// Numbers against the installed kernel headers (Debian 12's go up to 450).
TEST(SyscallTableTest, NumbersMatchAsmUnistd) {
  struct {
    const char* name;
    int nr;
  } const kHeader[] = {
      {"read", __NR_read},           {"socket", __NR_socket},
      {"setsockopt", __NR_setsockopt}, {"getsockopt", __NR_getsockopt},
      {"personality", __NR_personality}, {"newfstatat", __NR_newfstatat},
      {"openat", __NR_openat},       {"set_robust_list", __NR_set_robust_list},
      {"accept4", __NR_accept4},     {"pipe2", __NR_pipe2},
      {"dup3", __NR_dup3},           {"epoll_create1", __NR_epoll_create1},
      {"eventfd2", __NR_eventfd2},   {"signalfd4", __NR_signalfd4},
      {"inotify_init1", __NR_inotify_init1}, {"recvmmsg", __NR_recvmmsg},
      {"prlimit64", __NR_prlimit64}, {"sendmmsg", __NR_sendmmsg},
      {"setns", __NR_setns},         {"renameat2", __NR_renameat2},
      {"getrandom", __NR_getrandom}, {"memfd_create", __NR_memfd_create},
      {"membarrier", __NR_membarrier}, {"copy_file_range", __NR_copy_file_range},
      {"preadv2", __NR_preadv2},     {"pkey_alloc", __NR_pkey_alloc},
      {"statx", __NR_statx},         {"rseq", __NR_rseq},
      {"io_uring_setup", __NR_io_uring_setup}, {"pidfd_open", __NR_pidfd_open},
      {"clone3", __NR_clone3},       {"close_range", __NR_close_range},
      {"openat2", __NR_openat2},     {"faccessat2", __NR_faccessat2},
      {"epoll_pwait2", __NR_epoll_pwait2}, {"futex_waitv", __NR_futex_waitv},
      {"set_mempolicy_home_node", __NR_set_mempolicy_home_node},
  };
  for (const auto& h : kHeader) {
    const SyscallInfo* s = FindSyscall(h.name);
    ASSERT_NE(s, nullptr) << h.name;
    EXPECT_EQ(s->nr, h.nr) << h.name;
  }
}

TEST(SyscallTableTest, ReleasesOfTheCallsThatMatter) {
  struct {
    const char* name;
    const char* since;
  } const kWant[] = {
      {"read", "2.6.0"},           {"socket", "2.6.0"},        {"clone", "2.6.0"},
      {"openat", "2.6.16"},        {"set_robust_list", "2.6.17"},
      {"utimensat", "2.6.22"},     {"pipe2", "2.6.27"},        {"dup3", "2.6.27"},
      {"epoll_create1", "2.6.27"}, {"eventfd2", "2.6.27"},     {"signalfd4", "2.6.27"},
      {"inotify_init1", "2.6.27"}, {"accept4", "2.6.28"},      {"recvmmsg", "2.6.33"},
      {"prlimit64", "2.6.36"},     {"setns", "3.0"},           {"sendmmsg", "3.0"},
      {"renameat2", "3.15"},       {"getrandom", "3.17"},      {"memfd_create", "3.17"},
      {"membarrier", "4.3"},       {"copy_file_range", "4.5"}, {"preadv2", "4.6"},
      {"pkey_mprotect", "4.9"},    {"pkey_alloc", "4.9"},      {"pkey_free", "4.9"},
      {"statx", "4.11"},           {"rseq", "4.18"},           {"io_uring_setup", "5.1"},
      {"io_uring_enter", "5.1"},   {"io_uring_register", "5.1"},
      {"clone3", "5.3"},           {"pidfd_open", "5.3"},      {"openat2", "5.6"},
      {"faccessat2", "5.8"},       {"close_range", "5.9"},     {"epoll_pwait2", "5.11"},
      {"futex_waitv", "5.16"},
  };
  for (const auto& w : kWant) {
    const SyscallInfo* s = FindSyscall(w.name);
    ASSERT_NE(s, nullptr) << w.name;
    EXPECT_EQ(s->since, V(w.since)) << w.name;
  }
}

TEST(SyscallTableTest, SocketOptions) {
  std::set<std::pair<int, int>> seen;
  for (const SockoptInfo& o : SocketOptions()) {
    EXPECT_TRUE(seen.insert({o.level, o.optname}).second) << o.name;
    EXPECT_TRUE(o.level == SOL_SOCKET || o.level == 270) << o.name;
  }
  auto since = [](int level, int opt) {
    for (const SockoptInfo& o : SocketOptions()) {
      if (o.level == level && o.optname == opt) return o.since.ToString();
    }
    return std::string("missing");
  };
  EXPECT_EQ(since(SOL_SOCKET, 33), "2.6.14");  // SO_RCVBUFFORCE
  EXPECT_EQ(since(SOL_SOCKET, 55), "4.12");    // SO_MEMINFO
  EXPECT_EQ(since(270, 4), "2.6.30");          // NETLINK_BROADCAST_ERROR
  EXPECT_EQ(since(270, 5), "2.6.30");          // NETLINK_NO_ENOBUFS
  EXPECT_EQ(since(270, 8), "4.2");             // NETLINK_LISTEN_ALL_NSID
  EXPECT_EQ(since(270, 9), "4.2");             // NETLINK_LIST_MEMBERSHIPS
  EXPECT_EQ(since(270, 10), "4.3");            // NETLINK_CAP_ACK
  EXPECT_EQ(since(270, 11), "4.12");           // NETLINK_EXT_ACK
  EXPECT_EQ(since(270, 12), "4.20");           // NETLINK_GET_STRICT_CHK
}

// The rule of `plan` for `call` whose `what` is `what` ("" = the whole call), or null.
const Rule* Find(const Plan& plan, const std::string& call, const std::string& what = "") {
  for (const Rule& r : plan.rules) {
    if (r.syscall == call && r.what == what) return &r;
  }
  return nullptr;
}

bool WholeCallDenied(const Plan& plan, const std::string& call) {
  const Rule* r = Find(plan, call);
  return r != nullptr && r->err == ENOSYS && r->args.empty();
}

TEST(BuildPlanTest, CentOs6) {
  Plan p = BuildPlan({V("2.6.32")});
  EXPECT_TRUE(p.uname26);
  for (const char* denied : {"setns", "sendmmsg", "getrandom", "prlimit64", "recvmmsg",
                             "rseq", "clone3", "statx", "close_range", "faccessat2"}) {
    EXPECT_TRUE(WholeCallDenied(p, denied)) << denied;
  }
  for (const char* allowed : {"read", "socket", "accept4", "pipe2", "dup3", "epoll_create1",
                              "openat", "newfstatat", "set_robust_list", "perf_event_open"}) {
    EXPECT_FALSE(WholeCallDenied(p, allowed)) << allowed;
  }
  // The type flags exist on 2.6.32: no argument rule for socket at all.
  for (const Rule& r : p.rules) EXPECT_NE(r.syscall, "socket") << r.what;
  const Rule* meminfo = Find(p, "getsockopt", "SOL_SOCKET/SO_MEMINFO (55)");
  ASSERT_NE(meminfo, nullptr);
  EXPECT_EQ(meminfo->err, ENOPROTOOPT);
  EXPECT_NE(Find(p, "setsockopt", "SOL_SOCKET/SO_MEMINFO (55)"), nullptr);
  EXPECT_EQ(Find(p, "setsockopt", "SOL_NETLINK/NETLINK_NO_ENOBUFS (5)"), nullptr);
  EXPECT_EQ(Find(p, "fcntl", "cmd F_DUPFD_CLOEXEC"), nullptr);
}

TEST(BuildPlanTest, CentOs7AndLater) {
  Plan p310 = BuildPlan({V("3.10")});
  EXPECT_FALSE(p310.uname26);
  EXPECT_FALSE(WholeCallDenied(p310, "setns"));
  EXPECT_TRUE(WholeCallDenied(p310, "getrandom"));
  Plan p44 = BuildPlan({V("4.4")});
  EXPECT_FALSE(WholeCallDenied(p44, "getrandom"));
  EXPECT_TRUE(WholeCallDenied(p44, "statx"));
  EXPECT_NE(Find(p44, "getsockopt", "SOL_SOCKET/SO_MEMINFO (55)"), nullptr);
  EXPECT_NE(Find(p44, "setsockopt", "SOL_NETLINK/NETLINK_EXT_ACK (11)"), nullptr);
  EXPECT_EQ(Find(p44, "setsockopt", "SOL_NETLINK/NETLINK_CAP_ACK (10)"), nullptr);
  Plan p415 = BuildPlan({V("4.15")});
  EXPECT_EQ(Find(p415, "getsockopt", "SOL_SOCKET/SO_MEMINFO (55)"), nullptr);
  EXPECT_NE(Find(p415, "setsockopt", "SOL_NETLINK/NETLINK_GET_STRICT_CHK (12)"), nullptr);
  EXPECT_TRUE(WholeCallDenied(p415, "rseq"));
  EXPECT_FALSE(WholeCallDenied(BuildPlan({V("4.18")}), "rseq"));
  Plan p68 = BuildPlan({V("6.8")});
  EXPECT_FALSE(WholeCallDenied(p68, "statmount"));
  EXPECT_TRUE(WholeCallDenied(p68, "mseal"));
  for (const Rule& r : p68.rules) EXPECT_TRUE(r.args.empty()) << r.syscall << " " << r.what;
  // The newest release of the table refuses nothing.
  EXPECT_TRUE(BuildPlan({V("6.18")}).rules.empty());
}

TEST(BuildPlanTest, SocketTypeFlagsBefore2627) {
  Plan p = BuildPlan({V("2.6.26")});
  for (const char* call : {"socket", "socketpair"}) {
    const Rule* cloexec = Find(p, call, "type & SOCK_CLOEXEC");
    const Rule* nonblock = Find(p, call, "type & SOCK_NONBLOCK");
    ASSERT_NE(cloexec, nullptr) << call;
    ASSERT_NE(nonblock, nullptr) << call;
    EXPECT_EQ(cloexec->err, EINVAL);
    ASSERT_EQ(cloexec->args.size(), 1u);
    EXPECT_EQ(cloexec->args[0].arg, 1);
    EXPECT_EQ(cloexec->args[0].mask, static_cast<uint32_t>(SOCK_CLOEXEC));
    EXPECT_EQ(nonblock->args[0].value, static_cast<uint32_t>(SOCK_NONBLOCK));
  }
  EXPECT_TRUE(WholeCallDenied(p, "pipe2"));
  for (const Rule& r : BuildPlan({V("2.6.27")}).rules) EXPECT_NE(r.syscall, "socket");
  EXPECT_NE(Find(BuildPlan({V("2.6.23")}), "fcntl", "cmd F_DUPFD_CLOEXEC"), nullptr);
}

// Does `r` match socket(domain, type, protocol)?
bool Matches(const Rule& r, uint32_t domain, uint32_t type, uint32_t protocol) {
  const uint32_t args[3] = {domain, type, protocol};
  for (const ArgCheck& a : r.args) {
    if ((args[a.arg] & a.mask) != a.value) return false;
  }
  return true;
}

TEST(BuildPlanTest, NoCtnetlinkRefusesOnlyNetfilterSockets) {
  EXPECT_EQ(Find(BuildPlan({V("5.4")}), "socket",
                 "AF_NETLINK/NETLINK_NETFILTER (--no-ctnetlink)"),
            nullptr);
  for (const char* version : {"2.6.26", "2.6.32", "5.4"}) {
    Plan p = BuildPlan({V(version), /*no_ctnetlink=*/true});
    const uint32_t kTypes[] = {SOCK_RAW, SOCK_RAW | SOCK_CLOEXEC, SOCK_DGRAM | SOCK_NONBLOCK,
                               SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK};
    for (uint32_t domain : {AF_UNIX, AF_NETLINK}) {
      for (uint32_t type : kTypes) {
        for (uint32_t protocol : {0u, 12u}) {
          std::set<int> errs;
          for (const Rule& r : p.rules) {
            if (r.syscall == "socket" && Matches(r, domain, type, protocol)) errs.insert(r.err);
          }
          // Never two answers for one call: the filter's rule order cannot matter.
          ASSERT_LE(errs.size(), 1u) << version;
          bool flags = (type & (SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0;
          int want = 0;
          if (flags && V(version) < kSockTypeFlagsSince) {
            want = EINVAL;
          } else if (domain == AF_NETLINK && protocol == 12) {
            want = EPROTONOSUPPORT;
          }
          EXPECT_EQ(errs.empty() ? 0 : *errs.begin(), want)
              << version << " " << domain << " " << type << " " << protocol;
        }
      }
    }
  }
}

TEST(NamedProfilesTest, TheFleet) {
  std::string all;
  for (const NamedProfile& p : NamedProfiles()) {
    all += p.version.ToString() + "=" + p.distro + ";";
  }
  EXPECT_EQ(all,
            "2.6.32=CentOS 6;3.10=CentOS 7;4.4=Ubuntu 16.04;4.15=Ubuntu 18.04;4.18=RHEL 8;"
            "5.4=Ubuntu 20.04;5.14=RHEL 9;5.15=Ubuntu 22.04;6.8=Ubuntu 24.04;");
}

}  // namespace
}  // namespace oldkernel
