#include "backends/netlink/events.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/testing/fake_event_socket.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/event.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeEventState;
using testing::FakeEventSocket;
using testing::FakeEventStep;
using testing::MsgBuilder;

// An event message as the kernel multicasts it: seq 0, nlmsg_pid = the port id of the
// process that caused it.
std::vector<uint8_t> EventMsg(EventType type, uint16_t sport, uint32_t port_id = 0) {
  const uint8_t msg = type == EventType::kDestroy ? ctnl::kMsgCtDelete : ctnl::kMsgCtNew;
  const uint16_t flags =
      type == EventType::kNew ? static_cast<uint16_t>(ctnl::kNlmFCreate | ctnl::kNlmFExcl) : 0;
  MsgBuilder b(ctnl::CtType(msg), flags, 0, port_id);
  b.Nfgen(AF_INET);
  AddTuple(b, ctnl::kCtaTupleOrig, AF_INET,
           {"10.0.0.1", "10.0.0.2", 17, sport, uint16_t{53}, {}, {}, {}, {}});
  AddTuple(b, ctnl::kCtaTupleReply, AF_INET,
           {"10.0.0.2", "10.0.0.1", 17, uint16_t{53}, sport, {}, {}, {}, {}});
  b.Be32(ctnl::kCtaStatus, 0x8).Be32(ctnl::kCtaId, sport).Be32(ctnl::kCtaTimeout, 30);
  return b.Build();
}

FakeEventStep Datagram(std::vector<uint8_t> bytes) { return FakeEventStep{std::move(bytes), 0, 0}; }

class Recorder : public EventSink {
 public:
  bool OnEvent(const FlowEvent& ev, const Flow& flow) override {
    log.push_back(absl::StrCat(EventTypeName(ev.type), " ", flow.orig.sport, " pid=",
                               ev.port_id, ev.progname.empty() ? "" : " ",
                               ev.progname, " t=", ev.time_ns));
    return --stop_after != 0;
  }
  void OnSkipped(const absl::Status& why) override {
    log.push_back(absl::StrCat("skipped: ", why.message()));
  }
  void OnLost(const EventLoss& loss) override {
    log.push_back(absl::StrCat("lost ", loss.lost_known ? absl::StrCat(loss.lost) : "?",
                               " overruns ", loss.overruns, " rcvbuf ", loss.rcvbuf));
  }
  void OnIdle() override { ++idle; }
  std::vector<std::string> log;
  int stop_after = -1;
  int idle = 0;
};

EventListenerOptions Options() {
  EventListenerOptions o;
  o.rcvbuf = 1000;
  o.rcvbuf_max = 3000;
  o.clock = [] { return uint64_t{7}; };
  return o;
}

// Options() with a resync callback that only counts its calls.
EventListenerOptions CountingResync(int* calls) {
  EventListenerOptions o = Options();
  o.resync = [calls](EventSink&) {
    ++*calls;
    return absl::OkStatus();
  };
  return o;
}

absl::StatusOr<std::unique_ptr<EventListener>> StartOn(std::shared_ptr<FakeEventState> s,
                                                       EventListenerOptions o = Options()) {
  return EventListener::Start(std::make_unique<FakeEventSocket>(s), std::move(o));
}

TEST(EventListener, SubscribesTheMaskedGroupsAndForcesTheBuffer) {
  auto s = std::make_shared<FakeEventState>();
  EventListenerOptions o = Options();
  o.mask = EventBit(EventType::kNew) | EventBit(EventType::kDestroy);
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  EXPECT_THAT(s->groups, ElementsAre(ctnl::kNfnlgrpConntrackNew, ctnl::kNfnlgrpConntrackDestroy));
  EXPECT_THAT(s->buffer_requests, ElementsAre(1000u));
  EXPECT_TRUE((*l)->counters().rcvbuf_forced);
  EXPECT_EQ((*l)->counters().rcvbuf, 1000u);  // as asked, not the kernel's doubled figure
}

