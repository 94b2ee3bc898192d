// File: core/filter.h
//
// The user-space filter of `ctdump -L`, with conntrack-tools 1.4.7's meaning for each
// option (docs/conntrack-compatibility.md, section 4.2) except where 1.4.7 is buggy;
// there it does what the option says (see the notes on each field).
//
//   Filter f;
//   f.l4proto = kProtoTCP;
//   f.orig_dport = 443;
//   if (Matches(f, flow)) Print(flow);
//
// Every condition that is set must hold (AND). Backends may push parts of a Filter into
// the kernel (KernelFilter in backends/netlink); user space always checks it again, since
// older kernels ignore attributes they do not know.
//
// A condition on a field the record lacks fails, except for mark and zones (missing
// counts as 0), as in conntrack. Records from /proc do not carry every status bit
// (Flow::status_known): for them NAT is judged from the tuples alone (a reply tuple that
// is not the mirror of the original), and status conditions on bits /proc cannot show
// are an error found by CanJudge().

#ifndef CTDUMP_CORE_FILTER_H_
#define CTDUMP_CORE_FILTER_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "core/flow.h"

namespace ctdump {

// An address condition: (field & mask) == (addr & mask). An exact match has an all-ones
// mask. The family of the address must equal the flow's.
struct AddrCondition {
  uint8_t family = 0;
  Addr addr{};
  Addr mask{};
};

// -n / -g / -j: a NAT condition with an optional address and port.
struct NatCondition {
  std::optional<Addr> addr;  // the translated address (family from Filter::family)
  std::optional<uint16_t> port;
};

struct Filter {
  std::optional<uint8_t> family;   // -f, or implied by an address
  std::optional<uint8_t> l4proto;  // -p
  std::optional<AddrCondition> orig_src;   // -s (CIDR or --mask-src allowed)
  std::optional<AddrCondition> orig_dst;   // -d (CIDR or --mask-dst allowed)
  std::optional<AddrCondition> reply_src;  // -r (exact)
  std::optional<AddrCondition> reply_dst;  // -q (exact)
  // Ports: compared only for tcp, udp, udplite, sctp, dccp entries (others fail).
  std::optional<uint16_t> orig_sport, orig_dport, reply_sport, reply_dport;
  // GRE keys (conntrack 1.4.7 parses but never compares them: its bug 4; we compare).
  std::optional<uint16_t> orig_srckey, orig_dstkey, reply_srckey, reply_dstkey;
  std::optional<uint8_t> state;  // --state, for the -p protocol
  // ICMP / ICMPv6 of the original tuple.
  std::optional<uint8_t> icmp_type, icmp_code;
  std::optional<uint16_t> icmp_id;
  // -m VALUE[/MASK]: (mark & mask) == value; value is not pre-masked. A record without
  // a mark counts as mark 0.
  std::optional<uint32_t> mark_value;
  uint32_t mark_mask = 0xffffffff;
  // -w: the both-directions zone; --orig-zone / --reply-zone: the zone of that tuple.
  // A record without one counts as zone 0 (conntrack's rule).
  std::optional<uint16_t> zone, orig_zone, reply_zone;
  // -u: bits that must be set / must be clear (UNREPLIED = SEEN_REPLY clear), and bits
  // of which at least one must be set (`!UNSET`).
  uint32_t status_set = 0;
  uint32_t status_clear = 0;
  uint32_t status_any = 0;
  // -c: conntrack 1.4.7 never compares the secmark (its bug 5); we do. A record without
  // a secmark counts as secmark 0, like mark and zones (current kernels never send
  // CTA_SECMARK, and /proc prints secmark= only up to 2.6.36), so `-c 0` lists the
  // entries that have no secmark, the same over netlink and /proc.
  std::optional<uint32_t> secmark;
  std::optional<NatCondition> snat, dnat, any_nat;  // -n, -g, -j
  // -l: every listed bit must be set.
  std::optional<Labels> labels;

  bool empty() const;
};

// True when `flow` satisfies every condition of `filter`.
bool Matches(const Filter& filter, const Flow& flow);

// Checks a filter before use. kInvalidArgument for contradictions (mixed families).
absl::Status Validate(const Filter& filter);

// Whether `flow`'s source carries what `filter` asks about. kFailedPrecondition, naming
// the condition, when it does not: status bits outside Flow::status_known (EXPECTED or
// FIXED_TIMEOUT from /proc), labels from /proc (the text never carries them). Callers
// check once per source, since every record of a source carries the same fields.
absl::Status CanJudge(const Filter& filter, const Flow& flow);

// NAT as conntrack judges it (status bit + changed address or port), extended to /proc
// records, whose NAT bits are unknown, by comparing the tuples.
bool IsSnat(const Flow& flow);  // address or port of the source translated
// True when `flow`'s source does not know the NAT status bits (/proc records), so that
// IsSnat/IsDnat and -n/-g/-j judge it from the tuples alone.
bool NatInferredFromTuples(const Flow& flow);
bool IsDnat(const Flow& flow);  // address or port of the destination translated

}  // namespace ctdump

#endif  // CTDUMP_CORE_FILTER_H_
