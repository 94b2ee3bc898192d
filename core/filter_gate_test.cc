#include "core/filter_gate.h"

#include "core/kernel.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

Flow FlowFrom(Source source) {
  Flow f = TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2", 443, 3);
  f.source = source;
  f.status_known = source == Source::kNetlink ? ~0u : 0;  // /proc knows no NAT bits
  return f;
}

TEST(FilterGate, EmptyFilterMatchesEverything) {
  Filter filter;
  FilterGate gate(filter);
  EXPECT_EQ(gate.Check(FlowFrom(Source::kProcNfConntrack)), FilterGate::kMatch);
  EXPECT_TRUE(gate.status().ok());
}

TEST(FilterGate, MatchAndNoMatch) {
  Filter filter;
  filter.l4proto = kProtoUDP;
  FilterGate gate(filter);
  EXPECT_EQ(gate.Check(FlowFrom(Source::kNetlink)), FilterGate::kNoMatch);
  filter.l4proto = kProtoTCP;
  EXPECT_EQ(gate.Check(FlowFrom(Source::kNetlink)), FilterGate::kMatch);
}

TEST(FilterGate, SourceThatCannotAnswerEndsTheRun) {
  Filter filter;
  filter.status_set = kStatusExpected;  // -u EXPECTED: /proc does not show the bit
  FilterGate gate(filter);
  EXPECT_EQ(gate.Check(FlowFrom(Source::kProcNfConntrack)), FilterGate::kCannotJudge);
  EXPECT_EQ(gate.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(FilterGate, NatInferredIsReportedOncePerSource) {
  Filter filter;
  filter.any_nat = NatCondition{};  // -j
  int calls = 0;
  FilterGate gate(filter, [&calls] { ++calls; });
  gate.Check(FlowFrom(Source::kNetlink));
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(gate.nat_inferred());
  gate.Check(FlowFrom(Source::kProcNfConntrack));
  gate.Check(FlowFrom(Source::kProcNfConntrack));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(gate.nat_inferred());
}

TEST(FilterGate, NatInferredIsRememberedWithoutACallback) {
  Filter filter;
  filter.snat = NatCondition{};  // -n
  FilterGate gate(filter);
  gate.Check(FlowFrom(Source::kProcNfConntrack));
  EXPECT_TRUE(gate.nat_inferred());
}

}  // namespace
}  // namespace ctdump
