#include "backends/netlink/testing/fake_transport.h"

#include <errno.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {
namespace testing {

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<FakeKernel> k) : k_(std::move(k)) {
    ++k_->transports_open;
  }
  ~FakeTransport() override { ++k_->transports_closed; }

  absl::Status Send(absl::Span<const uint8_t> request) override {
    k_->requests.emplace_back(request.begin(), request.end());
    if (k_->send_errno != 0) return TransportError(k_->send_errno, "netlink send");
    if (request.size() >= 12) std::memcpy(&k_->last_seq_, request.data() + 8, 4);
    k_->current_.clear();
    if (!k_->scripts_.empty()) {
      k_->current_.assign(k_->scripts_.front().begin(), k_->scripts_.front().end());
      k_->scripts_.pop_front();
    }
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer) override {
    ++k_->recv_calls;
    if (k_->current_.empty()) {
      return TransportError(EAGAIN, "fake netlink recv: nothing scripted (a real socket "
                                    "would block)");
    }
    Reply r = std::move(k_->current_.front());
    k_->current_.pop_front();
    if (r.err != 0) return TransportError(r.err, "netlink recv");
    const size_t n = std::min(buffer.size(), r.bytes.size());
    if (n != 0) std::memcpy(buffer.data(), r.bytes.data(), n);  // empty: no data()
    if (!r.keep_header) Rewrite(buffer.data(), n);
    if (n < r.bytes.size()) return TransportError(ENOSPC, "netlink recv");
    return n;
  }

  uint32_t PortId() const override { return k_->port_id; }

 private:
  // Sets nlmsg_seq / nlmsg_pid of every whole message in [p, p + n).
  void Rewrite(uint8_t* p, size_t n) const {
    size_t off = 0;
    while (n - off >= ctnl::kNlmsgHdrLen) {
      uint32_t len;
      std::memcpy(&len, p + off, 4);
      if (len < ctnl::kNlmsgHdrLen || len > n - off) break;
      std::memcpy(p + off + 8, &k_->last_seq_, 4);
      std::memcpy(p + off + 12, &k_->port_id, 4);
      off += ctnl::Align4(len);
    }
  }

  std::shared_ptr<FakeKernel> k_;
};

std::unique_ptr<Transport> FakeKernel::NewTransport() {
  return std::make_unique<FakeTransport>(shared_from_this());
}

std::function<absl::StatusOr<std::unique_ptr<Transport>>()> FakeKernel::Opener() {
  std::shared_ptr<FakeKernel> self = shared_from_this();
  return [self]() -> absl::StatusOr<std::unique_ptr<Transport>> {
    return self->NewTransport();
  };
}

size_t FakeKernel::pending() const {
  size_t n = 0;
  for (const Reply& r : current_) n += r.err == 0 ? 1 : 0;
  return n;
}

std::vector<std::vector<Reply>> ScriptsFromRecording(
    const std::vector<std::vector<uint8_t>>& datagrams) {
  std::vector<std::vector<Reply>> scripts(1);
  for (const std::vector<uint8_t>& d : datagrams) {
    scripts.back().push_back(Reply{d, 0, false});
    bool ends = false;
    size_t off = 0;
    while (d.size() - off >= ctnl::kNlmsgHdrLen) {
      uint32_t len;
      uint16_t type;
      std::memcpy(&len, d.data() + off, 4);
      std::memcpy(&type, d.data() + off + 4, 2);
      if (len < ctnl::kNlmsgHdrLen || len > d.size() - off) break;
      if (type == ctnl::kNlmsgDone || type == ctnl::kNlmsgError) ends = true;
      off += ctnl::Align4(len);
    }
    if (ends) scripts.emplace_back();
  }
  if (scripts.back().empty()) scripts.pop_back();
  return scripts;
}

}  // namespace testing
}  // namespace netlink
}  // namespace ctdump
