// Tests for ParseProcLine(): one named case per line form, compared through
// DebugString(flow) (core/flow.h), then the error cases with their messages.

#include "backends/procfs/parse.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

struct GoodCase {
  const char* name;
  const char* line;
  const char* want;  // DebugString(flow)
};

// status_known for every /proc record: SEEN_REPLY, ASSURED, OFFLOAD, HW_OFFLOAD.
static_assert(kStatusVisibleInProc == 0xc006, "the cases below spell it out");

const GoodCase kGoodCases[] = {
    // ---- 6.18 (testdata/procfs/nf_conntrack-6.18/input.txt, verbatim) ----
    {"v4_tcp_established_acct_tstamp",
     "ipv4     2 tcp      6 296 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=40000 "
     "dport=80 packets=0 bytes=0 src=198.51.100.2 dst=192.0.2.1 sport=80 dport=40000 "
     "packets=0 bytes=0 [ASSURED] mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[192.0.2.1->198.51.100.2 ports=40000/80] "
     "reply=[198.51.100.2->192.0.2.1 ports=80/40000] status=0x6/0xc006 timeout=296 "
     "state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v4_tcp_unreplied",
     "ipv4     2 tcp      6 116 SYN_SENT src=192.0.2.1 dst=198.51.100.2 sport=40001 "
     "dport=443 packets=0 bytes=0 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 sport=443 "
     "dport=40001 packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[192.0.2.1->198.51.100.2 ports=40001/443] "
     "reply=[198.51.100.2->192.0.2.1 ports=443/40001] status=0x0/0xc006 timeout=116 "
     "state=SYN_SENT mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v4_tcp_syn_sent2",
     "ipv4     2 tcp      6 116 SYN_SENT2 src=192.0.2.1 dst=198.51.100.2 sport=40002 "
     "dport=443 packets=0 bytes=0 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 sport=443 "
     "dport=40002 packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[192.0.2.1->198.51.100.2 ports=40002/443] "
     "reply=[198.51.100.2->192.0.2.1 ports=443/40002] status=0x0/0xc006 timeout=116 "
     "state=SYN_SENT2 mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v4_tcp_replied_not_assured",
     "ipv4     2 tcp      6 56 CLOSE_WAIT src=192.0.2.1 dst=198.51.100.2 sport=40003 "
     "dport=443 packets=0 bytes=0 src=198.51.100.2 dst=192.0.2.1 sport=443 dport=40003 "
     "packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[192.0.2.1->198.51.100.2 ports=40003/443] "
     "reply=[198.51.100.2->192.0.2.1 ports=443/40003] status=0x2/0xc006 timeout=56 "
     "state=CLOSE_WAIT mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v4_tcp_unreplied_and_assured",
     "ipv4     2 tcp      6 99 ESTABLISHED src=203.0.113.5 dst=203.0.113.6 sport=5 dport=6 "
     "packets=0 bytes=0 [UNREPLIED] src=203.0.113.6 dst=203.0.113.5 sport=6 dport=5 "
     "packets=0 bytes=0 [ASSURED] mark=0 zone=0 delta-time=0 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[203.0.113.5->203.0.113.6 ports=5/6] "
     "reply=[203.0.113.6->203.0.113.5 ports=6/5] status=0x4/0xc006 timeout=99 "
     "state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=0 use=2"},
    {"v4_tcp_real_counters_mark",
     "ipv4     2 tcp      6 117 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=42818 dport=8001 "
     "packets=6 bytes=3320 src=127.0.0.1 dst=127.0.0.1 sport=8001 dport=42818 packets=5 "
     "bytes=5268 [ASSURED] mark=119 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[127.0.0.1->127.0.0.1 ports=42818/8001] "
     "reply=[127.0.0.1->127.0.0.1 ports=8001/42818] status=0x6/0xc006 timeout=117 "
     "state=TIME_WAIT mark=119 orig_counters=6/3320 reply_counters=5/5268 delta=3 use=2"},
    {"v6_tcp_expanded",
     "ipv6     10 tcp      6 296 ESTABLISHED src=2001:0db8:0000:0000:0000:0000:0000:0001 "
     "dst=2001:0db8:0000:0001:0000:0000:0000:0002 sport=40000 dport=22 packets=0 bytes=0 "
     "src=2001:0db8:0000:0001:0000:0000:0000:0002 dst=2001:0db8:0000:0000:0000:0000:0000:0001 "
     "sport=22 dport=40000 packets=0 bytes=0 [ASSURED] mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv6 tcp(6) orig=[2001:db8::1->2001:db8:0:1::2 ports=40000/22] "
     "reply=[2001:db8:0:1::2->2001:db8::1 ports=22/40000] status=0x6/0xc006 timeout=296 "
     "state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v6_v4_mapped",
     "ipv6     10 tcp      6 56 TIME_WAIT src=0000:0000:0000:0000:0000:ffff:c000:0201 "
     "dst=2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff sport=1 dport=65535 packets=0 bytes=0 "
     "src=2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff dst=0000:0000:0000:0000:0000:ffff:c000:0201 "
     "sport=65535 dport=1 packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv6 tcp(6) orig=[::ffff:192.0.2.1->2001:db8:ffff:ffff:ffff:ffff:ffff:ffff "
     "ports=1/65535] reply=[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff->::ffff:192.0.2.1 "
     "ports=65535/1] status=0x2/0xc006 timeout=56 state=TIME_WAIT mark=0 orig_counters=0/0 "
     "reply_counters=0/0 delta=3 use=2"},
    {"v6_uppercase_and_compressed_from_saved_copy",
     "ipv6     10 udp      17 27 src=FE80:0000:0000:0000:0000:0000:0000:0001 dst=ff02::fb "
     "sport=5353 dport=5353 [UNREPLIED] src=ff02::fb dst=fe80::1 sport=5353 dport=5353 mark=0 "
     "zone=0 use=2",
     "nf_conntrack ipv6 udp(17) orig=[fe80::1->ff02::fb ports=5353/5353] "
     "reply=[ff02::fb->fe80::1 ports=5353/5353] status=0x0/0xc006 timeout=27 mark=0 use=2"},
    {"v4_udp_timeout_zero",
     "ipv4     2 udp      17 0 src=10.1.1.1 dst=10.1.1.2 sport=1 dport=2 packets=0 bytes=0 "
     "[UNREPLIED] src=10.1.1.2 dst=10.1.1.1 sport=2 dport=1 packets=0 bytes=0 mark=0 zone=0 "
     "delta-time=0 use=2",
     "nf_conntrack ipv4 udp(17) orig=[10.1.1.1->10.1.1.2 ports=1/2] "
     "reply=[10.1.1.2->10.1.1.1 ports=2/1] status=0x0/0xc006 timeout=0 mark=0 "
     "orig_counters=0/0 reply_counters=0/0 delta=0 use=2"},
    {"v4_icmp",
     "ipv4     2 icmp     1 26 src=192.0.2.1 dst=198.51.100.2 type=8 code=0 id=1234 packets=0 "
     "bytes=0 [UNREPLIED] src=198.51.100.2 dst=192.0.2.1 type=0 code=0 id=1234 packets=0 "
     "bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 icmp(1) orig=[192.0.2.1->198.51.100.2 type=8 code=0 id=1234] "
     "reply=[198.51.100.2->192.0.2.1 type=0 code=0 id=1234] status=0x0/0xc006 timeout=26 "
     "mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v6_icmpv6",
     "ipv6     10 icmpv6   58 27 src=0000:0000:0000:0000:0000:0000:0000:0001 "
     "dst=0000:0000:0000:0000:0000:0000:0000:0001 type=128 code=0 id=119 packets=1 bytes=50 "
     "src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 "
     "type=129 code=0 id=119 packets=1 bytes=50 mark=119 zone=0 delta-time=2 use=2",
     "nf_conntrack ipv6 icmpv6(58) orig=[::1->::1 type=128 code=0 id=119] "
     "reply=[::1->::1 type=129 code=0 id=119] status=0x2/0xc006 timeout=27 mark=119 "
     "orig_counters=1/50 reply_counters=1/50 delta=2 use=2"},
    {"v4_sctp_established",
     "ipv4     2 sctp     132 296 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=2905 "
     "dport=2905 packets=0 bytes=0 src=198.51.100.2 dst=192.0.2.1 sport=2905 dport=2905 "
     "packets=0 bytes=0 [ASSURED] mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 sctp(132) orig=[192.0.2.1->198.51.100.2 ports=2905/2905] "
     "reply=[198.51.100.2->192.0.2.1 ports=2905/2905] status=0x6/0xc006 timeout=296 "
     "state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v4_sctp_closed",
     "ipv4     2 sctp     132 7 CLOSED src=127.0.0.1 dst=127.0.0.1 sport=5000 dport=2905 "
     "packets=1 bytes=52 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=2905 dport=5000 "
     "packets=0 bytes=0 mark=119 zone=0 delta-time=2 use=2",
     "nf_conntrack ipv4 sctp(132) orig=[127.0.0.1->127.0.0.1 ports=5000/2905] "
     "reply=[127.0.0.1->127.0.0.1 ports=2905/5000] status=0x0/0xc006 timeout=7 "
     "state=CLOSED mark=119 orig_counters=1/52 reply_counters=0/0 delta=2 use=2"},
    {"dccp_untracked_6_17",
     "ipv4     2 unknown  33 296 src=192.0.2.1 dst=198.51.100.2 packets=0 bytes=0 [UNREPLIED] "
     "src=198.51.100.2 dst=192.0.2.1 packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 dccp(33) orig=[192.0.2.1->198.51.100.2] "
     "reply=[198.51.100.2->192.0.2.1] status=0x0/0xc006 timeout=296 mark=0 "
     "orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"dccp_tracked_up_to_6_16",
     "ipv4     2 dccp     33 43197 OPEN src=10.0.1.3 dst=10.0.1.4 sport=5001 dport=5002 "
     "src=10.0.1.4 dst=10.0.1.3 sport=5002 dport=5001 [ASSURED] mark=0 zone=0 use=2",
     "nf_conntrack ipv4 dccp(33) orig=[10.0.1.3->10.0.1.4 ports=5001/5002] "
     "reply=[10.0.1.4->10.0.1.3 ports=5002/5001] status=0x6/0xc006 timeout=43197 "
     "state=OPEN mark=0 use=2"},
    {"gre_ctnetlink",
     "ipv4     2 gre      47 296 timeout=0, stream_timeout=0 src=192.0.2.1 dst=198.51.100.2 "
     "srckey=0x1234 dstkey=0xabcd packets=0 bytes=0 [UNREPLIED] src=198.51.100.2 "
     "dst=192.0.2.1 srckey=0xabcd dstkey=0x1234 packets=0 bytes=0 mark=0 zone=0 "
     "delta-time=3 use=2",
     "nf_conntrack ipv4 gre(47) orig=[192.0.2.1->198.51.100.2 keys=0x1234/0xabcd] "
     "reply=[198.51.100.2->192.0.2.1 keys=0xabcd/0x1234] status=0x0/0xc006 timeout=296 "
     "gre=0/0 mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"gre_real_traffic",
     "ipv4     2 gre      47 27 timeout=30, stream_timeout=180 src=127.0.0.1 dst=127.0.0.3 "
     "srckey=0x0 dstkey=0x1234 packets=1 bytes=28 [UNREPLIED] src=127.0.0.3 dst=127.0.0.1 "
     "srckey=0x1234 dstkey=0x0 packets=0 bytes=0 mark=119 zone=0 delta-time=2 use=2",
     "nf_conntrack ipv4 gre(47) orig=[127.0.0.1->127.0.0.3 keys=0x0/0x1234] "
     "reply=[127.0.0.3->127.0.0.1 keys=0x1234/0x0] status=0x0/0xc006 timeout=27 "
     "gre=30/180 mark=119 orig_counters=1/28 reply_counters=0/0 delta=2 use=2"},
    {"v6_udplite",
     "ipv6     10 udplite  136 296 src=2001:0db8:0000:0000:0000:0000:0000:0007 "
     "dst=2001:0db8:0000:0000:0000:0000:0000:0008 sport=1 dport=2 packets=0 bytes=0 "
     "[UNREPLIED] src=2001:0db8:0000:0000:0000:0000:0000:0008 "
     "dst=2001:0db8:0000:0000:0000:0000:0000:0007 sport=2 dport=1 packets=0 bytes=0 mark=0 "
     "zone=0 delta-time=3 use=2",
     "nf_conntrack ipv6 udplite(136) orig=[2001:db8::7->2001:db8::8 ports=1/2] "
     "reply=[2001:db8::8->2001:db8::7 ports=2/1] status=0x0/0xc006 timeout=296 mark=0 "
     "orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"unknown_proto_0",
     "ipv4     2 unknown  0 296 src=192.0.2.10 dst=198.51.100.10 packets=0 bytes=0 "
     "[UNREPLIED] src=198.51.100.10 dst=192.0.2.10 packets=0 bytes=0 mark=0 zone=0 "
     "delta-time=3 use=2",
     "nf_conntrack ipv4 unknown(0) orig=[192.0.2.10->198.51.100.10] "
     "reply=[198.51.100.10->192.0.2.10] status=0x0/0xc006 timeout=296 mark=0 "
     "orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"v6_unknown_proto_253",
     "ipv6     10 unknown  253 296 src=2001:0db8:0000:0000:0000:0000:0000:0007 "
     "dst=2001:0db8:0000:0000:0000:0000:0000:0008 packets=0 bytes=0 [UNREPLIED] "
     "src=2001:0db8:0000:0000:0000:0000:0000:0008 dst=2001:0db8:0000:0000:0000:0000:0000:0007 "
     "packets=0 bytes=0 mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv6 unknown(253) orig=[2001:db8::7->2001:db8::8] "
     "reply=[2001:db8::8->2001:db8::7] status=0x0/0xc006 timeout=296 mark=0 "
     "orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"mark_max_u32",
     "ipv4     2 tcp      6 296 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=2000 "
     "packets=0 bytes=0 src=10.0.0.2 dst=10.0.0.1 sport=2000 dport=1000 packets=0 bytes=0 "
     "[ASSURED] mark=4294967295 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/2000] "
     "reply=[10.0.0.2->10.0.0.1 ports=2000/1000] status=0x6/0xc006 timeout=296 "
     "state=ESTABLISHED mark=4294967295 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"zone_both_max",
     "ipv4     2 tcp      6 296 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1004 dport=2000 "
     "packets=0 bytes=0 src=10.0.0.2 dst=10.0.0.1 sport=2000 dport=1004 packets=0 bytes=0 "
     "mark=0 zone=65535 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1004/2000] "
     "reply=[10.0.0.2->10.0.0.1 ports=2000/1004] zone=65535/both status=0x2/0xc006 "
     "timeout=296 state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 "
     "use=2"},
    {"zone_orig",
     "ipv4     2 tcp      6 296 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1002 dport=2000 "
     "zone-orig=11 packets=0 bytes=0 src=10.0.0.2 dst=10.0.0.1 sport=2000 dport=1002 "
     "packets=0 bytes=0 mark=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1002/2000] "
     "reply=[10.0.0.2->10.0.0.1 ports=2000/1002] zone=11/orig status=0x2/0xc006 "
     "timeout=296 state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 "
     "use=2"},
    {"zone_reply",
     "ipv4     2 tcp      6 296 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1003 dport=2000 "
     "packets=0 bytes=0 src=10.0.0.2 dst=10.0.0.1 sport=2000 dport=1003 zone-reply=12 "
     "packets=0 bytes=0 mark=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1003/2000] "
     "reply=[10.0.0.2->10.0.0.1 ports=2000/1003] zone=12/reply status=0x2/0xc006 "
     "timeout=296 state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 "
     "use=2"},
    {"nat_reply_not_mirrored",
     "ipv4     2 tcp      6 296 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1007 dport=2000 "
     "packets=0 bytes=0 src=10.9.9.9 dst=172.16.0.1 sport=8080 dport=61000 packets=0 "
     "bytes=0 [ASSURED] mark=0 zone=0 delta-time=3 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1007/2000] "
     "reply=[10.9.9.9->172.16.0.1 ports=8080/61000] status=0x6/0xc006 timeout=296 "
     "state=ESTABLISHED mark=0 orig_counters=0/0 reply_counters=0/0 delta=3 use=2"},
    {"no_acct_no_tstamp",
     "ipv4     2 tcp      6 297 ESTABLISHED src=192.0.2.1 dst=198.51.100.2 sport=40000 "
     "dport=80 src=198.51.100.2 dst=192.0.2.1 sport=80 dport=40000 [ASSURED] mark=0 zone=0 "
     "use=2",
     "nf_conntrack ipv4 tcp(6) orig=[192.0.2.1->198.51.100.2 ports=40000/80] "
     "reply=[198.51.100.2->192.0.2.1 ports=80/40000] status=0x6/0xc006 timeout=297 "
     "state=ESTABLISHED mark=0 use=2"},
    {"u64_counters_and_delta",
     "ipv4     2 udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
     "packets=18446744073709551615 bytes=18446744073709551615 src=10.0.0.2 dst=10.0.0.1 "
     "sport=2 dport=1 packets=00000000000000000000001 bytes=0 mark=0 zone=0 "
     "delta-time=18446744073709551615 use=4294967295",
     "nf_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x2/0xc006 timeout=30 mark=0 "
     "orig_counters=18446744073709551615/18446744073709551615 reply_counters=1/0 "
     "delta=18446744073709551615 use=4294967295"},

    // ---- flow offload (4.16+): no timeout, no TCP state ----
    {"offload_tcp",
     "ipv4     2 tcp      6 src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=443 packets=10 "
     "bytes=1000 src=10.0.0.2 dst=10.0.0.1 sport=443 dport=1000 packets=8 bytes=9000 "
     "[OFFLOAD] mark=0 zone=0 use=3",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1000/443] "
     "reply=[10.0.0.2->10.0.0.1 ports=443/1000] status=0x4002/0xc006 mark=0 "
     "orig_counters=10/1000 reply_counters=8/9000 use=3"},
    {"hw_offload_udp",
     "ipv6     10 udp      17 src=2001:0db8:0000:0000:0000:0000:0000:0001 "
     "dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=4500 dport=4500 "
     "src=2001:0db8:0000:0000:0000:0000:0000:0002 dst=2001:0db8:0000:0000:0000:0000:0000:0001 "
     "sport=4500 dport=4500 [HW_OFFLOAD] mark=0 zone=0 use=3",
     "nf_conntrack ipv6 udp(17) orig=[2001:db8::1->2001:db8::2 ports=4500/4500] "
     "reply=[2001:db8::2->2001:db8::1 ports=4500/4500] status=0x8002/0xc006 mark=0 use=3"},
    {"offload_early_kernel_keeps_state",
     "ipv4     2 tcp      6 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
     "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [OFFLOAD] mark=0 zone=0 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x4002/0xc006 state=ESTABLISHED mark=0 "
     "use=2"},

    // ---- 2.6.18 ip_conntrack (docs/procfs-format.md 3.1) ----
    {"ip_conntrack_tcp_listen",
     "tcp      6 117 LISTEN src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 packets=1 bytes=60 "
     "[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 packets=0 bytes=0 mark=0 "
     "secmark=0 use=1",
     "ip_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x0/0xc006 timeout=117 state=SYN_SENT2 "
     "mark=0 secmark=0 orig_counters=1/60 reply_counters=0/0 use=1"},
    {"ip_conntrack_gre",
     "gre      47 179 timeout=30, stream_timeout=180 src=10.0.0.1 dst=10.0.0.2 srckey=0x0 "
     "dstkey=0x3a packets=12 bytes=1200 src=10.0.0.2 dst=10.0.0.1 srckey=0x3a dstkey=0x0 "
     "packets=11 bytes=990 [ASSURED] mark=0 secmark=0 use=1",
     "ip_conntrack ipv4 gre(47) orig=[10.0.0.1->10.0.0.2 keys=0x0/0x3a] "
     "reply=[10.0.0.2->10.0.0.1 keys=0x3a/0x0] status=0x6/0xc006 timeout=179 gre=30/180 "
     "mark=0 secmark=0 orig_counters=12/1200 reply_counters=11/990 use=1"},
    {"ip_conntrack_unknown_negative_timeout",
     "unknown  50 -2 src=10.0.0.1 dst=10.0.0.2 packets=4294967295 bytes=4294967295 "
     "src=10.0.0.2 dst=10.0.0.1 packets=1 bytes=80 mark=7 secmark=12 use=1",
     "ip_conntrack ipv4 unknown(50) orig=[10.0.0.1->10.0.0.2] reply=[10.0.0.2->10.0.0.1] "
     "status=0x2/0xc006 timeout=-2 mark=7 secmark=12 orig_counters=4294967295/4294967295 "
     "reply_counters=1/80 use=1"},
    {"ip_conntrack_sctp",
     "sctp     132 427 COOKIE_ECHOED src=10.0.0.1 dst=10.0.0.2 sport=2905 dport=2905 "
     "packets=3 bytes=300 src=10.0.0.2 dst=10.0.0.1 sport=2905 dport=2905 packets=2 "
     "bytes=200 mark=0 secmark=0 use=1",
     "ip_conntrack ipv4 sctp(132) orig=[10.0.0.1->10.0.0.2 ports=2905/2905] "
     "reply=[10.0.0.2->10.0.0.1 ports=2905/2905] status=0x2/0xc006 timeout=427 "
     "state=COOKIE_ECHOED mark=0 secmark=0 orig_counters=3/300 reply_counters=2/200 use=1"},

    // ---- 2.6.32 (RHEL 6) and 3.10 (RHEL 7) ----
    {"rhel6_secmark_module_not_loaded",
     "ipv4     2 unknown  47 599 src=10.0.0.1 dst=10.0.0.2 [UNREPLIED] src=10.0.0.2 "
     "dst=10.0.0.1 mark=0 secmark=0 use=2",
     "nf_conntrack ipv4 gre(47) orig=[10.0.0.1->10.0.0.2] reply=[10.0.0.2->10.0.0.1] "
     "status=0x0/0xc006 timeout=599 mark=0 secmark=0 use=2"},
    {"rhel7_secctx_zone0",
     "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=22 dport=2 "
     "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=22 [ASSURED] mark=0 "
     "secctx=system_u:object_r:unlabeled_t:s0 zone=0 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[10.0.0.1->10.0.0.2 ports=22/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/22] status=0x6/0xc006 timeout=431999 "
     "state=ESTABLISHED mark=0 secctx=system_u:object_r:unlabeled_t:s0 use=2"},
    {"rhel7_negative_timeout_heartbeat_acked",
     "ipv4     2 sctp     132 -1 HEARTBEAT_ACKED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
     "zone-orig=4 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 "
     "secctx=system_u:object_r:unlabeled_t:s0 delta-time=9 use=2",
     "nf_conntrack ipv4 sctp(132) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] zone=4/orig status=0x6/0xc006 timeout=-1 "
     "state=HEARTBEAT_ACKED mark=0 secctx=system_u:object_r:unlabeled_t:s0 delta=9 use=2"},
    {"secctx_mcs_range_then_delta_time",
     "ipv4     2 udp      17 20 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] "
     "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 "
     "secctx=system_u:system_r:svirt_t:s0:c1,c2.c5 delta-time=1 use=2",
     "nf_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x0/0xc006 timeout=20 mark=0 "
     "secctx=system_u:system_r:svirt_t:s0:c1,c2.c5 delta=1 use=2"},
    {"secctx_apparmor_with_blank",
     "ipv4     2 udp      17 20 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] "
     "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 secctx=/usr/bin/foo//bar (enforce) "
     "zone=0 use=2",
     "nf_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x0/0xc006 timeout=20 mark=0 "
     "secctx=/usr/bin/foo//bar (enforce) use=2"},
    {"secctx_last_before_use",
     "ipv4     2 udp      17 20 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] "
     "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 secctx=a b use=2",
     "nf_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x0/0xc006 timeout=20 mark=0 "
     "secctx=a b use=2"},

    // ---- vendor kernels (docs/procfs-format.md 5.9): unknown fields are skipped ----
    {"vendor_blog_iqprio_before_use",
     "ipv4     2 udp      17 170 src=192.168.1.10 dst=8.8.8.8 sport=5000 dport=53 "
     "src=8.8.8.8 dst=192.168.1.10 sport=53 dport=5000 [ASSURED] mark=0 zone=0 blog=0 "
     "iqprio=1 use=2",
     "nf_conntrack ipv4 udp(17) orig=[192.168.1.10->8.8.8.8 ports=5000/53] "
     "reply=[8.8.8.8->192.168.1.10 ports=53/5000] status=0x6/0xc006 timeout=170 mark=0 "
     "use=2"},
    {"vendor_utt_l7proto_flags",
     "ipv4     2 tcp      6 7440 ESTABLISHED src=192.168.1.10 dst=1.1.1.1 sport=5000 "
     "dport=443 src=1.1.1.1 dst=192.168.1.10 sport=443 dport=5000 [ASSURED] [NOFASTPATH] "
     "utt_oifindex=3 mark=5 zone=0 l7proto=https uttRxF=1 uttTxF=0 use=2",
     "nf_conntrack ipv4 tcp(6) orig=[192.168.1.10->1.1.1.1 ports=5000/443] "
     "reply=[1.1.1.1->192.168.1.10 ports=443/5000] status=0x6/0xc006 timeout=7440 "
     "state=ESTABLISHED mark=5 use=2"},
    {"vendor_mac_blocks_mark_hi_lo_dur",
     "ipv4     2 udp      17 60 src=192.168.1.10 dst=8.8.4.4 sport=6000 dport=53 "
     "src=00:11:22:33:44:55 dst=66:77:88:99:aa:bb src=8.8.4.4 dst=192.168.1.10 sport=53 "
     "dport=6000 src=66:77:88:99:aa:bb dst=00:11:22:33:44:55 [ASSURED] mark=0|16 dur=42 "
     "zone=0 use=2",
     "nf_conntrack ipv4 udp(17) orig=[192.168.1.10->8.8.4.4 ports=6000/53] "
     "reply=[8.8.4.4->192.168.1.10 ports=53/6000] status=0x6/0xc006 timeout=60 use=2"},
    {"vendor_l4_names_outside_tuple_are_fields",
     "ipv4     2 udp      17 60 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 "
     "dst=10.0.0.1 sport=2 dport=1 mark=0 id=99 type=5 zone=0 use=2",
     "nf_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x2/0xc006 timeout=60 mark=0 use=2"},
    {"extra_blanks_and_trailing_blank",
     "ipv4  2  udp 17  60 src=10.0.0.1  dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 "
     "dst=10.0.0.1 sport=2 dport=1 use=2 ",
     "nf_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
     "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x2/0xc006 timeout=60 use=2"},
};

class ParseGoodTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(ParseGoodTest, DebugStringMatches) {
  const GoodCase& c = GetParam();
  Flow flow;
  ASSERT_THAT(ParseProcLine(c.line, &flow), IsOk()) << c.line;
  EXPECT_EQ(DebugString(flow), c.want) << c.line;
}

INSTANTIATE_TEST_SUITE_P(Lines, ParseGoodTest, ::testing::ValuesIn(kGoodCases),
                         [](const ::testing::TestParamInfo<GoodCase>& info) {
                           return std::string(info.param.name);
                         });

struct BadCase {
  const char* name;
  const char* line;
  const char* message;  // a substring of the kDataLoss message
};

// A good line to cut and corrupt.
#define GOOD_HEAD "ipv4     2 tcp      6 296 ESTABLISHED "
#define GOOD_ORIG "src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
#define GOOD_REPLY "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 "

const BadCase kBadCases[] = {
    {"empty", "", "empty line"},
    {"blanks_only", "   ", "empty line"},
    {"bad_ipv4", GOOD_HEAD "src=10.0.0.300 dst=10.0.0.2 sport=1 dport=2 " GOOD_REPLY "use=2",
     "bad address \"10.0.0.300\" in src="},
    {"bad_ipv4_dst", GOOD_HEAD "src=10.0.0.1 dst=10.0.0 sport=1 dport=2 " GOOD_REPLY "use=2",
     "bad address \"10.0.0\" in dst="},
    {"bad_ipv6",
     "ipv6     10 udp      17 20 src=2001:0db8:0000:0000:0000:0000:0000:00001 "
     "dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=1 dport=2 "
     "src=2001:0db8:0000:0000:0000:0000:0000:0002 dst=2001:0db8:0000:0000:0000:0000:0000:0001 "
     "sport=2 dport=1 use=2",
     "bad address \"2001:0db8:0000:0000:0000:0000:0000:00001\" in src="},
    {"ipv4_address_in_ipv6_line",
     "ipv6     10 udp      17 20 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 "
     "dst=10.0.0.1 sport=2 dport=1 use=2",
     "bad address \"10.0.0.1\" in src="},
    {"conntrack_l_output_ipv6",
     "tcp      6 431997 ESTABLISHED src=::1 dst=::1 sport=44040 dport=8080 src=::1 dst=::1 "
     "sport=8080 dport=44040 [ASSURED] mark=0 use=1",
     "IPv6 address \"::1\" in src= of a line without an L3 prefix"},
    {"port_out_of_range", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 sport=70000 dport=2 " GOOD_REPLY
     "use=2", "port 70000 out of range in sport="},
    {"bad_port", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 sport=1 dport=8o " GOOD_REPLY "use=2",
     "bad port \"8o\" in dport="},
    {"empty_port", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 sport= dport=2 " GOOD_REPLY "use=2",
     "bad port \"\" in sport="},
    {"only_one_src", GOOD_HEAD GOOD_ORIG "mark=0 use=2", "no reply tuple (only one src=)"},
    {"no_src", "ipv4     2 tcp      6 296 ESTABLISHED", "no src= (no original tuple)"},
    {"no_src_after_state_fields", "ipv4     2 gre      47 296 timeout=30, stream_timeout=180",
     "no src= (no original tuple)"},
    {"no_dst_orig", GOOD_HEAD "src=10.0.0.1 sport=1 dport=2 " GOOD_REPLY "use=2",
     "no dst= in the original tuple"},
    {"no_dst_reply", GOOD_HEAD GOOD_ORIG "src=10.0.0.2 sport=2 dport=1 use=2",
     "no dst= in the reply tuple"},
    {"second_dst", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 dst=10.0.0.3 " GOOD_REPLY "use=2",
     "second dst= \"10.0.0.3\" in one tuple"},
    {"dst_outside_tuple", GOOD_HEAD GOOD_ORIG "packets=1 bytes=2 dst=10.0.0.9 " GOOD_REPLY
     "use=2", "dst=\"10.0.0.9\" is not inside a tuple"},
    {"missing_use", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[ASSURED] mark=0 zone=0",
     "missing use="},
    {"truncated_mid_field", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[ASSURED] mark=0 zo",
     "missing use="},
    {"use_empty", GOOD_HEAD GOOD_ORIG GOOD_REPLY "use=", "bad use count \"\" in use="},
    {"use_out_of_range", GOOD_HEAD GOOD_ORIG GOOD_REPLY "use=4294967296",
     "use count 4294967296 out of range in use="},
    {"three_tuples", GOOD_HEAD GOOD_ORIG GOOD_REPLY GOOD_REPLY "use=2",
     "third src= \"10.0.0.2\""},
    {"two_lines_run_together",
     GOOD_HEAD GOOD_ORIG GOOD_REPLY "use=2" GOOD_HEAD GOOD_ORIG GOOD_REPLY "use=2",
     "bad use count \"2ipv4\" in use="},
    {"unknown_tcp_state", "ipv4     2 tcp      6 296 ESTABLISHD " GOOD_ORIG GOOD_REPLY "use=2",
     "unknown tcp state \"ESTABLISHD\""},
    {"tcp_state_lowercase", "ipv4     2 tcp      6 296 established " GOOD_ORIG GOOD_REPLY
     "use=2", "unknown tcp state \"established\""},
    {"sctp_state_of_tcp", "ipv4     2 sctp     132 296 SYN_SENT " GOOD_ORIG GOOD_REPLY "use=2",
     "unknown sctp state \"SYN_SENT\""},
    {"state_on_udp", "ipv4     2 udp      17 296 ESTABLISHED " GOOD_ORIG GOOD_REPLY "use=2",
     "unexpected word \"ESTABLISHED\" before src= (protocol 17 has no state)"},
    {"two_state_words", "ipv4     2 tcp      6 296 ESTABLISHED CLOSE " GOOD_ORIG GOOD_REPLY
     "use=2", "unexpected word \"CLOSE\" after the state"},
    {"l4num_out_of_range", "ipv4     2 tcp      256 296 " GOOD_ORIG GOOD_REPLY "use=2",
     "L4 protocol number 256 out of range"},
    {"l4num_bad", "ipv4     2 tcp      x6 296 " GOOD_ORIG GOOD_REPLY "use=2",
     "bad L4 protocol number \"x6\""},
    {"l3_mismatch", "ipv4     10 tcp      6 296 " GOOD_ORIG GOOD_REPLY "use=2",
     "L3 protocol number 10 does not match \"ipv4\""},
    {"l3_unknown", "unknown  7 tcp      6 296 " GOOD_ORIG GOOD_REPLY "use=2",
     "unsupported L3 protocol 7"},
    {"no_protocol_name", "src=10.0.0.1 dst=10.0.0.2", "line does not start with a protocol name"},
    {"head_only", "ipv4     2 tcp      6", "line ends after the L4 protocol number"},
    {"timeout_out_of_range",
     "ipv4     2 tcp      6 99999999999999999999 " GOOD_ORIG GOOD_REPLY "use=2",
     "timeout 99999999999999999999 out of range"},
    {"zone_out_of_range", GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=0 zone=70000 use=2",
     "zone 70000 out of range in zone="},
    {"zone_orig_out_of_range", GOOD_HEAD GOOD_ORIG "zone-orig=65536 " GOOD_REPLY "use=2",
     "zone 65536 out of range in zone-orig="},
    {"two_zones", GOOD_HEAD GOOD_ORIG "zone-orig=3 " GOOD_REPLY "zone=0 use=2",
     "second zone field zone=0"},
    {"mark_out_of_range", GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=4294967296 use=2",
     "mark 4294967296 out of range in mark="},
    {"mark_negative", GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=-1 use=2",
     "bad mark \"-1\" in mark="},
    {"secmark_out_of_range", GOOD_HEAD GOOD_ORIG GOOD_REPLY "secmark=4294967296 use=2",
     "secmark 4294967296 out of range in secmark="},
    {"counter_overflow", GOOD_HEAD GOOD_ORIG "packets=18446744073709551616 bytes=0 " GOOD_REPLY
     "use=2", "counter 18446744073709551616 out of range in packets="},
    {"counter_overflow_long", GOOD_HEAD GOOD_ORIG "packets=1 bytes=99999999999999999999999 "
     GOOD_REPLY "use=2", "counter 99999999999999999999999 out of range in bytes="},
    {"packets_without_bytes", GOOD_HEAD GOOD_ORIG "packets=1 " GOOD_REPLY "use=2",
     "packets= without bytes= in the original direction"},
    {"bytes_without_packets", GOOD_HEAD GOOD_ORIG GOOD_REPLY "bytes=1 use=2",
     "bytes= without packets= in the reply direction"},
    {"counters_before_first_tuple",
     "ipv4     2 udp      17 20 src=00:11:22:33:44:55 packets=1 bytes=1 " GOOD_ORIG GOOD_REPLY
     "use=2", "packets= before the first src="},
    {"delta_time_out_of_range", GOOD_HEAD GOOD_ORIG GOOD_REPLY
     "delta-time=18446744073709551616 use=2",
     "delta-time 18446744073709551616 out of range in delta-time="},
    {"icmp_type_out_of_range",
     "ipv4     2 icmp     1 26 src=10.0.0.1 dst=10.0.0.2 type=256 code=0 id=1 src=10.0.0.2 "
     "dst=10.0.0.1 type=0 code=0 id=1 use=2",
     "ICMP type 256 out of range in type="},
    {"icmp_id_out_of_range",
     "ipv4     2 icmp     1 26 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=65536 src=10.0.0.2 "
     "dst=10.0.0.1 type=0 code=0 id=1 use=2",
     "ICMP id 65536 out of range in id="},
    {"gre_key_out_of_range",
     "ipv4     2 gre      47 296 timeout=0, stream_timeout=0 src=10.0.0.1 dst=10.0.0.2 "
     "srckey=0x10000 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 use=2",
     "GRE key 0x10000 out of range in srckey="},
    {"gre_key_not_hex",
     "ipv4     2 gre      47 296 src=10.0.0.1 dst=10.0.0.2 srckey=1234 dstkey=0x0 "
     "src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 use=2",
     "bad GRE key \"1234\" in srckey="},
    {"gre_timeout_bad",
     "ipv4     2 gre      47 296 timeout=x, stream_timeout=0 src=10.0.0.1 dst=10.0.0.2 "
     "srckey=0x0 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 use=2",
     "bad GRE timeout \"x\" in timeout="},
    {"bare_word_in_fields", GOOD_HEAD GOOD_ORIG GOOD_REPLY "garbage use=2",
     "unexpected token \"garbage\""},
    // Found by //fuzz:procfs_line_fuzzer: L4 keys are all or none of the protocol's.
    {"ports_on_protocol_without_ports",
     "ipv4     2 unknown  2 599 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
     "src=10.0.0.2 dst=10.0.0.1 use=2",
     "sport= in the original tuple does not belong to protocol 2"},
    {"ports_on_icmp",
     "ipv4     2 icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=1 "
     "src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1 sport=5 use=2",
     "sport= in the reply tuple does not belong to protocol 1"},
    {"dport_missing", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 sport=1 " GOOD_REPLY "use=2",
     "no dport= in the original tuple"},
    {"icmp_id_missing",
     "ipv4     2 icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 "
     "src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1 use=2",
     "no id= in the original tuple"},
    {"gre_key_missing",
     "ipv4     2 gre      47 29 src=10.0.0.1 dst=10.0.0.2 srckey=0x1 dstkey=0x2 "
     "src=10.0.0.2 dst=10.0.0.1 srckey=0x2 use=2",
     "no dstkey= in the reply tuple"},
    {"second_sport", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 sport=1 sport=3 dport=2 " GOOD_REPLY
     "use=2", "second sport= in one tuple"},
    {"l4_keys_in_one_tuple_only",
     "ipv4     2 gre      47 27 timeout=30, stream_timeout=180 src=127.0.0.1 dst=127.0.0.2 "
     "\x1asrckey=0x0 dstkey=0x0 src=127.0.0.2 dst=127.0.0.1 srckey=0x0 dstkey=0x0 use=2",
     "L4 keys in the reply tuple but not in the original tuple"},
    {"gre_timeouts_without_keys",
     "ipv4     2 gre      47 27 timeout=30, stream_timeout=180 src=127.0.0.1 dst=127.0.0.2 "
     "src=127.0.0.2 dst=127.0.0.1 use=2",
     "GRE timeout=/stream_timeout= without srckey=/dstkey="},
    {"offload_and_assured", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[OFFLOAD] [ASSURED] use=2",
     "\"[ASSURED]\" after another of [HW_OFFLOAD], [OFFLOAD], [ASSURED] (the kernel prints "
     "one)"},
    {"binary_junk_quoted", GOOD_HEAD "src=10.0.0.1 dst=10.0.0.2 sport=1\x01 " GOOD_REPLY
     "use=2", "bad port \"1\\x01\" in sport="},
    // One rule for every field (issue 12, item 7): each decoded field once, every token
    // well formed.
    {"second_mark", GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=1 mark=2 zone=0 use=2",
     "second mark= (a field appears once per line)"},
    {"second_use", GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=0 zone=0 use=2 use=3",
     "second use= (a field appears once per line)"},
    {"second_secmark", GOOD_HEAD GOOD_ORIG GOOD_REPLY "secmark=1 secmark=1 use=2",
     "second secmark="},
    {"second_delta_time", GOOD_HEAD GOOD_ORIG GOOD_REPLY "delta-time=1 delta-time=2 use=2",
     "second delta-time="},
    {"second_secctx", GOOD_HEAD GOOD_ORIG GOOD_REPLY "secctx=a zone=0 secctx=b use=2",
     "second secctx="},
    {"second_packets", GOOD_HEAD GOOD_ORIG "packets=1 bytes=2 packets=3 " GOOD_REPLY "use=2",
     "second packets= in the original direction"},
    {"second_bytes", GOOD_HEAD GOOD_ORIG GOOD_REPLY "packets=1 bytes=2 bytes=3 use=2",
     "second bytes= in the reply direction"},
    {"second_unreplied", GOOD_HEAD GOOD_ORIG "[UNREPLIED] [UNREPLIED] " GOOD_REPLY "use=2",
     "second [UNREPLIED]"},
    {"second_gre_timeout",
     "ipv4     2 gre      47 296 timeout=0, timeout=1, stream_timeout=0 src=10.0.0.1 "
     "dst=10.0.0.2 srckey=0x0 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 use=2",
     "second timeout="},
    {"empty_key", GOOD_HEAD GOOD_ORIG GOOD_REPLY "=0 use=2", "empty key in \"=0\""},
    {"empty_key_before_src", GOOD_HEAD "=0 " GOOD_ORIG GOOD_REPLY "use=2", "empty key in \"=0\""},
    {"unterminated_flag", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[ASSURED mark=0 use=2",
     "unterminated flag \"[ASSURED\" (no closing ])"},
    {"unterminated_vendor_flag_before_src", GOOD_HEAD "[FAST " GOOD_ORIG GOOD_REPLY "use=2",
     "unterminated flag \"[FAST\""},
    {"empty_flag", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[] use=2", "malformed flag \"[]\""},
    {"flag_in_flag", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[A[B]] use=2", "malformed flag"},
    {"lone_bracket", GOOD_HEAD GOOD_ORIG GOOD_REPLY "[ use=2", "unterminated flag \"[\""},
};

// A NUL byte is named with its column, wherever it is (it used to surface as whatever
// it broke: "no reply tuple" for one inside the reply's src key).
TEST(ParseProcLineTest, NulByteIsNamedWithItsColumn) {
  const std::string good = GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=0 zone=0 use=2";
  Flow flow;
  ASSERT_THAT(ParseProcLine(good, &flow), IsOk());
  for (size_t at : {size_t{0}, size_t{5}, good.find("src=10.0.0.2") + 1, good.size() - 1}) {
    std::string bad = good;
    bad[at] = '\0';
    EXPECT_THAT(ParseProcLine(bad, &flow),
                StatusIs(absl::StatusCode::kDataLoss,
                         ::testing::Eq(absl::StrCat("NUL byte at column ", at + 1))))
        << at;
  }
}

// Unknown fields are vendor fields, skipped alike however often they occur.
TEST(ParseProcLineTest, UnknownFieldsAndFlagsAreSkippedEvenWhenRepeated) {
  Flow flow;
  ASSERT_THAT(ParseProcLine(GOOD_HEAD GOOD_ORIG "dur=1 [FASTPATH] " GOOD_REPLY
                            "dur=2 [FASTPATH] [NOACCEL] mark=0|1 mark=7 zone=0 use=2",
                            &flow),
              IsOk());
  EXPECT_EQ(flow.mark, 7u);
  EXPECT_EQ(flow.use, 2u);
}

class ParseBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseBadTest, FailsWithDataLoss) {
  const BadCase& c = GetParam();
  Flow flow;
  EXPECT_THAT(ParseProcLine(c.line, &flow),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(c.message)))
      << c.line;
}

