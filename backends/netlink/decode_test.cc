// Tests of the pure ctnetlink decoder: hand-built messages (table-driven, compared through
// core/flow.h DebugString(), plus field-by-field checks), malformed input, and the
// recordings in testdata/netlink/.

#include "backends/netlink/decode.h"

#include <arpa/inet.h>
#include <errno.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/recording.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using ::testing::HasSubstr;
using testing::AddTuple;
using testing::MsgBuilder;
using testing::TupleSpec;
using namespace ctnl;  // NOLINT: wire names read better unqualified in fixtures

// A CT_NEW message header for `family`, without attributes.
MsgBuilder Entry(uint8_t family = AF_INET, uint16_t type = CtType(kMsgCtNew)) {
  MsgBuilder b(type, kNlmFMulti, 7, 42);
  b.Nfgen(family);
  return b;
}

// Both tuples of a TCP flow 10.0.0.1:1000 -> 10.0.0.2:80.
MsgBuilder& TcpTuples(MsgBuilder& b) {
  AddTuple(b, kCtaTupleOrig, AF_INET, {"10.0.0.1", "10.0.0.2", 6, 1000, 80, {}, {}, {}, {}});
  return AddTuple(b, kCtaTupleReply, AF_INET,
                  {"10.0.0.2", "10.0.0.1", 6, 80, 1000, {}, {}, {}, {}});
}

std::string Decoded(const std::vector<uint8_t>& msg) {
  Flow flow;
  absl::Status s = DecodeCtMessage(msg, &flow);
  if (!s.ok()) return s.ToString();
  return DebugString(flow);
}

struct DecodeCase {
  const char* name;
  std::function<std::vector<uint8_t>()> build;
  const char* want;  // DebugString()
};

