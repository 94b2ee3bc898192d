// File: tools/ctgen/diverse.h
//
// DiverseEntries(): the fixed set that `ctgen --diverse` creates. It is meant to cover
// every shape a conntrack line can take on Linux 6.18 without traffic. Addresses are
// chosen from documentation/private ranges that loopback traffic never uses, so the set
// can be combined with real traffic (tools/testing/netns.sh ct_real_traffic) in one netns.
//
// Groups (IPv4 range, what it covers):
//   10.1.0.0/24   TCP in every state: NONE (optional), SYN_SENT, SYN_RECV, ESTABLISHED,
//                 FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE, SYN_SENT2; IPv6 too
//   10.2.0.0/24   status: [UNREPLIED]; replied; replied+[ASSURED]; [UNREPLIED]+[ASSURED]
//   10.3.0.0/24   UDP and UDP-Lite (replied, unreplied, assured), 0.0.0.0 -> broadcast
//   10.4.0.0/24   ICMP echo (unreplied, replied), timestamp; ICMPv6 echo, node information
//   10.5.0.0/24   SCTP in CLOSED .. HEARTBEAT_SENT (NONE optional); IPv6 ESTABLISHED
//   10.6.0.0/24   GRE with keys (0x1234/0x5678, 0x0/0x0, 0xffff/0x1), IPv4 and IPv6
//   10.7.0.0/24   DCCP (protocol 33: generic on 6.17+, so no ports), protocols 253 and 99,
//                 protocol 0 (optional); IPv6 unknown protocol
//   IPv6          ::ffff:192.0.2.x (v4-mapped), ::192.0.2.x (v4-compatible, printed
//                 dotted by inet_ntop), fe80:: link-local, ff02::fb / ff05::1:3 multicast,
//                 :: (unspecified), compression corner cases (single zero group, two
//                 equal zero runs, trailing zeros, no zero group)
//   10.8.0.0/24   marks 0 (explicit), 42, 0xffffffff
//   10.9.0.0/24   zones: both directions 7 and 65535, orig-only 6, reply-only 9, and the
//                 same tuple as a zone-0 entry in zone 7
//   10.10.0.0/24  NAT through CTA_NAT_DST/CTA_NAT_SRC (kernel sets the NAT status bits and
//                 rewrites the reply tuple): DNAT addr+port, DNAT addr only, DNAT port only,
//                 SNAT addr+port, SNAT+DNAT, UDP SNAT, IPv6 DNAT and SNAT
//   10.11.0.0/24  timeouts 432000, 2147483, 4294967295 (the kernel caps at INT_MAX jiffies)
//   10.12.0.0/24  labels bit 0 and bits 1,40,127, helper ftp (both optional). Linux 6.18
//                 accepts CTA_LABELS on create but silently DROPS the labels unless the
//                 namespace has label space, i.e. some nft rule uses `ct label` (as
//                 ct_real_traffic's ruleset does). ctgen checks with CT_GET and prints a
//                 note when they were dropped; the entries exist either way.
//
// Optional entries are ones the kernel may legitimately refuse; ctgen skips them with a
// note on stderr. Everything else must be accepted or ctgen fails.

#ifndef CTDUMP_TOOLS_CTGEN_DIVERSE_H_
#define CTDUMP_TOOLS_CTGEN_DIVERSE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "tools/ctgen/entry.h"

namespace ctgen {

// DiverseEntries() -> the fixed set above, in creation order.
// Errors: kInvalidArgument only if an address literal in the table is malformed (a bug).
absl::StatusOr<std::vector<EntrySpec>> DiverseEntries();

}  // namespace ctgen

#endif  // CTDUMP_TOOLS_CTGEN_DIVERSE_H_