INSTANTIATE_TEST_SUITE_P(Lines, ParseBadTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ParseProcLineTest, ClearsThePreviousRecord) {
  Flow flow;
  ASSERT_THAT(ParseProcLine(GOOD_HEAD GOOD_ORIG "packets=1 bytes=2 " GOOD_REPLY
                            "packets=3 bytes=4 [ASSURED] mark=9 secctx=x zone=4 "
                            "delta-time=5 use=2",
                            &flow),
              IsOk());
  ASSERT_THAT(ParseProcLine("udp      17 20 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 "
                            "[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 use=1",
                            &flow),
              IsOk());
  EXPECT_EQ(DebugString(flow),
            "ip_conntrack ipv4 udp(17) orig=[10.0.0.1->10.0.0.2 ports=1/2] "
            "reply=[10.0.0.2->10.0.0.1 ports=2/1] status=0x0/0xc006 timeout=20 use=1");
}

// The first unknown [FLAG] of a line is noted for the reader to report; known flags, and
// lines without flags, note nothing.
TEST(ParseProcLineTest, NotesTheFirstUnknownFlag) {
  struct Case {
    const char* line;
    const char* flag;
  };
  const Case cases[] = {
      {GOOD_HEAD GOOD_ORIG "[UNREPLIED] " GOOD_REPLY "[ASSURED] mark=0 use=2", ""},
      {GOOD_HEAD GOOD_ORIG GOOD_REPLY "[OFFLOAD] use=2", ""},
      {GOOD_HEAD GOOD_ORIG GOOD_REPLY "[HW_OFFLOAD] use=2", ""},
      {GOOD_HEAD GOOD_ORIG GOOD_REPLY "use=2", ""},
      {GOOD_HEAD GOOD_ORIG "[FASTPATH] " GOOD_REPLY "[NOACCEL] use=2", "[FASTPATH]"},
      {GOOD_HEAD GOOD_ORIG GOOD_REPLY "[ASSURED] [WHATEVER] use=2", "[WHATEVER]"},
  };
  for (const Case& c : cases) {
    Flow flow;
    ProcLineNotes notes;
    notes.unknown_flag = "stale";
    ASSERT_THAT(ParseProcLine(c.line, &flow, &notes), IsOk()) << c.line;
    EXPECT_EQ(notes.unknown_flag, c.flag) << c.line;
  }
}

