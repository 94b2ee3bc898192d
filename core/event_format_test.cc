#include "core/event_format.h"

#include <stdlib.h>
#include <time.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/json.h"
#include "core/json_reader.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_flows.h"
#include "core/text_buffer.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

// The DESTROY event of docs/conntrack-compatibility.md section 2.4.
Flow DestroyedFlow() {
  Flow f;
  f.source = Source::kNetlink;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  f.orig.src = TestAddr("10.7.0.1");
  f.orig.dst = TestAddr("10.7.0.2");
  f.orig.sport = 9;
  f.orig.dport = 10;
  f.orig.has_l4 = true;
  f.reply.src = TestAddr("10.7.0.2");
  f.reply.dst = TestAddr("10.7.0.1");
  f.reply.sport = 10;
  f.reply.dport = 9;
  f.reply.has_l4 = true;
  f.status = kStatusConfirmed;
  f.status_known = 0xffffffff;
  f.timeout = 48;
  f.state = 1;  // SYN_SENT
  f.orig_counters = Counters{};
  f.reply_counters = Counters{};
  f.mark = 99;
  f.start_ns = 1764000000ull * 1000000000ull + 500000000ull;
  f.stop_ns = 1764000001ull * 1000000000ull + 700000000ull;
  f.id = 12345;
  return f;
}

std::string Line(const FlowEvent& ev, const Flow& f, const EventTextStyle& style) {
  TextBuffer out;
  AppendEventLine(ev, f, style, /*now_ns=*/0, &out);
  return std::string(out.view());
}

TEST(AppendEventLine, ConntrackDestroyLine) {
  FlowEvent ev;
  ev.type = EventType::kDestroy;
  ev.port_id = 3266130548u;
  ev.progname = "conntrack";
  EXPECT_EQ(Line(ev, DestroyedFlow(), EventTextStyle{}),
            "[DESTROY] tcp      6 48 SYN_SENT src=10.7.0.1 dst=10.7.0.2 sport=9 dport=10 "
            "packets=0 bytes=0 [UNREPLIED] src=10.7.0.2 dst=10.7.0.1 sport=10 dport=9 "
            "packets=0 bytes=0 mark=99 delta-time=1 [USERSPACE] portid=3266130548 "
            "progname=conntrack\n");
}

TEST(AppendEventLine, TagsAreRightAlignedInNineColumns) {
  Flow f = DestroyedFlow();
  f.orig_counters.reset();
  f.reply_counters.reset();
  f.start_ns.reset();
  f.stop_ns.reset();
  const struct {
    EventType type;
    const char* prefix;
  } kCases[] = {
      {EventType::kNew, "    [NEW] tcp      6 48 "},
      {EventType::kUpdate, " [UPDATE] tcp      6 48 "},
      {EventType::kDestroy, "[DESTROY] tcp      6 48 "},
      {EventType::kResync, " [RESYNC] tcp      6 48 "},
  };
  for (const auto& c : kCases) {
    FlowEvent ev;
    ev.type = c.type;
    std::string line = Line(ev, f, EventTextStyle{});
    EXPECT_EQ(line.substr(0, std::string(c.prefix).size()), c.prefix);
    EXPECT_EQ(line.substr(line.size() - 9), " mark=99\n") << line;  // no suffix, no use=
  }
}

TEST(AppendEventLine, TimestampPrefixIsZeroPadded) {
  FlowEvent ev;
  ev.type = EventType::kNew;
  ev.time_ns = 1795606259ull * 1000000000ull + 4782000ull;  // .004782 s
  EventTextStyle style;
  style.timestamp = true;
  std::string line = Line(ev, DestroyedFlow(), style);
  EXPECT_EQ(line.substr(0, 30), "[1795606259.004782]\t    [NEW] ");
  ev.time_ns = 42ull * 1000000000ull;  // %.8ld pads seconds to 8 digits
  EXPECT_EQ(Line(ev, DestroyedFlow(), style).substr(0, 18), "[00000042.000000]\t");
}

TEST(AppendEventLine, PolledAndExtended) {
  FlowEvent ev;
  ev.type = EventType::kNew;
  ev.polled = true;
  EventTextStyle style;
  style.line.extended = true;
  style.line.show_id = true;
  std::string line = Line(ev, DestroyedFlow(), style);
  EXPECT_EQ(line.substr(0, 26), "    [NEW] ipv4     2 tcp  ");
  EXPECT_EQ(line.substr(line.size() - 19), " id=12345 [POLLED]\n");
}

