#include "core/filter.h"

#include <string>
#include <vector>

#include "core/addr.h"
#include "core/kernel.h"
#include "core/testing/test_flows.h"
#include "core/testing/test_filters.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

Addr A(const char* text) { return TestAddr(text); }

AddrCondition Prefix(uint8_t family, const char* text, int bits) {
  AddrCondition c;
  c.family = family;
  c.addr = A(text);
  for (int i = 0; i < bits; ++i) c.mask[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  return c;
}

// A netlink TCP flow 10.0.0.1:1000 -> 10.0.0.2:80, SNATed to 192.0.2.9:5555.
Flow SnatFlow() {
  Flow f;
  f.source = Source::kNetlink;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  f.orig = {A("10.0.0.1"), A("10.0.0.2"), 1000, 80, 0, 0, 0, true};
  f.reply = {A("10.0.0.2"), A("192.0.2.9"), 80, 5555, 0, 0, 0, true};
  f.status_known = ~0u;
  f.status = kStatusSeenReply | kStatusAssured | kStatusSrcNat | kStatusSrcNatDone |
             kStatusConfirmed;
  f.state = 3;
  f.mark = 0x13;
  f.zone = {6, kZoneDirOrig};
  return f;
}

// A procfs record of a DNAT (reply source rewritten), NAT bits unknown.
Flow ProcDnatFlow() {
  Flow f;
  f.source = Source::kProcNfConntrack;
  f.family = kFamilyIPv6;
  f.l4proto = kProtoUDP;
  f.orig = {A("fd00::1"), A("fd00::2"), 53000, 53, 0, 0, 0, true};
  f.reply = {A("fd00::99"), A("fd00::1"), 5353, 53000, 0, 0, 0, true};
  f.status_known = kStatusVisibleInProc;
  f.status = kStatusSeenReply;
  f.mark = 0;
  return f;
}

struct Case {
  const char* name;
  Filter filter;
  bool snat_flow;  // expected result on SnatFlow()
  bool dnat_flow;  // expected result on ProcDnatFlow()
};

std::vector<Case> Cases() {
  std::vector<Case> c;
  auto add = [&](const char* name, auto setup, bool a, bool b) {
    Filter f;
    setup(f);
    c.push_back({name, f, a, b});
  };
  add("empty", [](Filter&) {}, true, true);
  add("family4", [](Filter& f) { f.family = kFamilyIPv4; }, true, false);
  add("proto_udp", [](Filter& f) { f.l4proto = kProtoUDP; }, false, true);
  add("src_exact", [](Filter& f) { f.orig_src = TestExactAddr(kFamilyIPv4, "10.0.0.1"); }, true, false);
  add("src_cidr", [](Filter& f) { f.orig_src = Prefix(kFamilyIPv4, "10.0.0.0", 24); }, true,
      false);
  add("src_cidr0_family", [](Filter& f) { f.orig_src = Prefix(kFamilyIPv6, "::", 0); }, false,
      true);
  add("dst_v6_cidr", [](Filter& f) { f.orig_dst = Prefix(kFamilyIPv6, "fd00::", 64); }, false,
      true);
  add("reply_src", [](Filter& f) { f.reply_src = TestExactAddr(kFamilyIPv6, "fd00::99"); }, false, true);
  add("reply_dst", [](Filter& f) { f.reply_dst = TestExactAddr(kFamilyIPv4, "192.0.2.9"); }, true,
      false);
  add("dport", [](Filter& f) { f.orig_dport = 80; }, true, false);
  add("reply_port_src", [](Filter& f) { f.reply_sport = 5353; }, false, true);
  add("state", [](Filter& f) { f.state = 3; }, true, false);
  add("mark_exact_miss", [](Filter& f) { f.mark_value = 3; }, false, false);
  add("mark_masked", [](Filter& f) { f.mark_value = 3; f.mark_mask = 0xf; }, true, false);
  add("mark_value_not_premasked", [](Filter& f) { f.mark_value = 0x13; f.mark_mask = 0xf; },
      false, false);
  add("mark_zero_all", [](Filter& f) { f.mark_value = 0; f.mark_mask = 0; }, true, true);
  add("zone_both_counts_missing_as_0", [](Filter& f) { f.zone = 0; }, true, true);
  add("zone_6_is_not_orig_zone", [](Filter& f) { f.zone = 6; }, false, false);
  add("orig_zone", [](Filter& f) { f.orig_zone = 6; }, true, false);
  add("reply_zone_0", [](Filter& f) { f.reply_zone = 0; }, true, true);
  add("status_assured", [](Filter& f) { f.status_set = kStatusAssured; }, true, false);
  add("status_unreplied", [](Filter& f) { f.status_clear = kStatusSeenReply; }, false, false);
  add("status_not_assured", [](Filter& f) { f.status_clear = kStatusAssured; }, false, true);
  add("snat_bare", [](Filter& f) { f.snat = NatCondition{}; }, true, false);
  add("snat_addr", [](Filter& f) { f.snat = NatCondition{A("192.0.2.9"), std::nullopt}; }, true,
      false);
  add("snat_addr_port", [](Filter& f) { f.snat = NatCondition{A("192.0.2.9"), 5555}; }, true,
      false);
  add("snat_addr_wrong_port", [](Filter& f) { f.snat = NatCondition{A("192.0.2.9"), 1}; },
      false, false);
  add("dnat_bare_from_tuples", [](Filter& f) { f.dnat = NatCondition{}; }, false, true);
  add("dnat_addr_v6", [](Filter& f) { f.dnat = NatCondition{A("fd00::99"), std::nullopt}; },
      false, true);
  add("any_nat", [](Filter& f) { f.any_nat = NatCondition{}; }, true, true);
  add("icmp_type_on_tcp", [](Filter& f) { f.icmp_type = 8; }, false, false);
  add("gre_key_on_tcp", [](Filter& f) { f.orig_srckey = 1; }, false, false);
  add("secmark_missing_counts_as_0", [](Filter& f) { f.secmark = 0; }, true, true);
  add("secmark_missing_is_not_5", [](Filter& f) { f.secmark = 5; }, false, false);
  add("status_any", [](Filter& f) { f.status_any = kStatusExpected | kStatusAssured; }, true,
      false);
  add("labels_needs_labels", [](Filter& f) { f.labels = Labels{}; }, false, false);
  return c;
}

TEST(Matches, Table) {
  Flow snat = SnatFlow();
  Flow dnat = ProcDnatFlow();
  for (const Case& c : Cases()) {
    EXPECT_EQ(Matches(c.filter, snat), c.snat_flow) << c.name << " on " << DebugString(snat);
    EXPECT_EQ(Matches(c.filter, dnat), c.dnat_flow) << c.name << " on " << DebugString(dnat);
  }
}

TEST(Matches, SecmarkPresentIsCompared) {
  Flow f = SnatFlow();
  f.secmark = 5;
  Filter x;
  x.secmark = 5;
  EXPECT_TRUE(Matches(x, f));
  x.secmark = 0;
  EXPECT_FALSE(Matches(x, f));
}

TEST(Matches, NoNatWithoutStatusBitFromNetlink) {
  Flow f = SnatFlow();
  f.status &= ~kStatusSrcNatDone;  // tuples differ, but the kernel says no SNAT was done
  Filter x;
  x.snat = NatCondition{};
  EXPECT_FALSE(Matches(x, f));
  EXPECT_FALSE(IsSnat(f));
}

TEST(Matches, LabelsAllBitsRequired) {
  Flow f = SnatFlow();
  f.labels = Labels{};
  f.labels->Set(1);
  f.labels->Set(70);
  Filter x;
  x.labels = Labels{};
  x.labels->Set(70);
  EXPECT_TRUE(Matches(x, f));
  x.labels->Set(2);
  EXPECT_FALSE(Matches(x, f));
}

TEST(Matches, MissingPortsOrKeysFail) {
  Flow f = ProcDnatFlow();
  f.l4proto = kProtoDCCP;
  f.orig.has_l4 = f.reply.has_l4 = false;  // DCCP on 6.17+: no tracker, no ports
  f.orig.sport = 0;
  Filter x;
  x.orig_sport = 0;
  EXPECT_FALSE(Matches(x, f));
  f.l4proto = kProtoGRE;
  Filter k;
  k.orig_srckey = 0;
  EXPECT_FALSE(Matches(k, f));
}

TEST(CanJudge, ProcCannotShowEveryStatusBitOrLabels) {
  Flow proc = ProcDnatFlow();
  Filter x;
  x.status_set = kStatusAssured;
  EXPECT_TRUE(CanJudge(x, proc).ok());
  x.status_clear = kStatusExpected;
  EXPECT_EQ(CanJudge(x, proc).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CanJudge(x, SnatFlow()).ok());
  Filter l;
  l.labels = Labels{};
  EXPECT_EQ(CanJudge(l, proc).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CanJudge(l, SnatFlow()).ok());
}

TEST(Validate, MixedFamilies) {
  Filter x;
  x.orig_src = TestExactAddr(kFamilyIPv4, "10.0.0.1");
  x.reply_src = TestExactAddr(kFamilyIPv6, "::1");
  EXPECT_EQ(Validate(x).code(), absl::StatusCode::kInvalidArgument);
  x.reply_src.reset();
  x.family = kFamilyIPv6;
  EXPECT_EQ(Validate(x).code(), absl::StatusCode::kInvalidArgument);
  x.family = kFamilyIPv4;
  EXPECT_TRUE(Validate(x).ok());
}

}  // namespace
}  // namespace ctdump
