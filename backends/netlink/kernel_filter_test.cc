// Tests of the kernel-side filter policy: what is pushed for each Filter field (a table
// with a canonical text per case), and THE RULE of kernel_filter.h checked over a large
// generated set of filters and flows: whatever the user-space filter keeps, the kernel
// (as KernelKeeps() models it) keeps too, and every derived filter can be built into a
// request.

#include "backends/netlink/kernel_filter.h"

#include <random>
#include <string>
#include <vector>

#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/request.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

AddrCondition Cond(const char* text, int prefix = -1) {
  AddrCondition c;
  const Addr a = TestAddr(text);
  bool v4 = true;
  for (size_t i = 4; i < 16; ++i) v4 = v4 && a[i] == 0;
  // Test addresses with a ':' are IPv6.
  v4 = v4 && std::string(text).find(':') == std::string::npos;
  c.family = v4 ? kFamilyIPv4 : kFamilyIPv6;
  c.addr = a;
  const int bits = prefix < 0 ? (v4 ? 32 : 128) : prefix;
  for (int i = 0; i < bits; ++i) c.mask[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  return c;
}

struct DeriveCase {
  const char* name;
  Filter filter;
  uint8_t family;
  std::string want;  // DumpFilterText()
  uint32_t want_parts;
};

std::vector<DeriveCase> DeriveCases() {
  std::vector<DeriveCase> cases;
  auto add = [&cases](const char* name, uint8_t family, std::string want, uint32_t parts,
                      auto setup) {
    DeriveCase c{name, Filter(), family, std::move(want), parts};
    setup(c.filter);
    cases.push_back(std::move(c));
  };
  add("no filter", kFamilyIPv4, "none", 0, [](Filter&) {});
  add("-f ipv4 alone: the family is the request's", kFamilyIPv4, "none", 0,
      [](Filter& f) { f.family = kFamilyIPv4; });
  add("-m 3", kFamilyIPv4, "mark=0x3/0xffffffff", kKernelFilterMark,
      [](Filter& f) { f.mark_value = 3; });
  add("-m 0x13/0xf: value not pre-masked, matches nothing in both", kFamilyIPv6,
      "mark=0x13/0xf", kKernelFilterMark, [](Filter& f) {
        f.mark_value = 0x13;
        f.mark_mask = 0xf;
      });
  add("-u SEEN_REPLY", kFamilyIPv4, "status=0x2/0x2", kKernelFilterStatus,
      [](Filter& f) { f.status_set = kStatusSeenReply; });
  add("-u UNREPLIED", kFamilyIPv4, "status=0x0/0x2", kKernelFilterStatus,
      [](Filter& f) { f.status_clear = kStatusSeenReply; });
  add("-u ASSURED,!OFFLOAD", kFamilyIPv4, "status=0x4/0x4004", kKernelFilterStatus,
      [](Filter& f) {
        f.status_set = kStatusAssured;
        f.status_clear = kStatusOffload;
      });
  add("-w 5", kFamilyIPv4, "zone=5", kKernelFilterZone, [](Filter& f) { f.zone = 5; });
  add("-w 0: never sent", kFamilyIPv4, "none", 0, [](Filter& f) { f.zone = 0; });
  add("--orig-zone 0 --reply-zone 9: the non-zero one", kFamilyIPv4, "zone=9",
      kKernelFilterZone, [](Filter& f) {
        f.orig_zone = 0;
        f.reply_zone = 9;
      });
  add("-s exact -d exact (IPv4)", kFamilyIPv4, "orig{src=10.0.0.1 dst=10.0.0.2}",
      kKernelFilterTuple, [](Filter& f) {
        f.orig_src = Cond("10.0.0.1");
        f.orig_dst = Cond("10.0.0.2");
      });
  add("-s CIDR: user space only", kFamilyIPv4, "none", 0,
      [](Filter& f) { f.orig_src = Cond("10.0.0.0", 24); });
  add("-r -q exact", kFamilyIPv4, "reply{src=10.0.0.2 dst=10.0.0.1}", kKernelFilterTuple,
      [](Filter& f) {
        f.reply_src = Cond("10.0.0.2");
        f.reply_dst = Cond("10.0.0.1");
      });
  add("-s IPv6 exact: never (the kernel inverts IPv6 comparisons)", kFamilyIPv6, "none", 0,
      [](Filter& f) { f.orig_src = Cond("fd00::1"); });
  add("IPv4 address on an IPv6 request: nothing", kFamilyIPv6, "none", 0,
      [](Filter& f) { f.orig_src = Cond("10.0.0.1"); });
  add("-p tcp --sport --dport --reply-port-src --reply-port-dst", kFamilyIPv6,
      "orig{proto=6 sport=1 dport=2} reply{proto=6 sport=3 dport=4}", kKernelFilterTuple,
      [](Filter& f) {
        f.l4proto = kProtoTCP;
        f.orig_sport = 1;
        f.orig_dport = 2;
        f.reply_sport = 3;
        f.reply_dport = 4;
      });
  add("-p udp --dport", kFamilyIPv4, "orig{proto=17 dport=53}", kKernelFilterTuple,
      [](Filter& f) {
        f.l4proto = kProtoUDP;
        f.orig_dport = 53;
      });
  add("-p sctp --dport: the protocol only", kFamilyIPv4, "orig{proto=132}",
      kKernelFilterTuple, [](Filter& f) {
        f.l4proto = kProtoSCTP;
        f.orig_dport = 3868;
      });
  add("--dport without -p: nothing", kFamilyIPv4, "none", 0,
      [](Filter& f) { f.orig_dport = 80; });
  add("-p icmp --icmp-type 8 --icmp-code 0 --icmp-id 7", kFamilyIPv4,
      "orig{proto=1 type=8 code=0 id=7}", kKernelFilterTuple, [](Filter& f) {
        f.l4proto = kProtoICMP;
        f.icmp_type = 8;
        f.icmp_code = 0;
        f.icmp_id = 7;
      });
  add("-p icmp --icmp-type 3: untrackable type stays in user space", kFamilyIPv4,
      "orig{proto=1 code=1}", kKernelFilterTuple, [](Filter& f) {
        f.l4proto = kProtoICMP;
        f.icmp_type = 3;
        f.icmp_code = 1;
      });
  add("-p icmp on an IPv6 request: the protocol only", kFamilyIPv6, "orig{proto=1}",
      kKernelFilterTuple, [](Filter& f) {
        f.l4proto = kProtoICMP;
        f.icmp_type = 8;
      });
  add("-p icmpv6 --icmpv6-type 128", kFamilyIPv6, "orig{proto=58 type=128}",
      kKernelFilterTuple, [](Filter& f) {
        f.l4proto = kProtoICMPv6;
        f.icmp_type = 128;
      });
  add("user-space only fields", kFamilyIPv4, "none", 0, [](Filter& f) {
    f.state = 3;
    f.secmark = 1;
    f.orig_srckey = 1;
    f.snat = NatCondition();
    f.labels = Labels();
  });
  add("everything pushable at once", kFamilyIPv4,
      "mark=0x1/0xffffffff status=0x4/0x6 zone=3 orig{src=1.2.3.4 proto=6 dport=80}",
      kAllKernelFilterParts, [](Filter& f) {
        f.mark_value = 1;
        f.status_set = kStatusAssured;
        f.status_clear = kStatusSeenReply;
        f.zone = 3;
        f.orig_src = Cond("1.2.3.4");
        f.l4proto = kProtoTCP;
        f.orig_dport = 80;
      });
  return cases;
}

TEST(DeriveDumpFilterTest, Table) {
  for (const DeriveCase& c : DeriveCases()) {
    SCOPED_TRACE(c.name);
    uint32_t used = 0xdead;
    const DumpFilter df = DeriveDumpFilter(c.filter, c.family, kAllKernelFilterParts, &used);
    EXPECT_EQ(DumpFilterText(df, c.family), c.want);
    EXPECT_EQ(used, c.want_parts) << KernelFilterPartsText(used);
    // Whatever is derived can be built.
    EXPECT_GT(BuildCtRequest(CtRequest::kDumpTable, c.family, 1, &df).size, 0u);
  }
}

TEST(DeriveDumpFilterTest, OnlyAllowedParts) {
  Filter f;
  f.mark_value = 1;
  f.status_set = kStatusAssured;
  f.zone = 3;
  f.l4proto = kProtoTCP;
  uint32_t used = 0;
  DumpFilter df = DeriveDumpFilter(f, kFamilyIPv4, kKernelFilterMark | kKernelFilterZone, &used);
  EXPECT_EQ(DumpFilterText(df, kFamilyIPv4), "mark=0x1/0xffffffff zone=3");
  EXPECT_EQ(used, kKernelFilterMark | kKernelFilterZone);
  df = DeriveDumpFilter(f, kFamilyIPv4, 0, &used);
  EXPECT_TRUE(df.empty());
  EXPECT_EQ(used, 0u);
}

TEST(FamiliesToDumpTest, Table) {
  auto text = [](uint8_t request_family, const Filter* f) {
    const DumpFamilies d = FamiliesToDump(request_family, f);
    std::string s;
    for (size_t i = 0; i < d.count; ++i) s += d.family[i] == kFamilyIPv4 ? "4" : "6";
    return s;
  };
  EXPECT_EQ(text(0, nullptr), "46");
  EXPECT_EQ(text(kFamilyIPv6, nullptr), "6");
  Filter f;
  EXPECT_EQ(text(0, &f), "46");
  f.family = kFamilyIPv4;
  EXPECT_EQ(text(0, &f), "4");
  EXPECT_EQ(text(kFamilyIPv6, &f), "");  // contradiction: nothing can match
  Filter g;
  g.reply_dst = Cond("fd00::1");  // the address fixes the family
  EXPECT_EQ(text(0, &g), "6");
  g.orig_src = Cond("10.0.0.0", 8);
  EXPECT_EQ(text(0, &g), "");  // mixed families
}

TEST(KernelKeepsTest, ModelOfTheKernel) {
  Flow f;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoSCTP;
  f.orig.src = TestAddr("10.0.0.1");
  f.orig.sport = 5;
  f.orig.has_l4 = true;
  f.zone = {7, kZoneDirOrig};
  f.status = kStatusSeenReply;
  DumpFilter df;
  uint32_t failed = 0;
  EXPECT_TRUE(KernelKeeps(df, kFamilyIPv4, f, &failed));
  EXPECT_FALSE(KernelKeeps(df, kFamilyIPv6, f, &failed));
  EXPECT_EQ(failed, 0u);  // only the family differs
  // Ports are not compared for SCTP; the zone matches in any direction; no mark is 0.
  df.orig.flags = ctnl::kCtaFilterFProtoNum | ctnl::kCtaFilterFSrcPort;
  df.orig.proto = kProtoSCTP;
  df.orig.sport = 99;
  df.zone = 7;
  df.mark_value = 0;
  EXPECT_TRUE(KernelKeeps(df, kFamilyIPv4, f, &failed));
  df.status_value = 0;
  df.status_mask = kStatusSeenReply;
  df.mark_value = 1;
  EXPECT_FALSE(KernelKeeps(df, kFamilyIPv4, f, &failed));
  EXPECT_EQ(failed, kKernelFilterStatus | kKernelFilterMark);
  EXPECT_EQ(KernelFilterPartsText(failed), "mark,status");
  EXPECT_EQ(KernelFilterPartsText(0), "none");
}

// ---------------------------------------------------------------- THE RULE, generated --

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}
bool Coin(std::mt19937& rng, int percent) {
  return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
}

