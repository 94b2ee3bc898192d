// File: core/json.h
//
// `-o json`: one JSON object per flow, one object per line (NDJSON), schema version 1.
//
//   JsonStyle style;
//   style.labels = &names;                          // optional: adds "label_names"
//   AppendJsonLine(flow, style, WallClockNs(), &buffer);
//
// The inverse, ParseJsonLine(), is in core/json_reader.h (target //core:json_reader), so
// that programs which only write JSON do not carry the reader.
//
// Every field of the record (core/flow.h) is written when the record has it, and left out
// when it does not: an absent field is never written as 0, "" or null. Keys are written
// in the order of the table below, with no whitespace; the line ends in '\n'. Example (a
// ctnetlink record with accounting and timestamps):
//
//   {"v":1,"source":"netlink","family":"ipv4","familynum":2,"proto":"tcp","protonum":6,
//    "timeout":431997,"state":"ESTABLISHED","statenum":3,"orig":{"src":"127.0.0.1",
//    "dst":"127.0.0.2","sport":43302,"dport":8080,"packets":4,"bytes":221},"reply":{...},
//    "zone":{"id":0,"dir":"both"},"status":["SEEN_REPLY","ASSURED","CONFIRMED"],
//    "status_bits":14,"mark":0,"start_ns":1764060998123456789,"delta_time":2,"use":1,
//    "id":1993353219,"tcp":{"wscale_orig":7,"wscale_reply":7,"flags_orig":35,
//    "flags_reply":35}}
//
// Schema version 1
// ----------------
// Top level. "When" says when the key is written; N = netlink (ctnetlink) records,
// P = /proc records (nf_conntrack or ip_conntrack text).
//
//   key           type       when                    meaning
//   v             number     always                  schema version: 1
//   source        string     always                  "netlink", "nf_conntrack" (/proc/net/nf_conntrack),
//                                                    "ip_conntrack" (/proc/net/ip_conntrack), "unknown"
//   family        string     always                  "ipv4", "ipv6", "unknown"
//   familynum     number     always                  L3 protocol number: 2 (AF_INET), 10 (AF_INET6)
//   proto         string     always                  "tcp" "udp" "udplite" "icmp" "icmpv6" "sctp" "gre"
//                                                    "dccp", else "unknown": named by protonum, as
//                                                    conntrack names it (DCCP on 6.17+ is "dccp"
//                                                    with no ports)
//   protonum      number     always                  IP protocol number, 0-255
//   timeout       number     N, P (absent when       seconds to expiry. Signed: pre-4.7 /proc can
//                            offloaded)              show a small negative number
//   state         string     tcp, sctp, dccp (not    state name (core/kernel.h StateName: the
//                            offloaded)              protocol's own table; "NONE" past its end)
//   statenum      number     with "state"            the kernel's state value
//   orig          object     always                  original tuple (below)
//   reply         object     always                  reply tuple (below)
//   zone          object     always                  {"id":N,"dir":D}: id 0-65535, dir "both" (the
//                                                    zone applies to both directions), "orig" or
//                                                    "reply" (4.3+ direction-specific zone). The
//                                                    default zone is {"id":0,"dir":"both"}
//   status        array      always                  names of the set IPS_* bits, in bit order:
//                                                    EXPECTED SEEN_REPLY ASSURED CONFIRMED SRC_NAT
//                                                    DST_NAT SEQ_ADJUST SRC_NAT_DONE DST_NAT_DONE
//                                                    DYING FIXED_TIMEOUT TEMPLATE UNTRACKED HELPER
//                                                    OFFLOAD HW_OFFLOAD; bits 16-31 (no kernel name
//                                                    yet) are "BIT16" ... "BIT31"
//   status_bits   number     always                  the same bits as one number (u32)
//   status_known  number     when the source could   mask of the status bits the source observed
//                            not observe every bit   (u32). A bit outside it is UNKNOWN, not clear.
//                            (P; N without           P: 49158 = SEEN_REPLY|ASSURED|OFFLOAD|HW_OFFLOAD
//                            CTA_STATUS)             (kStatusVisibleInProc). Absent = all 32 known
//   mark          number     N (dumps), P (with      u32 connection mark; 0 is written (the kernel
//                            CONFIG_NF_CONNTRACK_    reports mark 0 explicitly)
//                            MARK)
//   secmark       number     P up to 2.6.36;         u32 numeric secmark
//                            CTA_SECMARK (obsolete)
//   secctx        string     N, P with an LSM that   security context, e.g.
//                            maps secids             "system_u:object_r:unlabeled_t:s0"
//   start_ns      number     N with timestamps       CTA_TIMESTAMP_START: ns since the epoch (u64)
//   stop_ns       number     N dying/destroy         CTA_TIMESTAMP_STOP: ns since the epoch (u64)
//   delta_time    number     N with start_ns, P with seconds since creation (u64). With start_ns:
//                            delta-time=             computed as conntrack -L does,
//                                                    stop (or now_ns) truncated to seconds minus
//                                                    start truncated to seconds (clamped at 0);
//                                                    else the /proc delta-time= value
//   use           number     N (dumps, not events),  reference count as the source printed it
//                            P                       (u32; /proc prints one more than ctnetlink)
//   id            number     N                       CTA_ID read big-endian (u32): the number
//                                                    `conntrack -o id` prints
//   labels        array      N with CTA_LABELS       numbers of the set connection-label bits,
//                                                    0-127, ascending ([] when none is set)
//   label_names   array      JsonStyle::labels set   names (connlabel.conf) of the set bits that
//                            and "labels" written    have one, in bit order; unnamed bits are
//                                                    skipped. Output only: ParseJsonLine ignores it
//   helper        string     N with a helper         CTA_HELP_NAME, e.g. "ftp"
//   tcp           object     N tcp (not offloaded)   {"wscale_orig","wscale_reply","flags_orig",
//                                                    "flags_reply"}: window scales and the flags
//                                                    byte of CTA_PROTOINFO_TCP_FLAGS_* (u8 each)
//   sctp          object     N sctp                  {"vtag_orig","vtag_reply"} (u32 each)
//   dccp          object     N dccp (kernels <=6.16) {"role" (u8),"handshake_seq" (u64)}
//   gre           object     P gre                   {"timeout","stream_timeout"}: the GRE state
//                                                    text of /proc, seconds (u32 each); not the
//                                                    entry timeout
//   master        object     N expected connections  CTA_TUPLE_MASTER: a tuple (below, without
//                                                    counters)
//   seqadj_orig   object     N with IPS_SEQ_ADJUST   {"correction_pos","offset_before",
//   seqadj_reply                                     "offset_after"} (u32 each)
//   synproxy      object     N with synproxy ext.    {"isn","its","tsoff"} (u32 each)
//   netns         string     JsonStyle::netns set    the network namespace the entry is in
//                            (--all-netns)           (a name under /run/netns, else "pid:N").
//                                                    Output only: ParseJsonLine ignores it
//
// Tuple objects ("orig", "reply", "master"), keys in this order:
//
//   src, dst      string     always                  address text: IPv4 dotted quad, IPv6
//                                                    compressed exactly as inet_ntop() writes it
//                                                    ("fd00::1", "::ffff:1.2.3.4"). A family other
//                                                    than ipv4/ipv6 writes the 16 raw bytes as 32
//                                                    lowercase hex digits
//   type, code,   number     icmp/icmpv6, when the   ICMP type, code (u8) and id (u16)
//   id                       source gave the L4 ids
//   srckey,       number     gre, likewise           GRE keys (u16, decimal here; conntrack prints
//   dstkey                                           them in hex)
//   sport, dport  number     any other protocol,     ports (u16)
//                            likewise
//   packets,      number     orig/reply with         per-direction counters (u64)
//   bytes                    accounting
//
// A tuple without L4 keys is one whose source gave no L4 identifiers: protocols the kernel
// does not track (`unknown` in /proc), and DCCP on 6.17+.
//
// Numbers. Every value is a JSON integer (no fraction, no exponent), written exactly,
// including u64 values. Note that start_ns and stop_ns (about 1.8e18) always exceed 2^53:
// readers that turn JSON numbers into IEEE doubles (JavaScript's JSON.parse, jq before
// 1.7) round them to a multiple of 256 ns; counters would need to pass 2^53 to be
// affected. Read these keys as 64-bit integers (Python, Go with json.Number, jq 1.7+).
//
// Strings (secctx, helper, label names) are JSON-escaped: '"' and '\' get a backslash,
// \b \f \n \r \t their short forms, other bytes below 0x20 and 0x7f are written as \u00XX.
// Valid UTF-8 is copied unchanged. A byte that is not part of valid UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF) is written as \u00XX, XX being the
// byte: the output is always valid UTF-8 and valid JSON, a standard reader sees such a
// byte as the character U+0080-U+00FF (its Latin-1 reading), and ParseJsonLine() turns
// \u0080-\u00ff back into the single byte, so every string round-trips byte for byte.
//
// Round trip: ParseJsonLine(AppendJsonLine(f)) gives back f (same DebugString), with two
// exceptions no backend produces: a record that has both start_ns and delta_time loses
// delta_time (the written "delta_time" is then the one computed from the timestamps), and
// a zone direction other than orig/reply/both is written as "both".

#ifndef CTDUMP_CORE_JSON_H_
#define CTDUMP_CORE_JSON_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/text_buffer.h"

namespace ctdump {

inline constexpr int kJsonSchemaVersion = 1;

struct JsonStyle {
  // When set, records with labels also get "label_names" (names from connlabel.conf).
  const LabelNames* labels = nullptr;
  // When not empty, every object ends with "netns": this (--all-netns).
  std::string netns;
};

// Appends one JSON object for `flow`, then '\n'. `now_ns` (wall clock, ns since the
// epoch) is used for "delta_time" when the record has start_ns but no stop_ns.
// Never fails; allocates nothing beyond growing `out`.
void AppendJsonLine(const Flow& flow, const JsonStyle& style, uint64_t now_ns,
                    TextBuffer* out);

// Appends `s` as one JSON string, quotes included, escaped as described above (the same
// escaping the flow strings get). For writers that add their own keys to a flow object
// (core/event_format.h).
void AppendJsonString(absl::string_view s, TextBuffer* out);

}  // namespace ctdump

#endif  // CTDUMP_CORE_JSON_H_
