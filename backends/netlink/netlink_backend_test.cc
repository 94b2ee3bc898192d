// Tests of the netlink backend's receive loop through the scripted fake kernel.

#include "backends/netlink/netlink_backend.h"

#include <errno.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/kernel_filter.h"
#include "backends/netlink/recording.h"
#include "backends/netlink/request.h"
#include "backends/netlink/testing/fake_transport.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using netlink::FilterSupport;
using netlink::NetlinkFilterSupport;
using netlink::testing::Concat;
using netlink::testing::DoneMsg;
using netlink::testing::ErrnoReply;
using netlink::testing::ErrorMsg;
using netlink::testing::FakeKernel;
using netlink::testing::Reply;
using netlink::testing::TcpEntry;

// Collects what the backend delivers; optionally stops after `stop_after` flows.
class Collector : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    ports.push_back(flow.orig.sport);
    debug.push_back(DebugString(flow));
    return stop_after == 0 || ports.size() < stop_after;
  }
  void OnSkipped(const absl::Status& why) override { skipped.push_back(why); }

  size_t stop_after = 0;
  std::vector<uint16_t> ports;  // orig source port of each flow, in order
  std::vector<std::string> debug;
  std::vector<absl::Status> skipped;
};

struct Request {
  uint16_t type, flags;
  uint32_t seq;
  uint8_t family;
};
Request ParseRequest(const std::vector<uint8_t>& r) {
  Request q{};
  EXPECT_EQ(r.size(), 20u);
  if (r.size() < 20) return q;
  std::memcpy(&q.type, r.data() + 4, 2);
  std::memcpy(&q.flags, r.data() + 6, 2);
  std::memcpy(&q.seq, r.data() + 8, 4);
  q.family = r[16];
  return q;
}

class NetlinkBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kernel_ = std::make_shared<FakeKernel>();
    auto b = MakeNetlinkBackend(kernel_->NewTransport());
    ASSERT_THAT(b, IsOk());
    backend_ = std::move(*b);
  }
  const NetlinkDumpCounters& counters() const { return *NetlinkDumpCountersOf(*backend_); }
  absl::Status Dump(uint8_t family = 0) { return backend_->Dump(DumpRequest{family}, sink_); }

  std::shared_ptr<FakeKernel> kernel_;
  std::unique_ptr<Backend> backend_;
  Collector sink_;
};

TEST_F(NetlinkBackendTest, NameAndStatsAccessor) {
  EXPECT_EQ(backend_->Name(), "netlink");
  EXPECT_NE(NetlinkDumpCountersOf(*backend_), nullptr);
  class Other : public Backend {
    std::string Name() const override { return "other"; }
    absl::Status Dump(const DumpRequest&, FlowSink&) override { return absl::OkStatus(); }
  } other;
  EXPECT_EQ(NetlinkDumpCountersOf(other), nullptr);
  EXPECT_THAT(MakeNetlinkBackend(nullptr), StatusIs(absl::StatusCode::kInvalidArgument,
                                                    HasSubstr("null transport")));
}

TEST_F(NetlinkBackendTest, BothFamiliesInOneAfUnspecDump) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)})},
                   {Concat({TcpEntry(3, 1003), DoneMsg()})}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002, 1003));
  ASSERT_EQ(kernel_->requests.size(), 1u);
  const Request r1 = ParseRequest(kernel_->requests[0]);
  EXPECT_EQ(r1.type, 0x0101);
  EXPECT_EQ(r1.flags, 0x301);
  EXPECT_EQ(r1.family, 0);  // one walk of the table for both families
  EXPECT_EQ(counters().requests, 1u);
  EXPECT_EQ(counters().datagrams, 2u);
  EXPECT_EQ(counters().messages, 4u);
  EXPECT_EQ(counters().flows, 3u);
  EXPECT_EQ(counters().duplicates, 0u);
  EXPECT_EQ(counters().kernel_filter, "AF_UNSPEC{none}");
  EXPECT_FALSE(counters().stopped_early);
  EXPECT_EQ(kernel_->transports_closed, 0);  // kept for the next dump

  // The socket is reused for the next dump.
  kernel_->Script({{Concat({TcpEntry(4, 1004), DoneMsg()})}});
  sink_.ports.clear();
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1004));
  EXPECT_EQ(counters().flows, 1u);  // reset per dump
}

