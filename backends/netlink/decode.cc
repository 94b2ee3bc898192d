#include "backends/netlink/decode.h"

#include <endian.h>

#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/netlink/attr.h"
#include "backends/netlink/ctnetlink.h"
#include "core/kernel.h"

namespace ctdump {
namespace netlink {
namespace {

const char* IpAttrName(uint16_t type) {
  switch (type) {
    case ctnl::kCtaIpV4Src: return "CTA_IP_V4_SRC";
    case ctnl::kCtaIpV4Dst: return "CTA_IP_V4_DST";
    case ctnl::kCtaIpV6Src: return "CTA_IP_V6_SRC";
    default: return "CTA_IP_V6_DST";
  }
}

// Decodes the attributes of one entry into a Flow. Sticky error: every method returns
// false once something was wrong, and status() says what. The path of
// nests being decoded is kept as a small stack of names for the error message only.
class EntryDecoder {
 public:
  EntryDecoder(Flow* flow, uint8_t family) : f_(flow), family_(family) {}

  bool Entry(const uint8_t* p, size_t n);
  absl::Status status() && { return std::move(status_); }

 private:
  class Scope {
   public:
    Scope(EntryDecoder* d, const char* name) : d_(d) {
      if (d_->depth_ < kMaxDepth) d_->path_[d_->depth_] = name;
      ++d_->depth_;
    }
    ~Scope() { --d_->depth_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    EntryDecoder* d_;
  };

  // Checks an attribute's payload length before it is read.
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool Want(const Attr& a, size_t want, const char* name) {
    if (ABSL_PREDICT_TRUE(a.len == want)) return true;
    return FailLen(name, a.len, want);
  }

  bool Tuple(const Attr& nest, const char* name, ctdump::Tuple* t, uint8_t* proto,
             uint8_t zone_dir);
  bool Ip(const Attr& nest, ctdump::Tuple* t);
  bool Proto(const Attr& nest, ctdump::Tuple* t, uint8_t* proto);
  bool Protoinfo(const Attr& nest);
  bool ProtoinfoTcp(const Attr& nest);
  bool ProtoinfoSctp(const Attr& nest);
  bool ProtoinfoDccp(const Attr& nest);
  bool CountersNest(const Attr& nest, const char* name, std::optional<Counters>* out);
  bool Timestamp(const Attr& nest);
  bool NameNest(const Attr& nest, const char* name, uint16_t name_type,
                const char* name_attr, std::string* out);
  bool SeqAdjNest(const Attr& nest, const char* name, std::optional<SeqAdj>* out);
  bool SynproxyNest(const Attr& nest);
  bool LabelsAttr(const Attr& a);

  ABSL_ATTRIBUTE_NOINLINE ABSL_ATTRIBUTE_COLD bool Fail(absl::string_view what);
  ABSL_ATTRIBUTE_NOINLINE ABSL_ATTRIBUTE_COLD bool FailLen(const char* name, size_t got,
                                                          size_t want);
  ABSL_ATTRIBUTE_NOINLINE ABSL_ATTRIBUTE_COLD bool FailTlv(const AttrWalker& w);
  std::string Where() const;

  static constexpr int kMaxDepth = 4;