TEST(EventListener, FallsBackToSoRcvbufWithoutCapNetAdmin) {
  auto s = std::make_shared<FakeEventState>();
  s->force_errno = EPERM;
  s->rmem_max = 600;
  auto l = StartOn(s);
  ASSERT_THAT(l, IsOk());
  EXPECT_FALSE((*l)->counters().rcvbuf_forced);
  EXPECT_EQ((*l)->counters().rcvbuf, 600u);  // rmem_max, not 2 * rmem_max
  EXPECT_THAT((*l)->counters().rcvbuf_note, HasSubstr("SO_RCVBUFFORCE"));
  EXPECT_THAT((*l)->counters().rcvbuf_note, HasSubstr("rmem_max"));
}

// Sizes are reported in the unit of --rcvbuf/--rcvbuf-max: the smallest request reads
// back as itself, and growth stops at the cap as the cap was given (128 MiB, never the
// kernel's 256 MiB figure).
TEST(EventListener, BufferSizesAreInTheUnitOfTheOptionsUpToTheCap) {
  auto s = std::make_shared<FakeEventState>();
  for (int i = 0; i < 20; ++i) s->steps.push_back(FakeEventStep{{}, ENOBUFS, 1});
  EventListenerOptions o = Options();
  o.rcvbuf = 4096;
  o.rcvbuf_max = kDefaultEventRcvbufMax;
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  EXPECT_EQ((*l)->counters().rcvbuf, 4096u);
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_EQ((*l)->counters().rcvbuf, uint64_t{128} << 20);
  EXPECT_EQ(r.log.back(), absl::StrCat("lost 20 overruns 20 rcvbuf ", uint64_t{128} << 20));
}

TEST(EventListener, RefusedSubscriptionIsPermissionDenied) {
  auto s = std::make_shared<FakeEventState>();
  s->subscribe_errno = EPERM;
  EXPECT_THAT(StartOn(s), StatusIs(absl::StatusCode::kPermissionDenied,
                                   HasSubstr("CAP_NET_ADMIN")));
}

TEST(EventListener, BadOptions) {
  auto s = std::make_shared<FakeEventState>();
  EventListenerOptions o = Options();
  o.mask = 0;
  EXPECT_THAT(StartOn(s, o), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  o = Options();
  o.rcvbuf_max = 10;
  EXPECT_THAT(StartOn(s, o), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(EventListener, NewUpdateDestroyWithPortIdsAndNames) {
  auto s = std::make_shared<FakeEventState>();
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 1000, 4242)));
  s->steps.push_back(Datagram(EventMsg(EventType::kUpdate, 1000)));
  s->steps.push_back(Datagram(EventMsg(EventType::kDestroy, 1000, 99)));
  EventListenerOptions o = Options();
  o.port_owner = [](uint32_t port) { return port == 4242 ? std::string("ctgen") : ""; };
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("NEW 1000 pid=4242 ctgen t=7", "UPDATE 1000 pid=0 t=7",
                                 "DESTROY 1000 pid=99 t=7"));
  EXPECT_EQ((*l)->counters().events, 3u);
  EXPECT_EQ((*l)->counters().news, 1u);
  EXPECT_EQ((*l)->counters().updates, 1u);
  EXPECT_EQ((*l)->counters().destroys, 1u);
  EXPECT_GE(r.idle, 1);  // told before waiting
}

TEST(EventListener, EventsOutsideTheMaskAreNotDelivered) {
  auto s = std::make_shared<FakeEventState>();
  s->steps.push_back(Datagram(EventMsg(EventType::kUpdate, 1)));
  s->steps.push_back(Datagram(EventMsg(EventType::kDestroy, 2)));
  EventListenerOptions o = Options();
  o.mask = EventBit(EventType::kDestroy);
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("DESTROY 2 pid=0 t=7"));
}