const DecodeCase kDecodeCases[] = {
    {"minimal tcp, tuples only",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0"},
    {"typical dump entry",
     [] { return testing::TcpEntry(12345, 1000); },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0xe/0xffffffff timeout=100 "
     "state=ESTABLISHED tcp=[wscale=7/7 flags=35/35] mark=0 use=1 id=12345"},
    {"udp ipv6",
     [] {
       MsgBuilder b = Entry(AF_INET6);
       AddTuple(b, kCtaTupleOrig, AF_INET6, {"fd00::1", "fd00::2", 17, 5353, 53, {}, {}, {}, {}});
       AddTuple(b, kCtaTupleReply, AF_INET6,
                {"fd00::2", "fd00::1", 17, 53, 5353, {}, {}, {}, {}});
       return b.Be32(kCtaStatus, 0x8).Be32(kCtaTimeout, 27).Build();
     },
     "netlink ipv6 udp(17) orig=[fd00::1->fd00::2 ports=5353/53] "
     "reply=[fd00::2->fd00::1 ports=53/5353] status=0x8/0xffffffff timeout=27"},
    {"icmp type/code/id",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET, {"10.0.0.5", "10.0.0.6", 1, {}, {}, 8, 0, 1234, {}});
       AddTuple(b, kCtaTupleReply, AF_INET, {"10.0.0.6", "10.0.0.5", 1, {}, {}, 0, 0, 1234, {}});
       return b.Build();
     },
     "netlink ipv4 icmp(1) orig=[10.0.0.5->10.0.0.6 type=8 code=0 id=1234] "
     "reply=[10.0.0.6->10.0.0.5 type=0 code=0 id=1234] status=0x0/0x0"},
    {"icmpv6 uses the ICMPV6_* attributes",
     [] {
       MsgBuilder b = Entry(AF_INET6);
       AddTuple(b, kCtaTupleOrig, AF_INET6, {"::1", "::2", 58, {}, {}, 128, 1, 77, {}});
       AddTuple(b, kCtaTupleReply, AF_INET6, {"::2", "::1", 58, {}, {}, 129, 1, 77, {}});
       return b.Build();
     },
     "netlink ipv6 icmpv6(58) orig=[::1->::2 type=128 code=1 id=77] "
     "reply=[::2->::1 type=129 code=1 id=77] status=0x0/0x0"},
    {"gre keys travel in the port attributes",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET,
                {"10.0.2.1", "10.0.2.2", 47, 0x1234, 0x5678, {}, {}, {}, {}});
       AddTuple(b, kCtaTupleReply, AF_INET,
                {"10.0.2.2", "10.0.2.1", 47, 0x5678, 0x1234, {}, {}, {}, {}});
       return b.Build();
     },
     "netlink ipv4 gre(47) orig=[10.0.2.1->10.0.2.2 keys=0x1234/0x5678] "
     "reply=[10.0.2.2->10.0.2.1 keys=0x5678/0x1234] status=0x0/0x0"},
    {"generic protocol: no l4 identifiers",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET, {"10.0.3.1", "10.0.3.2", 33, {}, {}, {}, {}, {}, {}});
       AddTuple(b, kCtaTupleReply, AF_INET, {"10.0.3.2", "10.0.3.1", 33, {}, {}, {}, {}, {}, {}});
       return b.Build();
     },
     "netlink ipv4 dccp(33) orig=[10.0.3.1->10.0.3.2] reply=[10.0.3.2->10.0.3.1] "
     "status=0x0/0x0"},
    {"CTA_ZONE applies to both directions",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Be16(kCtaZone, 5).Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] zone=5/both status=0x0/0x0"},
    {"CTA_TUPLE_ZONE in the original tuple",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET, {"10.0.0.1", "10.0.0.2", 6, 1, 2, {}, {}, {}, 6});
       AddTuple(b, kCtaTupleReply, AF_INET, {"10.0.0.2", "10.0.0.1", 6, 2, 1, {}, {}, {}, {}});
       return b.Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] zone=6/orig status=0x0/0x0"},
    {"CTA_TUPLE_ZONE in the reply tuple",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET, {"10.0.0.1", "10.0.0.2", 6, 1, 2, {}, {}, {}, {}});
       AddTuple(b, kCtaTupleReply, AF_INET, {"10.0.0.2", "10.0.0.1", 6, 2, 1, {}, {}, {}, 7});
       return b.Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] zone=7/reply status=0x0/0x0"},
    {"offloaded: no timeout, no protoinfo",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b)
           .Be32(kCtaStatus, kStatusOffload | kStatusAssured | kStatusSeenReply |
                                 kStatusConfirmed)
           .Be32(kCtaMark, 0)
           .Be32(kCtaUse, 1)
           .Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x400e/0xffffffff mark=0 use=1"},
    {"sctp protoinfo",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET,
                {"10.0.1.1", "10.0.1.2", 132, 3868, 3868, {}, {}, {}, {}});
       AddTuple(b, kCtaTupleReply, AF_INET,
                {"10.0.1.2", "10.0.1.1", 132, 3868, 3868, {}, {}, {}, {}});
       return b.Begin(kCtaProtoinfo)
           .Begin(kCtaProtoinfoSctp)
           .U8(kCtaSctpState, 4)
           .Be32(kCtaSctpVtagOrig, 0x11223344)
           .Be32(kCtaSctpVtagReply, 0xfffffffe)
           .End()
           .End()
           .Build();
     },
     "netlink ipv4 sctp(132) orig=[10.0.1.1->10.0.1.2 ports=3868/3868] "
     "reply=[10.0.1.2->10.0.1.1 ports=3868/3868] status=0x0/0x0 state=ESTABLISHED "
     "vtags=287454020/4294967294"},
    {"dccp protoinfo (kernels up to 6.16), with its PAD attribute",
     [] {
       MsgBuilder b = Entry();
       AddTuple(b, kCtaTupleOrig, AF_INET, {"10.0.1.3", "10.0.1.4", 33, 5004, 5005, {}, {}, {}, {}});
       AddTuple(b, kCtaTupleReply, AF_INET,
                {"10.0.1.4", "10.0.1.3", 33, 5005, 5004, {}, {}, {}, {}});
       return b.Begin(kCtaProtoinfo)
           .Begin(kCtaProtoinfoDccp)
           .U8(kCtaDccpState, 4)
           .U8(kCtaDccpRole, 1)
           .Attr(kCtaDccpPad, {})
           .Be64(kCtaDccpHandshakeSeq, 0x0102030405060708ULL)
           .End()
           .End()
           .Build();
     },
     "netlink ipv4 dccp(33) orig=[10.0.1.3->10.0.1.4 ports=5004/5005] "
     "reply=[10.0.1.4->10.0.1.3 ports=5005/5004] status=0x0/0x0 state=OPEN "
     "dccp=[role=1 hs=72623859790382856]"},
    {"counters with PAD attributes, timestamps, labels, helper, secctx",
     [] {
       MsgBuilder b = Entry();
       uint8_t labels[16] = {};
       labels[0] = 0x02;  // bit 1
       labels[5] = 0x01;  // bit 40
       labels[15] = 0x80;  // bit 127
       return TcpTuples(b)
           .Begin(kCtaCountersOrig)
           .Attr(kCtaCountersPad, {})
           .Be64(kCtaCountersPackets, 4)
           .Attr(kCtaCountersPad, {})
           .Be64(kCtaCountersBytes, 221)
           .End()
           .Begin(kCtaCountersReply)
           .Be64(kCtaCountersPackets, 3)
           .Be64(kCtaCountersBytes, 0x1122334455667788ULL)
           .End()
           .Begin(kCtaTimestamp)
           .Attr(kCtaTimestampPad, {})
           .Be64(kCtaTimestampStart, 1795603014615490727ULL)
           .Be64(kCtaTimestampStop, 1795603016000000000ULL)
           .End()
           .Attr(kCtaLabels, labels)
           .Begin(kCtaHelp)
           .Str(kCtaHelpName, "ftp")
           .Attr(kCtaHelpInfo, std::vector<uint8_t>{1, 2, 3, 4})
           .End()
           .Begin(kCtaSecctx)
           .Str(kCtaSecctxName, "system_u:object_r:unlabeled_t:s0")
           .End()
           .Be32(kCtaSecmark, 99)
           .Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0 secmark=99 "
     "secctx=system_u:object_r:unlabeled_t:s0 orig_counters=4/221 "
     "reply_counters=3/1234605616436508552 start=1795603014615490727 "
     "stop=1795603016000000000 labels=80000000000000000000010000000002 helper=ftp"},
    {"32-bit counters (unused by kernels, parsed by libnetfilter_conntrack)",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b)
           .Begin(kCtaCountersOrig)
           .Be32(kCtaCounters32Packets, 5)
           .Be32(kCtaCounters32Bytes, 500)
           .End()
           .Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0 orig_counters=5/500"},
    {"counters without bytes are left out (conntrack prints none)",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Begin(kCtaCountersOrig).Be64(kCtaCountersPackets, 5).End().Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0"},
    {"expected connection: master tuple, seqadj, synproxy",
     [] {
       MsgBuilder b = Entry();
       TcpTuples(b).Be32(kCtaStatus, kStatusExpected | kStatusSeqAdjust);
       AddTuple(b, kCtaTupleMaster, AF_INET, {"10.0.0.1", "10.0.0.2", 6, 4000, 21, {}, {}, {}, 9});
       return b.Begin(kCtaSeqAdjOrig)
           .Be32(kCtaSeqAdjCorrectionPos, 100)
           .Be32(kCtaSeqAdjOffsetBefore, 0)
           .Be32(kCtaSeqAdjOffsetAfter, 0xffffffff)
           .End()
           .Begin(kCtaSeqAdjReply)
           .Be32(kCtaSeqAdjCorrectionPos, 1)
           .Be32(kCtaSeqAdjOffsetBefore, 2)
           .Be32(kCtaSeqAdjOffsetAfter, 3)
           .End()
           .Begin(kCtaSynproxy)
           .Be32(kCtaSynproxyIsn, 7)
           .Be32(kCtaSynproxyIts, 8)
           .Be32(kCtaSynproxyTsoff, 9)
           .End()
           .Build();
     },
     // The master tuple's zone is not part of the record.
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x41/0xffffffff "
     "master=[10.0.0.1->10.0.0.2 ports=4000/21] seqadj_orig=100/0/4294967295 "
     "seqadj_reply=1/2/3 synproxy=7/8/9"},
    {"nests without NLA_F_NESTED (kernels before 5.x) and unknown attributes everywhere",
     [] {
       MsgBuilder b = Entry();
       b.Attr(999, std::vector<uint8_t>{1, 2, 3})  // unknown top-level type
           .Begin(kCtaTupleOrig, false)
           .Attr(77, {})
           .Begin(kCtaTupleIp, false)
           .Ipv4(kCtaIpV4Src, "1.2.3.4")
           .Attr(50, std::vector<uint8_t>{9})
           .Ipv4(kCtaIpV4Dst, "5.6.7.8")
           .End()
           .Begin(kCtaTupleProto, false)
           .U8(kCtaProtoNum, 17)
           .Attr(66, std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8})
           .Be16(kCtaProtoSrcPort, 1)
           .Be16(kCtaProtoDstPort, 2)
           .End()
           .End();
       AddTuple(b, kCtaTupleReply, AF_INET, {"5.6.7.8", "1.2.3.4", 17, 2, 1, {}, {}, {}, {}});
       return b.Begin(kCtaProtoinfo)
           .Begin(9)  // unknown protoinfo
           .U8(1, 1)
           .End()
           .End()
           .Be64(kCtaTimestampEvent, 5)
           .Build();
     },
     "netlink ipv4 udp(17) orig=[1.2.3.4->5.6.7.8 ports=1/2] "
     "reply=[5.6.7.8->1.2.3.4 ports=2/1] status=0x0/0x0"},
    {"NLA_F_NET_BYTEORDER is masked off the type",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Be32(kCtaMark | kNlaFNetByteorder, 3).Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0 mark=3"},
    {"a DESTROY event (CT_DELETE) decodes like an entry",
     [] {
       MsgBuilder b = Entry(AF_INET, CtType(kMsgCtDelete));
       return TcpTuples(b).Be32(kCtaStatus, 0xe).Be32(kCtaId, 1).Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0xe/0xffffffff id=1"},
    {"helper name without a NUL; empty secctx name counts as absent",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b)
           .Begin(kCtaHelp)
           .Attr(kCtaHelpName, std::vector<uint8_t>{'s', 'i', 'p'})
           .End()
           .Begin(kCtaSecctx)
           .Str(kCtaSecctxName, "")
           .End()
           .Build();
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0 helper=sip"},
    {"message longer than nlmsg_len: the rest is ignored",
     [] {
       MsgBuilder b = Entry();
       std::vector<uint8_t> m = TcpTuples(b).Build();
       m.insert(m.end(), {8, 0, kCtaMark, 0, 0, 0, 0, 9});
       return m;
     },
     "netlink ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/80] "
     "reply=[10.0.0.2->10.0.0.1 ports=80/1000] status=0x0/0x0"},
};

TEST(DecodeCtMessageTest, Table) {
  for (const DecodeCase& c : kDecodeCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Decoded(c.build()), c.want);
  }
}

TEST(DecodeCtMessageTest, EveryFieldOfAFullEntry) {
  MsgBuilder b = Entry(AF_INET6);
  AddTuple(b, kCtaTupleOrig, AF_INET6, {"2001:db8::1", "2001:db8::2", 6, 2000, 443, {}, {}, {}, {}});
  AddTuple(b, kCtaTupleReply, AF_INET6,
           {"2001:db8::2", "2001:db8::1", 6, 443, 2000, {}, {}, {}, {}});
  b.Be16(kCtaZone, 65535)
      .Be32(kCtaStatus, 0x19e)
      .Be32(kCtaMark, 0xdeadbeef)
      .Attr(kCtaId, std::vector<uint8_t>{0x12, 0x34, 0x56, 0x78})
      .Be32(kCtaUse, 2)
      .Be32(kCtaTimeout, 431999)
      .Begin(kCtaProtoinfo)
      .Begin(kCtaProtoinfoTcp)
      .U8(kCtaTcpState, 5)
      .U8(kCtaTcpWscaleOrig, 7)
      .U8(kCtaTcpWscaleReply, 9)
      .Attr(kCtaTcpFlagsOrig, std::vector<uint8_t>{0x27, 0xff})
      .Attr(kCtaTcpFlagsReply, std::vector<uint8_t>{0x23, 0xff})
      .End()
      .End();
  Flow flow;
  flow.secctx = "stale";
  flow.helper = "stale";
  flow.delta_time = 5;
  ASSERT_THAT(DecodeCtMessage(b.Build(), &flow), IsOk());
  EXPECT_EQ(flow.source, Source::kNetlink);
  EXPECT_EQ(flow.family, kFamilyIPv6);
  EXPECT_EQ(flow.l4proto, kProtoTCP);
  Addr src{};
  ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::1", src.data()), 1);
  EXPECT_EQ(flow.orig.src, src);
  EXPECT_EQ(flow.reply.dst, src);
  EXPECT_EQ(flow.orig.sport, 2000);
  EXPECT_EQ(flow.orig.dport, 443);
  EXPECT_TRUE(flow.orig.has_l4);
  EXPECT_TRUE(flow.reply.has_l4);
  EXPECT_EQ(flow.zone.id, 65535);
  EXPECT_EQ(flow.zone.dir, kZoneDirBoth);
  EXPECT_EQ(flow.status, 0x19eu);
  EXPECT_EQ(flow.status_known, 0xffffffffu);
  EXPECT_EQ(flow.mark, 0xdeadbeefu);
  EXPECT_EQ(flow.id, 0x12345678u);  // the bytes read big-endian, as conntrack prints it
  EXPECT_EQ(flow.use, 2u);
  EXPECT_EQ(flow.timeout, 431999);
  EXPECT_EQ(flow.state, 5);
  ASSERT_TRUE(flow.tcp.has_value());
  EXPECT_EQ(flow.tcp->wscale_orig, 7);
  EXPECT_EQ(flow.tcp->wscale_reply, 9);
  EXPECT_EQ(flow.tcp->flags_orig, 0x27);
  EXPECT_EQ(flow.tcp->flags_reply, 0x23);
  // Absent stays absent; stale values from the reused Flow are gone.
  EXPECT_FALSE(flow.sctp || flow.dccp || flow.gre || flow.secmark || flow.orig_counters ||
               flow.reply_counters || flow.start_ns || flow.stop_ns || flow.delta_time ||
               flow.labels || flow.master || flow.seqadj_orig || flow.seqadj_reply ||
               flow.synproxy);
  EXPECT_EQ(flow.secctx, "");
  EXPECT_EQ(flow.helper, "");
}

TEST(DecodeCtMessageTest, IPv4AddressesUseTheFirstFourBytes) {
  Flow flow;
  ASSERT_THAT(DecodeCtMessage(testing::TcpEntry(1, 1000), &flow), IsOk());
  EXPECT_EQ(flow.orig.src, (Addr{10, 0, 0, 1}));
  EXPECT_EQ(flow.orig.dst, (Addr{10, 0, 0, 2}));
}

TEST(DecodeCtMessageTest, LabelsAreNativeUnsignedLongWords) {
  // Bit n of the kernel bitmap is bit n % BITS_PER_LONG of native word n / BITS_PER_LONG.
  unsigned long words[16 / sizeof(unsigned long)] = {};  // NOLINT(runtime/int)
  const unsigned bits[] = {0, 31, 32, 63, 64, 100, 127};
  constexpr unsigned kBitsPerLong = sizeof(unsigned long) * 8;  // NOLINT(runtime/int)
  for (unsigned bit : bits) words[bit / kBitsPerLong] |= 1UL << (bit % kBitsPerLong);
  MsgBuilder b = Entry();
  TcpTuples(b).Attr(kCtaLabels, {reinterpret_cast<const uint8_t*>(words), sizeof words});
  Flow flow;
  ASSERT_THAT(DecodeCtMessage(b.Build(), &flow), IsOk());
  ASSERT_TRUE(flow.labels.has_value());
  for (unsigned bit = 0; bit < 128; ++bit) {
    bool want = false;
    for (unsigned b2 : bits) want |= b2 == bit;
    EXPECT_EQ(flow.labels->Test(bit), want) << bit;
  }
}

TEST(DecodeCtMessageTest, ReusedFlowAllocatesNothingNew) {
  MsgBuilder b = Entry();
  TcpTuples(b).Begin(kCtaHelp).Str(kCtaHelpName, "ftp").End();
  const std::vector<uint8_t> msg = b.Build();
  Flow flow;
  ASSERT_THAT(DecodeCtMessage(msg, &flow), IsOk());
  const char* data = flow.helper.data();
  ASSERT_THAT(DecodeCtMessage(msg, &flow), IsOk());
  EXPECT_EQ(flow.helper.data(), data);  // the string's buffer was kept
  EXPECT_EQ(flow.helper, "ftp");
}

struct ErrorCase {
  const char* name;
  std::function<std::vector<uint8_t>()> build;
  const char* want;  // substring of the kDataLoss message
};

std::vector<uint8_t> Truncate(std::vector<uint8_t> m, size_t n) {
  m.resize(n);
  return m;
}

const ErrorCase kErrorCases[] = {
    {"shorter than an nlmsghdr", [] { return std::vector<uint8_t>(10, 0); },
     "truncated message: 10 bytes, want at least 16 (nlmsghdr)"},
    {"nlmsg_len past the bytes received",
     [] {
       std::vector<uint8_t> m = testing::TcpEntry(1, 1);
       return Truncate(m, m.size() - 8);
     },
     "truncated message: nlmsg_len"},
    {"not a conntrack entry",
     [] {
       MsgBuilder b(CtType(kMsgCtGetStats), 0, 0, 0);
       return b.Nfgen(0).Build();
     },
     "not a conntrack entry: nlmsg_type 0x0105"},
    {"no room for the nfgenmsg",
     [] { return MsgBuilder(CtType(kMsgCtNew), 0, 0, 0).Raw({2, 0}).Build(); },
     "message too short: nlmsg_len 18 < 20"},
    {"bad family", [] { return Entry(7).Build(); },
     "nfgen_family 7 is neither AF_INET (2) nor AF_INET6 (10)"},
    {"original tuple missing",
     [] {
       MsgBuilder b = Entry();
       return AddTuple(b, kCtaTupleReply, AF_INET, {"1.1.1.1", "2.2.2.2", 6, 1, 2, {}, {}, {}, {}})
           .Build();
     },
     "CTA_TUPLE_ORIG missing"},
    {"reply tuple missing",
     [] {
       MsgBuilder b = Entry();
       return AddTuple(b, kCtaTupleOrig, AF_INET, {"1.1.1.1", "2.2.2.2", 6, 1, 2, {}, {}, {}, {}})
           .Build();
     },
     "CTA_TUPLE_REPLY missing"},
    {"short IPv6 address",
     [] {
       MsgBuilder b = Entry(AF_INET6);
       b.Begin(kCtaTupleOrig)
           .Begin(kCtaTupleIp)
           .Attr(kCtaIpV6Src, std::vector<uint8_t>(8, 1))
           .End()
           .End();
       return b.Build();
     },
     "CTA_TUPLE_ORIG > CTA_TUPLE_IP > CTA_IP_V6_SRC has 8 bytes, want 16"},
    {"IPv4 address in an IPv6 entry",
     [] {
       MsgBuilder b = Entry(AF_INET6);
       return AddTuple(b, kCtaTupleOrig, AF_INET, {"1.1.1.1", "2.2.2.2", 6, 1, 2, {}, {}, {}, {}})
           .Build();
     },
     "CTA_TUPLE_ORIG > CTA_TUPLE_IP: CTA_IP_V4_SRC in an AF_INET6 entry"},
    {"tuple without addresses",
     [] {
       MsgBuilder b = Entry();
       return b.Begin(kCtaTupleOrig).Begin(kCtaTupleProto).U8(kCtaProtoNum, 6).End().End().Build();
     },
     "CTA_TUPLE_ORIG: CTA_TUPLE_IP missing"},
    {"tuple without a destination",
     [] {
       MsgBuilder b = Entry();
       return b.Begin(kCtaTupleOrig)
           .Begin(kCtaTupleIp)
           .Ipv4(kCtaIpV4Src, "1.1.1.1")
           .End()
           .Begin(kCtaTupleProto)
           .U8(kCtaProtoNum, 6)
           .End()
           .End()
           .Build();
     },
     "CTA_TUPLE_ORIG > CTA_TUPLE_IP: destination address missing"},
    {"tuple without protocol number",
     [] {
       MsgBuilder b = Entry();
       return b.Begin(kCtaTupleOrig)
           .Begin(kCtaTupleIp)
           .Ipv4(kCtaIpV4Src, "1.1.1.1")
           .Ipv4(kCtaIpV4Dst, "1.1.1.2")
           .End()
           .Begin(kCtaTupleProto)
           .Be16(kCtaProtoSrcPort, 1)
           .End()
           .End()
           .Build();
     },
     "CTA_TUPLE_ORIG > CTA_TUPLE_PROTO: CTA_PROTO_NUM missing"},
    {"short port",
     [] {
       MsgBuilder b = Entry();
       return b.Begin(kCtaTupleReply)
           .Begin(kCtaTupleProto)
           .U8(kCtaProtoNum, 6)
           .U8(kCtaProtoSrcPort, 1)
           .End()
           .End()
           .Build();
     },
     "CTA_TUPLE_REPLY > CTA_TUPLE_PROTO > CTA_PROTO_SRC_PORT has 1 bytes, want 2"},
    {"long status",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Be64(kCtaStatus, 1).Build();
     },
     "CTA_STATUS has 8 bytes, want 4"},
    {"short CTA_ID",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Be16(kCtaId, 1).Build();
     },
     "CTA_ID has 2 bytes, want 4"},
    {"short counter",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Begin(kCtaCountersReply).Be32(kCtaCountersBytes, 1).End().Build();
     },
     "CTA_COUNTERS_REPLY > CTA_COUNTERS_BYTES has 4 bytes, want 8"},
    {"short timestamp",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Begin(kCtaTimestamp).Be32(kCtaTimestampStart, 1).End().Build();
     },
     "CTA_TIMESTAMP > CTA_TIMESTAMP_START has 4 bytes, want 8"},
    {"tcp flags of the wrong size",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b)
           .Begin(kCtaProtoinfo)
           .Begin(kCtaProtoinfoTcp)
           .U8(kCtaTcpFlagsReply, 1)
           .End()
           .End()
           .Build();
     },
     "CTA_PROTOINFO > CTA_PROTOINFO_TCP > CTA_PROTOINFO_TCP_FLAGS_REPLY has 1 bytes, want 2"},
    {"labels not a multiple of the word size",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Attr(kCtaLabels, std::vector<uint8_t>(5, 1)).Build();
     },
     "CTA_LABELS has 5 bytes"},
    {"empty helper name attribute",
     [] {
       MsgBuilder b = Entry();
       return TcpTuples(b).Begin(kCtaHelp).Attr(kCtaHelpName, {}).End().Build();
     },
     "CTA_HELP > CTA_HELP_NAME has 0 bytes, want 1"},
    {"nested attribute runs past its parent (bad nesting)",
     [] {
       MsgBuilder b = Entry();
       TcpTuples(b).Begin(kCtaProtoinfo).Begin(kCtaProtoinfoTcp);
       // An attribute header claiming 40 bytes with only 4 in the nest.
       b.Raw({40, 0, kCtaTcpState, 0});
       return b.Build();
     },
     "CTA_PROTOINFO > CTA_PROTOINFO_TCP: malformed attribute: nla_len 40 > 4 bytes left"},
    {"attribute length below the header size",
     [] {
       MsgBuilder b = Entry();
       TcpTuples(b).Raw({2, 0, kCtaMark, 0});
       return b.Build();
     },
     "malformed attribute: nla_len 2 < 4"},
    {"top-level attribute runs past the message",
     [] {
       MsgBuilder b = Entry();
       TcpTuples(b).Raw({200, 0, kCtaMark, 0, 0, 0, 0, 1});
       return b.Build();
     },
     "malformed attribute: nla_len 200 > 8 bytes left"},
    {"truncated inside a tuple: the message ends mid-nest",
     [] {
       std::vector<uint8_t> m = testing::TcpEntry(1, 1);
       // Keep the header and the first 10 bytes of the original tuple, and say so.
       m.resize(30);
       const uint32_t len = 30;
       std::memcpy(m.data(), &len, 4);
       return m;
     },
     "malformed attribute: nla_len"},
};

