// File: backends/procfs/parse.h
//
// Decoder for one line of /proc/net/nf_conntrack or /proc/net/ip_conntrack. Pure: no I/O;
// on success no allocation except copying a secctx= value into the reused Flow::secctx.
//
//   ctdump::Flow flow;
//   absl::Status s = ctdump::ParseProcLine(
//       "ipv4     2 udp      17 27 src=10.0.0.1 dst=10.0.0.2 sport=5353 dport=53 "
//       "[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5353 mark=0 zone=0 use=2",
//       &flow);
//
// Formats (docs/procfs-format.md), recognised line by line:
//  * /proc/net/nf_conntrack, 2.6.15 to 6.18: "ipv4     2 tcp      6 ..." (L3 name and
//    number first). Flow::source = kProcNfConntrack, Flow::family from the L3 number.
//  * /proc/net/ip_conntrack, 2.6.18 native ip_conntrack (RHEL 5) and the nf_conntrack
//    compat file (about 2.6.20 to 4.8): "tcp      6 ..." (no L3 prefix, IPv4 only).
//    Flow::source = kProcIpConntrack, Flow::family = kFamilyIPv4.
//
// What is decoded into the Flow (core/flow.h):
//  * l4proto from L4NUM (never from the L4 name, which is "unknown" for any protocol
//    without a loaded tracker, such as DCCP on 6.17+ or GRE on RHEL 6 without its module).
//  * timeout: the optional number after L4NUM. Absent on flow-offloaded entries (4.16+);
//    negative on pre-4.7 kernels for overdue entries (kept as printed).
//  * state: the text between the head and the first src=. One TCP/SCTP/DCCP state word
//    (including 2.6.18's LISTEN, stored as SYN_SENT2, and SCTP HEARTBEAT_ACKED), or the
//    GRE pair "timeout=T, stream_timeout=S" (stored in Flow::gre), or nothing.
//  * orig/reply tuples: the first src= opens the original tuple, the second the reply.
//    Addresses are IPv4 dotted quads or IPv6 (the expanded /proc form is the fast path;
//    any RFC 4291 form is accepted). sport/dport, srckey/dstkey (hex "0x..") and ICMP
//    type/code/id set Tuple::has_l4.
//  * zone-orig=, zone-reply=, zone= (Flow::zone id and direction), per-direction
//    packets=/bytes=, [UNREPLIED] [ASSURED] [OFFLOAD] [HW_OFFLOAD] (Flow::status, with
//    status_known = kStatusVisibleInProc: SEEN_REPLY is set unless [UNREPLIED] is
//    printed), mark=, secmark= (numeric, up to 2.6.36), secctx= (2.6.37+), delta-time=,
//    use=.
//  * secctx= values may contain spaces (AppArmor display mode): the value runs to the
//    next " zone=", " delta-time=" or " use=", the only fields that can follow it.
//  * Vendor kernels add fields (docs/procfs-format.md 5.9). Unknown key=value tokens and
//    unknown [FLAG] tokens are skipped (the first unknown flag is noted in
//    ProcLineNotes, for the reader to warn about), and so is a src=/dst= whose value is a MAC
//    address (it neither opens a tuple nor fails the line).
//
// The rule, one for every field (a line that breaks it fails, and the reader reports it
// with its line number):
//  * every token is well formed: key=value with a non-empty key, or [NAME] with a
//    non-empty NAME and its closing ]; a line holds no NUL byte;
//  * a field ctdump decodes appears once: src=, dst= and the L4 keys once per tuple,
//    packets= and bytes= once per direction, one of zone=/zone-orig=/zone-reply=, one
//    of [HW_OFFLOAD]/[OFFLOAD]/[ASSURED], and [UNREPLIED], mark=, secmark=, secctx=,
//    delta-time=, use= and GRE's timeout=/stream_timeout= once per line;
//  * tokens ctdump does not decode are vendor fields and are skipped alike, key=value
//    or [FLAG], however often they occur (real vendor kernels print both; the
//    testdata/procfs/vendor fixture must parse). So are the vendor forms of known
//    names: a src=/dst= MAC block, mark=HI|LO, and sport=-like keys outside a tuple.
//
// Errors: absl::DataLossError (the Flow is then unspecified) whose message says what is
// wrong and quotes the offending token, for example
//   bad address "10.0.0.300" in src=
//   port 70000 out of range in sport=
//   no reply tuple (only one src=)
//   missing use=
//   second mark= (a field appears once per line)
//   empty key in "=0" (a field is key=value)
//   unterminated flag "[ASSURED" (no closing ])
//   NUL byte at column 87
// A line must have src= and dst= in both directions and a use= field. The L4 keys of a
// tuple are all or none of those its L4 number has (sport/dport for tcp, udp, udplite,
// sctp, dccp; type/code/id for icmp, icmpv6; srckey/dstkey for gre), each at most once:
//   sport= in the original tuple does not belong to protocol 2
//   no dport= in the original tuple Values are range
// checked: L4NUM <= 255, ports/keys/ICMP id/zone <= 65535, ICMP type/code <= 255,
// mark/secmark/use <= 2^32-1, counters and delta-time <= 2^64-1, timeout fits int64.

#ifndef CTDUMP_BACKENDS_PROCFS_PARSE_H_
#define CTDUMP_BACKENDS_PROCFS_PARSE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {

// What a line held that the decoder skipped but a caller should report (not an error:
// the line decoded).
struct ProcLineNotes {
  // The line's first unknown [FLAG] token, brackets included (a view into the line), or
  // empty. The reader reports each distinct one once, as a warning (reader.h): a flag
  // ctdump does not know may carry meaning the listing cannot show.
  absl::string_view unknown_flag;
};

// Decodes `line` (one record, without its '\n') into `*flow`, which is cleared first.
// Returns OK or a kDataLoss error as described above. `notes`, when given, is cleared
// and then filled as described there.
absl::Status ParseProcLine(absl::string_view line, Flow* flow, ProcLineNotes* notes = nullptr);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_PROCFS_PARSE_H_
