#include "backends/netlink/port_owner.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

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
  close(fd);
}

TEST(PortOwnerNames, UnknownPortIsEmpty) {
  PortOwnerNames names("/nonexistent-proc");
  EXPECT_EQ(names.Lookup(getpid()), "");
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
