// /proc lines through the core formatters: ParseProcLine() (backends/procfs/parse.h),
// then -o json (core/json.h, read back with core/json_reader.h) and -o xml (core/xml.h).
// These cases live beside the /proc parser, not in core's tests, so that no core test
// depends on a backend.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "backends/procfs/parse.h"
#include "core/flow.h"
#include "core/json.h"
#include "core/json_reader.h"
#include "core/testing/proc_lines_testdata.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_flows.h"
#include "core/text_buffer.h"
#include "core/xml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

constexpr uint64_t kNowNs = 1764060000ull * 1000000000ull + 500000000ull;

std::string Json(const Flow& f, const JsonStyle& style = {}, uint64_t now_ns = kNowNs) {
  TextBuffer out;
  AppendJsonLine(f, style, now_ns, &out);
  return std::string(out.view());
}

std::string Xml(const Flow& f, const XmlStyle& style = {}, uint64_t now_ns = kNowNs) {
  TextBuffer out;
  AppendXmlFlow(f, style, now_ns, &out);
  return std::string(out.view());
}

// ---------------------------------------------------------------------------------------
// Every line of the /proc fixtures (core/testing/proc_lines_testdata.h): ParseProcLine, then
// JSON both ways.

TEST(JsonRoundTrip, ProcFixtures) {
  int lines = 0;
  for (absl::string_view text : {kProcNfConntrack618, kProcCentos5, kProcCentos6, kProcCentos7,
                                  kProcOffload, kProcVendor}) {
    for (absl::string_view proc : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      if (proc[0] == '#') continue;
      Flow f;
      ASSERT_THAT(ParseProcLine(proc, &f), IsOk()) << proc;
      const std::string line = Json(f);
      Flow back;
      ASSERT_THAT(ParseJsonLine(line, &back), IsOk()) << line;
      EXPECT_EQ(DebugString(back), DebugString(f)) << proc;
      EXPECT_EQ(back.secctx, f.secctx);
      ++lines;
    }
  }
  EXPECT_GE(lines, 100);
}

// Golden -o json lines of /proc records (what the text has, and status_known).
TEST(JsonGolden, ProcLines) {
  struct ProcGolden {
    const char* name;
    const char* line;
    const char* want;
  };
  const ProcGolden cases[] = {
      {"proc_icmpv6",
       "ipv6     10 icmpv6   58 26 src=2001:0db8:0000:0000:0000:0000:0000:0001 "
       "dst=2001:0db8:0000:0000:0000:0000:0000:0002 type=128 code=0 id=77 packets=0 bytes=0 "
       "[UNREPLIED] src=2001:0db8:0000:0000:0000:0000:0000:0002 "
       "dst=2001:0db8:0000:0000:0000:0000:0000:0001 type=129 code=0 id=77 packets=0 bytes=0 "
       "mark=0 zone=0 delta-time=3 use=2",
       R"({"v":1,"source":"nf_conntrack","family":"ipv6","familynum":10,"proto":"icmpv6",)"
       R"("protonum":58,"timeout":26,)"
       R"("orig":{"src":"2001:db8::1","dst":"2001:db8::2","type":128,"code":0,"id":77,"packets":0,"bytes":0},)"
       R"("reply":{"src":"2001:db8::2","dst":"2001:db8::1","type":129,"code":0,"id":77,"packets":0,"bytes":0},)"
       R"("zone":{"id":0,"dir":"both"},"status":[],"status_bits":0,"status_known":49158,"mark":0,)"
       R"("delta_time":3,"use":2})"
       "\n"},
      {"proc_gre",
       "ipv4     2 gre      47 27 timeout=30, stream_timeout=180 src=127.0.0.1 "
       "dst=127.0.0.3 srckey=0x0 dstkey=0x1234 packets=1 bytes=28 [UNREPLIED] "
       "src=127.0.0.3 dst=127.0.0.1 srckey=0x1234 dstkey=0x0 packets=0 bytes=0 mark=119 "
       "secctx=a\"b zone=0 delta-time=2 use=2",
       R"({"v":1,"source":"nf_conntrack","family":"ipv4","familynum":2,"proto":"gre","protonum":47,)"
       R"("timeout":27,)"
       R"("orig":{"src":"127.0.0.1","dst":"127.0.0.3","srckey":0,"dstkey":4660,"packets":1,"bytes":28},)"
       R"("reply":{"src":"127.0.0.3","dst":"127.0.0.1","srckey":4660,"dstkey":0,"packets":0,"bytes":0},)"
       R"("zone":{"id":0,"dir":"both"},"status":[],"status_bits":0,"status_known":49158,"mark":119,)"
       R"("secctx":"a\"b","delta_time":2,"use":2,"gre":{"timeout":30,"stream_timeout":180}})"
       "\n"},
      {"proc_dccp_untracked",
       "ipv4     2 unknown  33 296 src=192.0.2.1 dst=198.51.100.2 packets=0 bytes=0 "
       "src=198.51.100.2 dst=192.0.2.1 packets=0 bytes=0 [OFFLOAD] mark=0 zone-reply=4 use=2",
       R"({"v":1,"source":"nf_conntrack","family":"ipv4","familynum":2,"proto":"dccp","protonum":33,)"
       R"("timeout":296,)"
       R"("orig":{"src":"192.0.2.1","dst":"198.51.100.2","packets":0,"bytes":0},)"
       R"("reply":{"src":"198.51.100.2","dst":"192.0.2.1","packets":0,"bytes":0},)"
       R"("zone":{"id":4,"dir":"reply"},"status":["SEEN_REPLY","OFFLOAD"],"status_bits":16386,)"
       R"("status_known":49158,"mark":0,"use":2})"
       "\n"},
  };
  for (const ProcGolden& c : cases) {
    SCOPED_TRACE(c.name);
    Flow f;
    ASSERT_THAT(ParseProcLine(c.line, &f), IsOk()) << c.line;
    EXPECT_EQ(Json(f), c.want);
  }
}

