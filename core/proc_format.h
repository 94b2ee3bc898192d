// File: core/proc_format.h
//
// `-o proc`: the line /proc/net/nf_conntrack would show for a record, in the Linux 6.18
// layout (docs/procfs-format.md, section 2), whatever backend read it.
//
//   AppendProcLine(flow, WallClockNs(), &buffer);
//   // "ipv4     2 tcp      6 296 ESTABLISHED src=192.0.2.1 ... mark=0 zone=0 use=2\n"
//
// The line, field by field (ct_seq_show() in net/netfilter/nf_conntrack_standalone.c):
//  * "%-8s %u %-8s %u ": L3 name and number, L4 name and number. The L4 name is the one of
//    the tracker that handles the entry: a protocol whose tuple has no L4 identifiers
//    (Tuple::has_l4 false: DCCP on 6.17+, any untracked protocol) prints "unknown" with
//    its real number ("unknown  33").
//  * the timeout, signed ("%ld "), when the record has one (offloaded entries do not).
//  * the state word (tcp, sctp, dccp), when the record has one. TCP value 9 prints
//    SYN_SENT2 (2.6.18 called it LISTEN).
//  * GRE, when the tuple has its keys: "timeout=T, stream_timeout=S " from Flow::gre.
//    ctnetlink does not export these two values; for a record without them (every
//    netlink record) the kernel defaults for traffic-created entries are printed,
//    "timeout=30, stream_timeout=180" (nf_conntrack_gre_timeout and
//    nf_conntrack_gre_timeout_stream). Entries created through ctnetlink show 0 and 0 in
//    /proc, and a changed sysctl shows its value: the text is then not what /proc shows.
//  * the original tuple: "src=A dst=A " (IPv6 expanded to 8 groups of 4 hex digits), then
//    by protocol "sport=P dport=P ", "type=T code=C id=I " or "srckey=0xK dstkey=0xK ",
//    only when the tuple has L4 identifiers.
//  * "zone-orig=Z " for an original-direction zone, then "packets=N bytes=N ".
//  * "[UNREPLIED] " when SEEN_REPLY is known to be clear, the reply tuple,
//    "zone-reply=Z ", its counters.
//  * one of "[HW_OFFLOAD] ", "[OFFLOAD] ", "[ASSURED] ".
//  * "mark=M " when the record has a mark; "secmark=S " when it has a numeric secmark
//    (2.6.36 and older printed it here; 6.18 never does, but dropping it would lose the
//    value); "secctx=CTX " when it has one.
//  * "zone=Z " for a zone that applies to both directions, zone 0 included, as 6.18
//    prints it; but not for records read from /proc/net/ip_conntrack (Source
//    kProcIpConntrack: that file never showed zones), unless the zone is not 0.
//  * "delta-time=S " from Flow::delta_time (the /proc value) or, for records with a start
//    timestamp (ctnetlink), as the kernel computes it: (now_ns - start_ns) / 10^9,
//    clamped at 0. The stop timestamp is not used (the kernel does not either).
//  * "use=U\n". /proc prints the reference count after taking one for the reader, so it
//    is one more than ctnetlink's CTA_USE (2 where conntrack -L shows 1,
//    docs/conntrack-compatibility.md section 6): netlink records print use + 1. Records
//    from /proc print their own value. A record without a use count (netlink events)
//    prints "use=0", a value /proc never shows, so that the line still has the field
//    every /proc parser requires.
//
// Round trip: for every record parsed from a 6.18 /proc/net/nf_conntrack line (and any
// kernel with the same layout: 3.10 to 6.18, offload flags, secctx, directional zones,
// negative timeouts), AppendProcLine(ParseProcLine(line)) is the line again, byte for
// byte. Lines of other layouts come out in the 6.18 layout, so they differ:
//  * /proc/net/ip_conntrack (2.6.18, compat file): the "ipv4     2 " prefix is added,
//    and TCP LISTEN becomes SYN_SENT2.
//  * 2.6.32 nf_conntrack (RHEL 6), which had no zones: "zone=0 " is added before use=
//    (the record does not say whether the kernel had zones).
//  * vendor fields (docs/procfs-format.md 5.9) are not in the record and are not printed.
// Fields /proc never prints (helper, id, labels, start/stop timestamps, protoinfo
// details) are not printed either.

#ifndef CTDUMP_CORE_PROC_FORMAT_H_
#define CTDUMP_CORE_PROC_FORMAT_H_

#include <cstdint>

#include "core/flow.h"
#include "core/text_buffer.h"

namespace ctdump {

// The GRE state text printed for records that do not carry it (see above).
inline constexpr uint32_t kProcGreDefaultTimeout = 30;
inline constexpr uint32_t kProcGreDefaultStreamTimeout = 180;

// Appends the /proc/net/nf_conntrack line of `flow`, ending in '\n'. `now_ns` (wall
// clock, ns since the epoch) is used only for delta-time of records with start_ns and no
// delta_time. Never fails.
void AppendProcLine(const Flow& flow, uint64_t now_ns, TextBuffer* out);

}  // namespace ctdump

#endif  // CTDUMP_CORE_PROC_FORMAT_H_
