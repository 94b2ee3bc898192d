// Read-only by construction: everything BuildCtRequest() can produce is one of the three
// allowed requests, with or without dump filters; and the exact bytes of filtered dumps,
// checked against independently built messages (testing/nl_builder.h) and, for one of
// them, a byte literal.

#include "backends/netlink/request.h"

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/testing/nl_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

struct Header {
  uint32_t len;
  uint16_t type;
  uint16_t flags;
  uint32_t seq;
  uint32_t pid;
  uint8_t family;
  uint8_t version;
  uint16_t res_id;
};

Header Parse(const CtRequestBytes& r) {
  Header h;
  std::memcpy(&h.len, r.data.data(), 4);
  std::memcpy(&h.type, r.data.data() + 4, 2);
  std::memcpy(&h.flags, r.data.data() + 6, 2);
  std::memcpy(&h.seq, r.data.data() + 8, 4);
  std::memcpy(&h.pid, r.data.data() + 12, 4);
  h.family = r.data[16];
  h.version = r.data[17];
  std::memcpy(&h.res_id, r.data.data() + 18, 2);
  return h;
}

using testing::MsgBuilder;

// A filter of every shape the backend sends, and some it never sends.
std::vector<DumpFilter> SampleFilters() {
  std::vector<DumpFilter> out(1);  // empty
  DumpFilter f;
  f.mark_value = 3;
  out.push_back(f);
  f = DumpFilter();
  f.status_value = 2;
  f.status_mask = 6;
  out.push_back(f);
  f = DumpFilter();
  f.zone = 7;
  out.push_back(f);
  f = DumpFilter();
  f.orig.flags = ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFDstPort;
  f.orig.proto = 6;
  f.orig.dport = 80;
  f.reply.flags = ctnl::kCtaFilterFIpDst;
  out.push_back(f);
  f.mark_value = 1;
  f.mark_mask = 0;
  f.status_value = 0x800;
  f.status_mask = 0x800;
  f.zone = 1;
  f.orig.flags = ctnl::kCtaFilterFAll;  // everything at once (ICMP and ports together)
  f.reply.flags = ctnl::kCtaFilterFAll;
  out.push_back(f);
  return out;
}

