// File: core/filter_options.h
//
// Turns conntrack's filter option values into core/filter.h conditions. Pure functions;
// each returns kInvalidArgument with conntrack's message where conntrack has one.
//
// Where conntrack 1.4.7 parses laxly (atoi for ports, truncation of zones and ICMP
// values, `-m foo` as mark 0), ctdump refuses the value instead: a typo must not turn into
// a filter that silently matches something else.

#ifndef CTDUMP_CORE_FILTER_OPTIONS_H_
#define CTDUMP_CORE_FILTER_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/filter.h"

namespace ctdump {

// -s/-d/-r/-q value: an IPv4 address as inet_aton() reads it ("10.1" is 10.0.0.1) or an
// IPv6 address, with an optional "/N" prefix length when `allow_cidr`.
absl::StatusOr<AddrCondition> ParseAddrOption(absl::string_view option, absl::string_view value,
                                              bool allow_cidr);
// --mask-src/--mask-dst value, applied to an existing condition of the same family.
absl::Status ApplyMaskOption(absl::string_view value, AddrCondition* cond);
// -p value: a protocol name (case-insensitive), a name from /etc/protocols (built in:
// core/protocols.h), or 0-255 (strtoul(,0) like conntrack: "010" is 8).
absl::StatusOr<uint8_t> ParseProtoOption(absl::string_view value);
// A number in [0, max] read as conntrack's strtoul(value, NULL, 0) reads zones, GRE keys
// and -c: decimal, 0x hex or 0 octal ("010" is 8), but the whole value must be one.
absl::StatusOr<uint32_t> ParseNumberOption(absl::string_view option, absl::string_view value,
                                           uint32_t max);
// A decimal number in [0, max], for the values conntrack reads with atoi() (ports, ICMP
// type, code and id): `--sport 0x50' is refused (conntrack would read 0), not read as 80.
absl::StatusOr<uint32_t> ParseDecimalOption(absl::string_view option, absl::string_view value,
                                            uint32_t max);
// -m VALUE[/MASK] (strtoul(,0) like conntrack: decimal, 0x hex or 0 octal).
absl::Status ParseMarkOption(absl::string_view value, Filter* filter);
// -u LIST; appends conntrack's warnings.
absl::Status ParseStatusOption(absl::string_view value, Filter* filter,
                               std::vector<std::string>* warnings);
// -n/-g/-j value: ADDR, ADDR:PORT, [V6ADDR]:PORT or V6ADDR. Sets the family too.
absl::StatusOr<NatCondition> ParseNatOption(absl::string_view value, Filter* filter);
// -f value: starts with "ipv4" or "ipv6" (case-sensitive, as conntrack).
absl::StatusOr<uint8_t> ParseFamilyOption(absl::string_view value);

}  // namespace ctdump

#endif  // CTDUMP_CORE_FILTER_OPTIONS_H_
