// File: backends/netlink/events.h
//
// ctnetlink events (what `conntrack -E` shows): subscribe to the conntrack multicast
// groups and stream NEW / UPDATE / DESTROY events to an EventSink (core/event.h),
// without losing them silently.
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<netlink::EventSocket> sock,
//                           netlink::OpenEventSocket());
//   netlink::EventListenerOptions opts;
//   opts.mask = EventBit(EventType::kNew) | EventBit(EventType::kDestroy);   // -e NEW,DESTROY
//   CTDUMP_ASSIGN_OR_RETURN(auto listener, netlink::EventListener::Start(std::move(sock), opts));
//   CTDUMP_RETURN_IF_ERROR(listener->Run(sink, wake_fd));   // until wake_fd is readable
//   listener->RefreshLoss();                                 // final count for the summary
//
// READ-ONLY: subscribing is a bind to multicast groups (NETLINK_ADD_MEMBERSHIP); the
// listener sends no request at all (request.h's guarantee is untouched). A resync dump
// (EventListenerOptions::resync) is the caller's, through the read-only dump backend.
//
// Kernel facts (docs/ctnetlink.md section 8):
//  * Groups NFNLGRP_CONNTRACK_NEW (1), _UPDATE (2), _DESTROY (3); events need
//    CONFIG_NF_CONNTRACK_EVENTS and CAP_NET_ADMIN in the socket's network namespace.
//  * NEW is CT_NEW with NLM_F_CREATE (conntrack tests that flag alone), UPDATE is CT_NEW
//    without it, DESTROY is CT_DELETE. nlmsg_pid is the port id of the process that
//    caused the change, 0 for the packet path. Events carry no CTA_USE.
//  * Events are queued against the listener's receive buffer; when it is full the kernel
//    drops them, counts each drop in the socket's sk_drops, and the next recvmsg() fails
//    with ENOBUFS (once per overflow episode).
//
// Not losing events silently:
//  * The receive buffer starts at EventListenerOptions::rcvbuf, set with SO_RCVBUFFORCE
//    (needs CAP_NET_ADMIN, ignores net.core.rmem_max) and, when that is refused, with
//    SO_RCVBUF (capped by rmem_max). The size the kernel granted is read back and
//    reported in EventListenerCounters in the unit of the request (getsockopt() reports
//    double the value granted; the listener halves it).
//  * On ENOBUFS: the overrun is counted; the number of events lost so far is read from
//    the kernel (sk_drops through getsockopt(SO_MEMINFO), 4.12+; when unavailable only the
//    overruns are known, each meaning at least one lost event); the buffer is doubled up
//    to EventListenerOptions::rcvbuf_max; EventSink::OnLost() is told; and, when
//    EventListenerOptions::resync is set, it is called to dump the table again so that a
//    consumer can rebuild its state. Listening then goes on.
//  * The kernel reports ENOBUFS once per congestion episode: drops that happen while
//    the socket is still congested (for example while a resync dump runs) come with no
//    error of their own. With a resync callback the listener therefore also reads the
//    drop counter whenever it has drained the queue, and a count that grew since the
//    last resync began is handled like an overrun (OnLost(), buffer growth, resync),
//    counted in EventListenerCounters::silent_overruns. So every entry of the table is
//    reported, as an event or a resync line, once the flood ends.
//
// Errors of Start(): kPermissionDenied (EPERM on subscribing: needs CAP_NET_ADMIN),
// others from the socket calls with the operation named. Errors of Run(): receive
// errors other than EINTR/ENOBUFS (the events already delivered stand).

#ifndef CTDUMP_BACKENDS_NETLINK_EVENTS_H_
#define CTDUMP_BACKENDS_NETLINK_EVENTS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/event.h"
#include "core/flow.h"