TEST(RequestTest, EverythingTheBuilderCanProduceIsReadOnly) {
  // Every byte value that could be cast to the enum, every family, every sample filter.
  std::set<uint16_t> types_seen;
  int built = 0;
  int built_unfiltered = 0;
  const std::vector<DumpFilter> filters = SampleFilters();
  for (int k = 0; k < 256; ++k) {
    for (int family = 0; family < 256; ++family) {
      for (size_t fi = 0; fi <= filters.size(); ++fi) {
        const DumpFilter* filter = fi == filters.size() ? nullptr : &filters[fi];
        const CtRequestBytes r =
            BuildCtRequest(static_cast<CtRequest>(k), static_cast<uint8_t>(family), 77, filter);
        if (r.size == 0) continue;  // outside the enum, or a filter it cannot carry: nothing
        ++built;
        const bool filtered = filter != nullptr && !filter->empty();
        if (!filtered) ++built_unfiltered;
        ASSERT_GE(r.size, 20u);
        ASSERT_LE(r.size, kMaxCtRequestSize);
        ASSERT_EQ(r.size % 4, 0u);
        const Header h = Parse(r);
        EXPECT_EQ(h.len, r.size);
        if (!filtered) {
          EXPECT_EQ(r.size, 20u);
        }
        // Filters only ever go on a CT_GET dump, and tuples only with AF_INET/AF_INET6.
        if (filtered) {
          EXPECT_EQ(h.type, 0x0101);
        }
        if (filtered && (filter->orig.flags || filter->reply.flags)) {
          EXPECT_TRUE(family == 2 || family == 10) << family;
        }
        // Top-level attributes are only ever dump-filter inputs (never CTA_TIMEOUT,
        // CTA_NAT_*, CTA_LABELS, CTA_HELP, ... which would mean something to CT_NEW).
        for (size_t off = 20; off + 4 <= r.size;) {
          uint16_t nla_len, nla_type;
          std::memcpy(&nla_len, r.data.data() + off, 2);
          std::memcpy(&nla_type, r.data.data() + off + 2, 2);
          ASSERT_GE(nla_len, 4);
          EXPECT_THAT(nla_type & ctnl::kNlaTypeMask,
                      ::testing::AnyOf(ctnl::kCtaTupleOrig, ctnl::kCtaTupleReply,
                                       ctnl::kCtaStatus, ctnl::kCtaMark, ctnl::kCtaZone,
                                       ctnl::kCtaMarkMask, ctnl::kCtaFilter,
                                       ctnl::kCtaStatusMask));
          off += ctnl::Align4(nla_len);
        }
        const bool get = static_cast<CtRequest>(k) == CtRequest::kGetEntry;
        if (get) {
          // A lookup carries a tuple and nothing else: no CTA_FILTER, mark, status, zone.
          for (size_t off = 20; off + 4 <= r.size;) {
            uint16_t nla_len, nla_type;
            std::memcpy(&nla_len, r.data.data() + off, 2);
            std::memcpy(&nla_type, r.data.data() + off + 2, 2);
            EXPECT_THAT(nla_type & ctnl::kNlaTypeMask,
                        ::testing::AnyOf(ctnl::kCtaTupleOrig, ctnl::kCtaTupleReply));
            off += ctnl::Align4(nla_len);
          }
          EXPECT_TRUE(family == 2 || family == 10) << family;
        }
        switch (h.type) {
          case 0x0101:  // CT_GET: a dump, or the lookup of one entry (conntrack -G)
            EXPECT_EQ(h.flags, get ? 0x005 : 0x301);
            break;
          case 0x0105:  // CT_GET_STATS
            EXPECT_EQ(h.flags, 0x001);
            break;
          case 0x0104:  // CT_GET_STATS_CPU
            EXPECT_EQ(h.flags, 0x301);
            break;
          default:
            ADD_FAILURE() << "request kind " << k << " built nlmsg_type " << h.type;
        }
        // Never CT_NEW, CT_DELETE or CT_GET_CTRZERO, whatever the flags.
        EXPECT_NE(h.type, 0x0100);
        EXPECT_NE(h.type, 0x0102);
        EXPECT_NE(h.type, 0x0103);
        // No flag beyond REQUEST|DUMP, or REQUEST|ACK for a lookup (never REPLACE, EXCL,
        // CREATE, APPEND).
        EXPECT_EQ(h.flags & ~(ctnl::kNlmFRequest | (get ? ctnl::kNlmFAck : ctnl::kNlmFDump)),
                  0);
        EXPECT_EQ(h.seq, 77u);
        EXPECT_EQ(h.pid, 0u);
        EXPECT_EQ(h.family, family);
        EXPECT_EQ(h.version, 0);
        EXPECT_EQ(h.res_id, 0);
        types_seen.insert(h.type);
      }
    }
  }
  // Unfiltered: 3 kinds x 256 families, twice (nullptr and the empty filter); a lookup
  // needs a tuple.
  EXPECT_EQ(built_unfiltered, 2 * 3 * 256);
  // Filtered: dumps (mark/status/zone with any family, tuples with 2 and 10 only), and
  // lookups of the one sample that is tuples alone, with 2 and 10.
  EXPECT_EQ(built - built_unfiltered, 3 * 256 + 2 * 2 + 2);
  EXPECT_EQ(types_seen, (std::set<uint16_t>{0x0101, 0x0104, 0x0105}));
}