TEST(DecodeCtMessageTest, Errors) {
  for (const ErrorCase& c : kErrorCases) {
    SCOPED_TRACE(c.name);
    Flow flow;
    EXPECT_THAT(DecodeCtMessage(c.build(), &flow),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(c.want)));
  }
}

TEST(DecodeCtMessageTest, TruncationMessageNamesBothLengths) {
  std::vector<uint8_t> m = testing::TcpEntry(1, 1);
  const size_t full = m.size();
  m.resize(full - 20);
  Flow flow;
  EXPECT_THAT(DecodeCtMessage(m, &flow),
              StatusIs(absl::StatusCode::kDataLoss,
                       absl::StrCat("truncated message: nlmsg_len ", full, " > ", full - 20,
                                    " bytes received")));
}

// ---------------------------------------------------------------- DumpBufferReader --

TEST(DumpBufferReaderTest, WalksEntriesThenDone) {
  const std::vector<uint8_t> buf = testing::Concat(
      {testing::TcpEntry(1, 1000, 5, 9), testing::TcpEntry(2, 1001, 5, 9), testing::DoneMsg(5, 9)});
  Flow flow;
  DumpBufferReader reader(buf, &flow);
  NlItem item;
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kFlow);
  EXPECT_EQ(item.seq, 5u);
  EXPECT_EQ(item.port_id, 9u);
  EXPECT_EQ(item.type, 0x0100);
  EXPECT_EQ(item.flags, kNlmFMulti);
  EXPECT_EQ(flow.id, 1u);
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kFlow);
  EXPECT_EQ(flow.orig.sport, 1001);
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kDone);
  EXPECT_EQ(item.error, 0);
  EXPECT_FALSE(reader.Next(&item));
  EXPECT_THAT(reader.status(), IsOk());
  EXPECT_EQ(reader.offset(), buf.size());
}

