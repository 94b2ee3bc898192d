// File: core/protocols.h
//
// IP protocol names as /etc/protocols spells them, built in, so that `-p NAME` means what
// it means to conntrack (which asks getprotobyname(3)) without the name service: the
// static release binary must not load NSS modules or read files under /etc, and runs in
// an empty root.
//
//   absl::optional<uint8_t> p = LookupProtocolName("ipv6-icmp");  // 58
//
// The table is the IANA "Assigned Internet Protocol Numbers" registry as Debian's netbase
// 6.4 ships it in /etc/protocols (each official name and its aliases). A name a host adds
// to its own /etc/protocols is not known; use the number instead.

#ifndef CTDUMP_CORE_PROTOCOLS_H_
#define CTDUMP_CORE_PROTOCOLS_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace ctdump {

// The protocol number of `name`, an official name or alias, compared case-sensitively as
// getprotobyname(3) does ("tcp" and "TCP" are both listed; "Tcp" is not); nullopt when
// the table has no such name.
absl::optional<uint8_t> LookupProtocolName(absl::string_view name);

}  // namespace ctdump

#endif  // CTDUMP_CORE_PROTOCOLS_H_
