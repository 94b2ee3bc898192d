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
#include "backends/netlink/recording.h"
#include "backends/netlink/testing/fake_transport.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/backend.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
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
  const NetlinkDumpStats& stats() const { return *NetlinkStats(*backend_); }
  absl::Status Dump(uint8_t family = 0) { return backend_->Dump(DumpRequest{family}, sink_); }

  std::shared_ptr<FakeKernel> kernel_;
  std::unique_ptr<Backend> backend_;
  Collector sink_;
};

TEST_F(NetlinkBackendTest, NameAndStatsAccessor) {
  EXPECT_EQ(backend_->Name(), "netlink");
  EXPECT_NE(NetlinkStats(*backend_), nullptr);
  class Other : public Backend {
    std::string Name() const override { return "other"; }
    absl::Status Dump(const DumpRequest&, FlowSink&) override { return absl::OkStatus(); }
  } other;
  EXPECT_EQ(NetlinkStats(other), nullptr);
  EXPECT_THAT(MakeNetlinkBackend(nullptr), StatusIs(absl::StatusCode::kInvalidArgument,
                                                    HasSubstr("null transport")));
}

TEST_F(NetlinkBackendTest, MultiChunkDumpOfBothFamilies) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)})},
                   {Concat({TcpEntry(3, 1003), DoneMsg()})}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002, 1003));
  ASSERT_EQ(kernel_->requests.size(), 2u);
  const Request r1 = ParseRequest(kernel_->requests[0]);
  const Request r2 = ParseRequest(kernel_->requests[1]);
  EXPECT_EQ(r1.type, 0x0101);
  EXPECT_EQ(r1.flags, 0x301);
  EXPECT_EQ(r1.family, kFamilyIPv4);  // AF_INET first, then AF_INET6, never AF_UNSPEC
  EXPECT_EQ(r2.type, 0x0101);
  EXPECT_EQ(r2.family, kFamilyIPv6);
  EXPECT_EQ(r2.seq, r1.seq + 1);
  EXPECT_EQ(stats().requests, 2u);
  EXPECT_EQ(stats().datagrams, 3u);
  EXPECT_EQ(stats().messages, 5u);
  EXPECT_EQ(stats().flows, 3u);
  EXPECT_EQ(stats().duplicates, 0u);
  EXPECT_FALSE(stats().stopped_early);
  EXPECT_EQ(kernel_->transports_closed, 0);  // kept for the next dump

  // The socket is reused for the next dump.
  kernel_->Script({{Concat({TcpEntry(4, 1004), DoneMsg()})}});
  kernel_->Script({{DoneMsg()}});
  sink_.ports.clear();
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1004));
  EXPECT_EQ(stats().flows, 1u);  // reset per dump
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
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("nf_conntrack_netlink module is probably not loaded")));
}

TEST_F(NetlinkBackendTest, OtherErrnoNamesTheOperationAndKernelText) {
  kernel_->Script({{ErrorMsg(0, 0, EOPNOTSUPP, "not supported here")}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kUnimplemented,
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
  EXPECT_EQ(stats().eintr, 2u);
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
                               HasSubstr("dump failed part-way: the kernel ended the AF_INET "
                                         "dump with ENOMEM")));
  EXPECT_THAT(sink_.ports, ElementsAre(1001));
}

TEST_F(NetlinkBackendTest, ErrorInMidDumpEndsItAndEntriesStand) {
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)})},
                   {Concat({TcpEntry(3, 1003), ErrorMsg(0, 0, ENOMEM)})}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kResourceExhausted,
                               HasSubstr("ctnetlink AF_INET dump request")));
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
  EXPECT_EQ(stats().duplicates, 2u);
  EXPECT_EQ(stats().flows, 4u);
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
  EXPECT_EQ(stats().flows, n + 1);  // the evicted one comes through again
  EXPECT_EQ(stats().duplicates, 1u);
}

TEST_F(NetlinkBackendTest, EarlyStopClosesTheSocket) {
  sink_.stop_after = 2;
  kernel_->Script({{Concat({TcpEntry(1, 1001), TcpEntry(2, 1002), TcpEntry(3, 1003)})},
                   {Concat({TcpEntry(4, 1004), DoneMsg()})}});
  kernel_->Script({{DoneMsg()}});
  ASSERT_THAT(Dump(), IsOk());
  EXPECT_THAT(sink_.ports, ElementsAre(1001, 1002));
  EXPECT_TRUE(stats().stopped_early);
  EXPECT_EQ(kernel_->requests.size(), 1u);  // AF_INET6 was never asked for
  EXPECT_EQ(kernel_->recv_calls, 1);        // nothing more was read
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
  EXPECT_EQ(stats().skipped, 1u);
}

TEST_F(NetlinkBackendTest, BrokenFramingIsDataLoss) {
  std::vector<uint8_t> chunk = Concat({TcpEntry(1, 1001), TcpEntry(2, 1002)});
  chunk.resize(chunk.size() - 10);  // the second message is cut
  kernel_->Script({{chunk}});
  EXPECT_THAT(Dump(), StatusIs(absl::StatusCode::kDataLoss,
                               HasSubstr("ctnetlink AF_INET dump: truncated message")));
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
    auto kernel = std::make_shared<FakeKernel>();
    for (auto& script : netlink::testing::ScriptsFromRecording(*datagrams)) {
      kernel->Script(std::move(script));
    }
    auto backend = MakeNetlinkBackend(kernel->NewTransport());
    ASSERT_THAT(backend, IsOk());
    Collector sink;
    ASSERT_THAT((*backend)->Dump(DumpRequest{}, sink), IsOk());
    EXPECT_EQ(sink.debug, direct);
    EXPECT_TRUE(sink.skipped.empty());
    const NetlinkDumpStats* st = NetlinkStats(**backend);
    EXPECT_EQ(st->datagrams, datagrams->size());
    EXPECT_EQ(st->duplicates, 0u);
    EXPECT_EQ(kernel->pending(), 0u);
  }
}

}  // namespace
}  // namespace ctdump