TEST(RequestTest, ExactBytesOfAMarkFilter) {
  DumpFilter f;
  f.mark_value = 3;
  const CtRequestBytes r = BuildCtRequest(CtRequest::kDumpTable, 2, 0x01020304, &f);
  const uint8_t want[] = {
      36, 0, 0, 0,              // nlmsg_len
      0x01, 0x01,               // CT_GET
      0x01, 0x03,               // NLM_F_REQUEST|NLM_F_DUMP
      0x04, 0x03, 0x02, 0x01,   // seq
      0, 0, 0, 0,               // pid
      2, 0, 0, 0,               // AF_INET, version 0, res_id 0
      8, 0, 8, 0,               // CTA_MARK
      0, 0, 0, 3,               //   be32 3
      8, 0, 21, 0,              // CTA_MARK_MASK
      0xff, 0xff, 0xff, 0xff,   //   be32 0xffffffff
  };
  ASSERT_EQ(r.size, sizeof want);
  EXPECT_EQ(std::memcmp(r.data.data(), want, sizeof want), 0);
}

std::string Hex(absl::Span<const uint8_t> b) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < b.size(); i += 4) {
    std::string word;
    for (size_t j = i; j < i + 4 && j < b.size(); ++j) absl::StrAppendFormat(&word, "%02x", b[j]);
    parts.push_back(word);
  }
  return absl::StrJoin(parts, " ");
}

struct BytesCase {
  const char* name;
  uint8_t family;
  DumpFilter filter;
  std::vector<uint8_t> want;
};

