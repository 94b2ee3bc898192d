#include "cli/options.h"

#include <string>
#include <vector>

#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Options> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ctdump");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return ParseOptions(static_cast<int>(args.size()), argv.data());
}

TEST(ParseOptions, DefaultIsList) {
  auto o = Parse({});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kList);
  EXPECT_EQ(o->backend, "auto");
}

TEST(ParseOptions, ConntrackSpellings) {
  auto o = Parse({"-L", "conntrack", "-o", "ext,ID,kt,lab"});
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->out_extended && o->out_id && o->out_ktimestamp && o->out_labels);
  EXPECT_THAT(Parse({"-L", "conn"}), IsOk());
  EXPECT_THAT(Parse({"-E", "-o", "timestamp,userspace"}), IsOk());
  o = Parse({"-o", "e", "-L"});  // GNU permutation: options before the command
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->out_extended);
}

TEST(ParseOptions, OutputFormats) {
  EXPECT_EQ(Parse({"-o", "x"})->format, OutputFormat::kXml);
  EXPECT_EQ(Parse({"-o", "json"})->format, OutputFormat::kJson);
  EXPECT_EQ(Parse({"-o", "j"})->format, OutputFormat::kJson);
  EXPECT_EQ(Parse({"-o", "p,extended"})->format, OutputFormat::kProc);
  // One JSON object each (cli/command_json.h).
  for (const char* cmd : {"-C", "-S", "--doctor", "--summary"}) {
    EXPECT_EQ(Parse({cmd, "-o", "json"})->format, OutputFormat::kJson) << cmd;
  }
  EXPECT_EQ(Parse({"-o", "extended"})->format, OutputFormat::kText);
}

