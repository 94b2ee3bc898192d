#include "backends/netlink/testing/fake_event_socket.h"

#include <errno.h>

#include <cstring>

#include "backends/netlink/transport.h"

namespace ctdump {
namespace netlink {
namespace testing {

absl::Status FakeEventSocket::Subscribe(int group) {
  if (s_->subscribe_errno != 0) return TransportError(s_->subscribe_errno, "netlink add membership");
  s_->groups.push_back(group);
  return absl::OkStatus();
}

absl::Status FakeEventSocket::SetReceiveBuffer(uint64_t bytes, bool force) {
  s_->buffer_requests.push_back(bytes);
  if (force && s_->force_errno != 0) return TransportError(s_->force_errno, "setsockopt(SO_RCVBUFFORCE)");
  const uint64_t granted = force ? bytes : (bytes < s_->rmem_max ? bytes : s_->rmem_max);
  s_->rcvbuf = 2 * granted;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> FakeEventSocket::ReceiveBuffer() { return s_->rcvbuf; }

absl::StatusOr<uint64_t> FakeEventSocket::Drops() {
  if (!s_->drops_supported) return absl::UnimplementedError("no SO_MEMINFO drops");
  return s_->drops;
}

absl::StatusOr<size_t> FakeEventSocket::Recv(absl::Span<uint8_t> buffer, bool block,
                                             int wake_fd) {
  ++s_->recv_calls;
  if (s_->steps.empty()) {
    if (!block) return size_t{0};
    return absl::CancelledError("script finished");
  }
  FakeEventStep step = std::move(s_->steps.front());
  s_->steps.pop_front();
  s_->drops += step.drops;
  if (step.err != 0) return TransportError(step.err, "netlink recv");
  if (step.idle) return size_t{0};
  if (step.bytes.size() > buffer.size()) return TransportError(ENOSPC, "netlink recv");
  std::memcpy(buffer.data(), step.bytes.data(), step.bytes.size());
  return step.bytes.size();
}

}  // namespace testing
}  // namespace netlink
}  // namespace ctdump