namespace ctdump {
namespace netlink {

// The socket seam of the listener. The real one is OpenEventSocket();
// tests use backends/netlink/testing/fake_event_socket.h.
class EventSocket {
 public:
  virtual ~EventSocket();
  EventSocket(const EventSocket&) = delete;
  EventSocket& operator=(const EventSocket&) = delete;

  // Joins multicast group `group` (NETLINK_ADD_MEMBERSHIP).
  // Errors: TransportError(errno, "netlink add membership").
  virtual absl::Status Subscribe(int group) = 0;
  // Asks for a receive buffer of `bytes`: SO_RCVBUFFORCE when `force`, else SO_RCVBUF.
  // Errors: TransportError(errno, ...) (EPERM: SO_RCVBUFFORCE needs CAP_NET_ADMIN).
  virtual absl::Status SetReceiveBuffer(uint64_t bytes, bool force) = 0;
  // The receive buffer size the kernel granted (getsockopt SO_RCVBUF).
  virtual absl::StatusOr<uint64_t> ReceiveBuffer() = 0;
  // The kernel's count of messages dropped for this socket (sk_drops, SO_MEMINFO).
  // kUnimplemented when the kernel does not report it (before 4.12).
  virtual absl::StatusOr<uint64_t> Drops() = 0;
  // Receives one datagram into `buffer` and returns its size. With `block` false,
  // returns 0 at once when nothing is pending; with `block` true, waits until a datagram
  // arrives or `wake_fd` (if >= 0) becomes readable, which returns kCancelled.
  // Errors: TransportError(errno, "netlink recv"): EINTR, ENOBUFS (events were dropped),
  // ENOSPC (datagram larger than the buffer).
  virtual absl::StatusOr<size_t> Recv(absl::Span<uint8_t> buffer, bool block, int wake_fd) = 0;

 protected:
  EventSocket() = default;
};

// OpenEventSocket() opens socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_NETFILTER)
// (socket.h) and binds it with a kernel-assigned port id and no groups (Start()
// subscribes). Errors as OpenCtnetlinkTransport() (transport.h).
absl::StatusOr<std::unique_ptr<EventSocket>> OpenEventSocket();

// True when `fd` (>= 0) is readable now; false for fd < 0. For stop requests.
bool FdReadable(int fd);

inline constexpr uint64_t kDefaultEventRcvbuf = 8u << 20;      // 8 MiB
inline constexpr uint64_t kDefaultEventRcvbufMax = 128u << 20;  // 128 MiB

struct EventListenerOptions {
  EventMask mask = kEventMaskAll;  // which of NEW / UPDATE / DESTROY to subscribe to
  uint64_t rcvbuf = kDefaultEventRcvbuf;         // requested at start
  uint64_t rcvbuf_max = kDefaultEventRcvbufMax;  // growth cap on ENOBUFS (>= rcvbuf)
  // Called after each overrun (after OnLost()), to dump the table again into the sink
  // as kResync events; its failure is reported through OnSkipped() and listening goes
  // on. Null: no resync.
  std::function<absl::Status(EventSink& sink)> resync;
  // Names the process that owns a netlink port id ("" when unknown). Null: no names.
  std::function<std::string(uint32_t port_id)> port_owner;
  // Wall clock for FlowEvent::time_ns (ns since the epoch). Null: CLOCK_REALTIME.
  std::function<uint64_t()> clock;
  // When a stop is requested (Run()'s wake_fd), the events already queued are still
  // delivered for up to stop_drain_ns; those still queued then are read and counted
  // (EventListenerCounters::unshown) without being delivered, for up to stop_count_ns more
  // (a bound for a flood that never ends).
  uint64_t stop_drain_ns = 1000000000;  // 1 s
  uint64_t stop_count_ns = 1000000000;  // 1 s
};

struct EventListenerCounters {
  uint64_t datagrams = 0;
  uint64_t events = 0;  // handed to OnEvent()
  uint64_t news = 0;
  uint64_t updates = 0;
  uint64_t destroys = 0;
  uint64_t skipped = 0;   // undecodable messages handed to OnSkipped()
  uint64_t overruns = 0;  // ENOBUFS errors
  uint64_t lost = 0;      // events dropped by the kernel (valid when lost_known)
  bool lost_known = false;
  uint64_t rcvbuf = 0;          // receive buffer granted now (bytes, as rcvbuf means it:
                                // half of what getsockopt(SO_RCVBUF) reports)
  bool rcvbuf_forced = false;   // SO_RCVBUFFORCE worked (else SO_RCVBUF, rmem_max-capped)
  std::string rcvbuf_note;      // why SO_RCVBUFFORCE was not used, if it was not
  uint64_t resyncs = 0;         // resync dumps run
  uint64_t silent_overruns = 0;  // drops found without an ENOBUFS (resync mode only)
  // Events queued when the stop was requested that were read but not delivered, because
  // the drain time ran out (stop_drain_ns). Together with events and lost, every event
  // the kernel sent is accounted for.
  uint64_t unshown = 0;
  // Why the kernel's drop counter cannot be read ("" when it can): before 4.12 an
  // overrun is still reported (ENOBUFS) but only as "at least N events lost".
  std::string drop_counter_note;
};

class EventListener {
 public:
  // Subscribes `socket` to the groups of `options.mask` and sizes its buffer.
  // Errors: kInvalidArgument (empty mask, rcvbuf_max < rcvbuf or rcvbuf 0);
  // kPermissionDenied ("subscribing to conntrack events refused (EPERM): needs
  // CAP_NET_ADMIN in this network namespace; run as root"); others from the socket.
  static absl::StatusOr<std::unique_ptr<EventListener>> Start(
      std::unique_ptr<EventSocket> socket, EventListenerOptions options);

