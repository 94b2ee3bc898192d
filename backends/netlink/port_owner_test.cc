#include "backends/netlink/port_owner.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

constexpr char kProcNetNetlink[] =
    "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
    "ffff8f0c81a2e000 0   1          00000550 0        0        0     2        0        15\n"
    "ffff8f0c8e3c9800 12  7675       00000000 0        0        0     2        0        98431\n"
    "ffff8f0c8e3cb000 12  3414919298 00000007 0        0        0     2        17       98432\n";

TEST(FindNetlinkInode, ByProtocolAndPortId) {
  EXPECT_EQ(FindNetlinkInode(kProcNetNetlink, 12, 7675), 98431u);
  EXPECT_EQ(FindNetlinkInode(kProcNetNetlink, 12, 3414919298u), 98432u);
  EXPECT_EQ(FindNetlinkInode(kProcNetNetlink, 12, 1), std::nullopt);  // route socket
  EXPECT_EQ(FindNetlinkInode("", 12, 1), std::nullopt);
}

TEST(CommFromStat, ConntracksRule) {
  EXPECT_EQ(CommFromStat("1234 (conntrack) S 1 2 3"), "conntrack");
  EXPECT_EQ(CommFromStat("1234 (my prog) S"), "my prog");
  EXPECT_EQ(CommFromStat("garbage"), "");
}

// A NETLINK_NETFILTER socket of this very process is found by its port id.
TEST(PortOwnerNames, FindsThisProcess) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 12 /* NETLINK_NETFILTER */);
  if (fd < 0) GTEST_SKIP() << "no NETLINK_NETFILTER socket here";
  struct sockaddr_nl addr = {};
  addr.nl_family = AF_NETLINK;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  PortOwnerNames names;
  EXPECT_EQ(names.Lookup(addr.nl_pid), "port_owner_test");
  EXPECT_EQ(names.Lookup(addr.nl_pid), "port_owner_test");  // cached
  EXPECT_EQ(names.counters().hits, 1u);
  close(fd);
}

// A fake /proc: net/netlink, and per pid a stat file and fd/ symlinks ("socket:[INODE]"
// targets need not exist for readlink()).
class FakeProc {
 public:
  FakeProc() {
    const char* tmp = getenv("TEST_TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/proc.XXXXXX", tmp != nullptr ? tmp : "/tmp");
    root_ = mkdtemp(tmpl);
    mkdir((root_ + "/net").c_str(), 0755);
  }
  const std::string& root() const { return root_; }
  // /proc/net/netlink with one NETLINK_NETFILTER socket per (port, inode).
  void SetSockets(const std::vector<std::pair<uint32_t, uint64_t>>& sockets) {
    std::ofstream out(root_ + "/net/netlink");
    out << "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
           "Inode\n";
    for (const auto& [port, inode] : sockets) {
      out << "ffff8f0c8e3cb000 12  " << port << " 00000000 0 0 0 2 0 " << inode << "\n";
    }
  }
  void SetProcess(uint64_t pid, const std::string& comm, uint64_t socket_inode) {
    const std::string dir = root_ + "/" + std::to_string(pid);
    mkdir(dir.c_str(), 0755);
    mkdir((dir + "/fd").c_str(), 0755);
    std::ofstream(dir + "/stat") << pid << " (" << comm << ") S 1 2 3\n";
    const std::string link = dir + "/fd/3";
    unlink(link.c_str());
    EXPECT_EQ(symlink(("socket:[" + std::to_string(socket_inode) + "]").c_str(), link.c_str()), 0);
  }

 private:
  std::string root_;
};

struct FakeClock {
  uint64_t now = 1000000000;
  std::function<uint64_t()> fn() {
    return [this] { return now; };
  }
};

PortOwnerOptions FakeOptions(const FakeProc& proc, FakeClock& clock, size_t capacity = 4096) {
  PortOwnerOptions o;
  o.proc_root = proc.root();
  o.clock = clock.fn();
  o.capacity = capacity;
  return o;
}

// Port 4242 owned by pid 4242 ("ctgen", socket inode 777), looked up once.
class OneOwner : public ::testing::Test {
 protected:
  void SetUp() override {
    proc.SetSockets({{4242, 777}});
    proc.SetProcess(4242, "ctgen", 777);
    EXPECT_EQ(names.Lookup(4242), "ctgen");
  }
  FakeProc proc;
  FakeClock clock;
  PortOwnerNames names{FakeOptions(proc, clock)};
};

