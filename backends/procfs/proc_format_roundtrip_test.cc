// core/proc_format.h's AppendProcLine() against ParseProcLine(): the /proc line comes
// back byte for byte. Here rather than in core/ so that no core test depends on backends.

#include "core/proc_format.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "backends/procfs/parse.h"
#include "core/kernel.h"
#include "core/testing/proc_lines_testdata.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

constexpr uint64_t kNowNs = 1764060000ull * 1000000000ull + 700000000ull;

std::string Line(const Flow& f, uint64_t now_ns = kNowNs) {
  TextBuffer out;
  AppendProcLine(f, now_ns, &out);
  return std::string(out.view());
}

// The data lines of a fixture (no comments, no blank lines).
std::vector<std::string> DataLines(absl::string_view text) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line[0] != '#') lines.emplace_back(line);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------
// Round trip: ParseProcLine, then AppendProcLine, gives the line back byte for byte, for
// every line of the layouts that 6.18 shares.

TEST(ProcRoundTrip, ByteForByte) {
  struct Fixture {
    const char* name;
    absl::string_view text;
    size_t min_lines;
  };
  const Fixture fixtures[] = {
      {"nf_conntrack-6.18", kProcNfConntrack618, 45},
      {"offload", kProcOffload, 6},
      {"centos7-nf_conntrack", kProcCentos7, 14},
  };
  for (const Fixture& fx : fixtures) {
    SCOPED_TRACE(fx.name);
    size_t n = 0;
    for (const std::string& line : DataLines(fx.text)) {
      if (absl::StartsWith(line, "entries ") || absl::StartsWith(line, "0000")) continue;
      Flow f;
      ASSERT_THAT(ParseProcLine(line, &f), IsOk()) << line;
      EXPECT_EQ(Line(f), line + "\n");
      ++n;
    }
    EXPECT_GE(n, fx.min_lines);
  }
}

// Layouts older than 6.18 come out in the 6.18 layout; nothing of the record is lost.
TEST(ProcRoundTrip, OlderLayoutsBecomeThe618Layout) {
  struct Fixture {
    const char* name;
    absl::string_view text;
    // What the 6.18 layout changes in each line of the fixture.
    std::string (*expect)(const std::string& line);
  };
  const Fixture fixtures[] = {
      // 2.6.18 ip_conntrack: the L3 prefix is added; LISTEN is SYN_SENT2; no zone (the
      // file never had one).
      {"centos5-ip_conntrack", kProcCentos5,
       [](const std::string& line) {
         return absl::StrCat("ipv4     2 ",
                             absl::StrReplaceAll(line, {{" LISTEN ", " SYN_SENT2 "}}));
       }},
      // 2.6.32 had no zones: the record cannot say so, and zone=0 is printed.
      {"centos6-nf_conntrack", kProcCentos6,
       [](const std::string& line) {
         return absl::StrReplaceAll(line, {{" use=", " zone=0 use="}});
       }},
  };
  for (const Fixture& fx : fixtures) {
    SCOPED_TRACE(fx.name);
    const std::vector<std::string> lines = DataLines(fx.text);
    ASSERT_GE(lines.size(), 10u);
    for (const std::string& line : lines) {
      Flow f;
      ASSERT_THAT(ParseProcLine(line, &f), IsOk()) << line;
      const std::string got = Line(f);
      EXPECT_EQ(got, fx.expect(line) + "\n");
      // The new line reads back to the same record, apart from where it came from.
      Flow back;
      ASSERT_THAT(ParseProcLine(absl::StripSuffix(got, "\n"), &back), IsOk()) << got;
      back.source = f.source;
      EXPECT_EQ(DebugString(back), DebugString(f));
    }
  }
}