TEST(DumpBufferReaderTest, BadEntryIsSkippedAndTheWalkGoesOn) {
  MsgBuilder bad = Entry();
  bad.Be32(kCtaMark, 1);  // no tuples
  const std::vector<uint8_t> buf =
      testing::Concat({bad.Build(), testing::TcpEntry(2, 1001), testing::DoneMsg()});
  Flow flow;
  DumpBufferReader reader(buf, &flow);
  NlItem item;
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kBadFlow);
  EXPECT_THAT(item.status, StatusIs(absl::StatusCode::kDataLoss,
                                    "message at offset 0: CTA_TUPLE_ORIG missing"));
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kFlow);
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kDone);
}

TEST(DumpBufferReaderTest, DoneWithErrorAndErrorMessages) {
  const std::vector<uint8_t> buf =
      testing::Concat({testing::DoneMsg(1, 2, EINTR), testing::ErrorMsg(1, 2, EPERM),
                       testing::ErrorMsg(1, 2, EINVAL, "bad filter"), testing::ErrorMsg(1, 2, 0)});
  Flow flow;
  DumpBufferReader reader(buf, &flow);
  NlItem item;
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kDone);
  EXPECT_EQ(item.error, EINTR);
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kError);
  EXPECT_EQ(item.error, EPERM);
  EXPECT_EQ(item.ext_ack, "");
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kError);
  EXPECT_EQ(item.error, EINVAL);
  EXPECT_EQ(item.ext_ack, "bad filter");
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kError);
  EXPECT_EQ(item.error, 0);  // an ACK
  EXPECT_FALSE(reader.Next(&item));
  EXPECT_THAT(reader.status(), IsOk());
}

