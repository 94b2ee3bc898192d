// File: core/addr.h
//
// Text forms of the addresses in a Flow, written without libc so that formatting stays
// on the hot path's budget.
//
//   char buf[kMaxAddrText];
//   char* end = FormatAddr(kFamilyIPv6, addr, AddrStyle::kCompressed, buf);  // "fd00::1"
//
// kCompressed is byte-identical to glibc's inet_ntop() (what conntrack prints), including
// its IPv4-mapped (::ffff:1.2.3.4) and IPv4-compatible (::1.2.3.4) forms. kExpanded is the
// /proc form: 8 groups of 4 lowercase hex digits, never "::".

#ifndef CTDUMP_CORE_ADDR_H_
#define CTDUMP_CORE_ADDR_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {

inline constexpr int kMaxAddrText = 46;  // INET6_ADDRSTRLEN

enum class AddrStyle { kCompressed, kExpanded };

// Writes the address at `out` (no NUL) and returns the end. `out` needs kMaxAddrText
// bytes. A family other than IPv4/IPv6 writes nothing.
char* FormatAddr(uint8_t family, const Addr& addr, AddrStyle style, char* out);

// Parses an IPv4 dotted quad (exactly four decimal parts, each 0-255). Returns false on
// anything else.
bool ParseIPv4(absl::string_view text, Addr* out);
// Parses an IPv6 address in any RFC 4291 text form (full, "::", embedded IPv4).
bool ParseIPv6(absl::string_view text, Addr* out);

}  // namespace ctdump

#endif  // CTDUMP_CORE_ADDR_H_