TEST(ParseProcLineTest, LongTokensAreQuotedShort) {
  std::string junk(500, '1');
  Flow flow;
  absl::Status s = ParseProcLine(absl::StrCat(GOOD_HEAD GOOD_ORIG GOOD_REPLY "mark=", junk,
                                              " use=2"),
                                 &flow);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDataLoss, HasSubstr("out of range in mark=")));
  EXPECT_LT(s.message().size(), 120u) << s.message();
}

// The tokenizer reads 8 bytes at a time: where a token, its '=' and the next blank fall
// within a word, and how many blanks separate tokens, must not change the result.
TEST(ParseProcLineTest, BlanksAndAlignmentChangeNothing) {
  for (const GoodCase& c : kGoodCases) {
    const std::string line = c.line;
    if (line.find("secctx=") != std::string::npos) continue;  // its value may hold blanks
    for (int blanks = 1; blanks <= 9; ++blanks) {
      std::string wide;
      for (char ch : line) {
        if (ch == ' ') {
          wide.append(static_cast<size_t>(blanks), ' ');
        } else {
          wide.push_back(ch);
        }
      }
      for (size_t shift = 0; shift < 8; ++shift) {
        // The line at every offset of a word, followed by bytes that must not be read
        // as part of it.
        const std::string buffer = std::string(shift, 'x') + wide + " =x=";
        Flow flow;
        ASSERT_THAT(ParseProcLine(absl::string_view(buffer).substr(shift, wide.size()), &flow),
                    IsOk())
            << c.name << " blanks=" << blanks << " shift=" << shift;
        EXPECT_EQ(DebugString(flow), c.want) << c.name << " blanks=" << blanks;
      }
    }
  }
}