TEST(ParseOptions, FamilyAndUnset) {
  EXPECT_EQ(Parse({"-f", "ipv6x"})->filter.family, kFamilyIPv6);  // conntrack's prefix rule
  auto o = Parse({"-u", "!UNSET"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->filter.status_set, 0u);
  EXPECT_EQ(o->filter.status_any,
            kStatusExpected | kStatusSeenReply | kStatusAssured | kStatusFixedTimeout);
}

TEST(ParseOptions, Events) {
  auto o = Parse({"-E"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kEvents);
  EXPECT_EQ(o->event_mask, 7u);
  EXPECT_EQ(o->interval, 0);
  o = Parse({"--event", "conntrack", "-e", "new,DESTROY", "-o", "json,timestamp", "-p", "tcp"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->event_mask, 1u | 4u);
  EXPECT_EQ(o->format, OutputFormat::kJson);
  EXPECT_TRUE(o->out_timestamp);
  EXPECT_EQ(Parse({"-E", "-e", "U"})->event_mask, 2u);  // prefix of UPDATES
  EXPECT_EQ(Parse({"-E", "-e", "update"})->event_mask, 2u);
  EXPECT_EQ(Parse({"-E", "-e", "ALL"})->event_mask, 7u);
  o = Parse({"-E", "--backend", "procfs", "--interval", "0.2"});
  ASSERT_THAT(o, IsOk());
  EXPECT_DOUBLE_EQ(o->interval, 0.2);
  o = Parse({"-E", "--rcvbuf", "4096", "--rcvbuf-max", "65536", "--resync"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->rcvbuf, 4096u);
  EXPECT_EQ(o->rcvbuf_max, 65536u);
  EXPECT_TRUE(o->resync);
  EXPECT_THAT(Parse({"-E", "--interval", "1"}), IsOk());  // polling ctnetlink dumps works too
  EXPECT_FALSE(Parse({"-E"})->no_progname);
  o = Parse({"-E", "--no-progname", "-o", "json"});
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->no_progname);
}

// conntrack's -b/--buffer-size sets the event socket's buffer: the same as --rcvbuf.
TEST(ParseOptions, BufferSizeIsConntracksSpellingOfRcvbuf) {
  for (const char* spelling : {"-b", "--buffer-size"}) {
    auto o = Parse({"-E", spelling, "65536"});
    ASSERT_THAT(o, IsOk()) << spelling;
    EXPECT_EQ(o->rcvbuf, 65536u) << spelling;
    EXPECT_EQ(o->rcvbuf_max, 0u) << spelling;
  }
  auto o = Parse({"-E", "-b", "8192", "--rcvbuf-max", "16384"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->rcvbuf, 8192u);
  EXPECT_EQ(o->rcvbuf_max, 16384u);
  EXPECT_THAT(Parse({"-E", "-b", "100"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("-b/--buffer-size wants bytes")));
  EXPECT_THAT(Parse({"-E", "--buffer-size", "1048576", "--rcvbuf-max", "65536"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("larger than --rcvbuf-max")));
  EXPECT_THAT(Parse({"-L", "-b", "65536"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("goes with -E")));
  EXPECT_THAT(Parse({"-E", "-b"}), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  // --help lists the buffer options.
  EXPECT_THAT(UsageText(), HasSubstr("--rcvbuf BYTES"));
  EXPECT_THAT(UsageText(), HasSubstr("--rcvbuf-max BYTES"));
  EXPECT_THAT(UsageText(), HasSubstr("-b, --buffer-size BYTES"));
}

TEST(ParseOptions, SummaryAndPrometheus) {
  auto o = Parse({"--summary"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kSummary);
  EXPECT_EQ(o->top, 10u);
  o = Parse({"-o", "prometheus", "--top", "3", "-p", "udp"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kSummary);  // -o prometheus prints the summary
  EXPECT_EQ(o->format, OutputFormat::kPrometheus);
  EXPECT_EQ(o->top, 3u);
  EXPECT_EQ(Parse({"--summary", "-o", "prom", "--input", "f"})->format, OutputFormat::kPrometheus);
  EXPECT_EQ(Parse({"--summary", "--top", "0"})->top, 0u);
  o = Parse({"--summary", "--by", "src,dport", "--sort", "bytes"});
  ASSERT_THAT(o, IsOk());
  ASSERT_EQ(o->summary_by.size(), 2u);
  EXPECT_EQ(o->summary_by[0]->name, "src");
  EXPECT_EQ(o->summary_by[1]->name, "dport");
  EXPECT_EQ(o->summary_sort, SummarySort::kBytes);
  o = Parse({"-o", "prometheus", "--by", "reply-src", "--sort", "packets"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->summary_sort, SummarySort::kPackets);
  EXPECT_EQ(Parse({"--summary"})->summary_sort, SummarySort::kEntries);
  EXPECT_TRUE(Parse({"--summary"})->summary_by.empty());
  o = Parse({"--summary", "--all-netns", "--by", "netns,dport"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->summary_by[0]->name, "netns");
  EXPECT_THAT(Parse({"--summary", "--input", "bundle.json", "--by", "netns"}), IsOk());
}

TEST(ParseOptions, Watch) {
  auto o = Parse({"--watch", "--interval", "0.5", "--iterations", "3", "--batch", "--top", "7",
                  "-p", "tcp", "--dport", "443", "--netns", "x"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kWatch);
  EXPECT_EQ(o->interval, 0.5);
  EXPECT_EQ(o->watch_iterations, 3u);
  EXPECT_TRUE(o->watch_batch);
  EXPECT_EQ(o->top, 7u);
  EXPECT_EQ(o->netns, "x");
  struct Bad {
    std::vector<std::string> args;
    const char* message;
  };
  const Bad bad[] = {
      {{"--batch"}, "--batch' with this command (it goes with --watch)"},
      {{"-L", "--iterations", "2"}, "--iterations' with this command"},
      {{"--watch", "--iterations", "0"}, "--iterations wants 1 or more"},
      {{"--watch", "-o", "json"}, "--watch draws its own screen and takes no -o"},
      {{"--watch", "-o", "extended"}, "takes no -o"},
      {{"--watch", "--resync"}, "go with -E, not --watch"},
      {{"--watch", "--interval", "0"}, "--interval wants seconds"},
      {{"--watch", "--summary"}, "Invalid commands combination"},
      {{"--watch", "--input", "-"}, "standard input can be read once"},
  };
  for (const Bad& b : bad) {
    EXPECT_THAT(Parse(b.args), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(b.message)))
        << b.args[0] << " " << b.args.back();
  }
}

TEST(ParseOptions, CountAndStats) {
  EXPECT_EQ(Parse({"-C"})->command, Command::kCount);
  EXPECT_EQ(Parse({"--count", "conntrack"})->command, Command::kCount);
  EXPECT_EQ(Parse({"-S", "--netns", "x"})->command, Command::kStats);
}

TEST(ParseOptions, OurOptions) {
  auto o = Parse({"-L", "--backend", "procfs", "-v"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->backend, "procfs");
  EXPECT_TRUE(o->verbose);
  o = Parse({"--input", "-"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->input, "-");
  EXPECT_THAT(Parse({"--backend", "procfs:/tmp/x"}), IsOk());
}

TEST(ParseOptions, Filters) {
  auto o = Parse({"-L", "-s", "10.0.0.0/8", "-d", "10.1", "-p", "TCP", "--dport", "443",
                  "--state", "ESTABLISHED", "-m", "0x3/0xf", "-u", "ASSURED,!FIXED,UNREPLIED",
                  "-w", "5", "--orig-zone", "6", "-n", "-g", "10.0.0.9:80", "-c", "7"});
  ASSERT_THAT(o, IsOk());
  const Filter& f = o->filter;
  EXPECT_EQ(f.family, kFamilyIPv4);
  ASSERT_TRUE(f.orig_src.has_value());
  EXPECT_EQ(f.orig_src->mask[0], 0xff);
  EXPECT_EQ(f.orig_src->mask[1], 0);
  ASSERT_TRUE(f.orig_dst.has_value());
  EXPECT_EQ(f.orig_dst->addr[3], 1);  // inet_aton: "10.1" is 10.0.0.1
  EXPECT_EQ(f.l4proto, kProtoTCP);
  EXPECT_EQ(f.orig_dport, 443);
  EXPECT_EQ(f.state, 3);
  EXPECT_EQ(f.mark_value, 3u);
  EXPECT_EQ(f.mark_mask, 0xfu);
  EXPECT_EQ(f.status_set, kStatusAssured);
  EXPECT_EQ(f.status_clear, kStatusFixedTimeout | kStatusSeenReply);
  EXPECT_EQ(f.zone, 5);
  EXPECT_EQ(f.orig_zone, 6);
  EXPECT_TRUE(f.snat.has_value());
  EXPECT_FALSE(f.snat->addr.has_value());
  ASSERT_TRUE(f.dnat.has_value());
  EXPECT_EQ(f.dnat->port, 80);
  EXPECT_EQ(f.secmark, 7u);

  o = Parse({"-p", "icmpv6", "--icmpv6-type", "128", "-d", "fd00::/64", "-j", "[fd00::1]:53"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->filter.family, kFamilyIPv6);
  EXPECT_EQ(o->filter.icmp_type, 128);
  EXPECT_EQ(o->filter.any_nat->port, 53);

  o = Parse({"-u", "SRC_NAT", "-p", "47", "--srckey", "0x1234", "-l", "a,b", "-f", "ipv6"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->filter.l4proto, kProtoGRE);
  EXPECT_EQ(o->filter.orig_srckey, 0x1234);
  EXPECT_EQ(o->warnings.size(), 1u);
  EXPECT_EQ(o->label_filter.size(), 2u);
}

// What conntrack reads with strtoul(value, NULL, 0) (zones, -m, -p, GRE keys) is read the
// same way, octal included; what it reads with atoi() (ports, ICMP) is decimal.
TEST(ParseOptions, NumbersAsConntrackReadsThem) {
  auto o = Parse({"-w", "010", "--orig-zone", "0x10", "--reply-zone", "10", "-m", "010/0x0f",
                  "-p", "010"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->filter.zone, 8);
  EXPECT_EQ(o->filter.orig_zone, 16);
  EXPECT_EQ(o->filter.reply_zone, 10);
  EXPECT_EQ(o->filter.mark_value, 8u);
  EXPECT_EQ(o->filter.mark_mask, 15u);
  EXPECT_EQ(o->filter.l4proto, 8);
  EXPECT_EQ(Parse({"-p", "0x6"})->filter.l4proto, kProtoTCP);
  EXPECT_EQ(Parse({"-p", "gre", "--srckey", "010"})->filter.orig_srckey, 8);
  o = Parse({"-p", "tcp", "--sport", "080", "--dport", "0"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->filter.orig_sport, 80);  // atoi: leading zeros are still decimal
  EXPECT_EQ(o->filter.orig_dport, 0);
  EXPECT_EQ(Parse({"-p", "icmp", "--icmp-type", "010"})->filter.icmp_type, 10);
  EXPECT_EQ(Parse({"-n", "1.2.3.4:010"})->filter.snat->port, 10);
}

TEST(ParseOptions, AllNetns) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--all-netns"}, {"-L", "--all-netns", "-o", "json"},
        {"-C", "--all-netns"}, {"--summary", "--all-netns"}, {"-o", "prometheus", "--all-netns"},
        {"--all-netns", "--textfile", "/tmp/x.prom"}, {"--all-netns", "-p", "tcp"},
        {"--watch", "--all-netns", "--batch"}}) {
    auto o = Parse(args);
    ASSERT_THAT(o, IsOk()) << args[0];
    EXPECT_TRUE(o->all_netns);
  }
}

// -G: conntrack -G's required options and refusals, in its words (checked against
// conntrack-tools 1.4.7; cli/kernel_tests/get_test.sh compares the two on a kernel).
TEST(ParseOptions, Get) {
  auto o = Parse({"-G", "-p", "tcp", "-s", "1.2.3.4", "-d", "5.6.7.8", "--sport", "1",
                  "--dport", "2", "-o", "extended,id"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kGet);
  EXPECT_THAT(Parse({"--get", "conntrack", "-p", "udp", "-r", "::1", "-q", "::2",
                     "--reply-port-src", "1", "--reply-port-dst", "2"}),
              IsOk());
  EXPECT_THAT(Parse({"-G", "-p", "icmp", "-s", "1.2.3.4", "-d", "5.6.7.8", "--icmp-type",
                     "8", "--icmp-code", "0", "--icmp-id", "3", "-o", "json"}),
              IsOk());
  EXPECT_THAT(Parse({"-G", "-p", "99", "-s", "1.2.3.4", "-d", "5.6.7.8"}), IsOk());
  struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"-G"}, "You need to supply the `--protonum' option for this command"},
      {{"-G", "-s", "1.2.3.4", "-d", "1.2.3.5"}, "`--protonum'"},
      {{"-G", "-p", "tcp"}, "you have to specify `--src' and `--dst'"},
      {{"-G", "-p", "tcp", "-s", "1.2.3.4", "--sport", "1", "--dport", "2"},
       "you have to specify `--src' and `--dst'"},
      {{"-G", "-p", "tcp", "-r", "1.2.3.4", "--sport", "1", "--dport", "2"},
       "you have to specify `--reply-src' and `--reply-dst'"},
      {{"-G", "-p", "tcp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1"},
       "you have to specify `--sport' and `--dport'"},
      {{"-G", "-p", "gre", "-s", "1.2.3.4", "-d", "1.2.3.5"},
       "you have to specify `--srckey' and `--dstkey'"},
      {{"-G", "-p", "icmp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--icmp-type", "8"},
       "You need to supply the `--icmp-code' option for this command"},
      {{"-G", "-p", "tcp", "-m", "1"}, "Illegal option `--mark' with this command"},
      {{"-G", "-p", "tcp", "-w", "1"}, "Illegal option `--zone' with this command"},
      {{"-G", "-p", "tcp", "--orig-zone", "1"}, "Illegal option `--orig-zone'"},
      {{"-G", "-p", "tcp", "-f", "ipv4"}, "Illegal option `--family'"},
      {{"-G", "-p", "tcp", "-n"}, "Illegal option `--src-nat'"},
      {{"-G", "-p", "tcp", "-m", "1", "-u", "ASSURED"}, "Illegal option `--status'"},
      {{"-G", "-m", "1"}, "`--protonum'"},  // conntrack checks -p first
      {{"-G", "-p", "icmpv6", "-s", "::1", "-d", "::2"}, "`--icmpv6-type'"},
      {{"-G", "-p", "tcp", "-s", "10.0.0.0/24", "-d", "1.2.3.4", "--sport", "1", "--dport",
        "2"},
       "Illegal option `--mask-src'"},
      {{"-G", "-L"}, "Invalid commands combination"},
      {{"-G", "-o", "prometheus"}, "-o prometheus goes with"},
      {{"-G", "-o", "timestamp", "-p", "99", "-s", "1.2.3.4", "-d", "1.2.3.5"}, "is for -E"},
      {{"-G", "--all-netns", "-p", "99", "-s", "1.2.3.4", "-d", "1.2.3.5"}, "not --all-netns"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Parse(c.args), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.args[1];
  }
}

TEST(ParseOptions, UsageErrors) {
  struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"-o", "bogus"}, "Bad parameter `bogus'"},
      {{"-L", "foo"}, "unknown type `foo'"},
      {{"-L", "expect"}, "not supported"},
      {{"-L", "-h"}, "Invalid commands combination"},
      {{"--backend", "kernel"}, "unknown backend `kernel'"},
      {{"--nope"}, "unknown option `--nope'"},
      {{"-o"}, "requires an argument"},
      {{"-L", "conntrack", "extra"}, "unexpected argument `extra'"},
      {{"--input", "f", "--backend", "netlink"}, "cannot be combined"},
      {{"-o", "save"}, "not supported"},
      {{"-o", "xml,json"}, "one of xml, json, proc and prometheus"},
      {{"-s", "10.0.0.300"}, "Invalid IP address `10.0.0.300'"},
      {{"-r", "10.0.0.0/8"}, "CIDR notation unavailable for `--reply-src'"},
      {{"-s", "10.0.0.0/33"}, "Invalid netmask"},
      {{"-s", "1.2.3.4", "-d", "::1"}, "mismatched address family"},
      {{"--mask-src", "255.0.0.0"}, "Can't use --mask-src without --src"},
      {{"--sport", "7", "-p", "tcp"}, "unknown option `--sport'"},
      {{"-p", "icmp", "--sport", "7"}, "needs -p tcp"},
      {{"-p", "tcp", "--dport", "70000"}, "Invalid port `70000'"},
      {{"-p", "tcp", "--state", "established"}, "unknown TCP state `established'"},
      {{"-p", "foo"}, "`foo' unsupported protocol"},
      {{"-p", "256"}, "`256' unsupported protocol"},
      {{"-w", "70000"}, "--zone"},
      {{"-m", "foo"}, "invalid mark"},
      {{"-u", "BOGUS"}, "Bad parameter `BOGUS'"},
      // conntrack refuses !UNREPLIED (issue 12, item 10).
      {{"-u", "!UNREPLIED"}, "Bad parameter `!UNREPLIED'"},
      {{"-u", "ASSURED,!UNREPLIED"}, "Bad parameter `!UNREPLIED'"},
      // conntrack reads ports and ICMP values with atoi(): decimal only (item 11).
      {{"-p", "tcp", "--sport", "0x50"}, "Invalid port `0x50' for --sport"},
      {{"-p", "udp", "--reply-port-dst", "0X1"}, "Invalid port `0X1'"},
      {{"-p", "tcp", "--dport", " 80"}, "Invalid port ` 80'"},
      {{"-p", "tcp", "--dport", "+80"}, "Invalid port `+80'"},
      {{"-p", "icmp", "--icmp-type", "0x8"}, "invalid value `0x8' for --icmp-type"},
      {{"-p", "icmp", "--icmp-id", "0x10"}, "invalid value `0x10' for --icmp-id"},
      {{"-p", "icmpv6", "--icmpv6-code", "0x0"}, "invalid value `0x0' for --icmpv6-code"},
      {{"-n", "1.2.3.4:0x50"}, "Invalid port `0x50'"},
      {{"-w", "08"}, "invalid value `08' for --zone"},
      {{"-w", "0x"}, "invalid value `0x' for --zone"},
      {{"--summary", "--top", "0x3"}, "--top"},
      {{"-z"}, "read-only"},
      {{"-j", "-n"}, "cannot combine"},
      {{"-n", "[fd00::1"}, "No closing ']'"},
      {{"-f", "ipx"}, "unsupported layer 3 protocol"},
      {{"-f", "i"}, "unsupported layer 3 protocol"},
      {{"-f", "IPV6"}, "unsupported layer 3 protocol"},
      {{"-L", "-L"}, "Invalid commands combination"},
      {{"-C", "-L"}, "Invalid commands combination"},
      {{"-C", "-p", "tcp"}, "take no filters"},
      {{"-S", "--input", "x"}, "take no filters"},
      {{"--netns", ""}, "--netns needs"},
      {{"--netns", "x", "--input", "f"}, "cannot be combined"},
      // Events, summaries, Prometheus.
      {{"-E", "-L"}, "Invalid commands combination"},
      {{"-E", "--summary"}, "Invalid commands combination"},
      {{"-E", "expect"}, "not supported"},
      {{"-E", "-e", "BOGUS"}, "Bad parameter `BOGUS'"},
      {{"-E", "-e", "NEW,"}, "Bad parameter `'"},
      {{"-L", "-e", "NEW"}, "Illegal option `--event-mask'"},
      {{"--interval", "1"}, "Illegal option `--interval'"},
      {{"--rcvbuf", "65536"}, "goes with -E"},
      {{"-L", "--no-progname"}, "Illegal option `--no-progname'"},
      {{"-E", "--interval", "0"}, "--interval wants seconds"},
      {{"-E", "--interval", "x"}, "--interval wants seconds"},
      {{"-E", "--interval", "1", "--resync"}, "not --interval polling"},
      {{"-E", "--rcvbuf", "100"}, "--rcvbuf wants bytes"},
      {{"-E", "--rcvbuf", "1048576", "--rcvbuf-max", "65536"}, "larger than --rcvbuf-max"},
      {{"-E", "--backend", "procfs"}, "poll it with --interval"},
      {{"-E", "-o", "proc"}, "-E prints"},
      {{"-E", "-o", "prometheus"}, "-E prints"},
      {{"-E", "--input", "f"}, "has no events"},
      {{"--top", "3"}, "--top goes with"},
      {{"--summary", "--top", "x"}, "--top"},
      {{"--by", "src"}, "--by goes with --summary"},
      {{"-L", "--sort", "bytes"}, "--sort goes with --summary"},
      {{"--summary", "--by", "src,netns"}, "--by netns goes with --all-netns or --input"},
      {{"--summary", "--by", "bogus"}, "--by: unknown key \"bogus\""},
      {{"--summary", "--by", "src,src"}, "given twice"},
      {{"--summary", "--sort", "size"}, "--sort: unknown order \"size\" (entries, packets or bytes)"},
      // -o that the command cannot honour (issue 12, item 16).
      {{"--summary", "-o", "xml"}, "--summary prints"},
      {{"--summary", "-o", "extended"}, "--summary prints"},
      {{"-C", "-o", "xml"}, "-C prints text or -o json"},
      {{"-C", "-o", "json,id"}, "-C prints text or -o json"},
      {{"-S", "-o", "proc"}, "-S prints"},
      {{"-S", "-o", "extended"}, "-S prints"},
      {{"--doctor", "-o", "labels"}, "--doctor prints"},
      {{"-h", "-o", "json"}, "take no -o"},
      {{"-V", "-o", "extended"}, "take no -o"},
      {{"-L", "-o", "timestamp"}, "-o timestamp is for -E"},
      {{"-o", "userspace"}, "-o userspace is for -E"},
      {{"-o", "proc,labels"}, "no id, ktimestamp or labels"},
      {{"-o", "proc,id"}, "no id, ktimestamp or labels"},
      {{"-C", "-o", "prometheus"}, "-o prometheus goes with"},
      {{"-o", "prometheus,xml"}, "at a time"},
      // --all-netns (issue 15, item 5).
      {{"--all-netns", "--netns", "x"}, "--all-netns and --netns cannot be combined"},
      {{"--all-netns", "--input", "f"}, "has none"},
      {{"--all-netns", "-E"}, "--all-netns goes with"},
      {{"--all-netns", "-S"}, "--all-netns goes with"},
      {{"--all-netns", "--doctor"}, "--all-netns goes with"},
      {{"--all-netns", "-o", "xml"}, "-o xml and -o proc"},
      {{"--all-netns", "-o", "proc"}, "-o xml and -o proc"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Parse(c.args), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.args[0];
  }
}

}  // namespace
}  // namespace ctdump
