// File: core/testing/test_flows.h (testonly)
//
// Small builders for Flow records in tests.
//
//   Addr a = TestAddr("fd00::1");   // IPv4 or IPv6 text; a bad text fails the test
//   Flow f = TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2", 443, 3);
//   Flow g = TestNetlinkFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
//   SetTestPorts(&g, 40000, 80);

#ifndef CTDUMP_CORE_TESTING_TEST_FLOWS_H_
#define CTDUMP_CORE_TESTING_TEST_FLOWS_H_

#include "core/addr.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "gtest/gtest.h"

namespace ctdump {

inline Addr TestAddr(const char* text) {
  Addr a{};
  if (!ParseIPv4(text, &a)) {
    EXPECT_TRUE(ParseIPv6(text, &a)) << "bad address in test: " << text;
  }
  return a;
}

// A record with just what summaries and diffs look at: family, protocol, original
// addresses and destination port (layer-4 ids present for protocols with ports), state
// and zone.
inline Flow TestSummaryFlow(uint8_t family, uint8_t proto, const char* src, const char* dst,
                            uint16_t dport, std::optional<uint8_t> state = std::nullopt,
                            uint16_t zone = 0) {
  Flow f;
  f.family = family;
  f.l4proto = proto;
  f.orig.src = TestAddr(src);
  f.orig.dst = TestAddr(dst);
  f.orig.dport = dport;
  f.orig.has_l4 = ProtoHasPorts(proto);
  f.state = state;
  f.zone.id = zone;
  return f;
}

// A ctnetlink record of an entry from `src` to `dst` and back (the reply tuple the
// original reversed: no NAT), every status bit known (none set); nothing else.
inline Flow TestNetlinkFlow(uint8_t family, uint8_t proto, const char* src, const char* dst) {
  Flow f;
  f.source = Source::kNetlink;
  f.family = family;
  f.l4proto = proto;
  f.orig.src = TestAddr(src);
  f.orig.dst = TestAddr(dst);
  f.reply.src = TestAddr(dst);
  f.reply.dst = TestAddr(src);
  f.status_known = ~0u;
  return f;
}

// The ports of both directions (the reply's are the original's swapped).
inline void SetTestPorts(Flow* f, uint16_t sport, uint16_t dport) {
  f->orig.has_l4 = f->reply.has_l4 = true;
  f->orig.sport = f->reply.dport = sport;
  f->orig.dport = f->reply.sport = dport;
}

}  // namespace ctdump

#endif  // CTDUMP_CORE_TESTING_TEST_FLOWS_H_
