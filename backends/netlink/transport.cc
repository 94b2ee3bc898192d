#include "backends/netlink/transport.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {
namespace {

constexpr absl::string_view kErrnoPayload = "type.ctdump/netlink.errno";

class MnlTransport final : public Transport {
 public:
  explicit MnlTransport(struct mnl_socket* nl) : nl_(nl) {}
  ~MnlTransport() override { mnl_socket_close(nl_); }

  absl::Status Send(absl::Span<const uint8_t> request) override {
    for (;;) {
      ssize_t n = mnl_socket_sendto(nl_, request.data(), request.size());
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

  // recvmsg() directly on libmnl's descriptor (rather than mnl_socket_recvfrom()) so
  // that datagrams not sent by the kernel (nl_pid != 0) can be dropped.
  absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer) override {
    for (;;) {
      struct sockaddr_nl addr = {};
      struct iovec iov = {buffer.data(), buffer.size()};
      struct msghdr msg = {};
      msg.msg_name = &addr;
      msg.msg_namelen = sizeof addr;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      ssize_t n = recvmsg(mnl_socket_get_fd(nl_), &msg, 0);
      if (n < 0) return TransportError(errno, "netlink recv");
      if (msg.msg_flags & MSG_TRUNC) {
        return TransportError(ENOSPC, absl::StrCat("netlink recv (datagram larger than the ",
                                                   buffer.size(), "-byte buffer)"));
      }
      if (msg.msg_namelen != sizeof addr || addr.nl_pid != 0) continue;  // not the kernel
      return static_cast<size_t>(n);
    }
  }

  uint32_t PortId() const override { return mnl_socket_get_portid(nl_); }

 private:
  struct mnl_socket* nl_;
};

}  // namespace

Transport::~Transport() = default;

absl::Status TransportError(int err, absl::string_view op) {
  absl::Status s = absl::ErrnoToStatus(err, op);
  s.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(err)));
  return s;
}

int TransportErrno(const absl::Status& status) {
  if (status.ok()) return 0;
  absl::optional<absl::Cord> p = status.GetPayload(kErrnoPayload);
  int err = 0;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &err)) return 0;
  return err;
}

absl::StatusOr<struct mnl_socket*> OpenNetfilterSocket(absl::string_view fallback) {
  struct mnl_socket* nl = mnl_socket_open2(ctnl::kNetlinkNetfilter, SOCK_CLOEXEC);
  if (nl == nullptr) {
    const int err = errno;
    if (err == EPROTONOSUPPORT) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ctnetlink is not available (nfnetlink missing: socket(AF_NETLINK, "
          "NETLINK_NETFILTER) failed with EPROTONOSUPPORT; the kernel lacks "
          "CONFIG_NETFILTER_NETLINK); ", fallback));
    }
    return absl::ErrnoToStatus(err, "netlink socket(AF_NETLINK, NETLINK_NETFILTER)");
  }
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    const int err = errno;
    mnl_socket_close(nl);
    return absl::ErrnoToStatus(err, "netlink bind");
  }
  return nl;
}

absl::StatusOr<std::unique_ptr<Transport>> OpenCtnetlinkTransport() {
  absl::StatusOr<struct mnl_socket*> opened = OpenNetfilterSocket("use the procfs backend");
  if (!opened.ok()) return opened.status();
  struct mnl_socket* nl = *opened;
  auto transport = std::make_unique<MnlTransport>(nl);
  const int fd = mnl_socket_get_fd(nl);
  int rcvbuf = 1 << 20;
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int one = 1;
  (void)setsockopt(fd, ctnl::kSolNetlink, ctnl::kNetlinkExtAck, &one, sizeof one);
  return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace netlink
}  // namespace ctdump
