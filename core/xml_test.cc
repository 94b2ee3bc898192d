#include "core/xml.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/kernel.h"
#include "core/testing/proc_lines_testdata.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

constexpr uint64_t kNowNs = 1764060000ull * 1000000000ull + 900000000ull;

std::string Xml(const Flow& f, const XmlStyle& style = {}, uint64_t now_ns = kNowNs) {
  TextBuffer out;
  AppendXmlFlow(f, style, now_ns, &out);
  return std::string(out.view());
}

Flow Netlink(uint8_t family, uint8_t proto, const char* src, const char* dst) {
  Flow f = TestNetlinkFlow(family, proto, src, dst);
  f.status = kStatusConfirmed;
  f.mark = 0;
  f.use = 1;
  f.id = 863944460u;
  return f;
}

// The two direction blocks of an IPv4 flow, for expectations.
std::string Meta(const char* dir, const char* src, const char* dst, const char* l4) {
  return absl::StrCat("<meta direction=\"", dir,
                      "\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>", src, "</src><dst>",
                      dst, "</dst></layer3>", l4, "</meta>");
}

struct Case {
  const char* name;
  Flow flow;
  XmlStyle style;
  std::string want;
};

LabelNames TestLabelNames() {
  LabelNames names;
  names.by_bit.resize(128);
  names.by_bit[1] = "one";
  names.by_bit[40] = "forty";
  names.by_bit[100] = "a<b&c";
  return names;
}

