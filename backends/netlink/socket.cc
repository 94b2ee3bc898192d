#include "backends/netlink/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ctdump {
namespace netlink {
namespace {

constexpr absl::string_view kErrnoPayload = "type.ctdump/netlink.errno";

// socket() with SOCK_CLOEXEC, or, on a kernel older than 2.6.27 that refuses the flag
// with EINVAL, without it and FD_CLOEXEC set afterwards (single-threaded then: no exec
// can race in between).
int OpenCloexecLow(int protocol) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd >= 0 || errno != EINVAL) return fd;
  fd = socket(AF_NETLINK, SOCK_RAW, protocol);
  if (fd >= 0) (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

// Never 0, 1 or 2: with a standard descriptor closed (`ctdump -L >&-`), socket() would
// return it, and text meant for stdout would be sent to the kernel as netlink requests.
// cli/main.cc refuses a closed stdout at start-up; this keeps the library safe on its own.
int OpenCloexec(int protocol) {
  const int fd = OpenCloexecLow(protocol);
  if (fd < 0 || fd > STDERR_FILENO) return fd;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (high < 0 && errno == EINVAL) {  // before 2.6.24
    high = fcntl(fd, F_DUPFD, STDERR_FILENO + 1);
    if (high >= 0) (void)fcntl(high, F_SETFD, FD_CLOEXEC);
  }
  const int err = errno;
  close(fd);
  errno = err;
  return high;
}

absl::Status CloseWithError(int fd, const char* op) {
  const int err = errno;
  close(fd);
  return TransportError(err, op);
}

}  // namespace

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


absl::StatusOr<NetlinkSocket> NetlinkSocket::Open(int protocol) {
  const int fd = OpenCloexec(protocol);
  if (fd < 0) return TransportError(errno, "netlink socket");
  struct sockaddr_nl addr = {};
  addr.nl_family = AF_NETLINK;  // nl_pid 0: the kernel assigns the port id
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) < 0) {
    return CloseWithError(fd, "netlink bind");
  }
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<struct sockaddr*>(&addr), &len) < 0) {
    return CloseWithError(fd, "netlink getsockname");
  }
  if (len != sizeof addr || addr.nl_family != AF_NETLINK) {
    errno = EINVAL;
    return CloseWithError(fd, "netlink getsockname (not a netlink address)");
  }
  return NetlinkSocket(fd, addr.nl_pid);
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_id_(other.port_id_) {}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    port_id_ = other.port_id_;
  }
  return *this;
}

NetlinkSocket::~NetlinkSocket() {
  if (fd_ >= 0) close(fd_);
}

ssize_t NetlinkSocket::SendToKernel(absl::Span<const uint8_t> message) const {
  struct sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  return sendto(fd_, message.data(), message.size(), 0,
                reinterpret_cast<const struct sockaddr*>(&kernel), sizeof kernel);
}

int NetlinkSocket::SetOption(int level, int name, int value) const {
  return setsockopt(fd_, level, name, &value, sizeof value);
}

}  // namespace netlink
}  // namespace ctdump
