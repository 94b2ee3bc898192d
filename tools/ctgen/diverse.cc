// File: tools/ctgen/diverse.cc
//
// The fixed `ctgen --diverse` set; see diverse.h for the plan. Ports and addresses are
// all distinct so that every entry is a distinct tuple (the zone duplicate excepted, on
// purpose).

#include "tools/ctgen/diverse.h"

#include <libnetfilter_conntrack/libnetfilter_conntrack_sctp.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"

namespace ctgen {
namespace {

// Collects entries; remembers the first bad address literal (a table bug).
class Table {
 public:
  EntrySpec& Add(std::string name, uint8_t proto, const char* src, const char* dst) {
    EntrySpec e;
    e.name = std::move(name);
    e.family = absl::StrContains(src, ':') ? AF_INET6 : AF_INET;
    e.proto = proto;
    e.src = Parse(src, e.family);
    e.dst = Parse(dst, e.family);
    entries_.push_back(std::move(e));
    return entries_.back();
  }

  EntrySpec& Ports(std::string name, uint8_t proto, const char* src, const char* dst,
                   uint16_t sport, uint16_t dport, uint32_t status) {
    EntrySpec& e = Add(std::move(name), proto, src, dst);
    e.sport = sport;
    e.dport = dport;
    e.status = status;
    return e;
  }

  EntrySpec& Tcp(std::string name, const char* src, const char* dst, uint16_t sport, uint16_t dport,
                 uint8_t state, uint32_t status) {
    EntrySpec& e = Ports(std::move(name), kTcp, src, dst, sport, dport, status);
    e.tcp_state = state;
    return e;
  }

  EntrySpec& Icmp(std::string name, const char* src, const char* dst, uint8_t type, uint16_t id,
                  uint32_t status) {
    EntrySpec& e = Add(std::move(name), absl::StrContains(src, ':') ? kIcmpV6 : kIcmp, src, dst);
    e.icmp_type = type;
    e.icmp_id = id;
    e.status = status;
    return e;
  }

  EntrySpec& Sctp(std::string name, const char* src, const char* dst, uint16_t sport, uint8_t state,
                  uint32_t status) {
    EntrySpec& e = Ports(std::move(name), kSctp, src, dst, sport, 3868, status);
    e.sctp_state = state;
    return e;
  }

  Addr Parse(const char* text, uint8_t family) {
    absl::StatusOr<Addr> a = ParseAddr(text, family);
    if (!a.ok()) {
      if (status_.ok()) status_ = a.status();
      return Addr{};
    }
    return *a;
  }

  absl::StatusOr<std::vector<EntrySpec>> Finish() && {
    if (!status_.ok()) return status_;
    return std::move(entries_);
  }

