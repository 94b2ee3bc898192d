#include "core/kernel.h"

#include <array>

namespace ctdump {
namespace {

constexpr std::array<absl::string_view, 10> kTcpStates = {
    "NONE",       "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
    "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",       "SYN_SENT2"};
constexpr std::array<absl::string_view, 10> kSctpStates = {
    "NONE",          "CLOSED",        "COOKIE_WAIT",       "COOKIE_ECHOED",
    "ESTABLISHED",   "SHUTDOWN_SENT", "SHUTDOWN_RECD",     "SHUTDOWN_ACK_SENT",
    "HEARTBEAT_SENT", "HEARTBEAT_ACKED"};
constexpr std::array<absl::string_view, 10> kDccpStates = {
    "NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN",
    "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID"};

const absl::string_view* StateTable(uint8_t proto, size_t* n) {
  switch (proto) {
    case kProtoTCP: *n = kTcpStates.size(); return kTcpStates.data();
    case kProtoSCTP: *n = kSctpStates.size(); return kSctpStates.data();
    case kProtoDCCP: *n = kDccpStates.size(); return kDccpStates.data();
    default: *n = 0; return nullptr;
  }
}

}  // namespace

absl::string_view ProtoName(uint8_t proto) {
  switch (proto) {
    case kProtoTCP: return "tcp";
    case kProtoUDP: return "udp";
    case kProtoUDPLite: return "udplite";
    case kProtoICMP: return "icmp";
    case kProtoICMPv6: return "icmpv6";
    case kProtoSCTP: return "sctp";
    case kProtoGRE: return "gre";
    case kProtoDCCP: return "dccp";
    default: return "unknown";
  }
}

absl::string_view FamilyName(uint8_t family) {
  switch (family) {
    case kFamilyIPv4: return "ipv4";
    case kFamilyIPv6: return "ipv6";
    default: return "unknown";
  }
}

absl::string_view StateName(uint8_t proto, uint8_t state) {
  size_t n;
  const absl::string_view* table = StateTable(proto, &n);
  if (table == nullptr || state >= n) return "NONE";
  return table[state];
}

int StateValue(uint8_t proto, absl::string_view name) {
  size_t n;
  const absl::string_view* table = StateTable(proto, &n);
  for (size_t i = 0; i < n; ++i) {
    if (table[i] == name) return static_cast<int>(i);
  }
  if (proto == kProtoTCP && name == "LISTEN") return 9;
  return -1;
}

}  // namespace ctdump
