// File: backends/netlink/transport.h
//
// The byte seam between the netlink backend and the kernel: send one
// request, receive one datagram at a time. The real implementation is a NETLINK_NETFILTER
// socket (socket.h); tests use backends/netlink/testing/fake_transport.h, which
// replays recorded or hand-built replies and injects errors.
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Transport> t, OpenCtnetlinkTransport());
//   CTDUMP_RETURN_IF_ERROR(t->Send(BuildCtRequest(CtRequest::kDumpTable, AF_INET, 1).span()));
//   std::vector<uint8_t> buf(kRecvBufferSize);
//   CTDUMP_ASSIGN_OR_RETURN(size_t n, t->Recv(absl::MakeSpan(buf)));
//
// Errors from Send() and Recv() carry the errno that caused them (TransportErrno()), so the
// caller can retry EINTR and report ENOBUFS precisely. Each status is
// absl::ErrnoToStatus(errno, op) with the operation ("netlink recv", ...) in the message.

#ifndef CTDUMP_BACKENDS_NETLINK_TRANSPORT_H_
#define CTDUMP_BACKENDS_NETLINK_TRANSPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "backends/netlink/socket.h"  // NetlinkSocket, TransportError(), TransportErrno()

namespace ctdump {
namespace netlink {

// Receive buffer size the backend uses. The kernel fills at most 32 KiB per recvmsg() for
// a dump (docs/ctnetlink.md section 6), so nothing is ever truncated.
inline constexpr size_t kRecvBufferSize = 64 * 1024;

class Transport {
 public:
  virtual ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Sends one request message. Errors: TransportError(errno, "netlink send").
  virtual absl::Status Send(absl::Span<const uint8_t> request) = 0;

  // Blocks until one datagram arrives from the kernel and copies it to `buffer`; returns
  // its size. Errors: TransportError(errno, "netlink recv"), notably EINTR (retry),
  // ENOBUFS (the kernel dropped messages for this socket) and ENOSPC (the datagram was
  // larger than `buffer` and was cut; libmnl's convention for MSG_TRUNC).
  virtual absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer) = 0;

  // The netlink port id the kernel assigned (nlmsg_pid of every unicast reply).
  virtual uint32_t PortId() const = 0;

 protected:
  Transport() = default;
};

// OpenCtnetlinkTransport() opens socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC,
// NETLINK_NETFILTER) (socket.h), binds it with a kernel-assigned port id, asks for a
// 1 MiB receive buffer with SO_RCVBUF (capped by net.core.rmem_max; failure ignored) and
// enables NETLINK_EXT_ACK where the kernel has it (4.12+; failure ignored).
// Opening needs no privilege; the kernel checks CAP_NET_ADMIN per request.
// Errors:
//   kFailedPrecondition  "ctnetlink is not available (nfnetlink missing: ...)" when the
//                        socket call fails with EPROTONOSUPPORT (no CONFIG_NETFILTER_NETLINK)
//   others               TransportError(errno, "netlink socket" / "netlink bind" / ...)
absl::StatusOr<std::unique_ptr<Transport>> OpenCtnetlinkTransport();

// The socket part of OpenCtnetlinkTransport(), shared with the event listener (events.h):
// a NETLINK_NETFILTER socket, CLOEXEC, bound with a kernel-assigned port id and no
// groups. `fallback` ends the EPROTONOSUPPORT message (what to use instead). Errors as
// OpenCtnetlinkTransport().
absl::StatusOr<NetlinkSocket> OpenNetfilterSocket(absl::string_view fallback);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_TRANSPORT_H_
