// File: core/event.h
//
// Flow events: what `conntrack -E` shows. An event is a flow record (core/flow.h) plus
// what happened to it. Event sources (the ctnetlink listener in backends/netlink/events.h,
// the /proc poller built on core/table_diff.h) hand them to an EventSink, the event
// counterpart of core/backend.h's FlowSink (which stays as it is for dumps).
//
//   class Printer : public EventSink {
//     bool OnEvent(const FlowEvent& ev, const Flow& flow) override { ... }
//     void OnSkipped(const absl::Status& why) override { ... }
//     void OnLost(const EventLoss& loss) override { ... }
//   };
//
// Event types and their kernel origin (docs/ctnetlink.md section 8):
//   kNew      CT_NEW message with NLM_F_CREATE (group NFNLGRP_CONNTRACK_NEW, 1)
//   kUpdate   CT_NEW message without NLM_F_CREATE (NFNLGRP_CONNTRACK_UPDATE, 2)
//   kDestroy  CT_DELETE message (NFNLGRP_CONNTRACK_DESTROY, 3)
//   kResync   not a kernel event: an entry of the table dump that ctdump runs after the
//             kernel dropped events (--resync), so that a consumer can rebuild its state
// Events need CONFIG_NF_CONNTRACK_EVENTS (every distribution kernel has it; 2.6.14+).

#ifndef CTDUMP_CORE_EVENT_H_
#define CTDUMP_CORE_EVENT_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {

// The values are the bits of an event mask (EventMask below).
enum class EventType : uint8_t {
  kNew = 1,
  kUpdate = 2,
  kDestroy = 4,
  kResync = 8,
};

// A set of EventType bits. kEventMaskAll is what `conntrack -E` shows without -e.
using EventMask = uint32_t;
inline constexpr EventMask kEventMaskAll = 1 | 2 | 4;
inline constexpr EventMask EventBit(EventType t) { return static_cast<EventMask>(t); }

// "NEW", "UPDATE", "DESTROY", "RESYNC".
absl::string_view EventTypeName(EventType t);

struct FlowEvent {
  EventType type = EventType::kNew;
  // nlmsg_pid of the event: the netlink port id of the process whose request caused it
  // (conntrack -D, ctgen, ...), 0 for changes made by packets or timers.
  uint32_t port_id = 0;
  // Name of the process that owns `port_id`, when it could be found (racy: the process
  // may be gone). Empty otherwise. Points into storage valid during OnEvent() only.
  absl::string_view progname;
  // The event was inferred by comparing two polls of a table (core/table_diff.h), not
  // reported by the kernel: it may be late by up to one interval, and a flow created and
  // destroyed between two polls is never seen.
  bool polled = false;
  // Wall clock (ns since the epoch) when ctdump received or inferred the event.
  uint64_t time_ns = 0;
};

// What the kernel dropped for this listener (ENOBUFS: its receive buffer overflowed).
struct EventLoss {
  // ENOBUFS errors seen so far (each is one overflow episode; one or more events lost).
  uint64_t overruns = 0;
  // Events the kernel dropped for this socket so far (its sk_drops counter), when the
  // kernel reports it (SO_MEMINFO, 4.12+); otherwise `lost_known` is false and only
  // `overruns` (a lower bound: at least one event per overrun) is known.
  uint64_t lost = 0;
  bool lost_known = false;
  // The receive buffer size in bytes after this overrun (grown when below its cap).
  uint64_t rcvbuf = 0;
};

// Receives events. Not thread-safe; called on the listening thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // One event. `flow` is valid only during the call. Return false to stop listening;
  // the source then returns OK.
  virtual bool OnEvent(const FlowEvent& event, const Flow& flow) = 0;
  // A message that could not be decoded and was skipped; listening goes on.
  virtual void OnSkipped(const absl::Status& why) = 0;
  // The kernel dropped events (see EventLoss). Listening goes on.
  virtual void OnLost(const EventLoss& loss) = 0;
  // Called when the source has nothing pending and is about to wait: a good moment to
  // flush buffered output. Default: nothing.
  virtual void OnIdle() {}
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_EVENT_H_
