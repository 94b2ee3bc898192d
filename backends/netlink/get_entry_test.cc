#include "backends/netlink/get_entry.h"

#include <errno.h>

#include <cstring>
#include <vector>

#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/request.h"
#include "backends/netlink/testing/fake_transport.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/addr.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_filters.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using testing::Concat;
using testing::ErrorMsg;
using testing::FakeKernel;
using testing::TcpEntry;

// -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport SPORT --dport 80
Filter TcpKey(uint16_t sport) { return TestTcpKey("10.0.0.1", "10.0.0.2", sport, 80); }

struct Collect : FlowSink {
  bool OnFlow(const Flow& f) override {
    flows.push_back(f);
    return true;
  }
  void OnSkipped(const absl::Status&) override { ++skipped; }
  std::vector<Flow> flows;
  int skipped = 0;
};

TEST(GetEntryTuple, OriginalTupleWhenAnOriginalAddressIsGiven) {
  const DumpFilter f = GetEntryTuple(TcpKey(1000));
  EXPECT_EQ(f.reply.flags, 0u);
  EXPECT_EQ(f.orig.flags, ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFIpDst |
                              ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFSrcPort |
                              ctnl::kCtaFilterFDstPort);
  EXPECT_EQ(f.orig.sport, 1000);
  EXPECT_EQ(f.orig.dport, 80);
  EXPECT_EQ(f.orig.proto, kProtoTCP);
}

TEST(GetEntryTuple, ReplyTupleCarriesTheProtocolToo) {
  Filter k;
  k.family = kFamilyIPv4;
  k.l4proto = kProtoUDP;
  k.reply_src = TestExactAddr(kFamilyIPv4, "10.0.0.2");
  k.reply_dst = TestExactAddr(kFamilyIPv4, "10.0.0.1");
  k.reply_sport = 53;
  k.reply_dport = 999;
  const DumpFilter f = GetEntryTuple(k);
  EXPECT_EQ(f.orig.flags, 0u);
  EXPECT_EQ(f.reply.flags, ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFIpDst |
                               ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFSrcPort |
                               ctnl::kCtaFilterFDstPort);
  EXPECT_EQ(f.reply.proto, kProtoUDP);
}

TEST(GetEntry, SendsOneGetWithAckAndDeliversTheEntry) {
  auto kernel = std::make_shared<FakeKernel>();
  kernel->Script({{Concat({TcpEntry(7, 1000), ErrorMsg(0, 0, 0)})}});
  auto t = kernel->NewTransport();
  Collect sink;
  EXPECT_THAT(GetEntry(*t, TcpKey(1000), sink), IsOk());
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].orig.sport, 1000);
  ASSERT_EQ(kernel->requests.size(), 1u);
  const std::vector<uint8_t>& req = kernel->requests[0];
  uint16_t type, flags;
  std::memcpy(&type, req.data() + 4, 2);
  std::memcpy(&flags, req.data() + 6, 2);
  EXPECT_EQ(type, ctnl::CtType(ctnl::kMsgCtGet));
  EXPECT_EQ(flags, ctnl::kNlmFRequest | ctnl::kNlmFAck);  // no NLM_F_DUMP
}

TEST(GetEntry, KernelRefusalsInConntracksWords) {
  struct Case {
    int err;
    absl::StatusCode code;
    const char* text;
  };
  for (const Case& c : {Case{ENOENT, absl::StatusCode::kNotFound, "such conntrack doesn't exist"},
                        Case{EINVAL, absl::StatusCode::kInvalidArgument, "invalid parameters"},
                        Case{EPERM, absl::StatusCode::kPermissionDenied, "CAP_NET_ADMIN"}}) {
    auto kernel = std::make_shared<FakeKernel>();
    kernel->Script({{ErrorMsg(0, 0, c.err)}});
    auto t = kernel->NewTransport();
    Collect sink;
    EXPECT_THAT(GetEntry(*t, TcpKey(1000), sink),
                StatusIs(c.code, ::testing::HasSubstr(c.text)));
    EXPECT_TRUE(sink.flows.empty());
  }
}

TEST(GetEntry, ARequestWithoutFamilyIsNotSent) {
  auto kernel = std::make_shared<FakeKernel>();
  auto t = kernel->NewTransport();
  Filter k = TcpKey(1);
  k.family.reset();
  Collect sink;
  EXPECT_THAT(GetEntry(*t, k, sink), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_TRUE(kernel->requests.empty());
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
