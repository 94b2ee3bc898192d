// File: backends/netlink/decode.h
//
// Pure decoding of ctnetlink messages into ctdump::Flow: no I/O, no allocation per
// message (except growing the reused Flow::secctx / Flow::helper strings). The netlink
// backend, the tests, the fuzz-style robustness test and the benchmarks all go through
// these two entry points.
//
//   Flow flow;
//   DumpBufferReader reader(absl::MakeConstSpan(buf, n), &flow);   // one recvmsg()
//   NlItem item;
//   while (reader.Next(&item)) {
//     if (item.kind == NlKind::kFlow) Use(flow);                    // flow = this entry
//   }
//   CTDUMP_RETURN_IF_ERROR(reader.status());                       // framing broken
//
// Wire format: docs/ctnetlink.md sections 1-3 (Linux 6.18; every kernel
// since 2.6.14 uses the same layout, newer kernels only add attributes). Attribute types
// are masked with NLA_TYPE_MASK (6.x sets NLA_F_NESTED on nests, older kernels do not),
// unknown attributes are skipped at every level, and every attribute that is read has its
// payload length checked first. Nothing is read past the message.
//
// Speed: a switch per attribute, no callbacks; nests laid out exactly as the kernel sends
// them (addresses, ports, TCP protoinfo, counters, start timestamp) are matched with a few
// header-word compares and copied directly, anything else takes the general walk
// (decode_test.cc FastAndGeneralPathsAgree checks both give the same record). Measured
// with //bench:fixture_benchmark (BM_NetlinkDecode; numbers in bench/README.md).
//
// Sources: decode.cc decodes the attributes of one entry (DecodeCtMessage), messages.cc
// splits datagrams into messages (DumpBufferReader, EndsDumpReply) and decodes the
// CT_GET_STATS reply; attr.h is the attribute walking both share.

#ifndef CTDUMP_BACKENDS_NETLINK_DECODE_H_
#define CTDUMP_BACKENDS_NETLINK_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/flow.h"

namespace ctdump {
namespace netlink {

// DecodeCtMessage() decodes one conntrack entry message: an nlmsghdr of type CT_NEW
// (0x0100: dump replies, NEW/UPDATE events) or CT_DELETE (0x0102: DESTROY events),
// the nfgenmsg, then the CTA_* attributes. `msg` starts at the nlmsghdr and may be
// longer than the message (nlmsg_len decides where it ends).
//
// Calls flow->Clear() first, then fills the record per core/flow.h:
//   source = kNetlink; family from nfgen_family; l4proto from the original tuple;
//   status_known = 0xffffffff when CTA_STATUS was present (0 otherwise); every optional
//   field is set only when its attribute was present; counters only when both packets
//   and bytes were present (as conntrack prints them); id read big-endian; labels read
//   as the kernel's native unsigned long words; zone from CTA_ZONE (both directions) or
//   CTA_TUPLE_ZONE (orig / reply direction).
//
// Errors (all kDataLoss; the message names the attribute path and what was wrong):
//   "truncated message: nlmsg_len 300 > 212 bytes received"
//   "not a conntrack entry: nlmsg_type 0x0105"
//   "nfgen_family 7 is neither AF_INET (2) nor AF_INET6 (10)"
//   "CTA_TUPLE_ORIG missing"
//   "CTA_TUPLE_ORIG > CTA_TUPLE_IP > CTA_IP_V6_SRC has 8 bytes, want 16"
//   "CTA_PROTOINFO > CTA_PROTOINFO_TCP: malformed attribute: nla_len 40 > 12 bytes left"
// On error `flow` holds a partial record that must not be used.
absl::Status DecodeCtMessage(absl::Span<const uint8_t> msg, Flow* flow);

// What one message of a receive buffer turned out to be.
enum class NlKind : uint8_t {
  kFlow,     // a conntrack entry (CT_NEW / CT_DELETE); the reader's Flow holds it
  kBadFlow,  // a conntrack entry that could not be decoded; `status` says why
  kDone,     // NLMSG_DONE; `error` is the dump's result (0 = complete)
  kError,    // NLMSG_ERROR; `error` is the errno (0 = an ACK)
  kOther,    // anything else (NLMSG_NOOP, stats replies, ...): `bytes` holds it
};

struct NlItem {
  NlKind kind = NlKind::kOther;
  uint16_t type = 0;      // nlmsg_type
  uint16_t flags = 0;     // nlmsg_flags
  uint32_t seq = 0;       // nlmsg_seq
  uint32_t port_id = 0;   // nlmsg_pid
  absl::Span<const uint8_t> bytes;  // the whole message, nlmsg_len bytes
  // kDone / kError: a positive errno (the kernel sends it negated), or 0.
  int error = 0;
  // kDone / kError: the kernel's extended-ack text (NLMSGERR_ATTR_MSG) when the socket
  // enabled NETLINK_EXT_ACK and the kernel had one; points into the buffer.
  absl::string_view ext_ack;
  // kBadFlow: DataLoss from DecodeCtMessage(), prefixed with the message's offset.
  absl::Status status;
};

// DumpBufferReader walks the messages of one receive buffer (the datagram that one
// recvmsg() returned: one or more netlink messages, each aligned to 4 bytes) and decodes
// conntrack entries into `*flow` as it goes. Neither the buffer nor the Flow is copied;
// both must outlive the reader, and `*flow` is overwritten by every kFlow/kBadFlow item.
//
// Next() returns false at the end of the buffer or when the framing is broken (an
// nlmsg_len that is < 16 or runs past the buffer, a control message too short for its
// payload); status() then says why (kDataLoss, for example
// "truncated message: nlmsg_len 300 > 212 bytes received at offset 1024"). A message whose
// framing is intact but whose attributes are malformed is a kBadFlow item, and the walk
// goes on with the next message.
//
// Sequence numbers and port ids are reported, not checked: that is the caller's job.
class DumpBufferReader {
 public:
  DumpBufferReader(absl::Span<const uint8_t> buf, Flow* flow) : buf_(buf), flow_(flow) {}
  DumpBufferReader(const DumpBufferReader&) = delete;
  DumpBufferReader& operator=(const DumpBufferReader&) = delete;

  bool Next(NlItem* item);

  // OK, or the kDataLoss that stopped the walk. Sticky.
  const absl::Status& status() const { return status_; }
  // Bytes consumed so far.
  size_t offset() const { return offset_; }

 private:
  absl::Span<const uint8_t> buf_;
  Flow* flow_;
  size_t offset_ = 0;
  absl::Status status_;
};

// EndsDumpReply(datagram): true when one of the datagram's messages is NLMSG_DONE or
// NLMSG_ERROR (after which the kernel sends nothing more for that request), or when the
// framing is broken (the reader then stops and DumpBufferReader reports why). Only the
// 16-byte headers are read: the receiving thread calls it on every datagram of a dump.
bool EndsDumpReply(absl::Span<const uint8_t> datagram);

// Global counters from a CT_GET_STATS reply (0x0105).
struct GlobalStats {
  uint32_t entries = 0;               // CTA_STATS_GLOBAL_ENTRIES
  std::optional<uint32_t> max_entries;  // CTA_STATS_GLOBAL_MAX_ENTRIES (4.18+)
};
// Decodes a CT_GET_STATS reply message. Errors: kDataLoss as for DecodeCtMessage()
// ("CTA_STATS_GLOBAL_ENTRIES missing", "not a CT_GET_STATS reply: nlmsg_type 0x0100").
absl::Status DecodeGlobalStats(absl::Span<const uint8_t> msg, GlobalStats* stats);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_DECODE_H_