// The heart of "no silent loss": ENOBUFS is counted, the kernel's drop counter gives
// the number of events lost, the buffer doubles up to its cap, the sink hears of it, a
// resync runs, and the events after the overrun still arrive.
TEST(EventListener, EnobufsIsCountedGrowsTheBufferAndResyncs) {
  auto s = std::make_shared<FakeEventState>();
  s->drops = 5;  // drops before the listener started do not count
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 1)));
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 37});
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 2)));
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 3});
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 1});
  s->steps.push_back(Datagram(EventMsg(EventType::kDestroy, 1)));
  int resyncs = 0;
  EventListenerOptions o = CountingResync(&resyncs);
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("NEW 1 pid=0 t=7", "lost 37 overruns 1 rcvbuf 2000",
                                 "NEW 2 pid=0 t=7", "lost 40 overruns 2 rcvbuf 3000",
                                 "lost 41 overruns 3 rcvbuf 3000", "DESTROY 1 pid=0 t=7"));
  EXPECT_THAT(s->buffer_requests, ElementsAre(1000u, 2000u, 3000u));
  EXPECT_EQ(resyncs, 3);
  const EventListenerCounters& st = (*l)->counters();
  EXPECT_EQ(st.overruns, 3u);
  EXPECT_EQ(st.lost, 41u);
  EXPECT_TRUE(st.lost_known);
  EXPECT_EQ(st.drop_counter_note, "");
  EXPECT_EQ(st.resyncs, 3u);
  // Drops after the last overrun are picked up by RefreshLoss().
  s->drops += 4;
  (*l)->RefreshLoss();
  EXPECT_EQ((*l)->counters().lost, 45u);
}

// The kernel raises ENOBUFS once per congestion episode: drops while the socket is still
// congested (here: during the resync dump) come without an error. They are found when the
// queue has been drained, and resynced like an overrun.
FakeEventStep IdleWithDrops(uint64_t drops) {
  FakeEventStep step;
  step.idle = true;
  step.drops = drops;
  return step;
}

TEST(EventListener, DropsWithoutEnobufsAreResyncedWhenTheQueueDrains) {
  auto s = std::make_shared<FakeEventState>();
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 10});
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 1)));
  s->steps.push_back(IdleWithDrops(5));  // dropped after the first resync began
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 2)));
  s->steps.push_back(IdleWithDrops(0));
  int resyncs = 0;
  EventListenerOptions o = CountingResync(&resyncs);
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("lost 10 overruns 1 rcvbuf 2000", "NEW 1 pid=0 t=7",
                                 "lost 15 overruns 1 rcvbuf 3000", "NEW 2 pid=0 t=7"));
  EXPECT_EQ(resyncs, 2);
  const EventListenerCounters& st = (*l)->counters();
  EXPECT_EQ(st.overruns, 1u);
  EXPECT_EQ(st.silent_overruns, 1u);
  EXPECT_EQ(st.resyncs, 2u);
  EXPECT_EQ(st.lost, 15u);
}

// Without a resync there is nothing to repair: such drops only raise the final count.
TEST(EventListener, DropsWithoutEnobufsAndWithoutResyncAreCountedAtTheEnd) {
  auto s = std::make_shared<FakeEventState>();
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 10});
  s->steps.push_back(IdleWithDrops(5));
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 1)));
  auto l = StartOn(s);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("lost 10 overruns 1 rcvbuf 2000", "NEW 1 pid=0 t=7"));
  EXPECT_EQ((*l)->counters().silent_overruns, 0u);
  (*l)->RefreshLoss();
  EXPECT_EQ((*l)->counters().lost, 15u);
}

TEST(EventListener, EnobufsWithoutADropCounterCountsOverruns) {
  auto s = std::make_shared<FakeEventState>();
  s->drops_supported = false;
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 0});
  auto l = StartOn(s);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("lost ? overruns 1 rcvbuf 2000"));
  EXPECT_FALSE((*l)->counters().lost_known);
  EXPECT_EQ((*l)->counters().drop_counter_note, "no SO_MEMINFO drops");
}

TEST(EventListener, FailedResyncIsReportedAndListeningGoesOn) {
  auto s = std::make_shared<FakeEventState>();
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 2});
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 9)));
  EventListenerOptions o = Options();
  o.resync = [](EventSink&) { return absl::UnavailableError("no dump"); };
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("lost 2 overruns 1 rcvbuf 2000",
                                 "skipped: resync dump failed: no dump", "NEW 9 pid=0 t=7"));
}