// Records from /proc: what the text has, printed the XML way.
TEST(XmlFlow, ProcRecords) {
  struct ProcCase {
    const char* line;
    const char* independent;  // the independent block (or "")
  };
  const ProcCase cases[] = {
      {"ipv4     2 tcp      6 116 SYN_SENT src=192.0.2.1 dst=198.51.100.2 sport=40001 dport=443 "
       "packets=0 bytes=0 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 sport=443 dport=40001 "
       "packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
       "<meta direction=\"independent\"><state>SYN_SENT</state><timeout>116</timeout>"
       "<mark>0</mark><use>2</use><unreplied/><deltatime>3</deltatime></meta>"},
      {"tcp      6 -1 CLOSE src=10.1.0.5 dst=10.1.0.1 sport=41240 dport=22 src=10.1.0.1 "
       "dst=10.1.0.5 sport=22 dport=41240 [ASSURED] mark=0 secmark=0 use=1",
       "<meta direction=\"independent\"><state>CLOSE</state><timeout>0</timeout><mark>0</mark>"
       "<secmark>0</secmark><use>1</use><assured/></meta>"},
      {"ipv4     2 sctp     132 -1 HEARTBEAT_ACKED src=10.3.0.5 dst=10.3.0.8 sport=2905 "
       "dport=2905 src=10.3.0.8 dst=10.3.0.5 sport=2905 dport=2905 [ASSURED] mark=0 "
       "secctx=system_u:object_r:unlabeled_t:s0 zone=9 use=2",
       "<meta direction=\"independent\"><state>HEARTBEAT_ACKED</state><timeout>0</timeout>"
       "<mark>0</mark><secctx>system_u:object_r:unlabeled_t:s0</secctx><zone>9</zone>"
       "<use>2</use><assured/></meta>"},
  };
  for (const ProcCase& c : cases) {
    Flow f;
    ASSERT_THAT(ParseProcLine(c.line, &f), IsOk()) << c.line;
    const std::string got = Xml(f);
    EXPECT_NE(got.find(absl::StrCat("</meta>", c.independent, "</flow>\n")), std::string::npos)
        << c.line << "\n" << got;
  }
}

// Every line is one <flow> element, and every /proc fixture line formats.
TEST(XmlFlow, EveryFixtureLine) {
  int n = 0;
  for (absl::string_view text : {kProcNfConntrack618, kProcCentos5, kProcCentos6, kProcCentos7,
                                  kProcOffload, kProcVendor}) {
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      if (line[0] == '#') continue;
      Flow f;
      ASSERT_THAT(ParseProcLine(line, &f), IsOk()) << line;
      const std::string got = Xml(f);
      EXPECT_TRUE(absl::StartsWith(got, "<flow><meta direction=\"original\">")) << got;
      EXPECT_TRUE(absl::EndsWith(got, "</flow>\n")) << got;
      EXPECT_EQ(got.find('\n'), got.size() - 1) << got;
      ++n;
    }
  }
  EXPECT_GE(n, 100);
}

}  // namespace
}  // namespace ctdump
