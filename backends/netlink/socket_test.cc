// NetlinkSocket against the running kernel, through NETLINK_ROUTE (present in every
// kernel and needing no privilege or module). The errno-carrying statuses are tested in
// transport_test.cc.
#include "backends/netlink/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

TEST(NetlinkSocketTest, OpensBoundCloexecWithTheKernelsPortId) {
  absl::StatusOr<NetlinkSocket> s = NetlinkSocket::Open(NETLINK_ROUTE);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_GE(s->fd(), 0);
  EXPECT_NE(s->port_id(), 0u);
  EXPECT_EQ(fcntl(s->fd(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  struct sockaddr_nl addr = {};
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(s->fd(), reinterpret_cast<struct sockaddr*>(&addr), &len), 0);
  EXPECT_EQ(addr.nl_pid, s->port_id());
  EXPECT_EQ(addr.nl_groups, 0u);
}

TEST(NetlinkSocketTest, UnknownFamilyIsEprotonosupport) {
  // Netlink protocol numbers stop at 22 (MAX_LINKS is 32); 31 is unassigned.
  absl::StatusOr<NetlinkSocket> s = NetlinkSocket::Open(31);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(TransportErrno(s.status()), EPROTONOSUPPORT) << s.status();
  EXPECT_NE(s.status().message().find("netlink socket"), absl::string_view::npos);
}

TEST(NetlinkSocketTest, SendToKernelGetsTheKernelsAck) {
  absl::StatusOr<NetlinkSocket> s = NetlinkSocket::Open(NETLINK_ROUTE);
  ASSERT_TRUE(s.ok()) << s.status();
  // NLMSG_NOOP with NLM_F_ACK: the kernel answers with an NLMSG_ERROR of error 0.
  struct nlmsghdr req = {};
  req.nlmsg_len = sizeof req;
  req.nlmsg_type = NLMSG_NOOP;
  req.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  req.nlmsg_seq = 42;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&req);
  ASSERT_EQ(s->SendToKernel(absl::MakeConstSpan(bytes, sizeof req)),
            static_cast<ssize_t>(sizeof req))
      << std::strerror(errno);
  std::vector<uint8_t> buf(8192);
  ssize_t n = recv(s->fd(), buf.data(), buf.size(), 0);
  ASSERT_GE(n, static_cast<ssize_t>(NLMSG_LENGTH(sizeof(struct nlmsgerr))));
  struct nlmsghdr reply;
  std::memcpy(&reply, buf.data(), sizeof reply);
  EXPECT_EQ(reply.nlmsg_type, NLMSG_ERROR);
  EXPECT_EQ(reply.nlmsg_seq, 42u);
  EXPECT_EQ(reply.nlmsg_pid, s->port_id());
  struct nlmsgerr err;
  std::memcpy(&err, buf.data() + NLMSG_HDRLEN, sizeof err);
  EXPECT_EQ(err.error, 0);
}

TEST(NetlinkSocketTest, SetOptionReachesTheSocket) {
  absl::StatusOr<NetlinkSocket> s = NetlinkSocket::Open(NETLINK_ROUTE);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->SetOption(SOL_SOCKET, SO_RCVBUF, 65536), 0) << std::strerror(errno);
  int v = 0;
  socklen_t len = sizeof v;
  ASSERT_EQ(getsockopt(s->fd(), SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
  EXPECT_GE(v, 65536);  // the kernel doubles what it is asked for
  errno = 0;
  EXPECT_LT(s->SetOption(SOL_SOCKET, 0x7fff, 1), 0);
  EXPECT_EQ(errno, ENOPROTOOPT);
}

TEST(NetlinkSocketTest, MoveTransfersOwnershipAndDestructorCloses) {
  absl::StatusOr<NetlinkSocket> s = NetlinkSocket::Open(NETLINK_ROUTE);
  ASSERT_TRUE(s.ok()) << s.status();
  const int fd = s->fd();
  const uint32_t port = s->port_id();
  {
    NetlinkSocket moved = *std::move(s);
    EXPECT_EQ(moved.fd(), fd);
    EXPECT_EQ(moved.port_id(), port);
    EXPECT_EQ(s->fd(), -1);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
  }
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