TEST_F(NetlinkBackendTest, AKernelThatRefusesAfUnspecIsAskedPerFamilyFromThenOn) {
  // 4.4-era kernels (docs/ctnetlink.md section 5).
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});
  kernel_->Script({{Concat({TcpEntry(1, 1001), DoneMsg()})}});
  kernel_->Script({{Concat({TcpEntry(2, 1002), DoneMsg()})}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  ASSERT_EQ(kernel_->requests.size(), 3u);
  EXPECT_EQ(ParseRequest(kernel_->requests[0]).family, 0);
  EXPECT_EQ(ParseRequest(kernel_->requests[1]).family, kFamilyIPv4);
  EXPECT_EQ(ParseRequest(kernel_->requests[2]).family, kFamilyIPv6);
  EXPECT_EQ(counters().kernel_filter, "AF_UNSPEC{none} AF_INET{none} AF_INET6{none}");

  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 5u);
  EXPECT_EQ(ParseRequest(kernel_->requests[3]).family, kFamilyIPv4);
  EXPECT_EQ(ParseRequest(kernel_->requests[4]).family, kFamilyIPv6);
}

TEST_F(NetlinkBackendTest, OneFamilyWhenRequested) {
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(kFamilyIPv6), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 1u);
  EXPECT_EQ(ParseRequest(kernel_->requests[0]).family, kFamilyIPv6);
  EXPECT_THAT(Dump(7), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("family 7")));
}

TEST_F(NetlinkBackendTest, EpermIsPermissionDenied) {
  kernel_->Script({{ErrorMsg(0, 0, EPERM)}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kPermissionDenied,
                               "ctnetlink dump refused (EPERM): needs CAP_NET_ADMIN in this "
                               "network namespace; run as root"));
  EXPECT_TRUE(sink_.ports.empty());
}

TEST_F(NetlinkBackendTest, EinvalMeansCtnetlinkIsMissing) {
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});  // AF_UNSPEC: perhaps an old kernel
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});  // AF_INET too: no ctnetlink
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("nf_conntrack_netlink module is probably not loaded")));
}

TEST_F(NetlinkBackendTest, OtherErrnoNamesTheOperationAndKernelText) {
  kernel_->Script({{ErrorMsg(0, 0, EOPNOTSUPP, "not supported here")}});
  EXPECT_THAT(Dump(kFamilyIPv4), StatusIs(absl::StatusCode::kUnimplemented,
                               HasSubstr("ctnetlink AF_INET dump request (kernel: not "
                                         "supported here)")));
}

TEST_F(NetlinkBackendTest, AckAndNoopAreIgnored) {
  kernel_->Script({{Concat({ErrorMsg(0, 0, 0), netlink::testing::MsgBuilder(
                                                   ctnl::kNlmsgNoop, 0, 0, 0)
                                                   .Build(),
                            TcpEntry(1, 1001), DoneMsg()})}});
  ASSERT_THAT(Dump(kFamilyIPv4), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
}

TEST_F(NetlinkBackendTest, EintrIsRetried) {
  kernel_->Script({ErrnoReply(EINTR), {TcpEntry(1, 1001)}, ErrnoReply(EINTR),
                   {Concat({TcpEntry(2, 1002), DoneMsg()})}});
  ASSERT_THAT(Dump(kFamilyIPv4), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  EXPECT_EQ(counters().eintr, 2u);
}

TEST_F(NetlinkBackendTest, EnobufsMidDumpIsReportedAndStreamedEntriesStand) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)})}, ErrnoReply(ENOBUFS),
                   {Concat({TcpEntry(3, 1003), DoneMsg()})}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss,
                               HasSubstr("dump lost messages (ENOBUFS)")));
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));  // socket closed
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  EXPECT_EQ(kernel_->transports_closed, 1);
  EXPECT_EQ(kernel_->requests.size(), 1u);  // no AF_INET6 request after the loss
}

TEST_F(NetlinkBackendTest, DoneWithAnErrorIsDataLoss) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), DoneMsg(0, 0, ENOMEM)})}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss,
                               HasSubstr("dump failed part-way: the kernel ended the AF_UNSPEC "
                                         "dump with ENOMEM")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
}

TEST_F(NetlinkBackendTest, ErrorInMidDumpEndsItAndEntriesStand) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)})},
                   {Concat({TcpEntry(3, 1003), ErrorMsg(0, 0, ENOMEM)})}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kResourceExhausted,
                               HasSubstr("ctnetlink AF_UNSPEC dump request")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002, 1003));
  EXPECT_EQ(kernel_->transports_closed, 1);
}