std::vector<Case> Cases() {
  static const LabelNames names = TestLabelNames();
  std::vector<Case> cases;
  {
    // docs/conntrack-compatibility.md 2.2, verbatim.
    Flow f = Netlink(kFamilyIPv4, kProtoTCP, "127.0.0.1", "127.0.0.1");
    SetTestPorts(&f, 47890, 8080);
    f.state = 5;
    f.timeout = 48;
    f.status |= kStatusSeenReply | kStatusAssured;
    f.orig_counters = Counters{5, 273};
    f.reply_counters = Counters{4, 227};
    f.start_ns = kNowNs - 12600000000ull;  // 1764059988.3 s: 1764060000 - 1764059988 = 12
    cases.push_back(
        {"reference_example", f, {},
         "<flow><meta direction=\"original\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>127.0.0.1</src><dst>127.0.0.1</dst></layer3><layer4 protonum=\"6\" protoname=\"tcp\"><sport>47890</sport><dport>8080</dport></layer4><counters><packets>5</packets><bytes>273</bytes></counters></meta><meta direction=\"reply\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>127.0.0.1</src><dst>127.0.0.1</dst></layer3><layer4 protonum=\"6\" protoname=\"tcp\"><sport>8080</sport><dport>47890</dport></layer4><counters><packets>4</packets><bytes>227</bytes></counters></meta><meta direction=\"independent\"><state>CLOSE_WAIT</state><timeout>48</timeout><mark>0</mark><use>1</use><id>863944460</id><assured/><deltatime>12</deltatime></meta></flow>\n"});
  }
  {
    // SCTP ESTABLISHED: conntrack's bug prints FIN_WAIT (TCP's name for 4); not here.
    Flow f = Netlink(kFamilyIPv4, kProtoSCTP, "10.0.1.1", "10.0.1.2");
    SetTestPorts(&f, 3868, 3868);
    f.state = 4;
    f.timeout = 97;
    const char* l4 = "<layer4 protonum=\"132\" protoname=\"sctp\"><sport>3868</sport><dport>3868</dport></layer4>";
    cases.push_back({"sctp_own_state_names", f, {},
                     absl::StrCat("<flow>", Meta("original", "10.0.1.1", "10.0.1.2", l4),
                                  Meta("reply", "10.0.1.2", "10.0.1.1", l4),
                                  "<meta direction=\"independent\"><state>ESTABLISHED</state>"
                                  "<timeout>97</timeout><mark>0</mark><use>1</use>"
                                  "<id>863944460</id><unreplied/></meta></flow>\n")});
  }
  {
    Flow f = Netlink(kFamilyIPv4, kProtoDCCP, "10.0.1.3", "10.0.1.4");
    SetTestPorts(&f, 1, 2);
    f.state = 7;  // DCCP TIMEWAIT (TCP's 7 is TIME_WAIT)
    const char* l4 = "<layer4 protonum=\"33\" protoname=\"dccp\"><sport>1</sport><dport>2</dport></layer4>";
    const char* l4r = "<layer4 protonum=\"33\" protoname=\"dccp\"><sport>2</sport><dport>1</dport></layer4>";
    cases.push_back({"dccp_own_state_names", f, {},
                     absl::StrCat("<flow>", Meta("original", "10.0.1.3", "10.0.1.4", l4),
                                  Meta("reply", "10.0.1.4", "10.0.1.3", l4r),
                                  "<meta direction=\"independent\"><state>TIMEWAIT</state>"
                                  "<mark>0</mark><use>1</use><id>863944460</id><unreplied/>"
                                  "</meta></flow>\n")});
  }
  {
    // DCCP on 6.17+ (no ports from the kernel): zeros, as conntrack prints them.
    Flow f = Netlink(kFamilyIPv4, kProtoDCCP, "10.0.1.3", "10.0.1.4");
    f.status |= kStatusSeenReply;
    const char* l4 = "<layer4 protonum=\"33\" protoname=\"dccp\"><sport>0</sport><dport>0</dport></layer4>";
    cases.push_back({"dccp_without_ports", f, {},
                     absl::StrCat("<flow>", Meta("original", "10.0.1.3", "10.0.1.4", l4),
                                  Meta("reply", "10.0.1.4", "10.0.1.3", l4),
                                  "<meta direction=\"independent\"><mark>0</mark><use>1</use>"
                                  "<id>863944460</id></meta></flow>\n")});
  }
  {
    Flow f = Netlink(kFamilyIPv4, kProtoGRE, "10.0.2.1", "10.0.2.2");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.sport = f.reply.dport = 0x1234;
    f.orig.dport = f.reply.sport = 0xabcd;
    const char* l4 = "<layer4 protonum=\"47\" protoname=\"gre\"><srckey>0x1234</srckey><dstkey>0xabcd</dstkey></layer4>";
    const char* l4r = "<layer4 protonum=\"47\" protoname=\"gre\"><srckey>0xabcd</srckey><dstkey>0x1234</dstkey></layer4>";
    cases.push_back({"gre_keys_hex", f, {},
                     absl::StrCat("<flow>", Meta("original", "10.0.2.1", "10.0.2.2", l4),
                                  Meta("reply", "10.0.2.2", "10.0.2.1", l4r),
                                  "<meta direction=\"independent\"><mark>0</mark><use>1</use>"
                                  "<id>863944460</id><unreplied/></meta></flow>\n")});
  }
  {
    Flow f = Netlink(kFamilyIPv6, kProtoICMPv6, "fd00::1", "fd00::2");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.icmp_type = 128;
    f.reply.icmp_type = 129;
    f.status |= kStatusSeenReply;
    f.zone = {6, kZoneDirOrig};
    cases.push_back(
        {"icmpv6_compressed_zone_orig", f, {},
         "<flow><meta direction=\"original\"><layer3 protonum=\"10\" protoname=\"ipv6\"><src>fd00::1</src><dst>fd00::2</dst></layer3><layer4 protonum=\"58\" protoname=\"icmpv6\"></layer4><zone>6</zone></meta>"
         "<meta direction=\"reply\"><layer3 protonum=\"10\" protoname=\"ipv6\"><src>fd00::2</src><dst>fd00::1</dst></layer3><layer4 protonum=\"58\" protoname=\"icmpv6\"></layer4></meta>"
         "<meta direction=\"independent\"><mark>0</mark><use>1</use><id>863944460</id></meta></flow>\n"});
  }
  {
    Flow f = Netlink(kFamilyIPv4, 50, "10.0.3.1", "10.0.3.2");
    f.status |= kStatusSeenReply;
    f.zone = {7, kZoneDirReply};
    f.mark.reset();
    const char* l4 = "<layer4 protonum=\"50\" protoname=\"unknown\"></layer4>";
    cases.push_back(
        {"unknown_proto_zone_reply", f, {},
         absl::StrCat("<flow>", Meta("original", "10.0.3.1", "10.0.3.2", l4),
                      "<meta direction=\"reply\"><layer3 protonum=\"2\" protoname=\"ipv4\"><src>10.0.3.2</src><dst>10.0.3.1</dst></layer3>",
                      l4, "<zone>7</zone></meta>",
                      "<meta direction=\"independent\"><use>1</use><id>863944460</id></meta></flow>\n")});
  }
  {
    // Every independent child, in conntrack's order, with ktimestamp and labels.
    Flow f = Netlink(kFamilyIPv4, kProtoTCP, "10.9.0.1", "10.9.0.2");
    SetTestPorts(&f, 1, 2);
    f.state = 3;
    f.timeout = 499;
    f.mark = 7;
    f.labels.emplace();
    for (unsigned bit : {1u, 5u, 40u, 100u}) f.labels->Set(bit);
    f.secmark = 42;
    f.secctx = "system_u:object_r:ssh_packet_t:s0";
    f.zone = {5, kZoneDirBoth};
    f.status |= kStatusAssured | kStatusSeenReply;
    f.start_ns = 1700000000123456789ull;
    f.stop_ns = 1700000042987654321ull;  // (stop - start) / 1e9 = 42.86...: 42
    f.helper = "ftp";
    const char* l4 = "<layer4 protonum=\"6\" protoname=\"tcp\"><sport>1</sport><dport>2</dport></layer4>";
    const char* l4r = "<layer4 protonum=\"6\" protoname=\"tcp\"><sport>2</sport><dport>1</dport></layer4>";
    XmlStyle style;
    style.ktimestamp = true;
    style.labels = &names;
    cases.push_back(
        {"everything_ktimestamp_labels", f, style,
         absl::StrCat("<flow>", Meta("original", "10.9.0.1", "10.9.0.2", l4),
                      Meta("reply", "10.9.0.2", "10.9.0.1", l4r),
                      "<meta direction=\"independent\"><state>ESTABLISHED</state><timeout>499</timeout>"
                      "<mark>7</mark><labels><label>one</label><label>forty</label>"
                      "<label>a&lt;b&amp;c</label></labels><secmark>42</secmark>"
                      "<secctx>system_u:object_r:ssh_packet_t:s0</secctx><zone>5</zone>"
                      "<use>1</use><id>863944460</id><assured/>"
                      "<timestamp><start>1700000000123456789</start><stop>1700000042987654321</stop></timestamp>"
                      "<deltatime>42</deltatime></meta><helper>ftp</helper></flow>\n")});
    // The same without the options: no <labels>, no <timestamp>.
    cases.push_back(
        {"everything_plain", f, {},
         absl::StrCat("<flow>", Meta("original", "10.9.0.1", "10.9.0.2", l4),
                      Meta("reply", "10.9.0.2", "10.9.0.1", l4r),
                      "<meta direction=\"independent\"><state>ESTABLISHED</state><timeout>499</timeout>"
                      "<mark>7</mark><secmark>42</secmark>"
                      "<secctx>system_u:object_r:ssh_packet_t:s0</secctx><zone>5</zone>"
                      "<use>1</use><id>863944460</id><assured/>"
                      "<deltatime>42</deltatime></meta><helper>ftp</helper></flow>\n")});
  }
  {
    // Labels present, none named: <labels></labels> (conntrack's -L bug 10 has no XML
    // counterpart).
    Flow f = Netlink(kFamilyIPv4, 253, "10.0.3.1", "10.0.3.2");
    f.status |= kStatusSeenReply;
    f.labels.emplace();
    f.labels->Set(7);
    XmlStyle style;
    style.labels = &names;
    const char* l4 = "<layer4 protonum=\"253\" protoname=\"unknown\"></layer4>";
    cases.push_back({"labels_none_named", f, style,
                     absl::StrCat("<flow>", Meta("original", "10.0.3.1", "10.0.3.2", l4),
                                  Meta("reply", "10.0.3.2", "10.0.3.1", l4),
                                  "<meta direction=\"independent\"><mark>0</mark>"
                                  "<labels></labels><use>1</use><id>863944460</id></meta>"
                                  "</flow>\n")});
  }
  {
    // Offloaded: no timeout, no state, offload not shown; a start in the future clamps.
    Flow f = Netlink(kFamilyIPv4, 253, "10.0.3.1", "10.0.3.2");
    f.status |= kStatusSeenReply | kStatusAssured | kStatusOffload;
    f.start_ns = kNowNs + 10000000000ull;
    const char* l4 = "<layer4 protonum=\"253\" protoname=\"unknown\"></layer4>";
    cases.push_back({"offload_future_start", f, {},
                     absl::StrCat("<flow>", Meta("original", "10.0.3.1", "10.0.3.2", l4),
                                  Meta("reply", "10.0.3.2", "10.0.3.1", l4),
                                  "<meta direction=\"independent\"><mark>0</mark><use>1</use>"
                                  "<id>863944460</id><assured/><deltatime>0</deltatime></meta>"
                                  "</flow>\n")});
  }
  {
    // No status, nothing independent (an event-like record): no independent block.
    Flow f = Netlink(kFamilyIPv4, 253, "10.0.3.1", "10.0.3.2");
    f.status = 0;
    f.status_known = 0;
    f.mark.reset();
    f.use.reset();
    f.id.reset();
    const char* l4 = "<layer4 protonum=\"253\" protoname=\"unknown\"></layer4>";
    cases.push_back({"nothing_independent", f, {},
                     absl::StrCat("<flow>", Meta("original", "10.0.3.1", "10.0.3.2", l4),
                                  Meta("reply", "10.0.3.2", "10.0.3.1", l4), "</flow>\n")});
  }
  {
    // Strings are escaped; what XML cannot hold becomes U+FFFD.
    Flow f = Netlink(kFamilyIPv4, 253, "10.0.3.1", "10.0.3.2");
    f.status |= kStatusSeenReply;
    f.secctx = "a&b<c>d\"e'f\tg\nh\ri\x01j\xffk\xc3\xa9l\xef\xbf\xbem";
    f.helper = "</helper>";
    const char* l4 = "<layer4 protonum=\"253\" protoname=\"unknown\"></layer4>";
    cases.push_back(
        {"escaping", f, {},
         absl::StrCat("<flow>", Meta("original", "10.0.3.1", "10.0.3.2", l4),
                      Meta("reply", "10.0.3.2", "10.0.3.1", l4),
                      "<meta direction=\"independent\"><mark>0</mark>"
                      "<secctx>a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i\xef\xbf\xbdj"
                      "\xef\xbf\xbdk\xc3\xa9l\xef\xbf\xbdm</secctx><use>1</use>"
                      "<id>863944460</id></meta><helper>&lt;/helper&gt;</helper></flow>\n")});
  }
  return cases;
}