// Vendor fields are not in the record; what is in it survives.
TEST(ProcRoundTrip, VendorLinesKeepTheRecord) {
  const std::vector<std::string> lines = DataLines(kProcVendor);
  ASSERT_GE(lines.size(), 8u);
  for (const std::string& line : lines) {
    Flow f;
    ASSERT_THAT(ParseProcLine(line, &f), IsOk()) << line;
    const std::string got = Line(f);
    EXPECT_EQ(got.find("blog="), std::string::npos) << got;
    EXPECT_EQ(got.find("FASTPATH"), std::string::npos) << got;
    Flow back;
    ASSERT_THAT(ParseProcLine(absl::StripSuffix(got, "\n"), &back), IsOk()) << got;
    EXPECT_EQ(DebugString(back), DebugString(f)) << line;
  }
}

// ---------------------------------------------------------------------------------------
// Records from ctnetlink: what /proc would show for the same entry.

Flow Netlink(uint8_t family, uint8_t proto, const char* src, const char* dst) {
  Flow f = TestNetlinkFlow(family, proto, src, dst);
  f.status = kStatusConfirmed;
  f.mark = 0;
  f.use = 1;
  f.id = 12345;
  return f;
}

struct Case {
  const char* name;
  Flow flow;
  const char* want;
};

