// Checks backends/netlink/ctnetlink.h against the kernel's uapi headers as installed
// (Debian 12: Linux 6.1 headers; CTA_TIMESTAMP_EVENT is newer and not checked).

#include "backends/netlink/ctnetlink.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace ctnl {
namespace {

// Compares values of different enum types without -Wenum-compare.
constexpr bool Same(long a, long b) { return a == b; }  // NOLINT(runtime/int)

static_assert(kNlmsgHdrLen == sizeof(struct nlmsghdr), "nlmsghdr");
static_assert(kNfgenHdrLen == sizeof(struct nfgenmsg), "nfgenmsg");
static_assert(kNlaHdrLen == sizeof(struct nlattr), "nlattr");
static_assert(Same(kCtPayloadOffset, NLMSG_HDRLEN) + NLMSG_ALIGN(sizeof(struct nfgenmsg)), "");
static_assert(Same(kNlmsgNoop, NLMSG_NOOP) && Same(kNlmsgError, NLMSG_ERROR) &&
                  Same(kNlmsgDone, NLMSG_DONE) && Same(kNlmsgOverrun, NLMSG_OVERRUN) &&
                  Same(kNlmsgMinType, NLMSG_MIN_TYPE),
              "control types");
static_assert(Same(kNlmFRequest, NLM_F_REQUEST) && Same(kNlmFMulti, NLM_F_MULTI) &&
                  Same(kNlmFAck, NLM_F_ACK) && Same(kNlmFDumpIntr, NLM_F_DUMP_INTR) &&
                  Same(kNlmFDumpFiltered, NLM_F_DUMP_FILTERED) && Same(kNlmFDump, NLM_F_DUMP) &&
                  kNlmFDump == 0x300 && Same(kNlmFCapped, NLM_F_CAPPED) &&
                  Same(kNlmFAckTlvs, NLM_F_ACK_TLVS) && Same(kNlmsgerrAttrMsg, NLMSGERR_ATTR_MSG),
              "flags");
static_assert(Same(kNlaFNested, NLA_F_NESTED) && Same(kNlaFNetByteorder, NLA_F_NET_BYTEORDER) &&
                  Same(kNlaTypeMask, NLA_TYPE_MASK & 0xffff),
              "nla flags");
static_assert(Same(kNetlinkNetfilter, NETLINK_NETFILTER) && Same(kNetlinkExtAck, NETLINK_EXT_ACK),
              "socket");
static_assert(Same(kNfnetlinkV0, NFNETLINK_V0) && Same(kSubsysCtnetlink, NFNL_SUBSYS_CTNETLINK),
              "nfnetlink");
static_assert(Same(kMsgCtNew, IPCTNL_MSG_CT_NEW) && Same(kMsgCtGet, IPCTNL_MSG_CT_GET) &&
                  Same(kMsgCtDelete, IPCTNL_MSG_CT_DELETE) &&
                  Same(kMsgCtGetStatsCpu, IPCTNL_MSG_CT_GET_STATS_CPU) &&
                  Same(kMsgCtGetStats, IPCTNL_MSG_CT_GET_STATS),
              "messages");
static_assert(Same(kCtaTupleOrig, CTA_TUPLE_ORIG) && Same(kCtaTupleReply, CTA_TUPLE_REPLY) &&
                  Same(kCtaStatus, CTA_STATUS) && Same(kCtaProtoinfo, CTA_PROTOINFO) &&
                  Same(kCtaHelp, CTA_HELP) && Same(kCtaNatSrc, CTA_NAT_SRC) &&
                  Same(kCtaTimeout, CTA_TIMEOUT) && Same(kCtaMark, CTA_MARK) &&
                  Same(kCtaCountersOrig, CTA_COUNTERS_ORIG) &&
                  Same(kCtaCountersReply, CTA_COUNTERS_REPLY) && Same(kCtaUse, CTA_USE) &&
                  Same(kCtaId, CTA_ID) && Same(kCtaNatDst, CTA_NAT_DST) &&
                  Same(kCtaTupleMaster, CTA_TUPLE_MASTER) && Same(kCtaSeqAdjOrig, CTA_SEQ_ADJ_ORIG) &&
                  Same(kCtaSeqAdjReply, CTA_SEQ_ADJ_REPLY) && Same(kCtaSecmark, CTA_SECMARK) &&
                  Same(kCtaZone, CTA_ZONE) && Same(kCtaSecctx, CTA_SECCTX) &&
                  Same(kCtaTimestamp, CTA_TIMESTAMP) && Same(kCtaMarkMask, CTA_MARK_MASK) &&
                  Same(kCtaLabels, CTA_LABELS) && Same(kCtaLabelsMask, CTA_LABELS_MASK) &&
                  Same(kCtaSynproxy, CTA_SYNPROXY) && Same(kCtaFilter, CTA_FILTER) &&
                  Same(kCtaStatusMask, CTA_STATUS_MASK) && Same(kCtaTimestampEvent, CTA_MAX + 1),
              "ctattr_type (CTA_TIMESTAMP_EVENT follows CTA_STATUS_MASK in 6.x)");
static_assert(Same(kCtaTupleIp, CTA_TUPLE_IP) && Same(kCtaTupleProto, CTA_TUPLE_PROTO) &&
                  Same(kCtaTupleZone, CTA_TUPLE_ZONE),
              "ctattr_tuple");
static_assert(Same(kCtaIpV4Src, CTA_IP_V4_SRC) && Same(kCtaIpV4Dst, CTA_IP_V4_DST) &&
                  Same(kCtaIpV6Src, CTA_IP_V6_SRC) && Same(kCtaIpV6Dst, CTA_IP_V6_DST),
              "ctattr_ip");
static_assert(Same(kCtaProtoNum, CTA_PROTO_NUM) && Same(kCtaProtoSrcPort, CTA_PROTO_SRC_PORT) &&
                  Same(kCtaProtoDstPort, CTA_PROTO_DST_PORT) &&
                  Same(kCtaProtoIcmpId, CTA_PROTO_ICMP_ID) &&
                  Same(kCtaProtoIcmpType, CTA_PROTO_ICMP_TYPE) &&
                  Same(kCtaProtoIcmpCode, CTA_PROTO_ICMP_CODE) &&
                  Same(kCtaProtoIcmpv6Id, CTA_PROTO_ICMPV6_ID) &&
                  Same(kCtaProtoIcmpv6Type, CTA_PROTO_ICMPV6_TYPE) &&
                  Same(kCtaProtoIcmpv6Code, CTA_PROTO_ICMPV6_CODE),
              "ctattr_l4proto");
static_assert(Same(kCtaProtoinfoTcp, CTA_PROTOINFO_TCP) && Same(kCtaProtoinfoDccp, CTA_PROTOINFO_DCCP) &&
                  Same(kCtaProtoinfoSctp, CTA_PROTOINFO_SCTP),
              "ctattr_protoinfo");
static_assert(Same(kCtaTcpState, CTA_PROTOINFO_TCP_STATE) &&
                  Same(kCtaTcpWscaleOrig, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL) &&
                  Same(kCtaTcpWscaleReply, CTA_PROTOINFO_TCP_WSCALE_REPLY) &&
                  Same(kCtaTcpFlagsOrig, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL) &&
                  Same(kCtaTcpFlagsReply, CTA_PROTOINFO_TCP_FLAGS_REPLY),
              "ctattr_protoinfo_tcp");
static_assert(Same(kCtaDccpState, CTA_PROTOINFO_DCCP_STATE) &&
                  Same(kCtaDccpRole, CTA_PROTOINFO_DCCP_ROLE) &&
                  Same(kCtaDccpHandshakeSeq, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ) &&
                  Same(kCtaDccpPad, CTA_PROTOINFO_DCCP_PAD),
              "ctattr_protoinfo_dccp");
static_assert(Same(kCtaSctpState, CTA_PROTOINFO_SCTP_STATE) &&
                  Same(kCtaSctpVtagOrig, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL) &&
                  Same(kCtaSctpVtagReply, CTA_PROTOINFO_SCTP_VTAG_REPLY),
              "ctattr_protoinfo_sctp");
static_assert(Same(kCtaCountersPackets, CTA_COUNTERS_PACKETS) &&
                  Same(kCtaCountersBytes, CTA_COUNTERS_BYTES) &&
                  Same(kCtaCounters32Packets, CTA_COUNTERS32_PACKETS) &&
                  Same(kCtaCounters32Bytes, CTA_COUNTERS32_BYTES) &&
                  Same(kCtaCountersPad, CTA_COUNTERS_PAD),
              "ctattr_counters");
static_assert(Same(kCtaTimestampStart, CTA_TIMESTAMP_START) &&
                  Same(kCtaTimestampStop, CTA_TIMESTAMP_STOP) &&
                  Same(kCtaTimestampPad, CTA_TIMESTAMP_PAD),
              "ctattr_tstamp");
static_assert(Same(kCtaHelpName, CTA_HELP_NAME) && Same(kCtaHelpInfo, CTA_HELP_INFO), "ctattr_help");
static_assert(Same(kCtaSecctxName, CTA_SECCTX_NAME), "ctattr_secctx");
static_assert(Same(kCtaSeqAdjCorrectionPos, CTA_SEQADJ_CORRECTION_POS) &&
                  Same(kCtaSeqAdjOffsetBefore, CTA_SEQADJ_OFFSET_BEFORE) &&
                  Same(kCtaSeqAdjOffsetAfter, CTA_SEQADJ_OFFSET_AFTER),
              "ctattr_seqadj");
static_assert(Same(kCtaSynproxyIsn, CTA_SYNPROXY_ISN) && Same(kCtaSynproxyIts, CTA_SYNPROXY_ITS) &&
                  Same(kCtaSynproxyTsoff, CTA_SYNPROXY_TSOFF),
              "ctattr_synproxy");
static_assert(Same(kCtaStatsGlobalEntries, CTA_STATS_GLOBAL_ENTRIES) &&
                  Same(kCtaStatsGlobalMaxEntries, CTA_STATS_GLOBAL_MAX_ENTRIES),
              "ctattr_stats_global");
static_assert(Same(kCtaStatsSearched, CTA_STATS_SEARCHED) &&
                  Same(kCtaStatsFound, CTA_STATS_FOUND) &&
                  Same(kCtaStatsNew, CTA_STATS_NEW) && Same(kCtaStatsInvalid, CTA_STATS_INVALID) &&
                  Same(kCtaStatsIgnore, CTA_STATS_IGNORE) &&
                  Same(kCtaStatsDelete, CTA_STATS_DELETE) &&
                  Same(kCtaStatsDeleteList, CTA_STATS_DELETE_LIST) &&
                  Same(kCtaStatsInsert, CTA_STATS_INSERT) &&
                  Same(kCtaStatsInsertFailed, CTA_STATS_INSERT_FAILED) &&
                  Same(kCtaStatsDrop, CTA_STATS_DROP) &&
                  Same(kCtaStatsEarlyDrop, CTA_STATS_EARLY_DROP) &&
                  Same(kCtaStatsError, CTA_STATS_ERROR) &&
                  Same(kCtaStatsSearchRestart, CTA_STATS_SEARCH_RESTART) &&
                  Same(kCtaStatsClashResolve, CTA_STATS_CLASH_RESOLVE) &&
                  Same(kCtaStatsChainTooLong, CTA_STATS_CHAIN_TOOLONG) &&
                  Same(kCtaStatsCpuMax, CTA_STATS_MAX),
              "ctattr_stats_cpu");
static_assert(Same(kCtaFilterOrigFlags, CTA_FILTER_ORIG_FLAGS) &&
                  Same(kCtaFilterReplyFlags, CTA_FILTER_REPLY_FLAGS),
              "ctattr_filter (the flag bits are kernel-internal and not in uapi)");

TEST(CtnetlinkTest, MessageTypes) {
  EXPECT_EQ(CtType(kMsgCtNew), 0x0100);
  EXPECT_EQ(CtType(kMsgCtGet), 0x0101);
  EXPECT_EQ(CtType(kMsgCtDelete), 0x0102);
  EXPECT_EQ(CtType(kMsgCtGetStatsCpu), 0x0104);
  EXPECT_EQ(CtType(kMsgCtGetStats), 0x0105);
  EXPECT_EQ(SubsysOf(0x0105), 1);
  EXPECT_EQ(MsgOf(0x0105), 5);
  EXPECT_EQ(Align4(5), 8u);
  EXPECT_EQ(Align4(8), 8u);
}

}  // namespace
}  // namespace ctnl
}  // namespace netlink
}  // namespace ctdump
