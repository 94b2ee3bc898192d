// File: backends/netlink/ctnetlink.h
//
// ctnetlink wire numbers used by the netlink backend: message types, attribute types and
// the netlink framing constants, with the kernel identifier beside every value.
//
//   switch (AttrType(nla_type)) { case kCtaTupleOrig: ... }
//
// Provenance: include/uapi/linux/netfilter/nfnetlink_conntrack.h,
// include/uapi/linux/netfilter/nfnetlink.h and include/uapi/linux/netlink.h, Linux 6.18
// (docs/ctnetlink.md). Numbers only ever grow in the kernel; ctnetlink_test.cc
// checks every value that the installed uapi headers also define. Deliberately no
// constants here for building CT_NEW / CT_DELETE / CT_GET_CTRZERO requests: the backend is
// read-only by construction (request.h), and the decoder needs only the reply types.

#ifndef CTDUMP_BACKENDS_NETLINK_CTNETLINK_H_
#define CTDUMP_BACKENDS_NETLINK_CTNETLINK_H_

#include <cstddef>
#include <cstdint>

namespace ctdump {
namespace netlink {
namespace ctnl {

// ---- netlink framing (linux/netlink.h) ----
inline constexpr size_t kNlmsgHdrLen = 16;   // sizeof(struct nlmsghdr)
inline constexpr size_t kNfgenHdrLen = 4;    // sizeof(struct nfgenmsg)
inline constexpr size_t kNlaHdrLen = 4;      // sizeof(struct nlattr)
inline constexpr size_t kCtPayloadOffset = kNlmsgHdrLen + kNfgenHdrLen;
inline constexpr size_t Align4(size_t n) { return (n + 3) & ~size_t{3}; }  // NLMSG_ALIGN

inline constexpr uint16_t kNlmsgNoop = 1;     // NLMSG_NOOP
inline constexpr uint16_t kNlmsgError = 2;    // NLMSG_ERROR
inline constexpr uint16_t kNlmsgDone = 3;     // NLMSG_DONE
inline constexpr uint16_t kNlmsgOverrun = 4;  // NLMSG_OVERRUN
inline constexpr uint16_t kNlmsgMinType = 0x10;  // NLMSG_MIN_TYPE

inline constexpr uint16_t kNlmFRequest = 0x1;     // NLM_F_REQUEST
inline constexpr uint16_t kNlmFMulti = 0x2;       // NLM_F_MULTI
inline constexpr uint16_t kNlmFAck = 0x4;         // NLM_F_ACK
inline constexpr uint16_t kNlmFDumpIntr = 0x10;   // NLM_F_DUMP_INTR
inline constexpr uint16_t kNlmFDumpFiltered = 0x20;  // NLM_F_DUMP_FILTERED
inline constexpr uint16_t kNlmFRoot = 0x100;      // NLM_F_ROOT
inline constexpr uint16_t kNlmFMatch = 0x200;     // NLM_F_MATCH
inline constexpr uint16_t kNlmFDump = kNlmFRoot | kNlmFMatch;  // NLM_F_DUMP
inline constexpr uint16_t kNlmFCapped = 0x100;    // NLM_F_CAPPED (NLMSG_ERROR only)
inline constexpr uint16_t kNlmFAckTlvs = 0x200;   // NLM_F_ACK_TLVS (NLMSG_ERROR only)
inline constexpr uint16_t kNlmsgerrAttrMsg = 1;   // NLMSGERR_ATTR_MSG
inline constexpr uint16_t kNlmFExcl = 0x200;      // NLM_F_EXCL (events: NEW)
inline constexpr uint16_t kNlmFCreate = 0x400;    // NLM_F_CREATE (events: NEW)

inline constexpr uint16_t kNlaFNested = 0x8000;       // NLA_F_NESTED
inline constexpr uint16_t kNlaFNetByteorder = 0x4000;  // NLA_F_NET_BYTEORDER
inline constexpr uint16_t kNlaTypeMask = 0x3fff;       // NLA_TYPE_MASK

inline constexpr int kNetlinkNetfilter = 12;  // NETLINK_NETFILTER
inline constexpr int kSolNetlink = 270;       // SOL_NETLINK
inline constexpr int kNetlinkExtAck = 11;     // NETLINK_EXT_ACK
inline constexpr int kNetlinkAddMembership = 1;  // NETLINK_ADD_MEMBERSHIP

// ---- multicast groups (enum nfnetlink_groups), for conntrack events ----
inline constexpr int kNfnlgrpConntrackNew = 1;      // NFNLGRP_CONNTRACK_NEW
inline constexpr int kNfnlgrpConntrackUpdate = 2;   // NFNLGRP_CONNTRACK_UPDATE
inline constexpr int kNfnlgrpConntrackDestroy = 3;  // NFNLGRP_CONNTRACK_DESTROY

// ---- nfnetlink (linux/netfilter/nfnetlink.h) ----
inline constexpr uint8_t kNfnetlinkV0 = 0;            // NFNETLINK_V0
inline constexpr uint8_t kSubsysCtnetlink = 1;        // NFNL_SUBSYS_CTNETLINK
inline constexpr uint16_t SubsysOf(uint16_t type) { return type >> 8; }  // NFNL_SUBSYS_ID
inline constexpr uint16_t MsgOf(uint16_t type) { return type & 0xff; }   // NFNL_MSG_TYPE

// ---- conntrack message numbers (enum cntl_msg_types) ----
// Only what a reader receives or may send. CT_NEW and CT_DELETE appear here because
// every dump entry and every destroy event arrives with those types.
inline constexpr uint8_t kMsgCtNew = 0;          // IPCTNL_MSG_CT_NEW (replies, events)
inline constexpr uint8_t kMsgCtGet = 1;          // IPCTNL_MSG_CT_GET
inline constexpr uint8_t kMsgCtDelete = 2;       // IPCTNL_MSG_CT_DELETE (destroy events)
inline constexpr uint8_t kMsgCtGetStatsCpu = 4;  // IPCTNL_MSG_CT_GET_STATS_CPU
inline constexpr uint8_t kMsgCtGetStats = 5;     // IPCTNL_MSG_CT_GET_STATS
inline constexpr uint16_t CtType(uint8_t msg) {
  return static_cast<uint16_t>(kSubsysCtnetlink << 8 | msg);
}

// ---- enum ctattr_type ----
enum CtAttr : uint16_t {
  kCtaTupleOrig = 1,      // CTA_TUPLE_ORIG, nested
  kCtaTupleReply = 2,     // CTA_TUPLE_REPLY, nested
  kCtaStatus = 3,         // CTA_STATUS, be32
  kCtaProtoinfo = 4,      // CTA_PROTOINFO, nested
  kCtaHelp = 5,           // CTA_HELP, nested
  kCtaNatSrc = 6,         // CTA_NAT_SRC (input only)
  kCtaTimeout = 7,        // CTA_TIMEOUT, be32
  kCtaMark = 8,           // CTA_MARK, be32
  kCtaCountersOrig = 9,   // CTA_COUNTERS_ORIG, nested
  kCtaCountersReply = 10, // CTA_COUNTERS_REPLY, nested
  kCtaUse = 11,           // CTA_USE, be32
  kCtaId = 12,            // CTA_ID, 4 bytes (read big-endian)
  kCtaNatDst = 13,        // CTA_NAT_DST (input only)
  kCtaTupleMaster = 14,   // CTA_TUPLE_MASTER, nested
  kCtaSeqAdjOrig = 15,    // CTA_SEQ_ADJ_ORIG, nested
  kCtaSeqAdjReply = 16,   // CTA_SEQ_ADJ_REPLY, nested
  kCtaSecmark = 17,       // CTA_SECMARK, be32 (obsolete)
  kCtaZone = 18,          // CTA_ZONE, be16
  kCtaSecctx = 19,        // CTA_SECCTX, nested
  kCtaTimestamp = 20,     // CTA_TIMESTAMP, nested
  kCtaMarkMask = 21,      // CTA_MARK_MASK (input only)
  kCtaLabels = 22,        // CTA_LABELS, native unsigned long words
  kCtaLabelsMask = 23,    // CTA_LABELS_MASK (input only)
  kCtaSynproxy = 24,      // CTA_SYNPROXY, nested
  kCtaFilter = 25,        // CTA_FILTER (input only, 5.8+)
  kCtaStatusMask = 26,    // CTA_STATUS_MASK (input only, 5.15+)
  kCtaTimestampEvent = 27,  // CTA_TIMESTAMP_EVENT, be64 (events only, 6.x)
};

enum CtaTuple : uint16_t {
  kCtaTupleIp = 1,     // CTA_TUPLE_IP, nested
  kCtaTupleProto = 2,  // CTA_TUPLE_PROTO, nested
  kCtaTupleZone = 3,   // CTA_TUPLE_ZONE, be16 (4.3+)
};

enum CtaIp : uint16_t {
  kCtaIpV4Src = 1,  // CTA_IP_V4_SRC, 4 bytes
  kCtaIpV4Dst = 2,  // CTA_IP_V4_DST
  kCtaIpV6Src = 3,  // CTA_IP_V6_SRC, 16 bytes
  kCtaIpV6Dst = 4,  // CTA_IP_V6_DST
};

enum CtaProto : uint16_t {
  kCtaProtoNum = 1,         // CTA_PROTO_NUM, u8
  kCtaProtoSrcPort = 2,     // CTA_PROTO_SRC_PORT, be16
  kCtaProtoDstPort = 3,     // CTA_PROTO_DST_PORT, be16
  kCtaProtoIcmpId = 4,      // CTA_PROTO_ICMP_ID, be16
  kCtaProtoIcmpType = 5,    // CTA_PROTO_ICMP_TYPE, u8
  kCtaProtoIcmpCode = 6,    // CTA_PROTO_ICMP_CODE, u8
  kCtaProtoIcmpv6Id = 7,    // CTA_PROTO_ICMPV6_ID, be16
  kCtaProtoIcmpv6Type = 8,  // CTA_PROTO_ICMPV6_TYPE, u8
  kCtaProtoIcmpv6Code = 9,  // CTA_PROTO_ICMPV6_CODE, u8
};

enum CtaProtoinfo : uint16_t {
  kCtaProtoinfoTcp = 1,   // CTA_PROTOINFO_TCP, nested
  kCtaProtoinfoDccp = 2,  // CTA_PROTOINFO_DCCP, nested (until 6.16)
  kCtaProtoinfoSctp = 3,  // CTA_PROTOINFO_SCTP, nested
};

enum CtaProtoinfoTcp : uint16_t {
  kCtaTcpState = 1,        // CTA_PROTOINFO_TCP_STATE, u8
  kCtaTcpWscaleOrig = 2,   // CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, u8
  kCtaTcpWscaleReply = 3,  // CTA_PROTOINFO_TCP_WSCALE_REPLY, u8
  kCtaTcpFlagsOrig = 4,    // CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, {u8 flags, u8 mask}
  kCtaTcpFlagsReply = 5,   // CTA_PROTOINFO_TCP_FLAGS_REPLY
};

enum CtaProtoinfoDccp : uint16_t {
  kCtaDccpState = 1,         // CTA_PROTOINFO_DCCP_STATE, u8
  kCtaDccpRole = 2,          // CTA_PROTOINFO_DCCP_ROLE, u8
  kCtaDccpHandshakeSeq = 3,  // CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, be64
  kCtaDccpPad = 4,           // CTA_PROTOINFO_DCCP_PAD
};

enum CtaProtoinfoSctp : uint16_t {
  kCtaSctpState = 1,       // CTA_PROTOINFO_SCTP_STATE, u8
  kCtaSctpVtagOrig = 2,    // CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, be32
  kCtaSctpVtagReply = 3,   // CTA_PROTOINFO_SCTP_VTAG_REPLY, be32
};

enum CtaCounters : uint16_t {
  kCtaCountersPackets = 1,    // CTA_COUNTERS_PACKETS, be64
  kCtaCountersBytes = 2,      // CTA_COUNTERS_BYTES, be64
  kCtaCounters32Packets = 3,  // CTA_COUNTERS32_PACKETS, be32 (unused by kernels)
  kCtaCounters32Bytes = 4,    // CTA_COUNTERS32_BYTES, be32 (unused by kernels)
  kCtaCountersPad = 5,        // CTA_COUNTERS_PAD
};

enum CtaTimestamp : uint16_t {
  kCtaTimestampStart = 1,  // CTA_TIMESTAMP_START, be64 ns
  kCtaTimestampStop = 2,   // CTA_TIMESTAMP_STOP, be64 ns
  kCtaTimestampPad = 3,    // CTA_TIMESTAMP_PAD
};

enum CtaHelp : uint16_t {
  kCtaHelpName = 1,  // CTA_HELP_NAME, NUL-terminated string
  kCtaHelpInfo = 2,  // CTA_HELP_INFO
};

enum CtaSecctx : uint16_t {
  kCtaSecctxName = 1,  // CTA_SECCTX_NAME, NUL-terminated string
};

enum CtaSeqAdj : uint16_t {
  kCtaSeqAdjCorrectionPos = 1,  // CTA_SEQADJ_CORRECTION_POS, be32
  kCtaSeqAdjOffsetBefore = 2,   // CTA_SEQADJ_OFFSET_BEFORE, be32
  kCtaSeqAdjOffsetAfter = 3,    // CTA_SEQADJ_OFFSET_AFTER, be32
};

enum CtaSynproxy : uint16_t {
  kCtaSynproxyIsn = 1,    // CTA_SYNPROXY_ISN, be32
  kCtaSynproxyIts = 2,    // CTA_SYNPROXY_ITS, be32
  kCtaSynproxyTsoff = 3,  // CTA_SYNPROXY_TSOFF, be32
};

enum CtaStatsGlobal : uint16_t {
  kCtaStatsGlobalEntries = 1,     // CTA_STATS_GLOBAL_ENTRIES, be32
  kCtaStatsGlobalMaxEntries = 2,  // CTA_STATS_GLOBAL_MAX_ENTRIES, be32 (4.18+)
};

// enum ctattr_stats_cpu: attributes of one CT_GET_STATS_CPU reply (one message per CPU,
// res_id = CPU number), all be32. Which ones a kernel sends varies: 6.18 sends FOUND,
// INVALID, INSERT, INSERT_FAILED, DROP, EARLY_DROP, ERROR, SEARCH_RESTART, CLASH_RESOLVE
// and CHAIN_TOOLONG; the ones marked "retired" went away in 4.9-5.x.
enum CtaStatsCpu : uint16_t {
  kCtaStatsSearched = 1,       // CTA_STATS_SEARCHED (retired)
  kCtaStatsFound = 2,          // CTA_STATS_FOUND
  kCtaStatsNew = 3,            // CTA_STATS_NEW (retired)
  kCtaStatsInvalid = 4,        // CTA_STATS_INVALID
  kCtaStatsIgnore = 5,         // CTA_STATS_IGNORE (retired)
  kCtaStatsDelete = 6,         // CTA_STATS_DELETE (retired)
  kCtaStatsDeleteList = 7,     // CTA_STATS_DELETE_LIST (retired)
  kCtaStatsInsert = 8,         // CTA_STATS_INSERT
  kCtaStatsInsertFailed = 9,   // CTA_STATS_INSERT_FAILED
  kCtaStatsDrop = 10,          // CTA_STATS_DROP
  kCtaStatsEarlyDrop = 11,     // CTA_STATS_EARLY_DROP
  kCtaStatsError = 12,         // CTA_STATS_ERROR
  kCtaStatsSearchRestart = 13,  // CTA_STATS_SEARCH_RESTART
  kCtaStatsClashResolve = 14,   // CTA_STATS_CLASH_RESOLVE (5.9+)
  kCtaStatsChainTooLong = 15,   // CTA_STATS_CHAIN_TOOLONG (5.15+)
};
inline constexpr uint16_t kCtaStatsCpuMax = 15;  // CTA_STATS_MAX as of 6.18

// ---- dump filters (input only) ----
// enum ctattr_filter: the nest CTA_FILTER (5.8+).
enum CtaFilter : uint16_t {
  kCtaFilterOrigFlags = 1,   // CTA_FILTER_ORIG_FLAGS, u32 in HOST byte order (NLA_U32)
  kCtaFilterReplyFlags = 2,  // CTA_FILTER_REPLY_FLAGS, u32 in host byte order
};
// The flag bits of CTA_FILTER_{ORIG,REPLY}_FLAGS: which fields of CTA_TUPLE_ORIG /
// CTA_TUPLE_REPLY the kernel compares. Not in the uapi headers: they are the
// CTA_FILTER_F_* macros of net/netfilter/nf_conntrack_netlink.c (5.8 .. 6.18). A bit
// outside kCtaFilterFAll gets EOPNOTSUPP; a port/ICMP bit without kCtaFilterFProtoNum
// gets EINVAL.
enum CtaFilterFlag : uint32_t {
  kCtaFilterFIpSrc = 1u << 0,        // CTA_FILTER_F_CTA_IP_SRC
  kCtaFilterFIpDst = 1u << 1,        // CTA_FILTER_F_CTA_IP_DST
  kCtaFilterFTupleZone = 1u << 2,    // CTA_FILTER_F_CTA_TUPLE_ZONE (accepted, never compared)
  kCtaFilterFProtoNum = 1u << 3,     // CTA_FILTER_F_CTA_PROTO_NUM
  kCtaFilterFSrcPort = 1u << 4,      // CTA_FILTER_F_CTA_PROTO_SRC_PORT (TCP/UDP entries only)
  kCtaFilterFDstPort = 1u << 5,      // CTA_FILTER_F_CTA_PROTO_DST_PORT (TCP/UDP entries only)
  kCtaFilterFIcmpType = 1u << 6,     // CTA_FILTER_F_CTA_PROTO_ICMP_TYPE
  kCtaFilterFIcmpCode = 1u << 7,     // CTA_FILTER_F_CTA_PROTO_ICMP_CODE
  kCtaFilterFIcmpId = 1u << 8,       // CTA_FILTER_F_CTA_PROTO_ICMP_ID
  kCtaFilterFIcmpv6Type = 1u << 9,   // CTA_FILTER_F_CTA_PROTO_ICMPV6_TYPE
  kCtaFilterFIcmpv6Code = 1u << 10,  // CTA_FILTER_F_CTA_PROTO_ICMPV6_CODE
  kCtaFilterFIcmpv6Id = 1u << 11,    // CTA_FILTER_F_CTA_PROTO_ICMPV6_ID
};
inline constexpr uint32_t kCtaFilterFAll = (1u << 12) - 1;  // CTA_FILTER_F_ALL

}  // namespace ctnl
}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_CTNETLINK_H_
