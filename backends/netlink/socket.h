// File: backends/netlink/socket.h
//
// NetlinkSocket: the product's own AF_NETLINK socket (open, bind, send to the kernel,
// socket options), so that no product binary links libmnl and the release binary can be
// fully static (Debian ships no libmnl.a). Both users sit behind test seams: the dump
// transport (transport.h) and the event socket (events.h); this class is the thin layer
// of system calls under them and holds no protocol logic.
//
//   CTDUMP_ASSIGN_OR_RETURN(NetlinkSocket s, NetlinkSocket::Open(NETLINK_NETFILTER));
//   CTDUMP_RETURN_IF_ERROR(s.SendToKernel(request));   // then recvmsg(s.fd(), ...)
//
// Kernel versions: AF_NETLINK sockets and binding with nl_pid 0 (the kernel picks the
// port id) are as old as 2.2. SOCK_CLOEXEC in socket()'s type needs 2.6.27; on older
// kernels socket() fails with EINVAL and Open() retries without it, then sets FD_CLOEXEC
// with fcntl(). Nothing here needs a privilege: the kernel checks CAP_NET_ADMIN per
// request.

#ifndef CTDUMP_BACKENDS_NETLINK_SOCKET_H_
#define CTDUMP_BACKENDS_NETLINK_SOCKET_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ctdump {
namespace netlink {

// absl::ErrnoToStatus(err, op) with `err` attached, for TransportErrno(). Every error of
// this layer and of the seams above it (transport.h, events.h) is made this way, so that
// callers can retry EINTR and tell ENOBUFS or EPROTONOSUPPORT apart without parsing text.
absl::Status TransportError(int err, absl::string_view op);
// The errno attached by TransportError(), or 0 (OK status or none attached).
int TransportErrno(const absl::Status& status);

class NetlinkSocket {
 public:
  // socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol), bound with a kernel-assigned
  // port id and no multicast groups; the port id is read back with getsockname().
  // Errors: TransportError(errno, "netlink socket" / "netlink bind" / "netlink
  // getsockname"). Callers map EPROTONOSUPPORT from socket() (no such netlink family in
  // this kernel) to their own advice.
  static absl::StatusOr<NetlinkSocket> Open(int protocol);

  NetlinkSocket(NetlinkSocket&& other) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&& other) noexcept;
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  ~NetlinkSocket();  // closes the socket

  int fd() const { return fd_; }
  // The port id the kernel assigned at bind time (nlmsg_pid of unicast replies to us).
  uint32_t port_id() const { return port_id_; }

  // sendto() the kernel (nl_pid 0). Returns the byte count sent; -1 with errno set on
  // failure (the caller decides about EINTR).
  ssize_t SendToKernel(absl::Span<const uint8_t> message) const;

  // setsockopt(fd, level, name, &value, sizeof value); -1 with errno set on failure.
  int SetOption(int level, int name, int value) const;

 private:
  NetlinkSocket(int fd, uint32_t port_id) : fd_(fd), port_id_(port_id) {}

  int fd_ = -1;
  uint32_t port_id_ = 0;
};

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_SOCKET_H_