// A key=value token's first '=' splits it, wherever the '=' falls in a word.
TEST(ParseProcLineTest, VendorFieldWithSeveralEquals) {
  for (const char* vendor : {"a=b=c", "x==", "vendor_field_name=1=2=3"}) {
    Flow flow;
    ASSERT_THAT(ParseProcLine(absl::StrCat(GOOD_HEAD GOOD_ORIG GOOD_REPLY, vendor, " use=2"),
                              &flow),
                IsOk())
        << vendor;
    EXPECT_EQ(flow.use, 2u);
  }
}

// A token without '=' is reported as itself, even when the next token's '=' is within
// the same 8-byte word.
TEST(ParseProcLineTest, TokenWithoutEqualsBeforeKeyValue) {
  for (const char* junk : {"j", "junk", "junk567"}) {
    for (size_t shift = 0; shift < 8; ++shift) {
      const std::string buffer = absl::StrCat(std::string(shift, 'x'), GOOD_HEAD GOOD_ORIG,
                                              junk, " m=1 " GOOD_REPLY "use=2");
      Flow flow;
      EXPECT_THAT(ParseProcLine(absl::string_view(buffer).substr(shift), &flow),
                  StatusIs(absl::StatusCode::kDataLoss,
                           HasSubstr(absl::StrCat("unexpected token \"", junk, "\""))))
          << junk << " shift=" << shift;
    }
  }
}

// Every prefix of a good line fails cleanly (no crash, no OK) until use= is complete.
TEST(ParseProcLineTest, EveryTruncationFails) {
  const std::string line =
      "ipv6     10 gre      47 296 timeout=0, stream_timeout=0 "
      "src=2001:0db8:0000:0000:0000:0000:0000:0007 dst=2001:0db8:0000:0000:0000:0000:0000:0008 "
      "srckey=0x0 dstkey=0xffff packets=0 bytes=0 [UNREPLIED] "
      "src=2001:0db8:0000:0000:0000:0000:0000:0008 dst=2001:0db8:0000:0000:0000:0000:0000:0007 "
      "srckey=0xffff dstkey=0x0 packets=0 bytes=0 mark=0 secctx=a:b:c zone=0 delta-time=3 "
      "use=2";
  Flow flow;
  ASSERT_THAT(ParseProcLine(line, &flow), IsOk());
  for (size_t n = 0; n + 1 < line.size(); ++n) {
    EXPECT_THAT(ParseProcLine(absl::string_view(line).substr(0, n), &flow),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << n;
  }
}

}  // namespace
}  // namespace ctdump