  Flow* f_;
  uint8_t family_;
  uint8_t zone_dirs_ = 0;  // directions seen in CTA_ZONE / CTA_TUPLE_ZONE
  const char* path_[kMaxDepth] = {};
  int depth_ = 0;
  absl::Status status_;
};

std::string EntryDecoder::Where() const {
  std::string s;
  for (int i = 0; i < depth_ && i < kMaxDepth; ++i) {
    if (i != 0) s += " > ";
    s += path_[i];
  }
  return s;
}

bool EntryDecoder::Fail(absl::string_view what) {
  if (depth_ == 0) {
    status_ = absl::DataLossError(what);
  } else {
    status_ = absl::DataLossError(absl::StrCat(Where(), ": ", what));
  }
  return false;
}

bool EntryDecoder::FailLen(const char* name, size_t got, size_t want) {
  std::string where = Where();
  status_ = absl::DataLossError(absl::StrCat(where, where.empty() ? "" : " > ", name, " has ",
                                             got, " bytes, want ", want));
  return false;
}

bool EntryDecoder::FailTlv(const AttrWalker& w) {
  if (w.bad_len() < ctnl::kNlaHdrLen) {
    return Fail(absl::StrCat("malformed attribute: nla_len ", w.bad_len(), " < 4"));
  }
  return Fail(absl::StrCat("malformed attribute: nla_len ", w.bad_len(), " > ", w.bad_left(),
                           " bytes left"));
}

bool EntryDecoder::Entry(const uint8_t* p, size_t n) {
  AttrWalker w(p, n);
  Attr a;
  bool have_orig = false;
  bool have_reply = false;
  uint8_t reply_proto = 0;
  uint8_t master_proto = 0;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaTupleOrig:
        if (!Tuple(a, "CTA_TUPLE_ORIG", &f_->orig, &f_->l4proto, kZoneDirOrig)) return false;
        have_orig = true;
        break;
      case ctnl::kCtaTupleReply:
        if (!Tuple(a, "CTA_TUPLE_REPLY", &f_->reply, &reply_proto, kZoneDirReply)) return false;
        have_reply = true;
        break;
      case ctnl::kCtaStatus:
        if (!Want(a, 4, "CTA_STATUS")) return false;
        f_->status = LoadBe32(a.data);
        f_->status_known = 0xffffffff;
        break;
      case ctnl::kCtaProtoinfo:
        if (!Protoinfo(a)) return false;
        break;
      case ctnl::kCtaHelp:
        if (!NameNest(a, "CTA_HELP", ctnl::kCtaHelpName, "CTA_HELP_NAME", &f_->helper)) {
          return false;
        }
        break;
      case ctnl::kCtaTimeout:
        if (!Want(a, 4, "CTA_TIMEOUT")) return false;
        f_->timeout = LoadBe32(a.data);
        break;
      case ctnl::kCtaMark:
        if (!Want(a, 4, "CTA_MARK")) return false;
        f_->mark = LoadBe32(a.data);
        break;
      case ctnl::kCtaCountersOrig:
        if (!CountersNest(a, "CTA_COUNTERS_ORIG", &f_->orig_counters)) return false;
        break;
      case ctnl::kCtaCountersReply:
        if (!CountersNest(a, "CTA_COUNTERS_REPLY", &f_->reply_counters)) return false;
        break;
      case ctnl::kCtaUse:
        if (!Want(a, 4, "CTA_USE")) return false;
        f_->use = LoadBe32(a.data);
        break;
      case ctnl::kCtaId:
        // The kernel writes the id without byte swapping; conntrack applies ntohl.
        if (!Want(a, 4, "CTA_ID")) return false;
        f_->id = LoadBe32(a.data);
        break;
      case ctnl::kCtaTupleMaster:
        f_->master.emplace();
        if (!Tuple(a, "CTA_TUPLE_MASTER", &*f_->master, &master_proto, 0)) return false;
        break;
      case ctnl::kCtaSeqAdjOrig:
        if (!SeqAdjNest(a, "CTA_SEQ_ADJ_ORIG", &f_->seqadj_orig)) return false;
        break;
      case ctnl::kCtaSeqAdjReply:
        if (!SeqAdjNest(a, "CTA_SEQ_ADJ_REPLY", &f_->seqadj_reply)) return false;
        break;
      case ctnl::kCtaSecmark:
        if (!Want(a, 4, "CTA_SECMARK")) return false;
        f_->secmark = LoadBe32(a.data);
        break;
      case ctnl::kCtaZone:
        if (!Want(a, 2, "CTA_ZONE")) return false;
        f_->zone.id = LoadBe16(a.data);
        zone_dirs_ |= kZoneDirBoth;
        break;
      case ctnl::kCtaSecctx:
        if (!NameNest(a, "CTA_SECCTX", ctnl::kCtaSecctxName, "CTA_SECCTX_NAME",
                      &f_->secctx)) {
          return false;
        }
        break;
      case ctnl::kCtaTimestamp:
        if (!Timestamp(a)) return false;
        break;
      case ctnl::kCtaLabels:
        if (!LabelsAttr(a)) return false;
        break;
      case ctnl::kCtaSynproxy:
        if (!SynproxyNest(a)) return false;
        break;
      default:
        break;  // unknown or input-only: skipped
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  if (ABSL_PREDICT_FALSE(!have_orig)) return Fail("CTA_TUPLE_ORIG missing");
  if (ABSL_PREDICT_FALSE(!have_reply)) return Fail("CTA_TUPLE_REPLY missing");
  if (zone_dirs_ != 0) f_->zone.dir = zone_dirs_;
  return true;
}

bool EntryDecoder::Tuple(const Attr& nest, const char* name, ctdump::Tuple* t,
                         uint8_t* proto, uint8_t zone_dir) {
  Scope scope(this, name);
  AttrWalker w(nest.data, nest.len);
  Attr a;
  bool have_ip = false;
  bool have_proto = false;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaTupleIp:
        if (!Ip(a, t)) return false;
        have_ip = true;
        break;
      case ctnl::kCtaTupleProto:
        if (!Proto(a, t, proto)) return false;
        have_proto = true;
        break;
      case ctnl::kCtaTupleZone:
        if (!Want(a, 2, "CTA_TUPLE_ZONE")) return false;
        if (zone_dir != 0) {  // the master tuple's zone is not part of the record
          f_->zone.id = LoadBe16(a.data);
          zone_dirs_ |= zone_dir;
        }
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  if (ABSL_PREDICT_FALSE(!have_ip)) return Fail("CTA_TUPLE_IP missing");
  if (ABSL_PREDICT_FALSE(!have_proto)) return Fail("CTA_TUPLE_PROTO missing");
  return true;
}

bool EntryDecoder::Ip(const Attr& nest, ctdump::Tuple* t) {
  // Fast path: exactly what every kernel sends, {V4_SRC, V4_DST} or {V6_SRC, V6_DST}.
  // Anything else (other order, extra attributes, bad lengths) takes the general path.
  if (family_ == kFamilyIPv4 && nest.len == 16 &&
      LoadHost32(nest.data) == NlaHeader(8, ctnl::kCtaIpV4Src) &&
      LoadHost32(nest.data + 8) == NlaHeader(8, ctnl::kCtaIpV4Dst)) {
    std::memcpy(t->src.data(), nest.data + 4, 4);
    std::memcpy(t->dst.data(), nest.data + 12, 4);
    return true;
  }
  if (family_ == kFamilyIPv6 && nest.len == 40 &&
      LoadHost32(nest.data) == NlaHeader(20, ctnl::kCtaIpV6Src) &&
      LoadHost32(nest.data + 20) == NlaHeader(20, ctnl::kCtaIpV6Dst)) {
    std::memcpy(t->src.data(), nest.data + 4, 16);
    std::memcpy(t->dst.data(), nest.data + 24, 16);
    return true;
  }
  Scope scope(this, "CTA_TUPLE_IP");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  unsigned seen = 0;  // bit 0: source, bit 1: destination
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaIpV4Src:
      case ctnl::kCtaIpV4Dst: {
        if (ABSL_PREDICT_FALSE(family_ != kFamilyIPv4)) {
          return Fail(absl::StrCat(IpAttrName(a.type), " in an AF_INET6 entry"));
        }
        if (!Want(a, 4, IpAttrName(a.type))) return false;
        const bool src = a.type == ctnl::kCtaIpV4Src;
        std::memcpy((src ? t->src : t->dst).data(), a.data, 4);
        seen |= src ? 1u : 2u;
        break;
      }
      case ctnl::kCtaIpV6Src:
      case ctnl::kCtaIpV6Dst: {
        if (ABSL_PREDICT_FALSE(family_ != kFamilyIPv6)) {
          return Fail(absl::StrCat(IpAttrName(a.type), " in an AF_INET entry"));
        }
        if (!Want(a, 16, IpAttrName(a.type))) return false;
        const bool src = a.type == ctnl::kCtaIpV6Src;
        std::memcpy((src ? t->src : t->dst).data(), a.data, 16);
        seen |= src ? 1u : 2u;
        break;
      }
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  if (ABSL_PREDICT_FALSE(seen != 3)) {
    return Fail((seen & 1) ? "destination address missing" : "source address missing");
  }
  return true;
}

bool EntryDecoder::Proto(const Attr& nest, ctdump::Tuple* t, uint8_t* proto) {
  // Fast path: {PROTO_NUM, SRC_PORT, DST_PORT}, as sent for tcp, udp, udplite, sctp, gre.
  if (nest.len == 24 && LoadHost32(nest.data) == NlaHeader(5, ctnl::kCtaProtoNum) &&
      LoadHost32(nest.data + 8) == NlaHeader(6, ctnl::kCtaProtoSrcPort) &&
      LoadHost32(nest.data + 16) == NlaHeader(6, ctnl::kCtaProtoDstPort)) {
    *proto = nest.data[4];
    t->sport = LoadBe16(nest.data + 12);
    t->dport = LoadBe16(nest.data + 20);
    t->has_l4 = true;
    return true;
  }
  Scope scope(this, "CTA_TUPLE_PROTO");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  bool have_num = false;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaProtoNum:
        if (!Want(a, 1, "CTA_PROTO_NUM")) return false;
        *proto = a.data[0];
        have_num = true;
        break;
      case ctnl::kCtaProtoSrcPort:
        if (!Want(a, 2, "CTA_PROTO_SRC_PORT")) return false;
        t->sport = LoadBe16(a.data);
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoDstPort:
        if (!Want(a, 2, "CTA_PROTO_DST_PORT")) return false;
        t->dport = LoadBe16(a.data);
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoIcmpId:
        if (!Want(a, 2, "CTA_PROTO_ICMP_ID")) return false;
        t->icmp_id = LoadBe16(a.data);
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoIcmpType:
        if (!Want(a, 1, "CTA_PROTO_ICMP_TYPE")) return false;
        t->icmp_type = a.data[0];
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoIcmpCode:
        if (!Want(a, 1, "CTA_PROTO_ICMP_CODE")) return false;
        t->icmp_code = a.data[0];
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoIcmpv6Id:
        if (!Want(a, 2, "CTA_PROTO_ICMPV6_ID")) return false;
        t->icmp_id = LoadBe16(a.data);
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoIcmpv6Type:
        if (!Want(a, 1, "CTA_PROTO_ICMPV6_TYPE")) return false;
        t->icmp_type = a.data[0];
        t->has_l4 = true;
        break;
      case ctnl::kCtaProtoIcmpv6Code:
        if (!Want(a, 1, "CTA_PROTO_ICMPV6_CODE")) return false;
        t->icmp_code = a.data[0];
        t->has_l4 = true;
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  if (ABSL_PREDICT_FALSE(!have_num)) return Fail("CTA_PROTO_NUM missing");
  return true;
}

bool EntryDecoder::Protoinfo(const Attr& nest) {
  Scope scope(this, "CTA_PROTOINFO");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaProtoinfoTcp:
        if (!ProtoinfoTcp(a)) return false;
        break;
      case ctnl::kCtaProtoinfoSctp:
        if (!ProtoinfoSctp(a)) return false;
        break;
      case ctnl::kCtaProtoinfoDccp:
        if (!ProtoinfoDccp(a)) return false;
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

bool EntryDecoder::ProtoinfoTcp(const Attr& nest) {
  TcpInfo& tcp = f_->tcp.emplace();
  // Fast path: the kernel's {STATE, WSCALE_ORIGINAL, WSCALE_REPLY, FLAGS_ORIGINAL,
  // FLAGS_REPLY}, each padded to 8 bytes.
  if (nest.len == 40 && LoadHost32(nest.data) == NlaHeader(5, ctnl::kCtaTcpState) &&
      LoadHost32(nest.data + 8) == NlaHeader(5, ctnl::kCtaTcpWscaleOrig) &&
      LoadHost32(nest.data + 16) == NlaHeader(5, ctnl::kCtaTcpWscaleReply) &&
      LoadHost32(nest.data + 24) == NlaHeader(6, ctnl::kCtaTcpFlagsOrig) &&
      LoadHost32(nest.data + 32) == NlaHeader(6, ctnl::kCtaTcpFlagsReply)) {
    f_->state = nest.data[4];
    tcp.wscale_orig = nest.data[12];
    tcp.wscale_reply = nest.data[20];
    tcp.flags_orig = nest.data[28];
    tcp.flags_reply = nest.data[36];
    return true;
  }
  Scope scope(this, "CTA_PROTOINFO_TCP");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaTcpState:
        if (!Want(a, 1, "CTA_PROTOINFO_TCP_STATE")) return false;
        f_->state = a.data[0];
        break;
      case ctnl::kCtaTcpWscaleOrig:
        if (!Want(a, 1, "CTA_PROTOINFO_TCP_WSCALE_ORIGINAL")) return false;
        tcp.wscale_orig = a.data[0];
        break;
      case ctnl::kCtaTcpWscaleReply:
        if (!Want(a, 1, "CTA_PROTOINFO_TCP_WSCALE_REPLY")) return false;
        tcp.wscale_reply = a.data[0];
        break;
      case ctnl::kCtaTcpFlagsOrig:  // struct nf_ct_tcp_flags {u8 flags; u8 mask;}
        if (!Want(a, 2, "CTA_PROTOINFO_TCP_FLAGS_ORIGINAL")) return false;
        tcp.flags_orig = a.data[0];
        break;
      case ctnl::kCtaTcpFlagsReply:
        if (!Want(a, 2, "CTA_PROTOINFO_TCP_FLAGS_REPLY")) return false;
        tcp.flags_reply = a.data[0];
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

bool EntryDecoder::ProtoinfoSctp(const Attr& nest) {
  Scope scope(this, "CTA_PROTOINFO_SCTP");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  SctpInfo& sctp = f_->sctp.emplace();
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaSctpState:
        if (!Want(a, 1, "CTA_PROTOINFO_SCTP_STATE")) return false;
        f_->state = a.data[0];
        break;
      case ctnl::kCtaSctpVtagOrig:
        if (!Want(a, 4, "CTA_PROTOINFO_SCTP_VTAG_ORIGINAL")) return false;
        sctp.vtag_orig = LoadBe32(a.data);
        break;
      case ctnl::kCtaSctpVtagReply:
        if (!Want(a, 4, "CTA_PROTOINFO_SCTP_VTAG_REPLY")) return false;
        sctp.vtag_reply = LoadBe32(a.data);
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

bool EntryDecoder::ProtoinfoDccp(const Attr& nest) {
  Scope scope(this, "CTA_PROTOINFO_DCCP");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  DccpInfo& dccp = f_->dccp.emplace();
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaDccpState:
        if (!Want(a, 1, "CTA_PROTOINFO_DCCP_STATE")) return false;
        f_->state = a.data[0];
        break;
      case ctnl::kCtaDccpRole:
        if (!Want(a, 1, "CTA_PROTOINFO_DCCP_ROLE")) return false;
        dccp.role = a.data[0];
        break;
      case ctnl::kCtaDccpHandshakeSeq:
        if (!Want(a, 8, "CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ")) return false;
        dccp.handshake_seq = LoadBe64(a.data);
        break;
      default:
        break;  // includes CTA_PROTOINFO_DCCP_PAD
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

bool EntryDecoder::CountersNest(const Attr& nest, const char* name,
                                std::optional<Counters>* out) {
  // Fast path: {PACKETS, BYTES} without padding attributes (64-bit hosts).
  if (nest.len == 24 && LoadHost32(nest.data) == NlaHeader(12, ctnl::kCtaCountersPackets) &&
      LoadHost32(nest.data + 12) == NlaHeader(12, ctnl::kCtaCountersBytes)) {
    *out = Counters{LoadBe64(nest.data + 4), LoadBe64(nest.data + 16)};
    return true;
  }
  Scope scope(this, name);
  AttrWalker w(nest.data, nest.len);
  Attr a;
  Counters c;
  // Bit 0/1: 64-bit packets/bytes seen; bit 2/3: 32-bit packets/bytes seen. The 64-bit
  // value wins when a (hypothetical) kernel sends both, as in libnetfilter_conntrack.
  unsigned seen = 0;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaCountersPackets:
        if (!Want(a, 8, "CTA_COUNTERS_PACKETS")) return false;
        c.packets = LoadBe64(a.data);
        seen |= 1;
        break;
      case ctnl::kCtaCountersBytes:
        if (!Want(a, 8, "CTA_COUNTERS_BYTES")) return false;
        c.bytes = LoadBe64(a.data);
        seen |= 2;
        break;
      case ctnl::kCtaCounters32Packets:
        if (!Want(a, 4, "CTA_COUNTERS32_PACKETS")) return false;
        if (!(seen & 1)) c.packets = LoadBe32(a.data);
        seen |= 4;
        break;
      case ctnl::kCtaCounters32Bytes:
        if (!Want(a, 4, "CTA_COUNTERS32_BYTES")) return false;
        if (!(seen & 2)) c.bytes = LoadBe32(a.data);
        seen |= 8;
        break;
      default:
        break;  // includes CTA_COUNTERS_PAD
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  // conntrack prints counters only when it has both values.
  if ((seen & 5) && (seen & 10)) *out = c;
  return true;
}

bool EntryDecoder::Timestamp(const Attr& nest) {
  // Fast path: {START} alone, what live entries carry.
  if (nest.len == 12 && LoadHost32(nest.data) == NlaHeader(12, ctnl::kCtaTimestampStart)) {
    f_->start_ns = LoadBe64(nest.data + 4);
    return true;
  }
  Scope scope(this, "CTA_TIMESTAMP");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaTimestampStart:
        if (!Want(a, 8, "CTA_TIMESTAMP_START")) return false;
        f_->start_ns = LoadBe64(a.data);
        break;
      case ctnl::kCtaTimestampStop:
        if (!Want(a, 8, "CTA_TIMESTAMP_STOP")) return false;
        f_->stop_ns = LoadBe64(a.data);
        break;
      default:
        break;  // includes CTA_TIMESTAMP_PAD
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

// CTA_HELP { CTA_HELP_NAME } and CTA_SECCTX { CTA_SECCTX_NAME }: a string, normally
// NUL-terminated. The text ends at the first NUL or at the end of the payload.
bool EntryDecoder::NameNest(const Attr& nest, const char* name, uint16_t name_type,
                            const char* name_attr, std::string* out) {
  Scope scope(this, name);
  AttrWalker w(nest.data, nest.len);
  Attr a;
  while (w.Next(&a)) {
    if (a.type != name_type) continue;
    if (ABSL_PREDICT_FALSE(a.len == 0)) return FailLen(name_attr, 0, 1);
    const char* s = reinterpret_cast<const char*>(a.data);
    out->assign(s, strnlen(s, a.len));
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

bool EntryDecoder::SeqAdjNest(const Attr& nest, const char* name, std::optional<SeqAdj>* out) {
  Scope scope(this, name);
  AttrWalker w(nest.data, nest.len);
  Attr a;
  SeqAdj& adj = out->emplace();
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaSeqAdjCorrectionPos:
        if (!Want(a, 4, "CTA_SEQADJ_CORRECTION_POS")) return false;
        adj.correction_pos = LoadBe32(a.data);
        break;
      case ctnl::kCtaSeqAdjOffsetBefore:
        if (!Want(a, 4, "CTA_SEQADJ_OFFSET_BEFORE")) return false;
        adj.offset_before = LoadBe32(a.data);
        break;
      case ctnl::kCtaSeqAdjOffsetAfter:
        if (!Want(a, 4, "CTA_SEQADJ_OFFSET_AFTER")) return false;
        adj.offset_after = LoadBe32(a.data);
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

bool EntryDecoder::SynproxyNest(const Attr& nest) {
  Scope scope(this, "CTA_SYNPROXY");
  AttrWalker w(nest.data, nest.len);
  Attr a;
  Synproxy& sp = f_->synproxy.emplace();
  while (w.Next(&a)) {
    switch (a.type) {
      case ctnl::kCtaSynproxyIsn:
        if (!Want(a, 4, "CTA_SYNPROXY_ISN")) return false;
        sp.isn = LoadBe32(a.data);
        break;
      case ctnl::kCtaSynproxyIts:
        if (!Want(a, 4, "CTA_SYNPROXY_ITS")) return false;
        sp.its = LoadBe32(a.data);
        break;
      case ctnl::kCtaSynproxyTsoff:
        if (!Want(a, 4, "CTA_SYNPROXY_TSOFF")) return false;
        sp.tsoff = LoadBe32(a.data);
        break;
      default:
        break;
    }
  }
  if (ABSL_PREDICT_FALSE(w.bad())) return FailTlv(w);
  return true;
}

// CTA_LABELS is the kernel's `unsigned long bits[]` copied as is (16 bytes since 3.10):
// bit n is bit (n % BITS_PER_LONG) of word (n / BITS_PER_LONG), in host order. Bits past
// 127 (a future, longer bitmap) are dropped because Labels holds 128.
bool EntryDecoder::LabelsAttr(const Attr& a) {
  constexpr size_t kWord = sizeof(unsigned long);  // NOLINT(runtime/int): kernel's type
  if (ABSL_PREDICT_FALSE(a.len == 0 || a.len % kWord != 0)) {
    return Fail(absl::StrCat("CTA_LABELS has ", a.len, " bytes, want a non-zero multiple of ",
                             kWord));
  }
  unsigned long words[16 / kWord] = {};  // NOLINT(runtime/int)
  std::memcpy(words, a.data, a.len < sizeof words ? a.len : sizeof words);
  Labels& labels = f_->labels.emplace();
  for (size_t i = 0; i < 16 / kWord; ++i) {
    const uint64_t w = static_cast<uint64_t>(words[i]);
    const size_t first_bit = i * kWord * 8;
    labels.words[first_bit / 64] |= w << (first_bit % 64);
  }
  return true;
}

}  // namespace

absl::Status DecodeCtMessage(absl::Span<const uint8_t> msg, Flow* flow) {
  flow->Clear();
  if (ABSL_PREDICT_FALSE(msg.size() < ctnl::kNlmsgHdrLen)) {
    return absl::DataLossError(absl::StrCat("truncated message: ", msg.size(),
                                            " bytes, want at least 16 (nlmsghdr)"));
  }
  const uint32_t nlmsg_len = LoadHost32(msg.data());
  const uint16_t type = LoadHost16(msg.data() + 4);
  if (ABSL_PREDICT_FALSE(nlmsg_len > msg.size())) {
    return absl::DataLossError(absl::StrCat("truncated message: nlmsg_len ", nlmsg_len, " > ",
                                            msg.size(), " bytes received"));
  }
  if (ABSL_PREDICT_FALSE(type != ctnl::CtType(ctnl::kMsgCtNew) &&
                         type != ctnl::CtType(ctnl::kMsgCtDelete))) {
    return absl::DataLossError(
        absl::StrFormat("not a conntrack entry: nlmsg_type 0x%04x", type));
  }
  if (ABSL_PREDICT_FALSE(nlmsg_len < ctnl::kCtPayloadOffset)) {
    return absl::DataLossError(absl::StrCat("message too short: nlmsg_len ", nlmsg_len,
                                            " < 20 (nlmsghdr + nfgenmsg)"));
  }
  const uint8_t family = msg[ctnl::kNlmsgHdrLen];
  if (ABSL_PREDICT_FALSE(family != kFamilyIPv4 && family != kFamilyIPv6)) {
    return absl::DataLossError(absl::StrCat("nfgen_family ", family,
                                            " is neither AF_INET (2) nor AF_INET6 (10)"));
  }
  flow->source = Source::kNetlink;
  flow->family = family;
  EntryDecoder d(flow, family);
  if (ABSL_PREDICT_FALSE(!d.Entry(msg.data() + ctnl::kCtPayloadOffset,
                                  nlmsg_len - ctnl::kCtPayloadOffset))) {
    return std::move(d).status();
  }
  return absl::OkStatus();
}

}  // namespace netlink
}  // namespace ctdump
