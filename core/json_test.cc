#include "core/json.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/json_reader.h"
#include "core/kernel.h"
#include "core/testing/proc_lines_testdata.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_flows.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kNowNs = 1764060000ull * 1000000000ull + 500000000ull;

std::string Json(const Flow& f, const JsonStyle& style = {}, uint64_t now_ns = kNowNs) {
  TextBuffer out;
  AppendJsonLine(f, style, now_ns, &out);
  return std::string(out.view());
}

Flow Base(uint8_t family, uint8_t proto, const char* src, const char* dst) {
  return TestNetlinkFlow(family, proto, src, dst);
}

// A string with every kind of byte the escaper must handle.
std::string WeirdString() {
  std::string s = "q\"b\\s/ nl\n cr\r tab\t bs\b ff\f ";
  s += std::string("nul") + '\0' + " ctl\x01\x1f del\x7f ";
  s += "e\xc3\xa9 euro\xe2\x82\xac emoji\xf0\x9f\x98\x80 max\xf4\x8f\xbf\xbf ";
  // Not UTF-8: a lone continuation byte, 0xff, an overlong '/', a surrogate, a cut
  // sequence, a code point above U+10FFFF, a 2-byte lead at the very end.
  s += "bad\x80 \xff \xc0\xaf \xed\xa0\x80 \xe2\x82 \xf4\x90\x80\x80 \xc3";
  return s;
}

struct Case {
  const char* name;
  Flow flow;
};