TEST_F(NetlinkBackendTest, DuplicatesAreDroppedAndCounted) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)})},
                   // A resumed dump resends the bucket: entry 2 again, then new ones.
                   {Concat({TcpEntry(2, 1002), TcpEntry(3, 1003), TcpEntry(1, 1001)})},
                   // Same id, different tuple: not a duplicate.
                   {Concat({TcpEntry(3, 1099), DoneMsg()})}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002, 1003, 1099));
  EXPECT_EQ(counters().duplicates, 2u);
  EXPECT_EQ(counters().flows, 4u);
}

TEST_F(NetlinkBackendTest, DuplicateWindowIsBounded) {
  // kDedupWindow + 1 distinct entries push the first one out of the window, so seeing it
  // again is not detected; a recent one still is. Memory does not grow with the table.
  std::vector<Reply> replies;
  std::vector<uint8_t> chunk;
  const uint32_t n = kDedupWindow + 1;
  for (uint32_t i = 0; i < n; ++i) {
    std::vector<uint8_t> e = TcpEntry(i + 1, static_cast<uint16_t>(i));
    chunk.insert(chunk.end(), e.begin(), e.end());
    if (chunk.size() > 30000) replies.push_back({std::move(chunk)}), chunk.clear();
  }
  chunk = Concat({chunk, TcpEntry(1, 0), TcpEntry(n, static_cast<uint16_t>(n - 1)), DoneMsg()});
  replies.push_back({chunk});
  kernel_->Script(replies);
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_EQ(counters().flows, n + 1);  // the evicted one comes through again
  EXPECT_EQ(counters().duplicates, 1u);
}

TEST_F(NetlinkBackendTest, EarlyStopClosesTheSocket) {
  sink_.stop_after = 2;
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002), TcpEntry(3, 1003)})},
                   {Concat({TcpEntry(4, 1004), DoneMsg()})}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  EXPECT_TRUE(counters().stopped_early);
  EXPECT_EQ(kernel_->requests.size(), 1u);
  // Nothing was read past the datagrams the receiving thread had taken ahead.
  EXPECT_LE(kernel_->recv_calls, 2);
  EXPECT_EQ(kernel_->transports_closed, 1);  // closing discards the rest of the dump
  // This test backend cannot reopen; the real one opens a new socket.
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
}

TEST_F(NetlinkBackendTest, SequenceMismatchIsDataLoss) {
  Reply stale{TcpEntry(1, 1001, /*seq=*/12345, /*port_id=*/0x4242), 0, /*keep_header=*/true};
  kernel_->Script({stale});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss,
                               HasSubstr("does not match the request: seq 12345 port id 16962")));
  EXPECT_TRUE(sink_.ports.empty());
  EXPECT_EQ(kernel_->transports_closed, 1);
}

TEST_F(NetlinkBackendTest, PortIdMismatchIsDataLoss) {
  // Right sequence number (taken from the request), wrong port id.
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  const uint32_t next_seq = ParseRequest(kernel_->requests.back()).seq + 1;
  kernel_->Script({Reply{TcpEntry(1, 1001, next_seq, 999), 0, true}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("port id 999")));
}

TEST_F(NetlinkBackendTest, MalformedEntryIsSkippedAndTheDumpGoesOn) {
  netlink::testing::MsgBuilder bad(0x0100, ctnl::kNlmFMulti, 0, 0);
  bad.Nfgen(AF_INET).Be32(ctnl::kCtaMark, 1);
  kernel_->Script({{Concat({TcpEntry(1, 1001), bad.Build(), TcpEntry(2, 1002), DoneMsg()})}});
  ASSERT_THAT(Dump(kFamilyIPv4), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  ASSERT_EQ(sink_.skipped.size(), 1u);
  EXPECT_THAT(sink_.skipped[0],
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("ctnetlink AF_INET dump, datagram 1 message at offset")));
  EXPECT_THAT(sink_.skipped[0].message(), HasSubstr("CTA_TUPLE_ORIG missing"));
  EXPECT_EQ(counters().skipped, 1u);
}

