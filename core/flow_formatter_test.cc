#include "core/flow_formatter.h"

#include <memory>
#include <string>

#include "core/event.h"
#include "core/event_format.h"
#include "core/format.h"
#include "core/json.h"
#include "core/kernel.h"
#include "core/proc_format.h"
#include "core/testing/test_flows.h"
#include "core/text_buffer.h"
#include "core/xml.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

constexpr uint64_t kNow = 1764060998123456789u;

std::unique_ptr<FlowFormatter> Make(OutputFormat format, const OutputStyle& style = {}) {
  absl::StatusOr<std::unique_ptr<FlowFormatter>> f = MakeFlowFormatter(format, style);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? *std::move(f) : nullptr;
}

Flow TestFlow() {
  Flow f = TestSummaryFlow(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2", 443, 3);
  f.source = Source::kNetlink;
  return f;
}

// What the formatter writes for two flows between Begin() and End().
std::string Listing(FlowFormatter& f) {
  TextBuffer out;
  f.Begin(&out);
  f.Add(TestFlow(), kNow, &out);
  f.Add(TestFlow(), kNow, &out);
  f.End(&out);
  return std::string(out.view());
}

TEST(MakeFlowFormatter, EachLineFormatIsItsAppendFunction) {
  OutputStyle style;
  style.line.extended = true;
  style.line.show_id = true;
  TextBuffer want;
  AppendConntrackLine(TestFlow(), style.line, kNow, &want);
  AppendConntrackLine(TestFlow(), style.line, kNow, &want);
  EXPECT_EQ(Listing(*Make(OutputFormat::kText, style)), want.view());

  want.clear();
  AppendJsonLine(TestFlow(), JsonStyle{}, kNow, &want);
  AppendJsonLine(TestFlow(), JsonStyle{}, kNow, &want);
  EXPECT_EQ(Listing(*Make(OutputFormat::kJson)), want.view());

  want.clear();
  AppendProcLine(TestFlow(), kNow, &want);
  AppendProcLine(TestFlow(), kNow, &want);
  EXPECT_EQ(Listing(*Make(OutputFormat::kProc)), want.view());
}

TEST(MakeFlowFormatter, XmlIsOneDocumentAndEmptyWithoutFlows) {
  TextBuffer want;
  want.Append(kXmlHeader);
  AppendXmlFlow(TestFlow(), XmlStyle{}, kNow, &want);
  AppendXmlFlow(TestFlow(), XmlStyle{}, kNow, &want);
  want.Append(kXmlFooter);
  std::unique_ptr<FlowFormatter> xml = Make(OutputFormat::kXml);
  EXPECT_EQ(Listing(*xml), want.view());

  TextBuffer empty;
  xml->Begin(&empty);
  xml->End(&empty);
  EXPECT_EQ(empty.view(), "");
}

TEST(MakeFlowFormatter, OnlyXmlIsNotShardable) {
  EXPECT_TRUE(Make(OutputFormat::kText)->Shardable());
  EXPECT_TRUE(Make(OutputFormat::kJson)->Shardable());
  EXPECT_TRUE(Make(OutputFormat::kProc)->Shardable());
  EXPECT_FALSE(Make(OutputFormat::kXml)->Shardable());
}

TEST(MakeFlowFormatter, PrometheusHasNoPerFlowForm) {
  EXPECT_EQ(MakeFlowFormatter(OutputFormat::kPrometheus, OutputStyle{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MakeFlowFormatter, EventsAreTheEventFormats) {
  FlowEvent ev;
  ev.type = EventType::kDestroy;
  ev.time_ns = kNow;
  ev.port_id = 42;
  OutputStyle style;
  style.event_timestamp = true;

  TextBuffer want;
  AppendEventLine(ev, TestFlow(), EventTextStyle{style.line, true}, kNow, &want);
  TextBuffer got;
  Make(OutputFormat::kText, style)->AddEvent(ev, TestFlow(), kNow, &got);
  EXPECT_EQ(got.view(), want.view());
  got.clear();
  Make(OutputFormat::kProc, style)->AddEvent(ev, TestFlow(), kNow, &got);  // no /proc form
  EXPECT_EQ(got.view(), want.view());

  want.clear();
  EventJsonWriter json(JsonStyle{});
  json.Append(ev, TestFlow(), kNow, &want);
  got.clear();
  Make(OutputFormat::kJson, style)->AddEvent(ev, TestFlow(), kNow, &got);
  EXPECT_EQ(got.view(), want.view());

  want.clear();
  EventXmlWriter xml(XmlStyle{}, /*when=*/true);
  xml.Append(ev, TestFlow(), kNow, &want);
  xml.End(&want);
  got.clear();
  std::unique_ptr<FlowFormatter> f = Make(OutputFormat::kXml, style);
  f->Begin(&got);
  f->AddEvent(ev, TestFlow(), kNow, &got);
  f->End(&got);
  EXPECT_EQ(got.view(), want.view());
}

}  // namespace
}  // namespace ctdump