std::vector<Case> RoundTripCases() {
  std::vector<Case> cases;
  {
    // Every field of the record, at extreme values.
    Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    SetTestPorts(&f, 65535, 0);
    f.reply.src = TestAddr("255.255.255.255");
    f.reply.dst = TestAddr("0.0.0.0");
    f.zone = {65535, kZoneDirOrig};
    f.status = 0xffffffffu;
    f.timeout = std::numeric_limits<int64_t>::max();
    f.state = 9;
    f.tcp = TcpInfo{14, 0, 0xff, 0x23};
    f.sctp = SctpInfo{0xffffffffu, 1};
    f.dccp = DccpInfo{2, std::numeric_limits<uint64_t>::max()};
    f.gre = GreInfo{30, 180};
    f.mark = 0xffffffffu;
    f.secmark = 42;
    f.secctx = "system_u:object_r:unlabeled_t:s0";
    f.orig_counters = Counters{std::numeric_limits<uint64_t>::max(), 1};
    f.reply_counters = Counters{0, std::numeric_limits<uint64_t>::max()};
    f.start_ns = 1764060998123456789ull;
    f.stop_ns = std::numeric_limits<uint64_t>::max();
    f.use = 0xffffffffu;
    f.id = 2451451314u;
    f.labels.emplace();
    for (unsigned bit : {0u, 1u, 40u, 63u, 64u, 127u}) f.labels->Set(bit);
    f.helper = "ftp";
    f.master.emplace();
    f.master->src = TestAddr("10.9.9.9");
    f.master->dst = TestAddr("10.9.9.8");
    f.master->has_l4 = true;
    f.master->sport = 21;
    f.master->dport = 5000;
    f.seqadj_orig = SeqAdj{1, 2, 3};
    f.seqadj_reply = SeqAdj{0xffffffffu, 0, 0xffffffffu};
    f.synproxy = Synproxy{7, 8, 9};
    cases.push_back({"every_field", f});
  }
  {
    // Only what every record has; no status bit known.
    Flow f;
    f.family = kFamilyIPv4;
    cases.push_back({"nothing_set", f});
  }
  {
    Flow f = Base(kFamilyIPv6, kProtoUDP, "::ffff:192.0.2.1", "2001:db8::1:0:0:2");
    SetTestPorts(&f, 5353, 53);
    f.reply.src = TestAddr("::");
    f.reply.dst = TestAddr("::1.2.3.4");
    f.timeout = 27;
    f.status = kStatusConfirmed;
    f.mark = 0;
    f.use = 1;
    f.id = 1;
    f.zone = {7, kZoneDirReply};
    cases.push_back({"ipv6_udp", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoICMP, "10.0.0.5", "10.0.0.6");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.icmp_type = 8;
    f.reply.icmp_type = 0;
    f.orig.icmp_code = f.reply.icmp_code = 255;
    f.orig.icmp_id = f.reply.icmp_id = 65535;
    f.timeout = 0;
    cases.push_back({"icmp", f});
  }
  {
    Flow f = Base(kFamilyIPv6, kProtoICMPv6, "fd00::1", "fd00::2");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.icmp_type = 128;
    f.reply.icmp_type = 129;
    f.orig.icmp_id = f.reply.icmp_id = 77;
    cases.push_back({"icmpv6", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoGRE, "10.0.2.1", "10.0.2.2");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.sport = f.reply.dport = 0x1234;
    f.orig.dport = f.reply.sport = 0xffff;
    f.gre = GreInfo{0, 0};
    cases.push_back({"gre", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoDCCP, "10.0.1.3", "10.0.1.4");
    f.timeout = 99;
    cases.push_back({"dccp_without_ports", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoDCCP, "10.0.1.3", "10.0.1.4");
    SetTestPorts(&f, 1, 2);
    f.state = 4;
    f.dccp = DccpInfo{1, 12345};
    cases.push_back({"dccp_tracked", f});
  }
  {
    Flow f = Base(kFamilyIPv4, 253, "10.0.3.1", "10.0.3.2");
    cases.push_back({"unknown_proto", f});
  }
  {
    // Not produced by any backend, but representable: a generic protocol with ports.
    Flow f = Base(kFamilyIPv4, 99, "10.0.3.1", "10.0.3.2");
    SetTestPorts(&f, 7, 8);
    cases.push_back({"generic_proto_with_ports", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    SetTestPorts(&f, 1, 2);
    f.state = 200;  // past the table: "NONE" with statenum 200
    cases.push_back({"state_out_of_range", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoSCTP, "10.0.1.1", "10.0.1.2");
    SetTestPorts(&f, 3868, 3868);
    f.state = 4;
    f.sctp = SctpInfo{1, 2};
    cases.push_back({"sctp", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    SetTestPorts(&f, 1, 2);
    f.secctx = WeirdString();
    f.helper = std::string("h\"\\\x01\xff\xc3\xa9", 7);
    cases.push_back({"weird_strings", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    f.timeout = std::numeric_limits<int64_t>::min();
    f.labels.emplace();  // present, no bit set
    cases.push_back({"min_timeout_empty_labels", f});
  }
  {
    // /proc-like: partial status, delta_time, no start timestamp.
    Flow f = Base(kFamilyIPv4, kProtoUDP, "10.0.0.1", "10.0.0.2");
    f.source = Source::kProcNfConntrack;
    f.status_known = kStatusVisibleInProc;
    f.status = kStatusSeenReply;
    f.timeout = -3;
    f.delta_time = std::numeric_limits<uint64_t>::max();
    cases.push_back({"proc_like", f});
  }
  {
    // A family ctdump cannot print addresses for: raw bytes as hex.
    Flow f;
    f.source = Source::kUnknown;
    f.family = 7;
    f.l4proto = kProtoTCP;
    for (int i = 0; i < 16; ++i) {
      f.orig.src[i] = static_cast<uint8_t>(i * 17);
      f.reply.dst[i] = static_cast<uint8_t>(255 - i);
    }
    cases.push_back({"unknown_family", f});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    f.start_ns = 1000000000ull;
    f.stop_ns = 500000000ull;  // before the start: delta_time clamps to 0
    cases.push_back({"stop_before_start", f});
  }
  return cases;
}

std::string RoundTripMessage(const std::string& line, const Flow& want, const Flow& got) {
  return absl::StrCat("line: ", line, "want: ", DebugString(want), "\n got: ", DebugString(got));
}

TEST(JsonRoundTrip, Cases) {
  for (const Case& c : RoundTripCases()) {
    SCOPED_TRACE(c.name);
    const std::string line = Json(c.flow);
    ASSERT_TRUE(absl::EndsWith(line, "}\n")) << line;
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record: " << line;
    Flow back;
    ASSERT_THAT(ParseJsonLine(line, &back), IsOk()) << line;
    EXPECT_EQ(DebugString(back), DebugString(c.flow)) << RoundTripMessage(line, c.flow, back);
    // Every byte of the strings, not just what DebugString shows.
    EXPECT_EQ(back.secctx, c.flow.secctx);
    EXPECT_EQ(back.helper, c.flow.helper);
    // Writing again gives the same text.
    EXPECT_EQ(Json(back), line);
  }
}

TEST(JsonRoundTrip, LabelNamesAreOutputOnly) {
  LabelNames names;
  names.by_bit.resize(128);
  names.by_bit[1] = "one";
  names.by_bit[40] = "forty \"quoted\"";
  JsonStyle style;
  style.labels = &names;
  Flow f = Base(kFamilyIPv4, kProtoTCP, "10.9.0.1", "10.9.0.2");
  f.labels.emplace();
  f.labels->Set(1);
  f.labels->Set(2);
  f.labels->Set(40);
  const std::string line = Json(f, style);
  EXPECT_THAT(line, HasSubstr(R"("labels":[1,2,40],"label_names":["one","forty \"quoted\""])"));
  Flow back;
  ASSERT_THAT(ParseJsonLine(line, &back), IsOk());
  EXPECT_EQ(DebugString(back), DebugString(f));
}

// --all-netns: "netns" is the last key, escaped like every string; it is not part of the
// Flow, and the reader gives it back on request.
TEST(JsonRoundTrip, NetnsIsLastAndReadBackOnRequest) {
  JsonStyle style;
  style.netns = "blue \"x\"";
  Flow f = Base(kFamilyIPv4, kProtoTCP, "10.9.0.1", "10.9.0.2");
  const std::string line = Json(f, style);
  EXPECT_THAT(line, testing::EndsWith(R"(,"netns":"blue \"x\""})" "\n"));
  Flow back;
  ASSERT_THAT(ParseJsonLine(line, &back), IsOk());
  EXPECT_EQ(DebugString(back), DebugString(f));
  std::string netns = "stale";
  ASSERT_THAT(ParseJsonLine(line, &back, &netns), IsOk());
  EXPECT_EQ(netns, "blue \"x\"");
  EXPECT_THAT(Json(f, JsonStyle{}), testing::Not(HasSubstr("netns")));
  ASSERT_THAT(ParseJsonLine(Json(f, JsonStyle{}), &back, &netns), IsOk());
  EXPECT_EQ(netns, "");  // none: cleared
  std::string bad = line;
  bad.replace(bad.find("\"blue"), 12, "7");  // "netns":7
  EXPECT_THAT(ParseJsonLine(bad, &back, &netns),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("netns")));
}

// ---------------------------------------------------------------------------------------
// Golden lines.

struct Golden {
  const char* name;
  Flow flow;
  const char* want;
};

std::vector<Golden> GoldenCases() {
  std::vector<Golden> cases;
  {
    // docs/conntrack-compatibility.md 1.2: "tcp 6 431997 ESTABLISHED src=127.0.0.1 dst=127.0.0.2
    // sport=43302 dport=8080 packets=4 bytes=221 src=127.0.0.2 dst=127.0.0.3 sport=8080
    // dport=5555 packets=3 bytes=175 [ASSURED] mark=0 delta-time=2 use=1", SNATed.
    Flow f = Base(kFamilyIPv4, kProtoTCP, "127.0.0.1", "127.0.0.2");
    SetTestPorts(&f, 43302, 8080);
    f.reply.dst = TestAddr("127.0.0.3");
    f.reply.dport = 5555;
    f.timeout = 431997;
    f.state = 3;
    f.status = kStatusSeenReply | kStatusAssured | kStatusConfirmed | kStatusSrcNat |
               kStatusSrcNatDone;
    f.mark = 0;
    f.use = 1;
    f.id = 1993353219u;
    f.orig_counters = Counters{4, 221};
    f.reply_counters = Counters{3, 175};
    f.start_ns = kNowNs - 2500000000ull;
    f.tcp = TcpInfo{7, 7, 0x23, 0x23};
    cases.push_back(
        {"netlink_snat", f,
         R"({"v":1,"source":"netlink","family":"ipv4","familynum":2,"proto":"tcp","protonum":6,)"
         R"("timeout":431997,"state":"ESTABLISHED","statenum":3,)"
         R"("orig":{"src":"127.0.0.1","dst":"127.0.0.2","sport":43302,"dport":8080,"packets":4,"bytes":221},)"
         R"("reply":{"src":"127.0.0.2","dst":"127.0.0.3","sport":8080,"dport":5555,"packets":3,"bytes":175},)"
         R"("zone":{"id":0,"dir":"both"},"status":["SEEN_REPLY","ASSURED","CONFIRMED","SRC_NAT","SRC_NAT_DONE"],)"
         R"("status_bits":158,"mark":0,"start_ns":1764059998000000000,"delta_time":2,"use":1,"id":1993353219,)"
         R"("tcp":{"wscale_orig":7,"wscale_reply":7,"flags_orig":35,"flags_reply":35}})"
         "\n"});
  }
  {
    Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    f.secctx = std::string("\x01\t\xff\xc3\xa9\x7f", 6);
    f.helper = "a\\b";
    cases.push_back(
        {"escapes", f,
         R"({"v":1,"source":"netlink","family":"ipv4","familynum":2,"proto":"tcp","protonum":6,)"
         R"("orig":{"src":"10.0.0.1","dst":"10.0.0.2"},"reply":{"src":"10.0.0.2","dst":"10.0.0.1"},)"
         R"("zone":{"id":0,"dir":"both"},"status":[],"status_bits":0,)"
         "\"secctx\":\"\\u0001\\t\\u00ff\xc3\xa9\\u007f\",\"helper\":\"a\\\\b\"}\n"});
  }
  return cases;
}

TEST(JsonGolden, Lines) {
  for (const Golden& c : GoldenCases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Json(c.flow), c.want);
  }
}

// ---------------------------------------------------------------------------------------
// Readers other than ours: equivalent JSON text parses to the same record.

// `line` with JSON whitespace around every structural character outside strings.
std::string Spaced(absl::string_view line) {
  std::string out = " \r\n";
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\') {
        out.push_back(line[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (absl::string_view("{}[],:").find(c) != absl::string_view::npos) {
      absl::StrAppend(&out, " \t", absl::string_view(&c, 1), "\n ");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

TEST(JsonParse, AcceptsEquivalentText) {
  Flow f = RoundTripCases()[0].flow;
  const std::string want = DebugString(f);
  struct Variant {
    const char* name;
    std::string text;
  };
  const std::string line = Json(f);
  const std::string body = line.substr(1, line.size() - 3);  // without "{" and "}\n"
  std::vector<Variant> variants = {
      {"no_newline", line.substr(0, line.size() - 1)},
      {"whitespace", Spaced(line)},
      {"unknown_keys_first",
       absl::StrCat(R"({"future":{"a":[1,-2.5e+3,0.0,1E9,true,false,null,"x\u00e9",{}],"b":[]},)",
                    body, R"(,"zz":"end"})")},
      {"escaped_key_and_values",
       absl::StrReplaceAll(line, {{R"("secctx")", R"("\u0073ecctx")"},
                                  {R"("helper":"ftp")", R"("helper":"\u0066t\/p")"}})},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name);
    Flow back;
    ASSERT_THAT(ParseJsonLine(v.text, &back), IsOk()) << v.text;
    if (absl::string_view(v.name) == "escaped_key_and_values") {
      EXPECT_EQ(back.helper, "ft/p");
      back.helper = "ftp";
    }
    EXPECT_EQ(DebugString(back), want);
  }
  // Keys in reverse order.
  std::vector<std::string> members;
  {
    // Split the top level at commas outside nesting and strings.
    int depth = 0;
    bool in_string = false;
    size_t start = 0;
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        --depth;
      } else if (c == ',' && depth == 0) {
        members.push_back(body.substr(start, i - start));
        start = i + 1;
      }
    }
    members.push_back(body.substr(start));
  }
  ASSERT_GE(members.size(), 30u);
  std::string reversed = "{";
  for (size_t i = members.size(); i-- > 0;) {
    absl::StrAppend(&reversed, members[i], i == 0 ? "}" : ",");
  }
  Flow back;
  ASSERT_THAT(ParseJsonLine(reversed, &back), IsOk()) << reversed;
  EXPECT_EQ(DebugString(back), want);
}

TEST(JsonParse, UnicodeEscapes) {
  const std::string line = Json(Base(kFamilyIPv4, kProtoTCP, "1.2.3.4", "5.6.7.8"));
  struct Case {
    const char* escaped;
    std::string want;
  };
  const Case cases[] = {
      {R"(\u0041)", "A"},
      {R"(\u00e9)", "\xe9"},  // \u0080-\u00ff: the raw byte (see json.h)
      {R"(\u0100)", "\xc4\x80"},
      {R"(\u20ac)", "\xe2\x82\xac"},
      {R"(\uFFFF)", "\xef\xbf\xbf"},
      {R"(\ud83d\ude00)", "\xf0\x9f\x98\x80"},
      {R"(\u0000)", std::string(1, '\0')},
      {"\xc3\xa9", "\xc3\xa9"},
  };
  for (const Case& c : cases) {
    std::string text = line;
    text.insert(text.size() - 2, absl::StrCat(",\"helper\":\"", c.escaped, "\""));
    Flow back;
    ASSERT_THAT(ParseJsonLine(text, &back), IsOk()) << text;
    EXPECT_EQ(back.helper, c.want) << c.escaped;
  }
}

// ---------------------------------------------------------------------------------------
// Malformed input: the right code and a message naming the problem.

struct BadCase {
  const char* name;
  std::string text;
  const char* message;
};

std::string Replace(const std::string& s, absl::string_view from, absl::string_view to) {
  EXPECT_TRUE(absl::StrContains(s, from)) << from;
  return absl::StrReplaceAll(s, {{from, to}});
}

std::vector<BadCase> BadCases() {
  Flow f = Base(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
  SetTestPorts(&f, 1000, 80);
  f.timeout = 5;
  f.state = 3;
  f.mark = 7;
  f.orig_counters = Counters{1, 2};
  f.reply_counters = Counters{3, 4};
  f.secctx = "ctx";
  const std::string good = Json(f);
  const std::string body = good.substr(0, good.size() - 2);  // without "}\n"
  Flow icmp = Base(kFamilyIPv4, kProtoICMP, "10.0.0.1", "10.0.0.2");
  icmp.orig.has_l4 = icmp.reply.has_l4 = true;
  const std::string icmp_line = Json(icmp);

  Flow raw;
  raw.family = 7;
  const std::string raw_line = Json(raw);

  return {
      {"empty", "", "expected a JSON object"},
      {"array", "[1,2]", "expected a JSON object"},
      {"not_json", "ipv4     2 tcp      6 ...", "expected a JSON object"},
      {"trailing_data", good + "{}", "unexpected data after the object"},
      {"two_objects", body + "}{" + good.substr(1), "unexpected data after the object"},
      {"missing_colon", Replace(good, R"("mark":7)", R"("mark" 7)"), "expected ':'"},
      {"missing_comma", Replace(good, R"(,"mark")", R"( "mark")"), "expected ',' or '}'"},
      {"trailing_comma", body + ",}", "expected a string key"},
      {"unquoted_key", Replace(good, R"("mark":)", "mark:"), "expected a string key"},
      {"unterminated_string", good.substr(0, good.find(R"("ctx")") + 4), "unterminated string"},
      {"raw_control_char", Replace(good, "ctx", "c\tx"), "control character in a string"},
      {"bad_escape", Replace(good, "ctx", R"(c\x)"), "bad escape"},
      {"short_unicode_escape", Replace(good, "ctx", R"(\u12)"), "bad hex digit"},
      {"lone_high_surrogate", Replace(good, "ctx", R"(\ud800x)"), "lone UTF-16 surrogate"},
      {"lone_low_surrogate", Replace(good, "ctx", R"(\udc00)"), "lone UTF-16 surrogate"},
      {"invalid_utf8", Replace(good, "ctx", "c\xff"), "invalid UTF-8"},
      {"bad_literal", Replace(good, R"("mark":7)", R"("future":nul)"), "expected a value"},
      {"fraction", Replace(good, R"("mark":7)", R"("mark":7.0)"), "\"mark\": expected an integer, not a fraction"},
      {"exponent", Replace(good, R"("mark":7)", R"("mark":7e0)"), "not a fraction or exponent"},
      {"leading_zero", Replace(good, R"("mark":7)", R"("mark":07)"), "leading zero"},
      {"string_number", Replace(good, R"("mark":7)", R"("mark":"7")"), "\"mark\": expected an integer"},
      {"negative_mark", Replace(good, R"("mark":7)", R"("mark":-7)"), "\"mark\": -7 is out of range (0-4294967295)"},
      {"mark_too_big", Replace(good, R"("mark":7)", R"("mark":4294967296)"), "\"mark\": 4294967296 is out of range"},
      {"u64_overflow", Replace(good, R"("packets":1)", R"("packets":18446744073709551616)"),
       "\"orig\".\"packets\": 18446744073709551616 is out of range"},
      {"port_too_big", Replace(good, R"("sport":1000)", R"("sport":70000)"),
       "\"orig\".\"sport\": 70000 is out of range (0-65535)"},
      {"timeout_too_small", Replace(good, R"("timeout":5)", R"("timeout":-9223372036854775809)"),
       "\"timeout\": -9223372036854775809 is out of range for int64"},
      {"duplicate_key", Replace(good, R"("mark":7)", R"("mark":7,"mark":7)"), "duplicate key \"mark\""},
      {"duplicate_tuple_key", Replace(good, R"("sport":1000)", R"("sport":1000,"sport":1)"),
       "duplicate key \"orig\".\"sport\""},
      {"missing_v", Replace(good, R"("v":1,)", ""), "missing key \"v\""},
      {"missing_reply", Replace(good, R"("reply":)", R"("x":)"), "missing key \"reply\""},
      {"missing_dst", Replace(good, R"("dst":"10.0.0.2",)", ""), "missing key \"orig\".\"dst\""},
      {"version_2", Replace(good, R"("v":1)", R"("v":2)"), "unsupported schema version 2"},
      {"unknown_source", Replace(good, R"("netlink")", R"("pcap")"), "\"source\": \"pcap\" is not a known source"},
      {"family_mismatch", Replace(good, R"("family":"ipv4")", R"("family":"ipv6")"),
       "\"family\" is \"ipv6\" but \"familynum\" 2 is \"ipv4\""},
      {"proto_mismatch", Replace(good, R"("proto":"tcp")", R"("proto":"udp")"),
       "\"proto\" is \"udp\" but \"protonum\" 6 is \"tcp\""},
      {"state_mismatch", Replace(good, "ESTABLISHED", "CLOSE"),
       "\"state\" is \"CLOSE\" but \"statenum\" 3 of tcp is \"ESTABLISHED\""},
      {"state_without_num", Replace(good, R"(,"statenum":3)", ""), "\"state\" without \"statenum\""},
      {"status_mismatch", Replace(good, R"("status":[])", R"("status":["ASSURED"])"),
       "\"status\" names bits 0x4 but \"status_bits\" is 0x0"},
      {"unknown_status", Replace(good, R"("status":[])", R"("status":["FOO"])"),
       "unknown status name \"FOO\""},
      {"status_not_array", Replace(good, R"("status":[])", R"("status":"ASSURED")"),
       "\"status\": expected an array"},
      {"bad_address", Replace(good, R"("src":"10.0.0.1")", R"("src":"10.0.0.300")"),
       "\"orig\".\"src\": bad ipv4 address \"10.0.0.300\""},
      {"ipv6_in_ipv4", Replace(good, R"("src":"10.0.0.1")", R"("src":"fd00::1")"),
       "bad ipv4 address \"fd00::1\""},
      {"bad_raw_address", Replace(raw_line, std::string(32, '0'), std::string(32, 'z')),
       "\"orig\".\"src\": bad unknown address \"zzzz"},
      {"short_raw_address", Replace(raw_line, std::string(32, '0'), "00"),
       "bad unknown address \"00\""},
      {"long_address", Replace(good, R"("src":"10.0.0.1")", absl::StrCat("\"src\":\"", std::string(60, '1'), "\"")),
       "is too long"},
      {"half_the_ports", Replace(good, R"(,"dport":80,"packets":1)", R"(,"packets":1)"),
       "\"orig\": protocol tcp (6) takes \"sport\" and \"dport\" (all or none)"},
      {"icmp_keys_on_tcp", Replace(good, R"("sport":1000,"dport":80)", R"("type":1,"code":2,"id":3)"),
       "protocol tcp (6) takes \"sport\" and \"dport\""},
      {"ports_on_icmp", Replace(icmp_line, R"("type":0,"code":0,"id":0})", R"("sport":1,"dport":2})"),
       "protocol icmp (1) takes \"type\", \"code\" and \"id\""},
      {"packets_without_bytes", Replace(good, R"(,"bytes":2)", ""), "\"orig\": \"packets\" without \"bytes\""},
      {"master_counters", body + R"(,"master":{"src":"1.1.1.1","dst":"2.2.2.2","packets":1,"bytes":1}})",
       "\"master\": a master tuple has no counters"},
      {"zone_dir", Replace(good, R"("dir":"both")", R"("dir":"up")"), "\"zone\".\"dir\": \"up\" is not"},
      {"zone_missing_id", Replace(good, R"("id":0,"dir")", R"("dir")"), "missing key \"zone\".\"id\""},
      {"label_bit_128", body + R"(,"labels":[1,128]})", "\"labels\": 128 is out of range (0-127)"},
      {"label_names_not_strings", body + R"(,"labels":[1],"label_names":[1]})", "expected an array of strings"},
      {"tcp_missing_field", body + R"(,"tcp":{"wscale_orig":1,"wscale_reply":1,"flags_orig":1}})",
       "missing key \"tcp\".\"flags_reply\""},
      {"tcp_field_range", body + R"(,"tcp":{"wscale_orig":256,"wscale_reply":1,"flags_orig":1,"flags_reply":1}})",
       "\"tcp\".\"wscale_orig\": 256 is out of range (0-255)"},
      {"tuple_not_object", Replace(good, R"("orig":{)", R"("orig":[{)"), "\"orig\": expected an object"},
      {"deep_nesting", body + R"(,"x":)" + std::string(40, '[') + std::string(40, ']') + "}",
       "nesting deeper than 32 levels"},
      {"truncated", good.substr(0, good.size() / 2), ""},
  };
}

TEST(JsonParse, RejectsMalformed) {
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.name);
    Flow f;
    EXPECT_THAT(ParseJsonLine(c.text, &f),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

TEST(JsonParse, EveryTruncationFails) {
  for (const Case& c : RoundTripCases()) {
    const std::string line = Json(c.flow);
    const size_t object_end = line.size() - 1;  // before the '\n'
    for (size_t n = 0; n < object_end; ++n) {
      Flow f;
      EXPECT_THAT(ParseJsonLine(absl::string_view(line).substr(0, n), &f),
                  StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
          << c.name << " cut at " << n;
    }
  }
}

// Random damage never crashes the reader, and whatever it accepts writes and reads again.
TEST(JsonParse, SurvivesMutations) {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::vector<Case> cases = RoundTripCases();
  static const char kBytes[] = "{}[],:\"\\0123456789-+.eEtrufalsn \x80\xff\xc3u";
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line = Json(cases[next() % cases.size()].flow);
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = next() % line.size();
      switch (next() % 3) {
        case 0: line[at] = kBytes[next() % (sizeof kBytes - 1)]; break;
        case 1: line.erase(at, 1 + next() % 8); break;
        default: line.insert(at, 1, kBytes[next() % (sizeof kBytes - 1)]); break;
      }
      if (line.empty()) line = "{";
    }
    Flow f;
    absl::Status s = ParseJsonLine(line, &f);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
      continue;
    }
    ++accepted;
    const std::string again = Json(f);
    Flow g;
    ASSERT_THAT(ParseJsonLine(again, &g), IsOk()) << line << "\n" << again;
    EXPECT_EQ(DebugString(g), DebugString(f));
  }
  EXPECT_GT(accepted, 0);
}

TEST(JsonParse, ClearsTheRecordFirst) {
  Flow f = RoundTripCases()[0].flow;
  const Flow small = Base(kFamilyIPv4, kProtoUDP, "1.1.1.1", "2.2.2.2");
  ASSERT_THAT(ParseJsonLine(Json(small), &f), IsOk());
  EXPECT_EQ(DebugString(f), DebugString(small));
}

}  // namespace
}  // namespace ctdump