TEST(EventListener, MalformedEventIsSkippedAndEintrRetried) {
  auto s = std::make_shared<FakeEventState>();
  std::vector<uint8_t> bad = EventMsg(EventType::kNew, 1);
  bad[bad.size() - 8] = 40;  // CTA_TIMEOUT's nla_len runs past the message
  s->steps.push_back(Datagram(bad));
  s->steps.push_back(FakeEventStep{{}, EINTR, 0});
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 2)));
  auto l = StartOn(s);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  ASSERT_EQ(r.log.size(), 2u);
  EXPECT_THAT(r.log[0], HasSubstr("skipped: ctnetlink event, datagram 1"));
  EXPECT_EQ(r.log[1], "NEW 2 pid=0 t=7");
  EXPECT_EQ((*l)->counters().skipped, 1u);
}

// A stop request (the wake fd is readable) does not drop what the socket already holds:
// the queue is drained into the sink (issue 12, item 5).
TEST(EventListener, EventsQueuedAtAStopAreStillDelivered) {
  auto s = std::make_shared<FakeEventState>();
  for (uint16_t i = 1; i <= 200; ++i) s->steps.push_back(Datagram(EventMsg(EventType::kNew, i)));
  s->steps.push_back(FakeEventStep{{}, ENOBUFS, 30});  // while draining: counted, no resync
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 201)));
  int resyncs = 0;
  auto l = StartOn(s, CountingResync(&resyncs));
  ASSERT_THAT(l, IsOk());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "x", 1), 1);  // SIGINT arrived before the first read
  Recorder r;
  ASSERT_THAT((*l)->Run(r, fds[0]), IsOk());
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(r.log.size(), 201u);  // every event; the overrun only goes into the count
  EXPECT_EQ(r.log.back(), "NEW 201 pid=0 t=7");
  EXPECT_TRUE(s->steps.empty());
  (*l)->RefreshLoss();
  const EventListenerCounters& st = (*l)->counters();
  EXPECT_EQ(st.events, 201u);
  EXPECT_EQ(st.unshown, 0u);
  EXPECT_EQ(st.overruns, 1u);
  EXPECT_EQ(st.lost, 30u);
  EXPECT_EQ(resyncs, 0);
}

// When the drain time runs out, the rest of the queue is read and counted, not lost
// from the books: shown + lost + unshown is what the kernel sent.
TEST(EventListener, EventsQueuedAtAStopBeyondTheDrainTimeAreCounted) {
  auto s = std::make_shared<FakeEventState>();
  for (uint16_t i = 1; i <= 100; ++i) s->steps.push_back(Datagram(EventMsg(EventType::kNew, i)));
  s->steps.push_back(Datagram(EventMsg(EventType::kUpdate, 1)));  // not subscribed to
  EventListenerOptions o = Options();
  o.mask = EventBit(EventType::kNew);
  o.stop_drain_ns = 0;
  auto l = StartOn(s, o);
  ASSERT_THAT(l, IsOk());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  Recorder r;
  ASSERT_THAT((*l)->Run(r, fds[0]), IsOk());
  close(fds[0]);
  close(fds[1]);
  const EventListenerCounters& st = (*l)->counters();
  EXPECT_EQ(st.events, r.log.size());
  EXPECT_GT(st.unshown, 0u);
  EXPECT_EQ(st.events + st.unshown, 100u);
  EXPECT_TRUE(s->steps.empty());
}

TEST(EventListener, SinkStopsTheRunAndOtherErrorsEndIt) {
  auto s = std::make_shared<FakeEventState>();
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 1)));
  s->steps.push_back(Datagram(EventMsg(EventType::kNew, 2)));
  auto l = StartOn(s);
  ASSERT_THAT(l, IsOk());
  Recorder r;
  r.stop_after = 1;
  ASSERT_THAT((*l)->Run(r, -1), IsOk());
  EXPECT_THAT(r.log, ElementsAre("NEW 1 pid=0 t=7"));

  s->steps.clear();
  s->steps.push_back(FakeEventStep{{}, EBADF, 0});
  EXPECT_THAT((*l)->Run(r, -1), StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