TEST(EventJsonWriter, EventKeysFirstAndStillAFlow) {
  FlowEvent ev;
  ev.type = EventType::kDestroy;
  ev.port_id = 77;
  ev.progname = "ct\"gen";
  ev.time_ns = 5;
  EventJsonWriter w(JsonStyle{});
  TextBuffer out;
  const Flow f = DestroyedFlow();
  w.Append(ev, f, 0, &out);
  const std::string line(out.view());
  EXPECT_EQ(line.substr(0, 88),
            "{\"v\":1,\"event\":\"destroy\",\"time_ns\":5,\"portid\":77,\"progname\":\"ct\\\"gen\","
            "\"source\":\"netlink\"");
  ASSERT_EQ(line.back(), '\n');
  Flow back;
  ASSERT_THAT(ParseJsonLine(line, &back), IsOk());
  EXPECT_EQ(DebugString(back), DebugString(f));

  ev = FlowEvent();
  ev.type = EventType::kNew;
  ev.polled = true;
  out.clear();
  w.Append(ev, f, 0, &out);
  EXPECT_EQ(std::string(out.view()).substr(0, 58),
            "{\"v\":1,\"event\":\"new\",\"time_ns\":0,\"polled\":true,\"source\":\"n");
}

// -E -o xml: conntrack's event document (observed from conntrack 1.4.7: `conntrack -E
// -o xml,timestamp`), without its " [USERSPACE] portid=N" suffix after </flow>.
TEST(EventXmlWriter, DocumentWithTypesAndWhen) {
  setenv("TZ", "UTC", 1);
  tzset();
  const std::string body =
      "<meta direction=\"original\"><layer3 protonum=\"2\" protoname=\"ipv4\">"
      "<src>10.7.0.1</src><dst>10.7.0.2</dst></layer3><layer4 protonum=\"6\" "
      "protoname=\"tcp\"><sport>9</sport><dport>10</dport></layer4><counters><packets>0"
      "</packets><bytes>0</bytes></counters></meta><meta direction=\"reply\"><layer3 "
      "protonum=\"2\" protoname=\"ipv4\"><src>10.7.0.2</src><dst>10.7.0.1</dst></layer3>"
      "<layer4 protonum=\"6\" protoname=\"tcp\"><sport>10</sport><dport>9</dport>"
      "</layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta "
      "direction=\"independent\"><state>SYN_SENT</state><timeout>48</timeout><mark>99"
      "</mark><id>12345</id><unreplied/><deltatime>1</deltatime></meta>";
  FlowEvent ev;
  ev.type = EventType::kNew;
  ev.port_id = 77;  // not printed in XML
  ev.time_ns = 1764000065ull * 1000000000ull;  // Monday 2025-11-24 16:01:05 UTC
  TextBuffer out;
  EventXmlWriter plain(XmlStyle{}, /*when=*/false);
  plain.End(&out);  // no event: no document at all, as with conntrack
  EXPECT_EQ(out.view(), "");
  plain.Append(ev, DestroyedFlow(), 0, &out);
  ev.type = EventType::kDestroy;
  ev.polled = true;
  plain.Append(ev, DestroyedFlow(), 0, &out);
  plain.End(&out);
  EXPECT_EQ(out.view(), absl::StrCat(kXmlHeader, "<flow type=\"new\">", body, "</flow>\n",
                                     "<flow type=\"destroy\" polled=\"yes\">", body,
                                     "</flow>\n", kXmlFooter));

  TextBuffer timed;
  EventXmlWriter when(XmlStyle{}, /*when=*/true);
  ev.type = EventType::kResync;
  ev.polled = false;
  Flow helped = DestroyedFlow();
  helped.helper = "ftp";
  when.Append(ev, helped, 0, &timed);
  EXPECT_EQ(timed.view(),
            absl::StrCat(kXmlHeader, "<flow type=\"resync\">", body,
                         "<when><hour>16</hour><min>01</min><sec>05</sec><wday>2</wday>"
                         "<day>24</day><month>11</month><year>2025</year></when>"
                         "<helper>ftp</helper></flow>\n"));
}

}  // namespace
}  // namespace ctdump