TEST(DumpBufferReaderTest, OtherMessagesArePassedThrough) {
  const std::vector<uint8_t> buf =
      testing::Concat({MsgBuilder(kNlmsgNoop, 0, 0, 0).Build(),
                       MsgBuilder(CtType(kMsgCtGetStatsCpu), kNlmFMulti, 0, 0).Nfgen(0, 0, 3)
                           .Be32(2, 10).Build()});
  Flow flow;
  DumpBufferReader reader(buf, &flow);
  NlItem item;
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kOther);
  EXPECT_EQ(item.type, kNlmsgNoop);
  ASSERT_TRUE(reader.Next(&item));
  EXPECT_EQ(item.kind, NlKind::kOther);
  EXPECT_EQ(item.type, 0x0104);
  EXPECT_EQ(item.bytes.size(), 28u);
  EXPECT_FALSE(reader.Next(&item));
}

TEST(DumpBufferReaderTest, FramingErrorsStopTheWalk) {
  struct Case {
    const char* name;
    std::vector<uint8_t> buf;
    const char* want;
  };
  std::vector<uint8_t> entry = testing::TcpEntry(1, 1000);
  const Case cases[] = {
      {"truncated second message",
       Truncate(testing::Concat({entry, entry}), entry.size() * 2 - 8),
       "truncated message: nlmsg_len"},
      {"stray bytes", testing::Concat({entry, std::vector<uint8_t>(7, 0)}),
       "truncated message: 7 bytes left"},
      {"nlmsg_len below the header size",
       testing::Concat({entry, std::vector<uint8_t>{8, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}),
       "nlmsg_len 8 < 16"},
      {"NLMSG_ERROR without an error code",
       MsgBuilder(kNlmsgError, 0, 0, 0).Build(), "NLMSG_ERROR at offset 0 has no error code"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Flow flow;
    DumpBufferReader reader(c.buf, &flow);
    NlItem item;
    int items = 0;
    while (reader.Next(&item)) ++items;
    EXPECT_THAT(reader.status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr(c.want)));
    EXPECT_FALSE(reader.Next(&item));  // sticky
  }
}

TEST(DumpBufferReaderTest, EmptyBuffer) {
  Flow flow;
  DumpBufferReader reader({}, &flow);
  NlItem item;
  EXPECT_FALSE(reader.Next(&item));
  EXPECT_THAT(reader.status(), IsOk());
}

// ---------------------------------------------------------------- DecodeGlobalStats --

TEST(DecodeGlobalStatsTest, EntriesAndMax) {
  GlobalStats stats;
  ASSERT_THAT(DecodeGlobalStats(MsgBuilder(CtType(kMsgCtGetStats), kNlmFMulti, 0, 0)
                                    .Nfgen(0)
                                    .Be32(kCtaStatsGlobalEntries, 24)
                                    .Be32(kCtaStatsGlobalMaxEntries, 262144)
                                    .Build(),
                                &stats),
              IsOk());
  EXPECT_EQ(stats.entries, 24u);
  EXPECT_EQ(stats.max_entries, 262144u);
  ASSERT_THAT(DecodeGlobalStats(MsgBuilder(CtType(kMsgCtGetStats), kNlmFMulti, 0, 0)
                                    .Nfgen(0)
                                    .Be32(kCtaStatsGlobalEntries, 3)
                                    .Build(),
                                &stats),
              IsOk());
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_FALSE(stats.max_entries.has_value());
  EXPECT_THAT(DecodeGlobalStats(
                  MsgBuilder(CtType(kMsgCtGetStats), kNlmFMulti, 0, 0).Nfgen(0).Build(), &stats),
              StatusIs(absl::StatusCode::kDataLoss, "CTA_STATS_GLOBAL_ENTRIES missing"));
  EXPECT_THAT(DecodeGlobalStats(testing::TcpEntry(1, 1), &stats),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a CT_GET_STATS reply")));
}

// ---------------------------------------------------------------- recordings --

constexpr char kDir[] = "testdata/netlink/";

// Every entry of a recording, decoded.
std::vector<Flow> DecodeRecording(const std::string& name) {
  std::vector<Flow> flows;
  auto datagrams = ReadRecordingFile(absl::StrCat(kDir, name));
  EXPECT_TRUE(datagrams.ok()) << datagrams.status();
  if (!datagrams.ok()) return flows;
  Flow flow;
  for (const auto& d : *datagrams) {
    DumpBufferReader reader(d, &flow);
    NlItem item;
    while (reader.Next(&item)) {
      EXPECT_NE(item.kind, NlKind::kBadFlow) << item.status;
      if (item.kind == NlKind::kFlow) flows.push_back(flow);
    }
    EXPECT_THAT(reader.status(), IsOk());
  }
  return flows;
}

const Flow* FindByOrigPort(const std::vector<Flow>& flows, uint8_t proto, uint16_t dport,
                           uint16_t sport = 0) {
  for (const Flow& f : flows) {
    if (f.l4proto == proto && f.orig.dport == dport && (sport == 0 || f.orig.sport == sport)) {
      return &f;
    }
  }
  return nullptr;
}

TEST(RecordedDumpTest, EntriesWithAccountingAndTimestamps) {
  std::vector<Flow> flows = DecodeRecording("entries-6.18.bin");
  ASSERT_EQ(flows.size(), 47u);
  size_t v4 = 0, with_synproxy = 0;
  for (const Flow& f : flows) {
    SCOPED_TRACE(DebugString(f));
    EXPECT_EQ(f.source, Source::kNetlink);
    EXPECT_EQ(f.status_known, 0xffffffffu);
    EXPECT_TRUE(f.timeout.has_value());
    EXPECT_TRUE(f.mark.has_value());
    EXPECT_TRUE(f.use.has_value());
    EXPECT_TRUE(f.id.has_value());
    EXPECT_TRUE(f.orig_counters.has_value());  // nf_conntrack_acct=1
    EXPECT_TRUE(f.reply_counters.has_value());
    EXPECT_TRUE(f.start_ns.has_value());  // nf_conntrack_timestamp=1
    EXPECT_FALSE(f.stop_ns.has_value());
    EXPECT_EQ(f.state.has_value(), ProtoHasState(f.l4proto) && f.l4proto != kProtoDCCP);
    v4 += f.family == kFamilyIPv4;
    // Entries made with conntrack -I carry an all-zero synproxy block; the ones made by
    // loopback traffic (127.0.0.0/8, ::1) do not.
    const Addr kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const bool real = f.family == kFamilyIPv4 ? f.orig.src[0] == 127 : f.orig.src == kLoopback6;
    EXPECT_EQ(f.synproxy.has_value(), !real);
    if (f.synproxy) {
      ++with_synproxy;
      EXPECT_EQ(f.synproxy->isn, 0u);
    }
  }
  EXPECT_EQ(v4, 39u);
  EXPECT_EQ(with_synproxy, 38u);

  // DCCP on 6.18 is generic: protocol 33 without ports or protoinfo.
  const Flow* dccp = nullptr;
  for (const Flow& f : flows) dccp = f.l4proto == kProtoDCCP ? &f : dccp;
  ASSERT_NE(dccp, nullptr);
  EXPECT_FALSE(dccp->orig.has_l4);
  EXPECT_FALSE(dccp->state.has_value());

  // Zones in all three forms.
  const Flow* z5 = FindByOrigPort(flows, kProtoTCP, 22, 2000);
  const Flow* z6 = FindByOrigPort(flows, kProtoTCP, 22, 2001);
  const Flow* z7 = FindByOrigPort(flows, kProtoTCP, 22, 2002);
  ASSERT_TRUE(z5 && z6 && z7);
  EXPECT_EQ(z5->zone.id, 5);
  EXPECT_EQ(z5->zone.dir, kZoneDirBoth);
  EXPECT_EQ(z6->zone.id, 6);
  EXPECT_EQ(z6->zone.dir, kZoneDirOrig);
  EXPECT_EQ(z7->zone.id, 7);
  EXPECT_EQ(z7->zone.dir, kZoneDirReply);

  // The ftp control connection (DNATed, helper, seq adjustment) and its data connection.
  const Flow* ftp = FindByOrigPort(flows, kProtoTCP, 21);
  ASSERT_NE(ftp, nullptr);
  EXPECT_EQ(ftp->helper, "ftp");
  EXPECT_TRUE(ftp->HasStatus(kStatusHelper | kStatusSeqAdjust | kStatusDstNat));
  ASSERT_TRUE(ftp->seqadj_reply.has_value());
  EXPECT_EQ(ftp->seqadj_reply->offset_after, 0xffffffffu);  // "127,0,0,10" -> "127,0,0,2"
  EXPECT_EQ(ftp->reply.src, (Addr{127, 0, 0, 10}));
  EXPECT_EQ(ftp->use, 2u);  // the expectation holds a reference
  const Flow* data = FindByOrigPort(flows, kProtoTCP, 50000);
  ASSERT_NE(data, nullptr);
  EXPECT_TRUE(data->HasStatus(kStatusExpected));
  ASSERT_TRUE(data->master.has_value());
  EXPECT_EQ(*data->master, ftp->orig);

  // SNAT by the ruleset, and the label it set; mark 16 set by the ruleset.
  const Flow* snat = FindByOrigPort(flows, kProtoTCP, 8080);
  ASSERT_NE(snat, nullptr);
  EXPECT_EQ(snat->reply.dst, (Addr{127, 0, 0, 3}));
  EXPECT_EQ(snat->reply.dport, 5555);
  EXPECT_TRUE(snat->HasStatus(kStatusSrcNat | kStatusSrcNatDone));
  ASSERT_TRUE(snat->labels.has_value());
  EXPECT_TRUE(snat->labels->Test(1));
  const Flow* udp = FindByOrigPort(flows, kProtoUDP, 9000);
  ASSERT_NE(udp, nullptr);
  EXPECT_EQ(udp->mark, 16u);
  EXPECT_GT(udp->orig_counters->packets, 0u);

  // Labels set with conntrack -U: bits 1 and 40; bits 0 and 127.
  const Flow* l1 = FindByOrigPort(flows, kProtoTCP, 2, 1);
  const Flow* l2 = FindByOrigPort(flows, kProtoTCP, 4, 3);
  ASSERT_TRUE(l1 && l2 && l1->labels && l2->labels);
  EXPECT_EQ(l1->labels->words[0], (uint64_t{1} << 1) | (uint64_t{1} << 40));
  EXPECT_EQ(l1->labels->words[1], 0u);
  EXPECT_EQ(l2->labels->words[0], 1u);
  EXPECT_EQ(l2->labels->words[1], uint64_t{1} << 63);

  // GRE keys, including 0 and 0xffff.
  const Flow* gre = FindByOrigPort(flows, kProtoGRE, 0xffff, 0);
  ASSERT_NE(gre, nullptr);
  EXPECT_TRUE(gre->orig.has_l4);
  EXPECT_EQ(gre->reply.sport, 0xffff);
}

TEST(RecordedDumpTest, PlainEntriesHaveNoCountersOrTimestamps) {
  std::vector<Flow> flows = DecodeRecording("plain-6.18.bin");
  ASSERT_EQ(flows.size(), 47u);
  for (const Flow& f : flows) {
    EXPECT_FALSE(f.orig_counters || f.reply_counters || f.start_ns) << DebugString(f);
  }
}

TEST(RecordedDumpTest, ManyEntriesMixAccountingStates) {
  std::vector<Flow> flows = DecodeRecording("many-6.18.bin");
  ASSERT_EQ(flows.size(), 600u);
  size_t with = 0;
  for (const Flow& f : flows) {
    // Made with acct/timestamp on for marks 0-299 and off for 300-599.
    EXPECT_EQ(f.orig_counters.has_value(), *f.mark < 300) << DebugString(f);
    EXPECT_EQ(f.start_ns.has_value(), *f.mark < 300) << DebugString(f);
    with += f.orig_counters.has_value();
  }
  EXPECT_EQ(with, 300u);
}

// The decoder has fast paths for the exact layouts the kernel sends. Re-encoding every
// recorded entry with an unknown attribute at the head of every nest forces the general
// path everywhere; both must decode to the same record.
std::vector<uint8_t> WithUnknownAttributes(const uint8_t* p, size_t n) {
  std::vector<uint8_t> out = {8, 0, 0xf0, 0x3f, 1, 2, 3, 4};  // type 0x3ff0: unknown
  size_t off = 0;
  while (n - off >= 4) {
    uint16_t len, type;
    std::memcpy(&len, p + off, 2);
    std::memcpy(&type, p + off + 2, 2);
    if (len < 4 || len > n - off) break;
    if (type & kNlaFNested) {
      std::vector<uint8_t> inner = WithUnknownAttributes(p + off + 4, len - 4u);
      const uint16_t new_len = static_cast<uint16_t>(4 + inner.size());
      out.push_back(static_cast<uint8_t>(new_len));
      out.push_back(static_cast<uint8_t>(new_len >> 8));
      out.push_back(static_cast<uint8_t>(type));
      out.push_back(static_cast<uint8_t>(type >> 8));
      out.insert(out.end(), inner.begin(), inner.end());
    } else {
      out.insert(out.end(), p + off, p + off + len);
    }
    while (out.size() % 4) out.push_back(0);
    off += Align4(len);
  }
  return out;
}

TEST(RecordedDumpTest, FastAndGeneralPathsAgree) {
  size_t compared = 0;
  for (const char* name : {"entries-6.18.bin", "plain-6.18.bin", "many-6.18.bin"}) {
    auto datagrams = ReadRecordingFile(absl::StrCat(kDir, name));
    ASSERT_TRUE(datagrams.ok());
    Flow fast, general;
    for (const auto& d : *datagrams) {
      DumpBufferReader reader(d, &fast);
      NlItem item;
      while (reader.Next(&item)) {
        if (item.kind != NlKind::kFlow) continue;
        std::vector<uint8_t> m(item.bytes.begin(), item.bytes.begin() + kCtPayloadOffset);
        std::vector<uint8_t> attrs = WithUnknownAttributes(
            item.bytes.data() + kCtPayloadOffset, item.bytes.size() - kCtPayloadOffset);
        m.insert(m.end(), attrs.begin(), attrs.end());
        const uint32_t len = static_cast<uint32_t>(m.size());
        std::memcpy(m.data(), &len, 4);
        ASSERT_GT(m.size(), item.bytes.size());
        ASSERT_THAT(DecodeCtMessage(m, &general), IsOk());
        EXPECT_EQ(DebugString(general), DebugString(fast));
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 47u + 47u + 600u);
}

TEST(RecordedDumpTest, EmptyTable) { EXPECT_TRUE(DecodeRecording("empty-6.18.bin").empty()); }

}  // namespace
}  // namespace netlink
}  // namespace ctdump
