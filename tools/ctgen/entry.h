// File: tools/ctgen/entry.h
//
// EntrySpec: one conntrack entry that ctgen asks the kernel to create, in plain values,
// and its translation into a libnetfilter_conntrack object (public API only:
// nfct_new, nfct_set_attr*, nfct_bitmask_*).
//
//   EntrySpec e = EntrySpec::Tcp("10.0.0.1", "10.0.0.2", 1000, 80, TCP_CONNTRACK_ESTABLISHED);
//   e.status = kSeenReply | kAssured;
//   absl::StatusOr<CtPtr> ct = BuildConntrack(e);
//
// The reply tuple is always the mirror of the original (ICMP types inverted by the
// library). NAT is requested with CTA_NAT_SRC / CTA_NAT_DST, so the KERNEL rewrites the
// reply tuple and sets IPS_{SRC,DST}_NAT{,_DONE}: ctnetlink does not let userspace set
// NAT status bits directly (they are in IPS_UNCHANGEABLE_MASK).

#ifndef CTDUMP_TOOLS_CTGEN_ENTRY_H_
#define CTDUMP_TOOLS_CTGEN_ENTRY_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct nf_conntrack;

namespace ctgen {

// Status bits userspace may set on create (linux/netfilter/nf_conntrack_common.h).
inline constexpr uint32_t kSeenReply = 1u << 1;  // IPS_SEEN_REPLY
inline constexpr uint32_t kAssured = 1u << 2;    // IPS_ASSURED

// IP protocol numbers used by ctgen.
inline constexpr uint8_t kIcmp = 1, kTcp = 6, kUdp = 17, kDccp = 33, kGre = 47, kIcmpV6 = 58,
                         kSctp = 132, kUdpLite = 136;

// An address in network byte order; IPv4 uses the first 4 bytes.
using Addr = std::array<uint8_t, 16>;

struct EntrySpec {
  std::string name;    // short description, used in error messages
  uint8_t family = 2;  // AF_INET or AF_INET6
  uint8_t proto = kTcp;
  Addr src{}, dst{};
  // tcp/udp/udplite/sctp/dccp ports, GRE keys (16-bit, CTA_PROTO_*_PORT on the wire).
  uint16_t sport = 0, dport = 0;
  // icmp/icmpv6 (original direction; the library inverts the type for the reply).
  uint8_t icmp_type = 0, icmp_code = 0;
  uint16_t icmp_id = 0;
  std::optional<uint8_t> tcp_state;   // TCP_CONNTRACK_*
  std::optional<uint8_t> sctp_state;  // SCTP_CONNTRACK_*; vtags are set with it
  uint32_t status = 0;                // only kSeenReply | kAssured
  uint32_t timeout = 3600;            // seconds (CTA_TIMEOUT is mandatory on create)
  std::optional<uint32_t> mark;
  std::optional<uint16_t> zone;        // both directions (CTA_ZONE)
  std::optional<uint16_t> orig_zone;   // CTA_TUPLE_ZONE in the original tuple
  std::optional<uint16_t> reply_zone;  // CTA_TUPLE_ZONE in the reply tuple
  std::optional<Addr> dnat_addr;       // CTA_NAT_DST
  std::optional<uint16_t> dnat_port;
  std::optional<Addr> snat_addr;  // CTA_NAT_SRC
  std::optional<uint16_t> snat_port;
  std::vector<unsigned> label_bits;  // CTA_LABELS (needs label space in the netns)
  std::string helper;                // CTA_HELP name, e.g. "ftp"
  // Kernel-dependent entry: when the kernel refuses it, ctgen --diverse skips it with a
  // note on stderr instead of failing.
  bool optional = false;
};

// ParseAddr("10.0.0.1" | "fd00::1", family) -> Addr, kInvalidArgument on bad text.
absl::StatusOr<Addr> ParseAddr(absl::string_view text, uint8_t family);

struct CtDeleter {
  void operator()(nf_conntrack* ct) const;
};
using CtPtr = std::unique_ptr<nf_conntrack, CtDeleter>;

// BuildConntrack(spec) -> a new libnetfilter_conntrack object describing `spec`.
// Errors: kResourceExhausted when allocation fails.
absl::StatusOr<CtPtr> BuildConntrack(const EntrySpec& spec);

}  // namespace ctgen

#endif  // CTDUMP_TOOLS_CTGEN_ENTRY_H_