std::vector<Case> NetlinkCases() {
  std::vector<Case> cases;
  {
    // The netlink view of the first 6.18 sample line (ctnetlink-created, acct and
    // timestamps on): use is one less, delta-time from the start timestamp.
    Flow f = Netlink(kFamilyIPv4, kProtoTCP, "192.0.2.1", "198.51.100.2");
    SetTestPorts(&f, 40000, 80);
    f.timeout = 296;
    f.state = 3;
    f.status |= kStatusSeenReply | kStatusAssured;
    f.orig_counters = Counters{0, 0};
    f.reply_counters = Counters{0, 0};
    f.start_ns = kNowNs - 3900000000ull;  // 3.9 s ago: delta-time=3
    f.tcp = TcpInfo{7, 7, 0x23, 0x23};
    f.helper = "ftp";
    f.labels.emplace();
    f.labels->Set(1);
    cases.push_back({"tcp_like_the_sample", f,
                     "ipv4     2 tcp      6 296 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 "
                     "sport=40000 dport=80 packets=0 bytes=0 src=198.51.100.2 dst=192.0.2.1 "
                     "sport=80 dport=40000 packets=0 bytes=0 [ASSURED] mark=0 zone=0 "
                     "delta-time=3 use=2\n"});
  }
  {
    Flow f = Netlink(kFamilyIPv6, kProtoUDP, "2001:db8::1", "2001:db8::2");
    SetTestPorts(&f, 1, 53);
    f.timeout = 27;
    cases.push_back({"ipv6_expanded_no_acct", f,
                     "ipv6     10 udp      17 27 src=2001:0db8:0000:0000:0000:0000:0000:0001 "
                     "dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=1 dport=53 [UNREPLIED] "
                     "src=2001:0db8:0000:0000:0000:0000:0000:0002 "
                     "dst=2001:0db8:0000:0000:0000:0000:0000:0001 sport=53 dport=1 mark=0 "
                     "zone=0 use=2\n"});
  }
  {
    // DCCP on 6.17+: no tracker, no ports: "unknown  33".
    Flow f = Netlink(kFamilyIPv4, kProtoDCCP, "192.0.2.1", "198.51.100.2");
    f.timeout = 296;
    cases.push_back({"dccp_untracked", f,
                     "ipv4     2 unknown  33 296 src=192.0.2.1 dst=198.51.100.2 [UNREPLIED] "
                     "src=198.51.100.2 dst=192.0.2.1 mark=0 zone=0 use=2\n"});
  }
  {
    // DCCP on 6.16 and older: tracked, with a state.
    Flow f = Netlink(kFamilyIPv4, kProtoDCCP, "192.0.2.1", "198.51.100.2");
    SetTestPorts(&f, 5000, 6000);
    f.timeout = 296;
    f.state = 4;
    f.dccp = DccpInfo{1, 99};
    cases.push_back({"dccp_tracked", f,
                     "ipv4     2 dccp     33 296 OPEN src=192.0.2.1 dst=198.51.100.2 "
                     "sport=5000 dport=6000 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 "
                     "sport=6000 dport=5000 mark=0 zone=0 use=2\n"});
  }
  {
    // GRE from ctnetlink: no state text in the record, the kernel defaults are printed.
    Flow f = Netlink(kFamilyIPv4, kProtoGRE, "127.0.0.1", "127.0.0.3");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.dport = f.reply.sport = 0x1234;
    f.timeout = 27;
    cases.push_back({"gre_default_state_text", f,
                     "ipv4     2 gre      47 27 timeout=30, stream_timeout=180 src=127.0.0.1 "
                     "dst=127.0.0.3 srckey=0x0 dstkey=0x1234 [UNREPLIED] src=127.0.0.3 "
                     "dst=127.0.0.1 srckey=0x1234 dstkey=0x0 mark=0 zone=0 use=2\n"});
  }
  {
    // GRE without keys: the GRE tracker is not loaded (RHEL 6), so no state text either.
    Flow f = Netlink(kFamilyIPv4, kProtoGRE, "10.2.0.5", "10.2.0.7");
    f.timeout = 599;
    cases.push_back({"gre_untracked", f,
                     "ipv4     2 unknown  47 599 src=10.2.0.5 dst=10.2.0.7 [UNREPLIED] "
                     "src=10.2.0.7 dst=10.2.0.5 mark=0 zone=0 use=2\n"});
  }
  {
    Flow f = Netlink(kFamilyIPv6, kProtoICMPv6, "fd00::1", "fd00::2");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.icmp_type = 128;
    f.reply.icmp_type = 129;
    f.orig.icmp_id = f.reply.icmp_id = 77;
    f.timeout = 27;
    f.status |= kStatusSeenReply;
    cases.push_back({"icmpv6", f,
                     "ipv6     10 icmpv6   58 27 src=fd00:0000:0000:0000:0000:0000:0000:0001 "
                     "dst=fd00:0000:0000:0000:0000:0000:0000:0002 type=128 code=0 id=77 "
                     "src=fd00:0000:0000:0000:0000:0000:0000:0002 "
                     "dst=fd00:0000:0000:0000:0000:0000:0000:0001 type=129 code=0 id=77 mark=0 "
                     "zone=0 use=2\n"});
  }
  {
    // Offloaded: no timeout, no state; HW_OFFLOAD wins over OFFLOAD and ASSURED.
    Flow f = Netlink(kFamilyIPv4, kProtoTCP, "192.168.1.21", "203.0.113.81");
    SetTestPorts(&f, 52000, 80);
    f.status |= kStatusSeenReply | kStatusAssured | kStatusOffload | kStatusHwOffload;
    f.mark = 7;
    f.use = 2;
    cases.push_back({"hw_offload", f,
                     "ipv4     2 tcp      6 src=192.168.1.21 dst=203.0.113.81 sport=52000 "
                     "dport=80 src=203.0.113.81 dst=192.168.1.21 sport=80 dport=52000 "
                     "[HW_OFFLOAD] mark=7 zone=0 use=3\n"});
  }
  {
    Flow f = Netlink(kFamilyIPv4, kProtoTCP, "10.0.0.1", "10.0.0.2");
    SetTestPorts(&f, 1002, 2000);
    f.timeout = 296;
    f.state = 3;
    f.status |= kStatusSeenReply;
    f.zone = {11, kZoneDirOrig};
    f.orig_counters = Counters{5, 500};
    f.reply_counters = Counters{6, 600};
    cases.push_back({"zone_orig_before_counters", f,
                     "ipv4     2 tcp      6 296 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1002 "
                     "dport=2000 zone-orig=11 packets=5 bytes=500 src=10.0.0.2 dst=10.0.0.1 "
                     "sport=2000 dport=1002 packets=6 bytes=600 mark=0 use=2\n"});
  }
  {
    Flow f = Netlink(kFamilyIPv4, kProtoUDP, "10.0.0.1", "10.0.0.2");
    SetTestPorts(&f, 1, 2);
    f.timeout = 30;
    f.zone = {12, kZoneDirReply};
    f.secctx = "system_u:object_r:unlabeled_t:s0";
    f.mark = 4294967295u;
    cases.push_back({"zone_reply_secctx", f,
                     "ipv4     2 udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
                     "[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 zone-reply=12 "
                     "mark=4294967295 secctx=system_u:object_r:unlabeled_t:s0 use=2\n"});
  }
  {
    Flow f = Netlink(kFamilyIPv4, kProtoSCTP, "10.0.1.1", "10.0.1.2");
    SetTestPorts(&f, 3868, 3868);
    f.timeout = 97;
    f.state = 4;
    f.zone = {5, kZoneDirBoth};
    f.start_ns = kNowNs + 5000000000ull;  // clock stepped back: clamped to 0
    cases.push_back({"sctp_zone_both", f,
                     "ipv4     2 sctp     132 97 ESTABLISHED src=10.0.1.1 dst=10.0.1.2 "
                     "sport=3868 dport=3868 [UNREPLIED] src=10.0.1.2 dst=10.0.1.1 sport=3868 "
                     "dport=3868 mark=0 zone=5 delta-time=0 use=2\n"});
  }
  {
    // An event: no use count, no mark, no status. use=0 keeps the line parseable.
    Flow f = Netlink(kFamilyIPv4, 253, "10.0.3.1", "10.0.3.2");
    f.use.reset();
    f.mark.reset();
    f.status = 0;
    f.status_known = 0;
    f.timeout = 30;
    cases.push_back({"event_without_use", f,
                     "ipv4     2 unknown  253 30 src=10.0.3.1 dst=10.0.3.2 src=10.0.3.2 "
                     "dst=10.0.3.1 zone=0 use=0\n"});
  }
  return cases;
}