TEST_F(NetlinkBackendTest, BrokenFramingIsDataLoss) {
  std::vector<uint8_t> chunk = Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)});
  chunk.resize(chunk.size() - 10);  // the second message is cut
  kernel_->Script({{chunk}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss,
                               HasSubstr("ctnetlink AF_UNSPEC dump: truncated message")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
}

TEST_F(NetlinkBackendTest, OversizedDatagramIsDataLoss) {
  std::vector<Reply> big;
  std::vector<uint8_t> chunk;
  while (chunk.size() <= netlink::kRecvBufferSize) {
    std::vector<uint8_t> e = TcpEntry(static_cast<uint32_t>(chunk.size()), 1);
    chunk.insert(chunk.end(), e.begin(), e.end());
  }
  kernel_->Script({{chunk}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("was cut")));
}

TEST_F(NetlinkBackendTest, RecvAndSendErrorsPassThrough) {
  kernel_->Script({ErrnoReply(EBADF)});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("netlink recv")));

  auto k2 = std::make_shared<FakeKernel>();
  k2->send_errno = ECONNREFUSED;
  auto b2 = MakeNetlinkBackend(k2->NewTransport());
  ASSERT_THAT(b2, IsOk());
  EXPECT_THAT((*b2)->Dump(DumpRequest{}, sink_),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("netlink send")));
}

TEST_F(NetlinkBackendTest, NothingScriptedDoesNotHang) {
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("nothing scripted")));
}

TEST_F(NetlinkBackendTest, EveryRequestSentIsAReadOnlyDump) {
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  for (const auto& r : kernel_->requests) {
    const Request q = ParseRequest(r);
    EXPECT_EQ(q.type, 0x0101);
    EXPECT_EQ(q.flags, 0x301);
  }
}

// The recordings replay through the whole backend exactly as they decode directly.
TEST_F(NetlinkBackendTest, RecordedDumpsReplay) {
  for (const char* name : {"entries-6.18", "plain-6.18", "many-6.18", "empty-6.18"}) {
    SCOPED_TRACE(name);
    auto datagrams =
        netlink::ReadRecordingFile(absl::StrCat("testdata/netlink/", name, ".bin"));
    ASSERT_THAT(datagrams, IsOk());
    std::vector<std::string> direct;
    Flow flow;
    for (const auto& d : *datagrams) {
      netlink::DumpBufferReader reader(d, &flow);
      netlink::NlItem item;
      while (reader.Next(&item)) {
        if (item.kind == netlink::NlKind::kFlow) direct.push_back(DebugString(flow));
      }
    }
    // The recordings hold an AF_INET dump, then an AF_INET6 one.
    auto kernel = std::make_shared<FakeKernel>();
    for (auto& script : netlink::testing::ScriptsFromRecording(*datagrams)) {
      kernel->Script(std::move(script));
    }
    auto backend = MakeNetlinkBackend(kernel->NewTransport());
    ASSERT_THAT(backend, IsOk());
    Collector sink;
    uint64_t received = 0;
    for (uint8_t family : {kFamilyIPv4, kFamilyIPv6}) {
      ASSERT_THAT((*backend)->Dump(DumpRequest{family}, sink), IsOk());
      const NetlinkDumpCounters* st = NetlinkDumpCountersOf(**backend);
      EXPECT_EQ(st->duplicates, 0u);
      received += st->datagrams;
    }
    EXPECT_EQ(sink.debug, direct);
    EXPECT_TRUE(sink.skipped.empty());
    EXPECT_EQ(received, datagrams->size());
    EXPECT_EQ(kernel->pending(), 0u);
  }
}


// ------------------------------------------------------------ kernel-side filtering --

