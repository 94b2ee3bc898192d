#include "backends/netlink/transport.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/socket.h"

namespace ctdump {
namespace netlink {
namespace {

class SocketTransport final : public Transport {
 public:
  explicit SocketTransport(NetlinkSocket socket) : socket_(std::move(socket)) {}

  absl::Status Send(absl::Span<const uint8_t> request) override {
    for (;;) {
      ssize_t n = socket_.SendToKernel(request);
      if (n < 0) {
        if (errno == EINTR) continue;
        return TransportError(errno, "netlink send");
      }
      if (static_cast<size_t>(n) != request.size()) {
        return absl::UnavailableError(
            absl::StrCat("netlink send: sent ", n, " of ", request.size(), " bytes"));
      }
      return absl::OkStatus();
    }
  }

  // recvmsg() rather than recv(), so that datagrams not sent by the kernel (nl_pid != 0)
  // can be dropped.
  absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer) override {
    for (;;) {
      struct sockaddr_nl addr = {};
      struct iovec iov = {buffer.data(), buffer.size()};
      struct msghdr msg = {};
      msg.msg_name = &addr;
      msg.msg_namelen = sizeof addr;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      ssize_t n = recvmsg(socket_.fd(), &msg, 0);
      if (n < 0) return TransportError(errno, "netlink recv");
      if (msg.msg_flags & MSG_TRUNC) {
        return TransportError(ENOSPC, absl::StrCat("netlink recv (datagram larger than the ",
                                                   buffer.size(), "-byte buffer)"));
      }
      if (msg.msg_namelen != sizeof addr || addr.nl_pid != 0) continue;  // not the kernel
      return static_cast<size_t>(n);
    }
  }

  uint32_t PortId() const override { return socket_.port_id(); }

 private:
  NetlinkSocket socket_;
};

}  // namespace

Transport::~Transport() = default;

absl::StatusOr<NetlinkSocket> OpenNetfilterSocket(absl::string_view fallback) {
  absl::StatusOr<NetlinkSocket> socket = NetlinkSocket::Open(ctnl::kNetlinkNetfilter);
  if (TransportErrno(socket.status()) == EPROTONOSUPPORT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ctnetlink is not available (nfnetlink missing: socket(AF_NETLINK, "
        "NETLINK_NETFILTER) failed with EPROTONOSUPPORT; the kernel lacks "
        "CONFIG_NETFILTER_NETLINK); ", fallback));
  }
  return socket;
}

absl::StatusOr<std::unique_ptr<Transport>> OpenCtnetlinkTransport() {
  absl::StatusOr<NetlinkSocket> socket = OpenNetfilterSocket("use the procfs backend");
  if (!socket.ok()) return socket.status();
  // A 1 MiB receive buffer (capped by net.core.rmem_max) and extended ACKs (4.12+);
  // either may fail on a kernel or host that lacks them, which costs nothing here.
  (void)socket->SetOption(SOL_SOCKET, SO_RCVBUF, 1 << 20);
  (void)socket->SetOption(ctnl::kSolNetlink, ctnl::kNetlinkExtAck, 1);
  return std::unique_ptr<Transport>(new SocketTransport(*std::move(socket)));
}

}  // namespace netlink
}  // namespace ctdump