TEST(ProcFormat, NetlinkRecords) {
  for (const Case& c : NetlinkCases()) {
    SCOPED_TRACE(c.name);
    const std::string got = Line(c.flow);
    EXPECT_EQ(got, c.want);
    // Every line is one the /proc parser takes.
    Flow back;
    EXPECT_THAT(ParseProcLine(absl::StripSuffix(got, "\n"), &back), IsOk()) << got;
  }
}

TEST(ProcFormat, NegativeTimeoutAndIpConntrackZone) {
  Flow f;
  ASSERT_THAT(ParseProcLine("tcp      6 -1 CLOSE src=10.1.0.5 dst=10.1.0.1 sport=41240 "
                            "dport=22 src=10.1.0.1 dst=10.1.0.5 sport=22 dport=41240 "
                            "[ASSURED] mark=0 secmark=0 use=1",
                            &f),
              IsOk());
  EXPECT_EQ(Line(f),
            "ipv4     2 tcp      6 -1 CLOSE src=10.1.0.5 dst=10.1.0.1 sport=41240 dport=22 "
            "src=10.1.0.1 dst=10.1.0.5 sport=22 dport=41240 [ASSURED] mark=0 secmark=0 "
            "use=1\n");
  // A non-zero zone is never dropped, whatever the source.
  f.zone = {3, kZoneDirBoth};
  EXPECT_NE(Line(f).find(" secmark=0 zone=3 use=1\n"), std::string::npos) << Line(f);
  f.timeout = std::numeric_limits<int64_t>::min();
  EXPECT_NE(Line(f).find(" 6 -9223372036854775808 CLOSE "), std::string::npos) << Line(f);
}

TEST(ProcFormat, AppendsToWhatIsThere) {
  TextBuffer out;
  out.Append("x");
  Flow f = NetlinkCases()[0].flow;
  AppendProcLine(f, kNowNs, &out);
  AppendProcLine(f, kNowNs, &out);
  const std::string want = NetlinkCases()[0].want;
  EXPECT_EQ(out.view(), "x" + want + want);
}

}  // namespace
}  // namespace ctdump