namespace kf {

using netlink::BuildCtRequest;
using netlink::CtRequest;
using netlink::DumpFilter;
using netlink::testing::AddTuple;
using netlink::testing::MsgBuilder;

// A TCP dump entry with the given mark, status and (both-directions) zone.
std::vector<uint8_t> Entry(uint32_t id, uint16_t sport, uint32_t mark, uint32_t status = 0xe,
                           uint16_t zone = 0) {
  MsgBuilder b(ctnl::CtType(ctnl::kMsgCtNew), ctnl::kNlmFMulti | ctnl::kNlmFDumpFiltered);
  b.Nfgen(AF_INET);
  AddTuple(b, ctnl::kCtaTupleOrig, AF_INET,
           {"10.0.0.1", "10.0.0.2", 6, sport, uint16_t{80}, {}, {}, {}, {}});
  AddTuple(b, ctnl::kCtaTupleReply, AF_INET,
           {"10.0.0.2", "10.0.0.1", 6, uint16_t{80}, sport, {}, {}, {}, {}});
  if (zone != 0) b.Be16(ctnl::kCtaZone, zone);
  b.Be32(ctnl::kCtaStatus, status).Be32(ctnl::kCtaMark, mark).Be32(ctnl::kCtaId, id);
  return b.Build();
}

uint32_t SeqOf(const std::vector<uint8_t>& request) {
  uint32_t seq = 0;
  if (request.size() >= 12) std::memcpy(&seq, request.data() + 8, 4);
  return seq;
}

// The request the backend should have sent, with the sequence number it used.
std::vector<uint8_t> Want(const std::vector<uint8_t>& sent, uint8_t family,
                          const DumpFilter& f) {
  const netlink::CtRequestBytes r =
      BuildCtRequest(CtRequest::kDumpTable, family, SeqOf(sent), &f);
  return std::vector<uint8_t>(r.data.begin(), r.data.begin() + r.size);
}

DumpFilter MarkNeverMatches() {
  DumpFilter f;
  f.mark_value = 1;
  f.mark_mask = 0;
  return f;
}
DumpFilter StatusNeverMatches() {
  DumpFilter f;
  f.status_value = kStatusTemplate;
  f.status_mask = kStatusTemplate;
  return f;
}
DumpFilter TupleProbe(const DumpFilter& base) {
  DumpFilter f = base;
  f.orig.flags = ctnl::kCtaFilterFProtoNum;
  f.orig.proto = kProtoICMP;
  f.reply.flags = ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFIcmpType;
  f.reply.proto = kProtoICMP;
  f.reply.icmp_type = 3;
  return f;
}

class KernelFilterBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kernel_ = std::make_shared<FakeKernel>();
    auto b = MakeReopeningNetlinkBackend(kernel_->Opener());
    ASSERT_THAT(b, IsOk());
    backend_ = std::move(*b);
  }
  const NetlinkDumpCounters& counters() const { return *NetlinkDumpCountersOf(*backend_); }
  const NetlinkFilterSupport& support() const { return *NetlinkSupport(*backend_); }
  absl::Status Dump(const Filter& f, uint8_t family = 0) {
    DumpRequest req;
    req.family = family;
    req.filter = &f;
    return backend_->Dump(req, sink_);
  }
  const std::vector<uint8_t>& Sent(size_t i) const { return kernel_->requests.at(i); }

  std::shared_ptr<FakeKernel> kernel_;
  std::unique_ptr<Backend> backend_;
  Collector sink_;
};

TEST_F(KernelFilterBackendTest, MarkIsProbedOnceThenPushedInOneAfUnspecRequest) {
  Filter f;
  f.mark_value = 7;
  kernel_->Script({{DoneMsg()}});  // probe: nothing passes (mark & 0) == 1
  kernel_->Script({{Concat({Entry(1, 1001, 7), Entry(2, 1002, 7), DoneMsg()})}});
  ASSERT_THAT(Dump(f), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(0), Want(Sent(0), AF_UNSPEC, MarkNeverMatches()));
  DumpFilter want;
  want.mark_value = 7;
  EXPECT_EQ(Sent(1), Want(Sent(1), AF_UNSPEC, want));
  EXPECT_EQ(counters().probe_requests, 1u);
  EXPECT_EQ(counters().requests, 1u);
  EXPECT_EQ(counters().messages, 3u);  // 2 entries + NLMSG_DONE: the probe is not counted
  EXPECT_EQ(counters().filter_wanted, netlink::kKernelFilterMark);
  EXPECT_EQ(counters().filter_pushed, netlink::kKernelFilterMark);
  EXPECT_EQ(counters().filter_misses, 0u);
  EXPECT_EQ(counters().kernel_filter, "AF_UNSPEC{mark=0x7/0xffffffff}");
  EXPECT_EQ(support().mark, FilterSupport::kApplied);
  EXPECT_EQ(support().status, FilterSupport::kUnknown);

  // Known now: no second probe.
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f), IsOk());
  EXPECT_EQ(kernel_->requests.size(), 3u);
  EXPECT_EQ(counters().probe_requests, 0u);
  EXPECT_EQ(Sent(2), Want(Sent(2), AF_UNSPEC, want));
}