const std::vector<const char*> kV4 = {"10.0.0.1", "10.0.0.2", "10.0.1.1", "0.0.0.0"};
const std::vector<const char*> kV6 = {"fd00::1", "fd00::2", "fd00:1::1", "::"};
const std::vector<uint8_t> kProtos = {kProtoTCP,  kProtoUDP,  kProtoICMP, kProtoICMPv6,
                                      kProtoSCTP, kProtoGRE,  kProtoDCCP, 253,
                                      kProtoUDPLite};
const std::vector<uint16_t> kPorts = {0, 1, 2, 80};
const std::vector<uint8_t> kIcmpTypes = {0, 3, 8, 13, 128, 129, 139};
const std::vector<uint32_t> kMarks = {0, 1, 3, 0x13, 0xffffffff};
const std::vector<uint32_t> kStatusBits = {kStatusSeenReply, kStatusAssured, kStatusOffload,
                                           kStatusSrcNatDone, kStatusDstNatDone};
const std::vector<uint16_t> kZones = {0, 5, 6};

Flow RandomFlow(std::mt19937& rng) {
  Flow f;
  f.source = Source::kNetlink;
  f.family = Coin(rng, 50) ? kFamilyIPv4 : kFamilyIPv6;
  const auto& pool = f.family == kFamilyIPv4 ? kV4 : kV6;
  f.l4proto = Pick(rng, kProtos);
  for (Tuple* t : {&f.orig, &f.reply}) {
    t->src = TestAddr(Pick(rng, pool));
    t->dst = TestAddr(Pick(rng, pool));
    t->has_l4 = f.l4proto != 253 && f.l4proto != kProtoDCCP;
    if (t->has_l4) {
      t->sport = Pick(rng, kPorts);
      t->dport = Pick(rng, kPorts);
      t->icmp_type = Pick(rng, kIcmpTypes);
      t->icmp_code = static_cast<uint8_t>(Pick(rng, kPorts));
      t->icmp_id = Pick(rng, kPorts);
    }
  }
  f.status_known = 0xffffffff;
  for (uint32_t bit : kStatusBits) {
    if (Coin(rng, 50)) f.status |= bit;
  }
  if (Coin(rng, 80)) f.mark = Pick(rng, kMarks);
  const uint16_t zone = Pick(rng, kZones);
  if (zone != 0) {
    f.zone.id = zone;
    f.zone.dir = Pick(rng, std::vector<uint8_t>{kZoneDirBoth, kZoneDirOrig, kZoneDirReply});
  }
  return f;
}

