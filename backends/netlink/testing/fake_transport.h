// File: backends/netlink/testing/fake_transport.h (testonly)
//
// A scripted stand-in for the kernel side of a ctnetlink socket ("messages in, messages
// out", like mdlayher/netlink's nltest). Each Send() starts the next script; each Recv()
// serves the script's next datagram or injects an errno (EINTR, ENOBUFS, ...). By default
// the nlmsg_seq and nlmsg_pid of every served message are rewritten to the last request's
// sequence number and the fake port id, so recorded dumps replay against any request.
//
//   auto kernel = std::make_shared<FakeKernel>();
//   kernel->Script({{Concat({TcpEntry(1, 1000), DoneMsg()})}});   // reply to request 1
//   kernel->Script({{DoneMsg()}});                                  // reply to request 2
//   auto backend = MakeNetlinkBackend(kernel->NewTransport());
//   auto reopening = MakeReopeningNetlinkBackend(kernel->Opener());
//
// A Recv() with nothing scripted fails with EAGAIN (a real socket would block forever),
// so a test never hangs.

#ifndef CTDUMP_BACKENDS_NETLINK_TESTING_FAKE_TRANSPORT_H_
#define CTDUMP_BACKENDS_NETLINK_TESTING_FAKE_TRANSPORT_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/netlink/transport.h"

namespace ctdump {
namespace netlink {
namespace testing {

// One Recv() result.
struct Reply {
  std::vector<uint8_t> bytes;  // the datagram
  int err = 0;                 // non-zero: Recv() fails with this errno instead
  bool keep_header = false;    // serve nlmsg_seq / nlmsg_pid unchanged
};

// A Reply that fails with `err`.
inline Reply ErrnoReply(int err) { return Reply{{}, err, false}; }

class FakeKernel : public std::enable_shared_from_this<FakeKernel> {
 public:
  uint32_t port_id = 0x4242;
  int send_errno = 0;  // non-zero: every Send() fails with it

  // Appends the script served after the next unscripted Send().
  void Script(std::vector<Reply> replies) { scripts_.push_back(std::move(replies)); }

  // A transport talking to this fake. Any number may exist; they share the scripts.
  std::unique_ptr<Transport> NewTransport();
  // NewTransport() as an opener, for MakeReopeningNetlinkBackend(): a backend that closes
  // its transport (early stop, error, a probe cut short) opens the next one here.
  std::function<absl::StatusOr<std::unique_ptr<Transport>>()> Opener();

  // What happened so far.
  std::vector<std::vector<uint8_t>> requests;
  int recv_calls = 0;
  int transports_open = 0;
  int transports_closed = 0;
  // Datagrams (not errors) still unserved from the current script.
  size_t pending() const;

 private:
  friend class FakeTransport;
  std::deque<std::vector<Reply>> scripts_;
  std::deque<Reply> current_;
  uint32_t last_seq_ = 0;
};

// Splits the datagrams of a recording into per-request scripts: a script ends with the
// datagram that holds an NLMSG_DONE or NLMSG_ERROR.
std::vector<std::vector<Reply>> ScriptsFromRecording(
    const std::vector<std::vector<uint8_t>>& datagrams);

}  // namespace testing
}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_TESTING_FAKE_TRANSPORT_H_