TEST_F(KernelFilterBackendTest, MarkIsPushedOnEveryFamilyWhenAskedPerFamily) {
  Filter f;
  f.mark_value = 7;
  kernel_->Script({{DoneMsg()}});  // probe
  kernel_->Script({{Concat({Entry(1, 1001, 7), DoneMsg()})}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  DumpFilter want;
  want.mark_value = 7;
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(0), Want(Sent(0), AF_INET, MarkNeverMatches()));
  EXPECT_EQ(Sent(1), Want(Sent(1), AF_INET, want));
  EXPECT_EQ(counters().kernel_filter, "AF_INET{mark=0x7/0xffffffff}");
}

TEST_F(KernelFilterBackendTest, AKernelThatIgnoresMarksGetsNoMarkAndTheProbeIsCutShort) {
  Filter f;
  f.mark_value = 7;
  // Probe answered with entries (an old kernel ignores the never-matching filter): the
  // backend stops reading and replaces the socket.
  kernel_->Script({{Entry(1, 1001, 0)}, {Entry(2, 1002, 0)}, {DoneMsg()}});
  kernel_->Script({{Concat({Entry(1, 1001, 0), Entry(3, 1003, 7), DoneMsg()})}});
  ASSERT_THAT(Dump(f), IsOk());
  EXPECT_EQ(support().mark, FilterSupport::kIgnored);
  EXPECT_EQ(kernel_->transports_closed, 1);
  EXPECT_EQ(kernel_->transports_open, 2);
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(1).size(), 20u);  // family only
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1003));  // the caller filters
  EXPECT_EQ(counters().filter_wanted, netlink::kKernelFilterMark);
  EXPECT_EQ(counters().filter_pushed, 0u);
  EXPECT_EQ(counters().kernel_filter, "AF_UNSPEC{none}");
}

TEST_F(KernelFilterBackendTest, RefusedMarkIsNotSent) {
  Filter f;
  f.mark_value = 7;
  kernel_->Script({{ErrorMsg(0, 0, EOPNOTSUPP)}});  // no CONFIG_NF_CONNTRACK_MARK
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  EXPECT_EQ(support().mark, FilterSupport::kRefused);
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(1).size(), 20u);
  EXPECT_EQ(kernel_->transports_closed, 0);
}

TEST_F(KernelFilterBackendTest, StatusUsesSetAndSetOrClearAsValueAndMask) {
  Filter f;
  f.status_set = kStatusAssured;
  f.status_clear = kStatusSeenReply;
  kernel_->Script({{DoneMsg()}});  // probe: IPS_TEMPLATE never in the table
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f, kFamilyIPv6), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(0), Want(Sent(0), AF_INET6, StatusNeverMatches()));
  DumpFilter want;
  want.status_value = kStatusAssured;
  want.status_mask = kStatusAssured | kStatusSeenReply;
  EXPECT_EQ(Sent(1), Want(Sent(1), AF_INET6, want));
  EXPECT_EQ(support().status, FilterSupport::kApplied);
  EXPECT_EQ(counters().filter_pushed, netlink::kKernelFilterStatus);
}

TEST_F(KernelFilterBackendTest, TupleProbeIsDecidedByTheKernelsValidation) {
  Filter f;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  f.orig_dport = 80;
  // One probe, answered by validation before any table walk; no mark probe.
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});        // tuple probe: validated -> supported
  kernel_->Script({{Concat({Entry(1, 1001, 0), DoneMsg()})}});
  ASSERT_THAT(Dump(f), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(0), Want(Sent(0), AF_INET, TupleProbe(DumpFilter{})));
  DumpFilter want;
  want.orig.flags =
      ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFDstPort;
  want.orig.proto = kProtoTCP;
  want.orig.dport = 80;
  EXPECT_EQ(Sent(1), Want(Sent(1), AF_INET, want));
  EXPECT_EQ(support().tuple, FilterSupport::kApplied);
  EXPECT_EQ(support().mark, FilterSupport::kUnknown);
  EXPECT_EQ(counters().filter_pushed, netlink::kKernelFilterTuple);
  EXPECT_EQ(counters().probe_requests, 1u);
  EXPECT_EQ(counters().kernel_filter, "AF_INET{orig{proto=6 dport=80}}");
}

TEST_F(KernelFilterBackendTest, TupleProbeCarriesNothingButTheInvalidTuple) {
  Filter f;
  f.family = kFamilyIPv6;
  f.status_set = kStatusSeenReply;
  f.l4proto = kProtoUDP;
  kernel_->Script({{DoneMsg()}});               // status probe
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});  // tuple probe (ICMPv6 type 1 for AF_INET6)
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 3u);
  EXPECT_EQ(Sent(0), Want(Sent(0), AF_INET6, StatusNeverMatches()));
  DumpFilter probe;
  probe.orig.flags = ctnl::kCtaFilterFProtoNum;
  probe.orig.proto = kProtoICMPv6;
  probe.reply.flags = ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFIcmpv6Type;
  probe.reply.proto = kProtoICMPv6;
  probe.reply.icmp_type = 1;
  EXPECT_EQ(Sent(1), Want(Sent(1), AF_INET6, probe));
  EXPECT_EQ(counters().filter_pushed, netlink::kKernelFilterStatus | netlink::kKernelFilterTuple);
}