std::vector<BytesCase> BytesCases() {
  constexpr uint16_t kGet = 0x0101, kFlags = 0x301;
  constexpr uint32_t kSeq = 9;
  std::vector<BytesCase> cases;
  {
    BytesCase c{"status", 10, {}, {}};
    c.filter.status_value = 0x2;
    c.filter.status_mask = 0x6;
    c.want = MsgBuilder(kGet, kFlags, kSeq)
                 .Nfgen(10)
                 .Be32(ctnl::kCtaStatus, 0x2)
                 .Be32(ctnl::kCtaStatusMask, 0x6)
                 .Build();
    cases.push_back(c);
  }
  {
    BytesCase c{"zone", 2, {}, {}};
    c.filter.zone = 0x1234;
    c.want = MsgBuilder(kGet, kFlags, kSeq).Nfgen(2).Be16(ctnl::kCtaZone, 0x1234).Build();
    cases.push_back(c);
  }
  {
    BytesCase c{"mark with mask", 0, {}, {}};
    c.filter.mark_value = 0x10;
    c.filter.mark_mask = 0xf0;
    c.want = MsgBuilder(kGet, kFlags, kSeq)
                 .Nfgen(0)
                 .Be32(ctnl::kCtaMark, 0x10)
                 .Be32(ctnl::kCtaMarkMask, 0xf0)
                 .Build();
    cases.push_back(c);
  }
  {
    BytesCase c{"ipv4 tuple both directions, tcp ports", 2, {}, {}};
    DumpFilterTuple& o = c.filter.orig;
    o.flags = ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFIpDst | ctnl::kCtaFilterFProtoNum |
              ctnl::kCtaFilterFSrcPort | ctnl::kCtaFilterFDstPort;
    o.src = {10, 0, 0, 1};
    o.dst = {10, 0, 0, 2};
    o.proto = 6;
    o.sport = 1000;
    o.dport = 80;
    DumpFilterTuple& r = c.filter.reply;
    r.flags = ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFSrcPort;
    r.src = {10, 0, 0, 9};
    r.proto = 6;
    r.sport = 8080;
    c.want = MsgBuilder(kGet, kFlags, kSeq)
                 .Nfgen(2)
                 .Begin(ctnl::kCtaTupleOrig)
                 .Begin(ctnl::kCtaTupleIp)
                 .Ipv4(ctnl::kCtaIpV4Src, "10.0.0.1")
                 .Ipv4(ctnl::kCtaIpV4Dst, "10.0.0.2")
                 .End()
                 .Begin(ctnl::kCtaTupleProto)
                 .U8(ctnl::kCtaProtoNum, 6)
                 .Be16(ctnl::kCtaProtoSrcPort, 1000)
                 .Be16(ctnl::kCtaProtoDstPort, 80)
                 .End()
                 .End()
                 .Begin(ctnl::kCtaTupleReply)
                 .Begin(ctnl::kCtaTupleIp)
                 .Ipv4(ctnl::kCtaIpV4Src, "10.0.0.9")
                 .End()
                 .Begin(ctnl::kCtaTupleProto)
                 .U8(ctnl::kCtaProtoNum, 6)
                 .Be16(ctnl::kCtaProtoSrcPort, 8080)
                 .End()
                 .End()
                 .Begin(ctnl::kCtaFilter)
                 .Host32(ctnl::kCtaFilterOrigFlags, 0x3b)
                 .Host32(ctnl::kCtaFilterReplyFlags, 0x19)
                 .End()
                 .Build();
    cases.push_back(c);
  }
  {
    BytesCase c{"icmp type/code/id", 2, {}, {}};
    c.filter.orig.flags = ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFIcmpType |
                          ctnl::kCtaFilterFIcmpCode | ctnl::kCtaFilterFIcmpId;
    c.filter.orig.proto = 1;
    c.filter.orig.icmp_type = 8;
    c.filter.orig.icmp_code = 0;
    c.filter.orig.icmp_id = 0x1234;
    c.want = MsgBuilder(kGet, kFlags, kSeq)
                 .Nfgen(2)
                 .Begin(ctnl::kCtaTupleOrig)
                 .Begin(ctnl::kCtaTupleProto)
                 .U8(ctnl::kCtaProtoNum, 1)
                 .Be16(ctnl::kCtaProtoIcmpId, 0x1234)
                 .U8(ctnl::kCtaProtoIcmpType, 8)
                 .U8(ctnl::kCtaProtoIcmpCode, 0)
                 .End()
                 .End()
                 .Begin(ctnl::kCtaFilter)
                 .Host32(ctnl::kCtaFilterOrigFlags, 0x1c8)
                 .Host32(ctnl::kCtaFilterReplyFlags, 0)
                 .End()
                 .Build();
    cases.push_back(c);
  }
  {
    BytesCase c{"icmpv6 type, ipv6 addresses, every kind at once", 10, {}, {}};
    c.filter.mark_value = 1;
    c.filter.mark_mask = 0;
    c.filter.status_value = 0x800;
    c.filter.status_mask = 0x800;
    c.filter.zone = 5;
    c.filter.orig.flags = ctnl::kCtaFilterFIpDst | ctnl::kCtaFilterFProtoNum |
                          ctnl::kCtaFilterFIcmpv6Type;
    c.filter.orig.dst = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    c.filter.orig.proto = 58;
    c.filter.orig.icmp_type = 128;
    c.want = MsgBuilder(kGet, kFlags, kSeq)
                 .Nfgen(10)
                 .Begin(ctnl::kCtaTupleOrig)
                 .Begin(ctnl::kCtaTupleIp)
                 .Ipv6(ctnl::kCtaIpV6Dst, "fd00::2")
                 .End()
                 .Begin(ctnl::kCtaTupleProto)
                 .U8(ctnl::kCtaProtoNum, 58)
                 .U8(ctnl::kCtaProtoIcmpv6Type, 128)
                 .End()
                 .End()
                 .Be32(ctnl::kCtaStatus, 0x800)
                 .Be32(ctnl::kCtaMark, 1)
                 .Be16(ctnl::kCtaZone, 5)
                 .Be32(ctnl::kCtaMarkMask, 0)
                 .Begin(ctnl::kCtaFilter)
                 .Host32(ctnl::kCtaFilterOrigFlags, 0x20a)
                 .Host32(ctnl::kCtaFilterReplyFlags, 0)
                 .End()
                 .Be32(ctnl::kCtaStatusMask, 0x800)
                 .Build();
    cases.push_back(c);
  }
  return cases;
}

TEST(RequestTest, ExactBytesOfFilteredDumps) {
  for (const BytesCase& c : BytesCases()) {
    SCOPED_TRACE(c.name);
    const CtRequestBytes r = BuildCtRequest(CtRequest::kDumpTable, c.family, 9, &c.filter);
    EXPECT_EQ(Hex(r.span()), Hex(c.want));
  }
}

