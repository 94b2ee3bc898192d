// File: core/flow.h
//
// The one flow record of ctdump, shaped like the kernel's struct nf_conn as ctnetlink
// exposes it. Every backend fills this type and every filter and formatter reads it.
//
//   ctdump::Flow flow;
//   CTDUMP_RETURN_IF_ERROR(ParseProcLine(line, &flow));   // or DecodeCtMessage(...)
//
// Contract:
//  * A field that the backend could not supply is absent (std::optional without a value,
//    or an empty string), never zero. Some fields are plain values because the kernel
//    always has them: the tuples, the zone (zone 0 is the default zone; ctnetlink omits
//    it and /proc prints `zone=0`, both mean the same), and the status bits, which come
//    with `status_known` telling which bits the backend could observe.
//  * Addresses are in network byte order; ports, keys and ids are in host order.
//  * Flow::Clear() resets a record but keeps the capacity of its strings, so a decoder
//    that reuses one Flow allocates nothing per entry.

#ifndef CTDUMP_CORE_FLOW_H_
#define CTDUMP_CORE_FLOW_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace ctdump {

// An IPv4 or IPv6 address in network byte order. IPv4 uses bytes 0-3; the rest are 0.
// The family is the flow's (Flow::family): ctnetlink gives one family per entry.
using Addr = std::array<uint8_t, 16>;

// One direction's tuple (CTA_TUPLE_ORIG or CTA_TUPLE_REPLY).
struct Tuple {
  Addr src{};
  Addr dst{};
  // Layer-4 identifiers, host order. Which ones mean something follows the protocol
  // number (Flow::l4proto): ports for tcp/udp/udplite/sctp/dccp, the GRE keys in
  // sport (srckey) and dport (dstkey), type/code/id for icmp/icmpv6.
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint16_t icmp_id = 0;
  // The source supplied the layer-4 identifiers. False for generic protocols, for DCCP
  // on 6.17+ (no tracker) and for `unknown` lines in /proc.
  bool has_l4 = false;
};

// Connection zone (struct nf_conntrack_zone). Kernel 2.6.34+ has zones; 4.3+ has
// direction-specific zones.
enum ZoneDir : uint8_t {
  kZoneDirOrig = 1,   // NF_CT_ZONE_DIR_ORIG
  kZoneDirReply = 2,  // NF_CT_ZONE_DIR_REPL
  kZoneDirBoth = 3,   // NF_CT_DEFAULT_ZONE_DIR
};
struct Zone {
  uint16_t id = 0;
  uint8_t dir = kZoneDirBoth;
};

// Per-direction accounting (CTA_COUNTERS_*; needs nf_conntrack_acct=1 at creation).
struct Counters {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// CTA_PROTOINFO_TCP details (the state itself is Flow::state).
struct TcpInfo {
  uint8_t wscale_orig = 0;
  uint8_t wscale_reply = 0;
  uint8_t flags_orig = 0;   // {flags, mask}: only the flags byte is kept
  uint8_t flags_reply = 0;
};
// CTA_PROTOINFO_SCTP vtags.
struct SctpInfo {
  uint32_t vtag_orig = 0;
  uint32_t vtag_reply = 0;
};
// CTA_PROTOINFO_DCCP (kernels up to 6.16).
struct DccpInfo {
  uint8_t role = 0;
  uint64_t handshake_seq = 0;
};
// /proc GRE state text `timeout=T, stream_timeout=S` (seconds). Not the entry timeout.
struct GreInfo {
  uint32_t timeout = 0;
  uint32_t stream_timeout = 0;
};
// CTA_SEQ_ADJ_ORIG / CTA_SEQ_ADJ_REPLY.
struct SeqAdj {
  uint32_t correction_pos = 0;
  uint32_t offset_before = 0;
  uint32_t offset_after = 0;
};
// CTA_SYNPROXY.
struct Synproxy {
  uint32_t isn = 0;
  uint32_t its = 0;
  uint32_t tsoff = 0;
};

// Connection labels: 128 bits; bit n is (words[n / 64] >> (n % 64)) & 1.
struct Labels {
  std::array<uint64_t, 2> words{};
  bool Test(unsigned bit) const { return bit < 128 && ((words[bit / 64] >> (bit % 64)) & 1); }
  void Set(unsigned bit) { if (bit < 128) words[bit / 64] |= uint64_t{1} << (bit % 64); }
};

// Where a record came from.
enum class Source : uint8_t {
  kUnknown = 0,
  kNetlink,          // ctnetlink dump or event
  kProcNfConntrack,  // /proc/net/nf_conntrack text (L3 prefix)
  kProcIpConntrack,  // /proc/net/ip_conntrack text (2.6.18 layout, IPv4 only)
};

struct Flow {
  Source source = Source::kUnknown;
  uint8_t family = 0;   // kFamilyIPv4 or kFamilyIPv6 (nfgen_family / L3NUM)
  uint8_t l4proto = 0;  // CTA_PROTO_NUM of the original tuple (L4NUM)
  Tuple orig;
  Tuple reply;
  Zone zone;

  // IPS_* bits (core/kernel.h). `status_known` has a bit set for every bit the source can
  // observe: all of them for ctnetlink, kStatusVisibleInProc for /proc.
  uint32_t status = 0;
  uint32_t status_known = 0;

  std::optional<int64_t> timeout;  // seconds to expiry; absent on offloaded entries
                                   // (negative only from pre-4.7 /proc)
  std::optional<uint8_t> state;    // TCP/SCTP/DCCP state value (core/kernel.h names)
  std::optional<TcpInfo> tcp;
  std::optional<SctpInfo> sctp;
  std::optional<DccpInfo> dccp;
  std::optional<GreInfo> gre;      // /proc only

  std::optional<uint32_t> mark;
  std::optional<uint32_t> secmark;  // numeric secmark: /proc up to 2.6.36, CTA_SECMARK
  std::string secctx;               // security context; empty = absent
  std::optional<Counters> orig_counters;
  std::optional<Counters> reply_counters;
  std::optional<uint64_t> start_ns;    // CTA_TIMESTAMP_START, ns since the epoch
  std::optional<uint64_t> stop_ns;     // CTA_TIMESTAMP_STOP
  std::optional<uint64_t> delta_time;  // /proc `delta-time=`: seconds since creation
  std::optional<uint32_t> use;      // reference count, as the source printed it
  std::optional<uint32_t> id;       // CTA_ID, read big-endian (the number conntrack prints)
  std::optional<Labels> labels;     // CTA_LABELS
  std::string helper;               // CTA_HELP_NAME; empty = absent
  std::optional<Tuple> master;      // CTA_TUPLE_MASTER (expected connections)
  std::optional<SeqAdj> seqadj_orig;
  std::optional<SeqAdj> seqadj_reply;
  std::optional<Synproxy> synproxy;

  // Resets every field, keeping string capacity.
  void Clear();

  bool HasStatus(uint32_t bits) const { return (status & bits) == bits; }
};

// A compact, canonical one-line rendering of every field, for tests and debugging
// (not an output format). Absent fields are left out. Example:
//   "ipv4 tcp(6) orig=1.2.3.4:1->5.6.7.8:80 reply=5.6.7.8:80->1.2.3.4:1 status=0x6/0xc006 ..."
std::string DebugString(const Flow& flow);

bool operator==(const Tuple& a, const Tuple& b);
inline bool operator!=(const Tuple& a, const Tuple& b) { return !(a == b); }

}  // namespace ctdump

#endif  // CTDUMP_CORE_FLOW_H_