TEST_F(KernelFilterBackendTest, KernelsThatAcceptTheTupleProbeGetNoTupleFilter) {
  // Before 5.8 CTA_FILTER is unknown, and 5.8-5.14 parse the reply tuple with the
  // original flags: both accept the probe and dump. Reading stops at the first entry
  // (the socket is replaced), or the dump is empty.
  Filter f;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  kernel_->Script({{Entry(1, 1001, 0)}, {Entry(2, 1002, 0)}, {DoneMsg()}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f), IsOk());
  EXPECT_EQ(support().tuple, FilterSupport::kIgnored);
  EXPECT_EQ(kernel_->transports_closed, 1);
  ASSERT_EQ(kernel_->requests.size(), 2u);
  EXPECT_EQ(Sent(1).size(), 20u);
  EXPECT_EQ(counters().filter_wanted, netlink::kKernelFilterTuple);
  EXPECT_EQ(counters().filter_pushed, 0u);
}

TEST_F(KernelFilterBackendTest, RefusedZoneIsDroppedAndTheFamilyAskedForAgain) {
  Filter f;
  f.zone = 5;
  f.mark_value = 0;
  kernel_->Script({{DoneMsg()}});                           // mark probe
  kernel_->Script({{ErrorMsg(0, 0, EOPNOTSUPP)}});          // no CONFIG_NF_CONNTRACK_ZONES
  kernel_->Script({{Concat({Entry(1, 1001, 0, 0xe, 5), DoneMsg()})}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 3u);
  DumpFilter first;
  first.mark_value = 0;
  first.zone = 5;
  EXPECT_EQ(Sent(1), Want(Sent(1), AF_INET, first));
  DumpFilter second;
  second.mark_value = 0;  // vouched for by its probe, so kept
  EXPECT_EQ(Sent(2), Want(Sent(2), AF_INET, second));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
  EXPECT_EQ(support().zone, FilterSupport::kRefused);
  EXPECT_EQ(counters().filter_rejected, netlink::kKernelFilterZone);
  EXPECT_EQ(counters().filter_pushed, netlink::kKernelFilterMark);
  EXPECT_EQ(counters().requests, 2u);
  EXPECT_EQ(counters().kernel_filter,
            "AF_INET{mark=0x0/0xffffffff zone=5} AF_INET{mark=0x0/0xffffffff}");

  // Not sent again by this backend.
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  EXPECT_EQ(kernel_->requests.back(), Want(kernel_->requests.back(), AF_INET, second));
}

TEST_F(KernelFilterBackendTest, WhenEveryPartWasVouchedForARefusalFallsBackToFamilyOnly) {
  Filter f;
  f.mark_value = 1;
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 3u);
  EXPECT_EQ(Sent(2).size(), 20u);
  EXPECT_EQ(support().mark, FilterSupport::kRefused);
  EXPECT_EQ(counters().filter_rejected, netlink::kKernelFilterMark);
}

TEST_F(KernelFilterBackendTest, EntriesTheKernelShouldHaveDroppedAreCounted) {
  Filter f;
  f.zone = 9;  // a kernel before 6.8 ignores CTA_ZONE
  kernel_->Script({{Concat({Entry(1, 1001, 0, 0xe, 9), Entry(2, 1002, 0), DoneMsg()})}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  EXPECT_EQ(counters().probe_requests, 0u);  // no probe for zones
  EXPECT_EQ(counters().filter_pushed, netlink::kKernelFilterZone);
  EXPECT_EQ(counters().filter_misses, 1u);
  EXPECT_EQ(counters().filter_not_applied, netlink::kKernelFilterZone);
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));  // delivered: the caller filters
}

TEST_F(KernelFilterBackendTest, OnlyFamiliesTheFilterCanMatchAreAskedFor) {
  Filter v6;
  v6.family = kFamilyIPv6;
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(v6), IsOk());
  ASSERT_EQ(kernel_->requests.size(), 1u);
  EXPECT_EQ(ParseRequest(Sent(0)).family, kFamilyIPv6);
  EXPECT_EQ(counters().probe_requests, 0u);  // nothing to push

  // A contradiction matches nothing: no request at all.
  ASSERT_THAT(Dump(v6, kFamilyIPv4), IsOk());
  EXPECT_EQ(kernel_->requests.size(), 1u);
  EXPECT_EQ(counters().requests, 0u);
}