 private:
  std::vector<EntrySpec> entries_;
  absl::Status status_;
};

constexpr uint32_t kUnreplied = 0;
constexpr uint32_t kReplied = kSeenReply;
constexpr uint32_t kReplAss = kSeenReply | kAssured;

}  // namespace

absl::StatusOr<std::vector<EntrySpec>> DiverseEntries() {
  Table t;

  // --- 10.1: TCP in every state (kernel values 0..9).
  t.Tcp("tcp NONE", "10.1.0.1", "10.1.0.2", 1000, 80, TCP_CONNTRACK_NONE, kUnreplied).optional =
      true;
  t.Tcp("tcp SYN_SENT", "10.1.0.1", "10.1.0.2", 1001, 80, TCP_CONNTRACK_SYN_SENT, kUnreplied);
  t.Tcp("tcp SYN_RECV", "10.1.0.1", "10.1.0.2", 1002, 80, TCP_CONNTRACK_SYN_RECV, kReplied);
  t.Tcp("tcp ESTABLISHED", "10.1.0.1", "10.1.0.2", 1003, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss)
      .timeout = 432000;
  t.Tcp("tcp FIN_WAIT", "10.1.0.1", "10.1.0.2", 1004, 80, TCP_CONNTRACK_FIN_WAIT, kReplAss);
  t.Tcp("tcp CLOSE_WAIT", "10.1.0.1", "10.1.0.2", 1005, 80, TCP_CONNTRACK_CLOSE_WAIT, kReplAss);
  t.Tcp("tcp LAST_ACK", "10.1.0.1", "10.1.0.2", 1006, 80, TCP_CONNTRACK_LAST_ACK, kReplAss);
  t.Tcp("tcp TIME_WAIT", "10.1.0.1", "10.1.0.2", 1007, 80, TCP_CONNTRACK_TIME_WAIT, kReplAss);
  t.Tcp("tcp CLOSE", "10.1.0.1", "10.1.0.2", 1008, 80, TCP_CONNTRACK_CLOSE, kReplied);
  t.Tcp("tcp SYN_SENT2", "10.1.0.1", "10.1.0.2", 1009, 80, TCP_CONNTRACK_SYN_SENT2, kUnreplied);
  t.Tcp("tcp6 ESTABLISHED", "2001:db8:1::1", "2001:db8:1::2", 1003, 443, TCP_CONNTRACK_ESTABLISHED,
        kReplAss);
  t.Tcp("tcp6 SYN_SENT", "2001:db8:1::1", "2001:db8:1::2", 1001, 443, TCP_CONNTRACK_SYN_SENT,
        kUnreplied);
  t.Tcp("tcp6 TIME_WAIT", "2001:db8:1::1", "2001:db8:1::2", 1007, 443, TCP_CONNTRACK_TIME_WAIT,
        kReplAss);

  // --- 10.2: status combinations.
  t.Tcp("status unreplied", "10.2.0.1", "10.2.0.2", 2000, 22, TCP_CONNTRACK_ESTABLISHED,
        kUnreplied);
  t.Tcp("status replied", "10.2.0.1", "10.2.0.2", 2001, 22, TCP_CONNTRACK_ESTABLISHED, kReplied);
  t.Tcp("status replied+assured", "10.2.0.1", "10.2.0.2", 2002, 22, TCP_CONNTRACK_ESTABLISHED,
        kReplAss);
  t.Tcp("status unreplied+assured", "10.2.0.1", "10.2.0.2", 2003, 22, TCP_CONNTRACK_ESTABLISHED,
        kAssured);
  t.Ports("udp unreplied+assured", kUdp, "10.2.0.1", "10.2.0.2", 2004, 514, kAssured);

  // --- 10.3: UDP and UDP-Lite.
  t.Ports("udp unreplied", kUdp, "10.3.0.1", "10.3.0.2", 5353, 53, kUnreplied);
  t.Ports("udp replied", kUdp, "10.3.0.1", "10.3.0.2", 40000, 53, kReplied);
  t.Ports("udp assured", kUdp, "10.3.0.1", "10.3.0.2", 40001, 123, kReplAss);
  t.Ports("udp broadcast", kUdp, "0.0.0.0", "255.255.255.255", 68, 67, kUnreplied);
  t.Ports("udplite replied", kUdpLite, "10.3.0.3", "10.3.0.4", 7000, 7001, kReplied);
  t.Ports("udplite unreplied", kUdpLite, "10.3.0.3", "10.3.0.4", 7002, 7001, kUnreplied);
  t.Ports("udp6 replied", kUdp, "2001:db8:3::1", "2001:db8:3::53", 40002, 53, kReplied);
  t.Ports("udplite6 unreplied", kUdpLite, "2001:db8:3::1", "2001:db8:3::2", 7000, 7001, kUnreplied);

  // --- 10.4: ICMP and ICMPv6.
  t.Icmp("icmp echo unreplied", "10.4.0.1", "10.4.0.2", 8, 1234, kUnreplied);
  t.Icmp("icmp echo replied", "10.4.0.1", "10.4.0.2", 8, 1, kReplied);
  t.Icmp("icmp timestamp", "10.4.0.1", "10.4.0.2", 13, 2, kUnreplied);
  t.Icmp("icmpv6 echo unreplied", "2001:db8:4::1", "2001:db8:4::2", 128, 77, kUnreplied);
  t.Icmp("icmpv6 echo replied", "2001:db8:4::1", "2001:db8:4::2", 128, 78, kReplied);
  t.Icmp("icmpv6 node information", "2001:db8:4::1", "2001:db8:4::2", 139, 79, kUnreplied);

  // --- 10.5: SCTP.
  t.Sctp("sctp NONE", "10.5.0.1", "10.5.0.2", 3000, SCTP_CONNTRACK_NONE, kUnreplied).optional =
      true;
  t.Sctp("sctp CLOSED", "10.5.0.1", "10.5.0.2", 3001, SCTP_CONNTRACK_CLOSED, kUnreplied);
  t.Sctp("sctp COOKIE_WAIT", "10.5.0.1", "10.5.0.2", 3002, SCTP_CONNTRACK_COOKIE_WAIT, kUnreplied);
  t.Sctp("sctp COOKIE_ECHOED", "10.5.0.1", "10.5.0.2", 3003, SCTP_CONNTRACK_COOKIE_ECHOED,
         kReplied);
  t.Sctp("sctp ESTABLISHED", "10.5.0.1", "10.5.0.2", 3004, SCTP_CONNTRACK_ESTABLISHED, kReplAss);
  t.Sctp("sctp SHUTDOWN_SENT", "10.5.0.1", "10.5.0.2", 3005, SCTP_CONNTRACK_SHUTDOWN_SENT,
         kReplAss);
  t.Sctp("sctp SHUTDOWN_RECD", "10.5.0.1", "10.5.0.2", 3006, SCTP_CONNTRACK_SHUTDOWN_RECD,
         kReplAss);
  t.Sctp("sctp SHUTDOWN_ACK_SENT", "10.5.0.1", "10.5.0.2", 3007, SCTP_CONNTRACK_SHUTDOWN_ACK_SENT,
         kReplAss);
  t.Sctp("sctp HEARTBEAT_SENT", "10.5.0.1", "10.5.0.2", 3008, SCTP_CONNTRACK_HEARTBEAT_SENT,
         kReplAss);
  t.Sctp("sctp6 ESTABLISHED", "2001:db8:5::1", "2001:db8:5::2", 3004, SCTP_CONNTRACK_ESTABLISHED,
         kReplAss);

  // --- 10.6: GRE (keys travel as CTA_PROTO_{SRC,DST}_PORT).
  t.Ports("gre keys", kGre, "10.6.0.1", "10.6.0.2", 0x1234, 0x5678, kUnreplied);
  t.Ports("gre zero keys", kGre, "10.6.0.3", "10.6.0.4", 0, 0, kReplied);
  t.Ports("gre max key", kGre, "10.6.0.5", "10.6.0.6", 0xffff, 0x1, kReplAss);
  t.Ports("gre6 keys", kGre, "2001:db8:6::1", "2001:db8:6::2", 0xabc, 0xdef, kUnreplied);

  // --- 10.7: DCCP (generic on 6.17+) and protocols without a tracker.
  t.Add("dccp (generic)", kDccp, "10.7.0.1", "10.7.0.2");
  t.Add("dccp6 (generic)", kDccp, "2001:db8:7::1", "2001:db8:7::2");
  t.Add("proto 253", 253, "10.7.0.3", "10.7.0.4");
  t.Add("proto 99", 99, "10.7.0.5", "10.7.0.6").status = kReplied;
  t.Add("proto 0", 0, "10.7.0.7", "10.7.0.8").optional = true;
  t.Add("proto6 253", 253, "2001:db8:7::3", "2001:db8:7::4");

  // --- IPv6 address shapes (compressed by conntrack, expanded by /proc).
  t.Tcp("v6 v4-mapped", "::ffff:192.0.2.1", "::ffff:192.0.2.2", 6000, 80, TCP_CONNTRACK_ESTABLISHED,
        kReplAss);
  t.Tcp("v6 v4-compatible", "::192.0.2.1", "::192.0.2.2", 6001, 80, TCP_CONNTRACK_ESTABLISHED,
        kReplAss);
  t.Tcp("v6 link-local", "fe80::1", "fe80::2", 6002, 22, TCP_CONNTRACK_ESTABLISHED, kReplAss);
  t.Ports("v6 multicast mdns", kUdp, "fe80::1", "ff02::fb", 5353, 5353, kUnreplied);
  t.Ports("v6 multicast dhcp", kUdp, "fe80::1", "ff05::1:3", 546, 547, kUnreplied);
  t.Ports("v6 unspecified", kUdp, "::", "ff02::16", 0, 0, kUnreplied);
  t.Tcp("v6 single zero group", "2001:db8:0:1:1:1:1:1", "2001:db8:1:2:3:4:5:6", 6003, 80,
        TCP_CONNTRACK_ESTABLISHED, kReplied);
  t.Tcp("v6 equal zero runs", "2001:0:0:1:0:0:1:1", "2001:db8::", 6004, 80,
        TCP_CONNTRACK_ESTABLISHED, kReplied);
  t.Tcp("v6 later longer run", "2001:db8:0:1::1", "fd00::", 6005, 80, TCP_CONNTRACK_ESTABLISHED,
        kUnreplied);

  // --- 10.8: marks.
  t.Tcp("mark 0", "10.8.0.1", "10.8.0.2", 8000, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss).mark = 0;
  t.Tcp("mark 42", "10.8.0.1", "10.8.0.2", 8001, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss).mark = 42;
  t.Tcp("mark 0xffffffff", "10.8.0.1", "10.8.0.2", 8002, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss)
      .mark = 0xffffffffu;
  t.Ports("udp6 mark 42", kUdp, "2001:db8:8::1", "2001:db8:8::2", 8003, 53, kReplied).mark = 42;

  // --- 10.9: zones.
  t.Tcp("zone 7", "10.9.0.1", "10.9.0.2", 9000, 22, TCP_CONNTRACK_ESTABLISHED, kReplAss).zone = 7;
  t.Ports("zone 65535", kUdp, "10.9.0.1", "10.9.0.2", 9001, 53, kReplied).zone = 65535;
  t.Tcp("zone orig-only 6", "10.9.0.1", "10.9.0.2", 9002, 22, TCP_CONNTRACK_ESTABLISHED, kUnreplied)
      .orig_zone = 6;
  t.Tcp("zone reply-only 9", "10.9.0.1", "10.9.0.2", 9003, 22, TCP_CONNTRACK_ESTABLISHED,
        kUnreplied)
      .reply_zone = 9;
  t.Tcp("zone 0 twin", "10.9.0.1", "10.9.0.2", 9004, 22, TCP_CONNTRACK_ESTABLISHED, kReplAss);
  t.Tcp("zone 7 twin", "10.9.0.1", "10.9.0.2", 9004, 22, TCP_CONNTRACK_ESTABLISHED, kReplAss).zone =
      7;
  t.Ports("zone6 orig-only 65535", kUdp, "2001:db8:9::1", "2001:db8:9::2", 9005, 53, kUnreplied)
      .orig_zone = 65535;

  // --- 10.10: NAT (kernel-made: reply tuple rewritten, NAT status bits set).
  {
    EntrySpec& e = t.Tcp("dnat addr+port", "10.10.0.1", "10.10.0.2", 3003, 80,
                         TCP_CONNTRACK_ESTABLISHED, kUnreplied);
    e.dnat_addr = t.Parse("10.10.6.7", AF_INET);
    e.dnat_port = 8080;
  }
  t.Tcp("dnat addr", "10.10.0.1", "10.10.0.2", 3004, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss)
      .dnat_addr = t.Parse("10.10.6.8", AF_INET);
  {
    EntrySpec& e = t.Tcp("dnat port only", "10.10.0.1", "10.10.0.2", 3005, 80,
                         TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.dnat_addr = t.Parse("10.10.0.2", AF_INET);
    e.dnat_port = 8081;
  }
  {
    EntrySpec& e = t.Tcp("snat addr+port", "10.10.0.3", "10.10.0.4", 3006, 80,
                         TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.snat_addr = t.Parse("198.51.100.1", AF_INET);
    e.snat_port = 5555;
  }
  {
    EntrySpec& e =
        t.Tcp("snat+dnat", "10.10.0.5", "10.10.0.6", 3007, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.snat_addr = t.Parse("198.51.100.2", AF_INET);
    e.dnat_addr = t.Parse("10.10.6.9", AF_INET);
    e.dnat_port = 8080;
  }
  t.Ports("udp snat", kUdp, "10.10.0.7", "10.10.0.8", 3008, 53, kReplied).snat_addr =
      t.Parse("198.51.100.3", AF_INET);
  {
    EntrySpec& e = t.Tcp("dnat6 addr+port", "2001:db8:10::1", "2001:db8:10::2", 3009, 443,
                         TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.dnat_addr = t.Parse("fd00:10::7", AF_INET6);
    e.dnat_port = 8443;
  }
  t.Tcp("snat6 addr", "2001:db8:10::3", "2001:db8:10::4", 3010, 443, TCP_CONNTRACK_ESTABLISHED,
        kReplAss)
      .snat_addr = t.Parse("2001:db8:ffff::1", AF_INET6);

  // --- 10.11: large timeouts.
  t.Tcp("timeout 432000", "10.11.0.1", "10.11.0.2", 1100, 80, TCP_CONNTRACK_ESTABLISHED, kReplAss)
      .timeout = 432000;
  t.Ports("timeout 2147483", kUdp, "10.11.0.1", "10.11.0.2", 1101, 80, kReplied).timeout = 2147483;
  t.Tcp("timeout 4294967295", "10.11.0.1", "10.11.0.2", 1102, 80, TCP_CONNTRACK_ESTABLISHED,
        kReplAss)
      .timeout = 4294967295u;

  // --- 10.12: labels and helper (kernel/ruleset dependent, hence optional).
  {
    EntrySpec& e = t.Tcp("labels bit 0", "10.12.0.1", "10.12.0.2", 1200, 80,
                         TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.label_bits = {0};
    e.optional = true;
  }
  {
    EntrySpec& e = t.Tcp("labels bits 1,40,127", "10.12.0.1", "10.12.0.2", 1201, 80,
                         TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.label_bits = {1, 40, 127};
    e.optional = true;
  }
  {
    EntrySpec& e = t.Tcp("helper ftp", "10.12.0.1", "10.12.0.2", 1202, 21,
                         TCP_CONNTRACK_ESTABLISHED, kReplAss);
    e.helper = "ftp";
    e.optional = true;
  }

  return std::move(t).Finish();
}

}  // namespace ctgen