TEST(XmlFlow, Golden) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Xml(c.flow, c.style), c.want);
  }
}

TEST(XmlWriter, Document) {
  const Flow f = Cases()[0].flow;
  const std::string line = Cases()[0].want;
  {
    // No flows: no output at all, as with conntrack.
    TextBuffer out;
    XmlWriter xml(XmlStyle{});
    xml.End(&out);
    EXPECT_EQ(out.view(), "");
    EXPECT_FALSE(xml.started());
  }
  {
    TextBuffer out;
    XmlWriter xml(XmlStyle{});
    xml.AddFlow(f, kNowNs, &out);
    EXPECT_TRUE(xml.started());
    xml.AddFlow(f, kNowNs, &out);
    xml.End(&out);
    EXPECT_EQ(out.view(), absl::StrCat("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                       "<conntrack>\n",
                                       line, line, "</conntrack>\n"));
    xml.End(&out);  // nothing more
    EXPECT_TRUE(absl::EndsWith(out.view(), "</flow>\n</conntrack>\n"));
    // A new document after End().
    out.clear();
    xml.AddFlow(f, kNowNs, &out);
    xml.End(&out);
    EXPECT_EQ(out.view(), absl::StrCat(kXmlHeader, line, kXmlFooter));
  }
  {
    // The writer's style reaches the flows.
    static const LabelNames names = TestLabelNames();
    XmlStyle style;
    style.ktimestamp = true;
    style.labels = &names;
    Flow g = f;
    g.labels.emplace();
    g.labels->Set(1);
    TextBuffer out;
    XmlWriter xml(style);
    xml.AddFlow(g, kNowNs, &out);
    EXPECT_NE(out.view().find("<labels><label>one</label></labels>"), absl::string_view::npos);
    EXPECT_NE(out.view().find("<timestamp><start>"), absl::string_view::npos);
  }
}

TEST(XmlEscape, Text) {
  TextBuffer out;
  AppendXmlEscaped("plain", &out);
  AppendXmlEscaped("", &out);
  AppendXmlEscaped("&<>\"'", &out);
  AppendXmlEscaped(std::string("\0\x7f\xf0\x9f\x98\x80\xf4\x90\x80\x80", 10), &out);
  EXPECT_EQ(out.view(),
            "plain&amp;&lt;&gt;&quot;&apos;\xef\xbf\xbd\x7f\xf0\x9f\x98\x80"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace ctdump
