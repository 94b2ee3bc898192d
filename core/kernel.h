// File: core/kernel.h
//
// Kernel names and numbers that ctdump shares with Linux, in one place.
//
// Provenance: include/uapi/linux/netfilter/nf_conntrack_common.h (IPS_* status bits),
// include/uapi/linux/netfilter/nfnetlink_conntrack.h (CTA_* attributes), and the state
// tables of nf_conntrack_proto_{tcp,sctp,dccp}.c, all as of Linux 6.18. The kernel
// identifier is kept beside every enumerator. Names printed by conntrack-tools 1.4.7 come
// from src/conntrack/snprintf_default.c of libnetfilter_conntrack 1.0.9.
//
// Values only ever grow in the kernel, so nothing here depends on the running kernel.

#ifndef CTDUMP_CORE_KERNEL_H_
#define CTDUMP_CORE_KERNEL_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace ctdump {

// Address families (linux/socket.h).
inline constexpr uint8_t kFamilyIPv4 = 2;   // AF_INET
inline constexpr uint8_t kFamilyIPv6 = 10;  // AF_INET6

// IP protocol numbers that conntrack knows by name (netinet/in.h).
inline constexpr uint8_t kProtoICMP = 1;       // IPPROTO_ICMP
inline constexpr uint8_t kProtoTCP = 6;        // IPPROTO_TCP
inline constexpr uint8_t kProtoUDP = 17;       // IPPROTO_UDP
inline constexpr uint8_t kProtoDCCP = 33;      // IPPROTO_DCCP
inline constexpr uint8_t kProtoGRE = 47;       // IPPROTO_GRE
inline constexpr uint8_t kProtoICMPv6 = 58;    // IPPROTO_ICMPV6
inline constexpr uint8_t kProtoSCTP = 132;     // IPPROTO_SCTP
inline constexpr uint8_t kProtoUDPLite = 136;  // IPPROTO_UDPLITE

// Connection status bits (enum ip_conntrack_status_bits).
enum StatusBit : uint32_t {
  kStatusExpected = 1u << 0,       // IPS_EXPECTED_BIT
  kStatusSeenReply = 1u << 1,      // IPS_SEEN_REPLY_BIT
  kStatusAssured = 1u << 2,        // IPS_ASSURED_BIT
  kStatusConfirmed = 1u << 3,      // IPS_CONFIRMED_BIT
  kStatusSrcNat = 1u << 4,         // IPS_SRC_NAT_BIT
  kStatusDstNat = 1u << 5,         // IPS_DST_NAT_BIT
  kStatusSeqAdjust = 1u << 6,      // IPS_SEQ_ADJUST_BIT
  kStatusSrcNatDone = 1u << 7,     // IPS_SRC_NAT_DONE_BIT
  kStatusDstNatDone = 1u << 8,     // IPS_DST_NAT_DONE_BIT
  kStatusDying = 1u << 9,          // IPS_DYING_BIT
  kStatusFixedTimeout = 1u << 10,  // IPS_FIXED_TIMEOUT_BIT
  kStatusTemplate = 1u << 11,      // IPS_TEMPLATE_BIT
  kStatusUntracked = 1u << 12,     // IPS_UNTRACKED_BIT
  kStatusHelper = 1u << 13,        // IPS_HELPER_BIT
  kStatusOffload = 1u << 14,       // IPS_OFFLOAD_BIT (4.16+)
  kStatusHwOffload = 1u << 15,     // IPS_HW_OFFLOAD_BIT (5.8+)
};

// The status bits that the /proc text shows: [UNREPLIED] (SEEN_REPLY clear), [ASSURED],
// [OFFLOAD], [HW_OFFLOAD]. Only these are known for records from the procfs backend.
inline constexpr uint32_t kStatusVisibleInProc =
    kStatusSeenReply | kStatusAssured | kStatusOffload | kStatusHwOffload;

// Name of an IP protocol as conntrack prints it ("tcp", ..., "unknown").
absl::string_view ProtoName(uint8_t proto);
// Name of an L3 family as conntrack prints it ("ipv4", "ipv6", "unknown").
absl::string_view FamilyName(uint8_t family);

// True for protocols whose tuples carry ports (tcp, udp, udplite, sctp, dccp).
inline bool ProtoHasPorts(uint8_t proto) {
  return proto == kProtoTCP || proto == kProtoUDP || proto == kProtoUDPLite ||
         proto == kProtoSCTP || proto == kProtoDCCP;
}
inline bool ProtoIsICMP(uint8_t proto) {
  return proto == kProtoICMP || proto == kProtoICMPv6;
}
// True for protocols with a state in CTA_PROTOINFO (tcp, sctp, dccp).
inline bool ProtoHasState(uint8_t proto) {
  return proto == kProtoTCP || proto == kProtoSCTP || proto == kProtoDCCP;
}

// State names by kernel value, as conntrack prints them. An out-of-range value gives
// "NONE" (conntrack's behaviour).
//   TCP  (enum tcp_conntrack):  NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT
//                               LAST_ACK TIME_WAIT CLOSE SYN_SENT2 (LISTEN on 2.6.18)
//   SCTP (enum sctp_conntrack): NONE CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED
//                               SHUTDOWN_SENT SHUTDOWN_RECD SHUTDOWN_ACK_SENT
//                               HEARTBEAT_SENT HEARTBEAT_ACKED (the last gone since 6.x)
//   DCCP (enum ct_dccp_states, until 6.16): NONE REQUEST RESPOND PARTOPEN OPEN CLOSEREQ
//                               CLOSING TIMEWAIT IGNORE INVALID
absl::string_view StateName(uint8_t proto, uint8_t state);

// Reverse of StateName: the kernel value for `name` (exact, case-sensitive), or -1.
// For TCP, "LISTEN" (the 2.6.18 name of value 9) is accepted as SYN_SENT2.
int StateValue(uint8_t proto, absl::string_view name);

}  // namespace ctdump

#endif  // CTDUMP_CORE_KERNEL_H_