Filter RandomFilter(std::mt19937& rng) {
  Filter x;
  const uint8_t family = Coin(rng, 50) ? kFamilyIPv4 : kFamilyIPv6;
  const auto& pool = family == kFamilyIPv4 ? kV4 : kV6;
  if (Coin(rng, 20)) x.family = family;
  auto addr = [&](std::optional<AddrCondition>* c) {
    if (!Coin(rng, 25)) return;
    *c = Cond(Pick(rng, pool), Coin(rng, 25) ? 24 : -1);
  };
  addr(&x.orig_src);
  addr(&x.orig_dst);
  addr(&x.reply_src);
  addr(&x.reply_dst);
  if (Coin(rng, 40)) x.l4proto = Pick(rng, kProtos);
  for (auto* p : {&x.orig_sport, &x.orig_dport, &x.reply_sport, &x.reply_dport}) {
    if (Coin(rng, 20)) *p = Pick(rng, kPorts);
  }
  if (Coin(rng, 20)) x.icmp_type = Pick(rng, kIcmpTypes);
  if (Coin(rng, 15)) x.icmp_code = static_cast<uint8_t>(Pick(rng, kPorts));
  if (Coin(rng, 15)) x.icmp_id = Pick(rng, kPorts);
  if (Coin(rng, 30)) {
    x.mark_value = Pick(rng, kMarks);
    if (Coin(rng, 50)) x.mark_mask = Pick(rng, std::vector<uint32_t>{0, 0xf, 0xff, 0x10});
  }
  for (uint32_t bit : kStatusBits) {
    if (Coin(rng, 10)) x.status_set |= bit;
    if (Coin(rng, 10)) x.status_clear |= bit;
  }
  for (auto* z : {&x.zone, &x.orig_zone, &x.reply_zone}) {
    if (Coin(rng, 15)) *z = Pick(rng, kZones);
  }
  return x;
}

