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

// Parses an IPv4 dotted quad (exactly four decimal parts of 1 to 3 digits, each 0-255).
// Returns false on anything else. Inline: /proc parsing calls it four times a line.
inline bool ParseIPv4(absl::string_view text, Addr* out) {
  const char* p = text.data();
  const char* const end = p + text.size();
  Addr a{};
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    if (p == end) return false;
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(*p)) - unsigned{'0'};
    if (v > 9) return false;
    ++p;
    for (int k = 0; k < 2 && p != end; ++k, ++p) {
      const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - unsigned{'0'};
      if (d > 9) break;
      v = v * 10 + d;
    }
    if (v > 255) return false;
    a[part] = static_cast<uint8_t>(v);
  }
  if (p != end) return false;
  *out = a;
  return true;
}
// Parses an IPv6 address in any RFC 4291 text form (full, "::", embedded IPv4).
bool ParseIPv6(absl::string_view text, Addr* out);

}  // namespace ctdump

#endif  // CTDUMP_CORE_ADDR_H_
