#include "backends/netlink/events.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/transport.h"
#include "core/format.h"

namespace ctdump {
namespace netlink {
namespace {

// How many datagrams the listener reads in a row before it looks at the wake fd.
constexpr int kWakeCheckEvery = 64;

constexpr int kSoMeminfo = 55;     // SO_MEMINFO (4.12+)
constexpr int kMeminfoDrops = 8;   // SK_MEMINFO_DROPS (4.7+; SO_MEMINFO itself is 4.12+)
constexpr int kMeminfoVars = 9;    // SK_MEMINFO_VARS on 4.12 .. 6.18

class NetlinkEventSocket final : public EventSocket {
 public:
  explicit NetlinkEventSocket(NetlinkSocket socket) : socket_(std::move(socket)) {}

  absl::Status Subscribe(int group) override {
    if (socket_.SetOption(ctnl::kSolNetlink, ctnl::kNetlinkAddMembership, group) < 0) {
      return TransportError(errno, absl::StrCat("netlink add membership (group ", group, ")"));
    }
    return absl::OkStatus();
  }

  absl::Status SetReceiveBuffer(uint64_t bytes, bool force) override {
    const int v = bytes > 0x3fffffff ? 0x3fffffff : static_cast<int>(bytes);
    if (socket_.SetOption(SOL_SOCKET, force ? SO_RCVBUFFORCE : SO_RCVBUF, v) < 0) {
      return TransportError(errno, force ? "setsockopt(SO_RCVBUFFORCE)" : "setsockopt(SO_RCVBUF)");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> ReceiveBuffer() override {
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(Fd(), SOL_SOCKET, SO_RCVBUF, &v, &len) < 0) {
      return TransportError(errno, "getsockopt(SO_RCVBUF)");
    }
    return static_cast<uint64_t>(v);
  }

  absl::StatusOr<uint64_t> Drops() override {
    uint32_t mem[16] = {};
    socklen_t len = sizeof mem;
    if (getsockopt(Fd(), SOL_SOCKET, kSoMeminfo, mem, &len) < 0) {
      return absl::UnimplementedError(
          absl::StrCat("getsockopt(SO_MEMINFO) failed (", std::strerror(errno),
                       "): the kernel does not report dropped events (needs 4.12+)"));
    }
    if (len < static_cast<socklen_t>(sizeof(uint32_t) * kMeminfoVars)) {
      return absl::UnimplementedError(
          "getsockopt(SO_MEMINFO) has no drop counter on this kernel (needs 4.12+)");
    }
    return uint64_t{mem[kMeminfoDrops]};
  }

  // Datagrams come in batches of up to kBatch per recvmmsg() (2.6.33+; on ENOSYS, one
  // recvmsg() each as before): under a flood one system call per event was the largest
  // cost left (issue 17). Each slot is as large as the caller's buffer, so what fits the
  // caller fits a slot; slots are allocated once and only touched as far as datagrams
  // reach. An error after some datagrams is kept by the kernel for the next call.
  absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer, bool block, int wake_fd) override {
    if (block && next_ >= count_) {
      struct pollfd fds[2] = {{Fd(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) return TransportError(errno, "poll");
      if (fds[1].revents != 0) return absl::CancelledError("stop requested");
    }
    for (;;) {
      if (next_ < count_) {
        const int i = next_++;
        const struct msghdr& msg = batch_[i].msg_hdr;
        const size_t n = batch_[i].msg_len;
        if ((msg.msg_flags & MSG_TRUNC) || n > buffer.size()) {
          return TransportError(ENOSPC, absl::StrCat("netlink recv (datagram larger than the ",
                                                     buffer.size(), "-byte buffer)"));
        }
        if (msg.msg_namelen != sizeof(struct sockaddr_nl) || addrs_[i].nl_pid != 0) continue;
        if (n == 0) continue;
        std::memcpy(buffer.data(), slots_.get() + static_cast<size_t>(i) * slot_size_, n);
        return n;
      }
      if (!single_) {
        absl::StatusOr<int> got = RecvBatch(buffer.size());
        if (!got.ok()) return got.status();
        if (*got < 0) return size_t{0};  // nothing pending
        if (*got > 0) continue;
        single_ = true;  // recvmmsg() is not there: fall back for good
      }
      struct sockaddr_nl addr = {};
      struct iovec iov = {buffer.data(), buffer.size()};
      struct msghdr msg = {};
      msg.msg_name = &addr;
      msg.msg_namelen = sizeof addr;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      ssize_t n = recvmsg(Fd(), &msg, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
        return TransportError(errno, "netlink recv");
      }
      if (msg.msg_flags & MSG_TRUNC) {
        return TransportError(ENOSPC, absl::StrCat("netlink recv (datagram larger than the ",
                                                   buffer.size(), "-byte buffer)"));
      }
      if (msg.msg_namelen != sizeof addr || addr.nl_pid != 0) continue;  // not the kernel
      if (n == 0) continue;
      return static_cast<size_t>(n);
    }
  }

 private:
  static constexpr int kBatch = 32;

  // One recvmmsg(MSG_DONTWAIT) into the slots: the number of datagrams (> 0), -1 when
  // none is pending, 0 when the kernel has no recvmmsg() (ENOSYS).
  absl::StatusOr<int> RecvBatch(size_t slot_size) {
    if (!slots_ || slot_size_ != slot_size) {
      slot_size_ = slot_size;
      slots_.reset(new (std::nothrow) uint8_t[kBatch * slot_size]);
      if (!slots_) return 0;  // no memory for the batch: one datagram at a time
    }
    for (int i = 0; i < kBatch; ++i) {
      iovs_[i] = {slots_.get() + static_cast<size_t>(i) * slot_size, slot_size};
      batch_[i] = {};
      batch_[i].msg_hdr.msg_name = &addrs_[i];
      batch_[i].msg_hdr.msg_namelen = sizeof addrs_[i];
      batch_[i].msg_hdr.msg_iov = &iovs_[i];
      batch_[i].msg_hdr.msg_iovlen = 1;
    }
    next_ = count_ = 0;
    const int n = recvmmsg(Fd(), batch_, kBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
      if (errno == ENOSYS) return 0;
      return TransportError(errno, "netlink recv");
    }
    if (n == 0) return -1;
    count_ = n;
    return n;
  }

  int Fd() const { return socket_.fd(); }
  NetlinkSocket socket_;
  bool single_ = false;  // recvmmsg() missing (before 2.6.33): recvmsg() only
  std::unique_ptr<uint8_t[]> slots_;
  size_t slot_size_ = 0;
  struct mmsghdr batch_[kBatch];
  struct iovec iovs_[kBatch];
  struct sockaddr_nl addrs_[kBatch];
  int next_ = 0;   // next datagram of the batch to hand out
  int count_ = 0;  // datagrams in the batch
};

uint64_t MonotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

EventType TypeOf(const NlItem& item) {
  if (ctnl::MsgOf(item.type) == ctnl::kMsgCtDelete) return EventType::kDestroy;
  return (item.flags & ctnl::kNlmFCreate) ? EventType::kNew : EventType::kUpdate;
}

}  // namespace

EventSocket::~EventSocket() = default;

absl::StatusOr<std::unique_ptr<EventSocket>> OpenEventSocket() {
  absl::StatusOr<NetlinkSocket> socket =
      OpenNetfilterSocket("poll /proc instead with --backend procfs --interval S");
  if (!socket.ok()) return socket.status();
  return std::unique_ptr<EventSocket>(new NetlinkEventSocket(*std::move(socket)));
}

bool FdReadable(int fd) {
  if (fd < 0) return false;
  struct pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0 && p.revents != 0;
}

EventListener::EventListener(std::unique_ptr<EventSocket> socket, EventListenerOptions options)
    : socket_(std::move(socket)),
      options_(std::move(options)),
      buf_(new uint8_t[kRecvBufferSize]) {}

absl::StatusOr<std::unique_ptr<EventListener>> EventListener::Start(
    std::unique_ptr<EventSocket> socket, EventListenerOptions options) {
  if ((options.mask & kEventMaskAll) == 0) {
    return absl::InvalidArgumentError("no event type to listen for (empty event mask)");
  }
  if (options.rcvbuf == 0 || options.rcvbuf_max < options.rcvbuf) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event receive buffer: want 0 < size <= maximum, got ", options.rcvbuf, " and ",
        options.rcvbuf_max));
  }
  std::unique_ptr<EventListener> l(new EventListener(std::move(socket), std::move(options)));
  const struct {
    EventType type;
    int group;
  } kGroups[] = {{EventType::kNew, ctnl::kNfnlgrpConntrackNew},
                 {EventType::kUpdate, ctnl::kNfnlgrpConntrackUpdate},
                 {EventType::kDestroy, ctnl::kNfnlgrpConntrackDestroy}};
  for (const auto& g : kGroups) {
    if (!(l->options_.mask & EventBit(g.type))) continue;
    absl::Status s = l->socket_->Subscribe(g.group);
    if (TransportErrno(s) == EPERM) {
      return absl::PermissionDeniedError(
          "subscribing to conntrack events refused (EPERM): needs CAP_NET_ADMIN in this "
          "network namespace; run as root");
    }
    if (!s.ok()) return s;
  }
  absl::Status sized = l->SizeBuffer(l->options_.rcvbuf);
  if (!sized.ok()) return sized;
  absl::StatusOr<uint64_t> drops = l->socket_->Drops();
  if (drops.ok()) {
    l->drops_base_ = *drops;
  } else {
    l->counters_.drop_counter_note = std::string(drops.status().message());
  }
  return l;
}

absl::Status EventListener::SizeBuffer(uint64_t bytes) {
  target_ = bytes;
  absl::Status forced = socket_->SetReceiveBuffer(bytes, /*force=*/true);
  counters_.rcvbuf_forced = forced.ok();
  if (!forced.ok()) {
    counters_.rcvbuf_note = absl::StrCat(
        forced.message(),
        TransportErrno(forced) == EPERM ? " (needs CAP_NET_ADMIN)" : "",
        "; used SO_RCVBUF, which net.core.rmem_max caps");
    absl::Status plain = socket_->SetReceiveBuffer(bytes, /*force=*/false);
    if (!plain.ok()) return plain;
  }
  absl::StatusOr<uint64_t> got = socket_->ReceiveBuffer();
  if (!got.ok()) return got.status();
  // getsockopt(SO_RCVBUF) reports twice what was granted: the kernel doubles the value
  // set (sock_setsockopt(), to leave room for skb overhead). Halve it, so that the figure
  // is in the unit of --rcvbuf/--rcvbuf-max (a request of 4096 reads back as 4096, and
  // the 128 MiB cap as 128 MiB, not 256).
  counters_.rcvbuf = *got / 2;
  return absl::OkStatus();
}

void EventListener::RefreshLoss() {
  if (!drops_base_) return;
  absl::StatusOr<uint64_t> drops = socket_->Drops();
  if (!drops.ok()) return;
  counters_.lost = *drops >= *drops_base_ ? *drops - *drops_base_ : 0;
  counters_.lost_known = true;
}

void EventListener::HandleOverrun(EventSink& sink, bool enobufs) {
  if (enobufs) {
    ++counters_.overruns;
  } else {
    ++counters_.silent_overruns;
  }
  RefreshLoss();
  if (target_ < options_.rcvbuf_max) {
    const uint64_t next = target_ * 2 < options_.rcvbuf_max ? target_ * 2 : options_.rcvbuf_max;
    absl::Status s = SizeBuffer(next);
    if (!s.ok()) sink.OnSkipped(absl::UnavailableError(absl::StrCat(
        "could not grow the event receive buffer to ", next, " bytes: ", s.message())));
  }
  EventLoss loss;
  loss.overruns = counters_.overruns;
  loss.lost = counters_.lost;
  loss.lost_known = counters_.lost_known;
  loss.rcvbuf = counters_.rcvbuf;
  sink.OnLost(loss);
  if (options_.resync) {
    ++counters_.resyncs;
    // Drops counted after this may postdate the dump's walk: CheckSilentDrops() compares
    // with this count (read by RefreshLoss() above, before the dump starts).
    lost_resynced_ = counters_.lost;
    absl::Status s = options_.resync(sink);
    if (!s.ok()) {
      sink.OnSkipped(absl::Status(s.code(), absl::StrCat("resync dump failed: ", s.message())));
    }
  }
}

void EventListener::CheckSilentDrops(EventSink& sink) {
  if (!options_.resync || !drops_base_) return;
  RefreshLoss();
  if (counters_.lost > lost_resynced_) HandleOverrun(sink, /*enobufs=*/false);
}

bool EventListener::HandleDatagram(absl::Span<const uint8_t> datagram, EventSink& sink,
                                   bool deliver) {
  ++counters_.datagrams;
  DumpBufferReader reader(datagram, &flow_);
  NlItem item;
  while (reader.Next(&item)) {
    switch (item.kind) {
      case NlKind::kFlow: {
        FlowEvent ev;
        ev.type = TypeOf(item);
        if (!(options_.mask & EventBit(ev.type))) break;
        if (!deliver) {
          ++counters_.unshown;
          break;
        }
        ev.port_id = item.port_id;
        ev.time_ns = options_.clock ? options_.clock() : WallClockNs();
        if (item.port_id != 0 && options_.port_owner) {
          progname_ = options_.port_owner(item.port_id);
          ev.progname = progname_;
        }
        ++counters_.events;
        if (ev.type == EventType::kNew) ++counters_.news;
        if (ev.type == EventType::kUpdate) ++counters_.updates;
        if (ev.type == EventType::kDestroy) ++counters_.destroys;
        if (!sink.OnEvent(ev, flow_)) return false;
        break;
      }
      case NlKind::kBadFlow:
        ++counters_.skipped;
        sink.OnSkipped(absl::DataLossError(
            absl::StrCat("ctnetlink event, datagram ", counters_.datagrams, " ",
                         item.status.message())));
        break;
      case NlKind::kDone:
      case NlKind::kError:
      case NlKind::kOther:
        break;  // nothing a multicast listener acts on
    }
  }
  if (!reader.status().ok()) {
    ++counters_.skipped;
    sink.OnSkipped(absl::DataLossError(absl::StrCat("ctnetlink event datagram ",
                                                    counters_.datagrams, ": ",
                                                    reader.status().message())));
  }
  return true;
}

bool EventListener::Recoverable(const absl::Status& error, EventSink& sink, bool stopping) {
  const int err = TransportErrno(error);
  if (err == EINTR) return true;
  if (err == ENOBUFS) {
    if (stopping) {
      ++counters_.overruns;  // the drop counter has the events; no resync when stopping
    } else {
      HandleOverrun(sink, /*enobufs=*/true);
    }
    return true;
  }
  if (err == ENOSPC) {
    ++counters_.skipped;
    sink.OnSkipped(absl::DataLossError(error.message()));
    return true;
  }
  return false;
}

absl::Status EventListener::DrainAfterStop(EventSink& sink) {
  const absl::Span<uint8_t> buf = absl::MakeSpan(buf_.get(), kRecvBufferSize);
  const uint64_t start = MonotonicNs();
  for (;;) {
    const uint64_t elapsed = MonotonicNs() - start;
    if (elapsed >= options_.stop_drain_ns + options_.stop_count_ns) return absl::OkStatus();
    absl::StatusOr<size_t> got = socket_->Recv(buf, /*block=*/false, -1);
    if (got.ok() && *got == 0) return absl::OkStatus();  // the queue is empty
    if (!got.ok()) {
      if (Recoverable(got.status(), sink, /*stopping=*/true)) continue;
      return got.status();
    }
    const bool deliver = elapsed < options_.stop_drain_ns;
    if (!HandleDatagram(absl::MakeConstSpan(buf_.get(), *got), sink, deliver)) {
      return absl::OkStatus();
    }
  }
}

absl::Status EventListener::Run(EventSink& sink, int wake_fd) {
  const absl::Span<uint8_t> buf = absl::MakeSpan(buf_.get(), kRecvBufferSize);
  int since_check = 0;
  for (;;) {
    if (++since_check >= kWakeCheckEvery) {
      since_check = 0;
      if (FdReadable(wake_fd)) return DrainAfterStop(sink);
    }
    absl::StatusOr<size_t> got = socket_->Recv(buf, /*block=*/false, wake_fd);
    if (got.ok() && *got == 0) {
      CheckSilentDrops(sink);
      sink.OnIdle();
      since_check = 0;
      got = socket_->Recv(buf, /*block=*/true, wake_fd);
      if (got.ok() && *got == 0) continue;  // woken without data
    }
    if (!got.ok()) {
      if (got.status().code() == absl::StatusCode::kCancelled) return DrainAfterStop(sink);
      if (Recoverable(got.status(), sink, /*stopping=*/false)) continue;
      return got.status();
    }
    if (!HandleDatagram(absl::MakeConstSpan(buf_.get(), *got), sink)) return absl::OkStatus();
  }
}

}  // namespace netlink
}  // namespace ctdump