TEST(KernelFilterRuleTest, TheKernelNeverDropsWhatTheUserSpaceFilterKeeps) {
  std::mt19937 rng(20240607);
  std::vector<Flow> flows;
  for (int i = 0; i < 3000; ++i) flows.push_back(RandomFlow(rng));
  int matched = 0, dropped_by_kernel = 0;
  for (int i = 0; i < 3000; ++i) {
    const Filter x = RandomFilter(rng);
    for (uint8_t family : {kFamilyIPv4, kFamilyIPv6}) {
      uint32_t used = 0;
      const DumpFilter df = DeriveDumpFilter(x, family, kAllKernelFilterParts, &used);
      ASSERT_GT(BuildCtRequest(CtRequest::kDumpTable, family, 1, &df).size, 0u)
          << DumpFilterText(df, family);
    }
    const DumpFamilies fams = FamiliesToDump(0, &x);
    for (const Flow& f : flows) {
      const DumpFilter df = DeriveDumpFilter(x, f.family, kAllKernelFilterParts, nullptr);
      const bool keeps = KernelKeeps(df, f.family, f, nullptr);
      if (!keeps) ++dropped_by_kernel;
      if (!Matches(x, f)) continue;
      ++matched;
      bool family_dumped = false;
      for (size_t k = 0; k < fams.count; ++k) family_dumped |= fams.family[k] == f.family;
      ASSERT_TRUE(family_dumped) << DebugString(f);
      ASSERT_TRUE(keeps) << "the kernel would drop a wanted entry\n  flow: " << DebugString(f)
                         << "\n  kernel filter: " << DumpFilterText(df, f.family);
    }
  }
  // The generator exercises both sides.
  EXPECT_GT(matched, 10000);
  EXPECT_GT(dropped_by_kernel, 1000000);
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