TEST(RequestTest, FiltersTheKernelWouldRefuseAreNotBuilt) {
  DumpFilter status0;
  status0.status_value = 0;
  status0.status_mask = 0;  // EINVAL in the kernel
  EXPECT_EQ(BuildCtRequest(CtRequest::kDumpTable, 2, 1, &status0).size, 0u);

  DumpFilter tuple;
  tuple.orig.flags = ctnl::kCtaFilterFProtoNum;
  EXPECT_EQ(BuildCtRequest(CtRequest::kDumpTable, 0, 1, &tuple).size, 0u);  // AF_UNSPEC
  EXPECT_EQ(BuildCtRequest(CtRequest::kDumpTable, 7, 1, &tuple).size, 0u);
  EXPECT_GT(BuildCtRequest(CtRequest::kDumpTable, 2, 1, &tuple).size, 20u);

  DumpFilter port_only;
  port_only.reply.flags = ctnl::kCtaFilterFDstPort;  // no PROTO_NUM: EINVAL
  EXPECT_EQ(BuildCtRequest(CtRequest::kDumpTable, 2, 1, &port_only).size, 0u);

  DumpFilter unknown_flag;
  unknown_flag.orig.flags = 1u << 12;  // EOPNOTSUPP
  EXPECT_EQ(BuildCtRequest(CtRequest::kDumpTable, 2, 1, &unknown_flag).size, 0u);

  DumpFilter mark;
  mark.mark_value = 1;
  EXPECT_EQ(BuildCtRequest(CtRequest::kGetStats, 0, 1, &mark).size, 0u);
  EXPECT_EQ(BuildCtRequest(CtRequest::kDumpStatsCpu, 0, 1, &mark).size, 0u);
  DumpFilter empty;
  EXPECT_EQ(BuildCtRequest(CtRequest::kGetStats, 0, 1, &empty).size, 20u);
}

TEST(RequestTest, LargestRequestFits) {
  DumpFilter f;
  f.mark_value = 1;
  f.status_value = 1;
  f.status_mask = 1;
  f.zone = 1;
  f.orig.flags = ctnl::kCtaFilterFAll;
  f.reply.flags = ctnl::kCtaFilterFAll;
  const CtRequestBytes r = BuildCtRequest(CtRequest::kDumpTable, 10, 1, &f);
  EXPECT_GT(r.size, 300u);
  EXPECT_LE(r.size, kMaxCtRequestSize);
}

TEST(RequestTest, KindsMatchTheirNames) {
  EXPECT_EQ(Parse(BuildCtRequest(CtRequest::kDumpTable, 2, 1)).type, 0x0101);
  EXPECT_EQ(Parse(BuildCtRequest(CtRequest::kGetStats, 0, 1)).type, 0x0105);
  EXPECT_EQ(Parse(BuildCtRequest(CtRequest::kDumpStatsCpu, 0, 1)).type, 0x0104);
  DumpFilter tuple;
  tuple.orig.flags = ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFIpDst;
  const Header get = Parse(BuildCtRequest(CtRequest::kGetEntry, 2, 1, &tuple));
  EXPECT_EQ(get.type, 0x0101);
  EXPECT_EQ(get.flags, 0x005);  // NLM_F_REQUEST|NLM_F_ACK: one entry, no dump
  EXPECT_EQ(BuildCtRequest(CtRequest::kGetEntry, 2, 1).size, 0u);  // no tuple: nothing
  EXPECT_EQ(sizeof(kAllCtRequests) / sizeof(kAllCtRequests[0]), 4u);
}

TEST(RequestTest, ExactBytesOfADumpRequest) {
  const CtRequestBytes r = BuildCtRequest(CtRequest::kDumpTable, 10, 0x01020304);
  const uint8_t want[20] = {20, 0, 0, 0, 0x01, 0x01, 0x01, 0x03, 0x04, 0x03,
                            0x02, 0x01, 0, 0, 0, 0, 10, 0, 0, 0};
  ASSERT_EQ(r.span().size(), 20u);
  EXPECT_EQ(std::memcmp(r.span().data(), want, 20), 0);
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
