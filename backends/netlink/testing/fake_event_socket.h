// File: backends/netlink/testing/fake_event_socket.h (testonly)
//
// A scripted stand-in for a ctnetlink event socket (backends/netlink/events.h): serves
// datagrams and errnos in order, simulates the kernel's receive-buffer rules and its drop
// counter, and records what the listener asked for.
//
//   auto state = std::make_shared<FakeEventState>();
//   state->steps.push_back({EventMsg(...), 0, 0});        // a datagram
//   state->steps.push_back({{}, ENOBUFS, 37});             // overrun: 37 events dropped
//   auto listener = EventListener::Start(std::make_unique<FakeEventSocket>(state), opts);
//
// Recv(): the next step; with nothing left it returns 0 when not blocking and kCancelled
// (as if the stop fd had fired) when blocking, so a test never hangs.

#ifndef CTDUMP_BACKENDS_NETLINK_TESTING_FAKE_EVENT_SOCKET_H_
#define CTDUMP_BACKENDS_NETLINK_TESTING_FAKE_EVENT_SOCKET_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "backends/netlink/events.h"

namespace ctdump {
namespace netlink {
namespace testing {

struct FakeEventStep {
  std::vector<uint8_t> bytes;  // the datagram (when err == 0)
  int err = 0;                 // non-zero: Recv() fails with this errno
  uint64_t drops = 0;          // added to the drop counter when this step is served
  bool idle = false;           // Recv() returns 0 bytes (the queue is empty for now)
};

struct FakeEventState {
  std::deque<FakeEventStep> steps;
  // Kernel behaviour.
  int subscribe_errno = 0;      // Subscribe() fails with it
  int force_errno = 0;          // SO_RCVBUFFORCE fails with it (EPERM: no CAP_NET_ADMIN)
  uint64_t rmem_max = 212992;   // SO_RCVBUF is capped at this (Debian's default)
  bool drops_supported = true;  // SO_MEMINFO reports sk_drops
  uint64_t drops = 0;
  // What happened.
  std::vector<int> groups;                 // subscribed, in order
  std::vector<uint64_t> buffer_requests;   // sizes asked for (forced or not)
  uint64_t rcvbuf = 0;                     // granted: 2 * request, as the kernel does
  int recv_calls = 0;
};

class FakeEventSocket final : public EventSocket {
 public:
  explicit FakeEventSocket(std::shared_ptr<FakeEventState> state) : s_(std::move(state)) {}

  absl::Status Subscribe(int group) override;
  absl::Status SetReceiveBuffer(uint64_t bytes, bool force) override;
  absl::StatusOr<uint64_t> ReceiveBuffer() override;
  absl::StatusOr<uint64_t> Drops() override;
  absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer, bool block, int wake_fd) override;

 private:
  std::shared_ptr<FakeEventState> s_;
};

}  // namespace testing
}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_TESTING_FAKE_EVENT_SOCKET_H_