  // Streams events to `sink` until `wake_fd` becomes readable (checked at least every
  // 64 datagrams and whenever the listener waits) or the sink returns false; both return
  // OK. After the wake, what the socket already holds is drained: delivered for up to
  // options.stop_drain_ns, then counted in counters().unshown (no resync then; an ENOBUFS
  // is only counted). Errors: receive errors other than EINTR, ENOBUFS and ENOSPC.
  absl::Status Run(EventSink& sink, int wake_fd);

  // Reads the kernel's drop counter again, so that counters() counts drops since the last
  // overrun too (call it before printing a final summary).
  void RefreshLoss();

  const EventListenerCounters& counters() const { return counters_; }

 private:
  EventListener(std::unique_ptr<EventSocket> socket, EventListenerOptions options);
  absl::Status SizeBuffer(uint64_t bytes);
  // enobufs: reported by the kernel (else: drops found by CheckSilentDrops()).
  void HandleOverrun(EventSink& sink, bool enobufs);
  // With a resync callback: handles drops since the last resync began, if any.
  void CheckSilentDrops(EventSink& sink);
  // Handles one datagram; false when the sink asked to stop. With `deliver` false, its
  // events are only counted in counters_.unshown.
  bool HandleDatagram(absl::Span<const uint8_t> datagram, EventSink& sink,
                      bool deliver = true);
  // After a stop request: empties the socket's queue (see Run()).
  absl::Status DrainAfterStop(EventSink& sink);
  // Handles a receive error that listening survives (EINTR, ENOBUFS, ENOSPC) and returns
  // true; false for any other. `stopping`: an ENOBUFS is only counted (no resync).
  bool Recoverable(const absl::Status& error, EventSink& sink, bool stopping);

  std::unique_ptr<EventSocket> socket_;
  EventListenerOptions options_;
  EventListenerCounters counters_;
  uint64_t target_ = 0;               // the size last asked for
  std::optional<uint64_t> drops_base_;  // sk_drops at start (if known)
  uint64_t lost_resynced_ = 0;          // counters_.lost when the last resync began
  std::unique_ptr<uint8_t[]> buf_;
  Flow flow_;
  std::string progname_;
};

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_EVENTS_H_