// Issue 17: a hit touches no /proc file; the owner is searched once per new port.
TEST_F(OneOwner, HitReadsNothing) {
  EXPECT_EQ(names.counters().netlink_reads, 1u);
  EXPECT_EQ(names.counters().searches, 1u);
  proc.SetSockets({});  // the cache must not look
  for (int i = 0; i < 1000; ++i) {
    clock.now += 100000;  // 1000 events over 100 ms
    ASSERT_EQ(names.Lookup(4242), "ctgen");
  }
  EXPECT_EQ(names.counters().netlink_reads, 1u);
  EXPECT_EQ(names.counters().hits, 1000u);
}

// After the window the inode is checked again: the same inode keeps the name without a
// search; another inode (the port changed hands) is searched again.
TEST_F(OneOwner, RevalidatesAfterTheWindow) {
  proc.SetProcess(4242, "renamed", 777);  // comm changed, same socket: kept (as conntrack)
  clock.now += 199000000;
  EXPECT_EQ(names.Lookup(4242), "ctgen");
  EXPECT_EQ(names.counters().netlink_reads, 1u);
  clock.now += 2000000;
  EXPECT_EQ(names.Lookup(4242), "ctgen");
  EXPECT_EQ(names.counters().netlink_reads, 2u);
  EXPECT_EQ(names.counters().revalidated, 1u);
  EXPECT_EQ(names.counters().searches, 1u);
  // pid 4242 exited, another process got port id 4242 (pid reuse): new inode.
  proc.SetSockets({{4242, 888}});
  proc.SetProcess(4242, "conntrack", 888);
  EXPECT_EQ(names.Lookup(4242), "ctgen");  // inside the window: the documented race
  clock.now += 200000000;
  EXPECT_EQ(names.Lookup(4242), "conntrack");
  EXPECT_EQ(names.counters().searches, 2u);
  // The owner exits: "" after the next validation, cached for the window too.
  proc.SetSockets({});
  clock.now += 200000000;
  EXPECT_EQ(names.Lookup(4242), "");
  const uint64_t reads = names.counters().netlink_reads;
  EXPECT_EQ(names.Lookup(4242), "");
  EXPECT_EQ(names.counters().netlink_reads, reads);
}

// A port id that is not a pid (a process's second socket) is found by scanning /proc.
TEST(PortOwnerNames, ScansEveryProcessForOtherPortIds) {
  FakeProc proc;
  FakeClock clock;
  proc.SetSockets({{3414919298u, 98432}, {77, 98431}});
  proc.SetProcess(77, "keepalived", 98431);
  proc.SetProcess(78, "conntrackd", 98432);
  PortOwnerNames names(FakeOptions(proc, clock));
  EXPECT_EQ(names.Lookup(3414919298u), "conntrackd");
  EXPECT_EQ(names.Lookup(77), "keepalived");
  EXPECT_EQ(names.Lookup(5), "");  // no such socket
}

// Memory is bounded: the least recently used port is forgotten first.
TEST(PortOwnerNames, LruIsBounded) {
  FakeProc proc;
  FakeClock clock;
  proc.SetSockets({{101, 1001}, {102, 1002}, {103, 1003}});
  proc.SetProcess(101, "a", 1001);
  proc.SetProcess(102, "b", 1002);
  proc.SetProcess(103, "c", 1003);
  PortOwnerNames names(FakeOptions(proc, clock, /*capacity=*/2));
  EXPECT_EQ(names.Lookup(101), "a");
  EXPECT_EQ(names.Lookup(102), "b");
  EXPECT_EQ(names.Lookup(101), "a");  // 102 is now the least recently used
  EXPECT_EQ(names.Lookup(103), "c");
  EXPECT_EQ(names.size(), 2u);
  EXPECT_EQ(names.counters().evictions, 1u);
  const uint64_t searches = names.counters().searches;
  EXPECT_EQ(names.Lookup(101), "a");  // kept
  EXPECT_EQ(names.counters().searches, searches);
  EXPECT_EQ(names.Lookup(102), "b");  // forgotten: searched again
  EXPECT_EQ(names.counters().searches, searches + 1);
  for (uint32_t p = 1000; p < 6000; ++p) names.Lookup(p);
  EXPECT_EQ(names.size(), 2u);
}

TEST(PortOwnerNames, UnknownPortIsEmpty) {
  PortOwnerNames names("/nonexistent-proc");
  EXPECT_EQ(names.Lookup(getpid()), "");
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