TEST_F(KernelFilterBackendTest, EpermDuringAProbeIsPermissionDenied) {
  Filter f;
  f.mark_value = 1;
  kernel_->Script({{ErrorMsg(0, 0, EPERM)}});
  EXPECT_THAT(Dump(f), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CAP_NET_ADMIN")));
  EXPECT_EQ(support().mark, FilterSupport::kUnknown);
}

TEST_F(KernelFilterBackendTest, AProbeCutShortLeavesSupportUnknownAndTheDumpGoesOn) {
  Filter f;
  f.mark_value = 1;
  kernel_->Script({ErrnoReply(ENOBUFS)});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  EXPECT_EQ(support().mark, FilterSupport::kUnknown);
  EXPECT_EQ(kernel_->transports_open, 2);  // replaced after the failed probe
  EXPECT_EQ(Sent(1).size(), 20u);
  // Probed again by the next dump.
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f, kFamilyIPv4), IsOk());
  EXPECT_EQ(support().mark, FilterSupport::kApplied);
  EXPECT_GT(kernel_->requests.back().size(), 20u);
}

// Errors in the middle of a FILTERED dump and an early stop are handled exactly as for
// unfiltered dumps: a refusal is only ever "before any entry" (docs/ctnetlink.md 2.2
// and 4.2).
TEST_F(KernelFilterBackendTest, EnobufsInAFilteredDump) {
  Filter f;
  f.mark_value = 7;
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{Concat({Entry(1, 1001, 7)})}, ErrnoReply(ENOBUFS), {DoneMsg()}});
  EXPECT_THAT(Dump(f), StatusIs(absl::StatusCode::kDataLoss,
                                HasSubstr("dump lost messages (ENOBUFS)")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
  EXPECT_EQ(counters().requests, 1u);  // no AF_INET6 request, no retry
  EXPECT_EQ(counters().filter_rejected, 0u);
}

TEST_F(KernelFilterBackendTest, ErrorAfterEntriesIsNotARefusal) {
  Filter f;
  f.mark_value = 7;
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{Concat({Entry(1, 1001, 7), ErrorMsg(0, 0, EINVAL)})}});
  EXPECT_THAT(Dump(f), StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("ctnetlink AF_UNSPEC dump request")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
  EXPECT_EQ(counters().filter_rejected, 0u);
  EXPECT_EQ(support().mark, FilterSupport::kApplied);
  EXPECT_EQ(kernel_->transports_closed, 1);
}

TEST_F(KernelFilterBackendTest, DoneWithAnErrorInAFilteredDump) {
  Filter f;
  f.mark_value = 7;
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{Concat({Entry(1, 1001, 7), DoneMsg(0, 0, ENOMEM)})}});
  EXPECT_THAT(Dump(f), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("dump failed part-way")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
}

TEST_F(KernelFilterBackendTest, EarlyStopInAFilteredDump) {
  Filter f;
  f.mark_value = 7;
  sink_.stop_after = 1;
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{Concat({Entry(1, 1001, 7), Entry(2, 1002, 7)})}, {DoneMsg()}});
  ASSERT_THAT(Dump(f), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
  EXPECT_TRUE(counters().stopped_early);
  EXPECT_EQ(counters().requests, 1u);
  EXPECT_EQ(kernel_->transports_closed, 1);
  // This backend reopens: the next dump works, without probing again.
  sink_.stop_after = 0;
  kernel_->Script({{DoneMsg()}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(f), IsOk());
  EXPECT_EQ(counters().probe_requests, 0u);
  EXPECT_EQ(kernel_->transports_open, 2);
}

TEST_F(KernelFilterBackendTest, PlainEinvalStillMeansCtnetlinkIsMissing) {
  Filter f;
  f.secmark = 3;  // nothing to push
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});  // AF_UNSPEC
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});  // AF_INET
  EXPECT_THAT(Dump(f), StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("nf_conntrack_netlink module is probably not loaded")));
}

TEST(KernelFilterSupportTest, NamesAndAccessors) {
  EXPECT_STREQ(FilterSupportName(FilterSupport::kApplied), "applied");
  EXPECT_STREQ(FilterSupportName(FilterSupport::kRefused), "refused");
  class Other : public Backend {
    std::string Name() const override { return "other"; }
    absl::Status Dump(const DumpRequest&, FlowSink&) override { return absl::OkStatus(); }
  } other;
  EXPECT_EQ(NetlinkSupport(other), nullptr);
  EXPECT_THAT(MakeReopeningNetlinkBackend(nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("null opener")));
}

}  // namespace kf
}  // namespace
}  // namespace netlink
}  // namespace ctdump
