#include "backends/netlink/request.h"

#include <endian.h>

#include <cstring>

#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {
namespace {

constexpr uint8_t kAfInet = 2;    // AF_INET
constexpr uint8_t kAfInet6 = 10;  // AF_INET6

constexpr uint32_t kProtoSpecificFlags =
    ctnl::kCtaFilterFSrcPort | ctnl::kCtaFilterFDstPort | ctnl::kCtaFilterFIcmpType |
    ctnl::kCtaFilterFIcmpCode | ctnl::kCtaFilterFIcmpId | ctnl::kCtaFilterFIcmpv6Type |
    ctnl::kCtaFilterFIcmpv6Code | ctnl::kCtaFilterFIcmpv6Id;

// Appends netlink attributes to a fixed buffer. The buffer is sized for the largest
// request (kMaxCtRequestSize), so running out of room is a bug; it is caught anyway and
// turns the request into an empty one.
class Writer {
 public:
  explicit Writer(CtRequestBytes* req) : req_(req) {}

  size_t size() const { return size_; }
  bool ok() const { return ok_; }

  void Raw(const void* p, size_t n) {
    if (!ok_ || req_->data.size() - size_ < n) {
      ok_ = false;
      return;
    }
    std::memcpy(req_->data.data() + size_, p, n);
    size_ += n;
  }
  void Pad() {
    static const uint8_t kZeros[4] = {};
    Raw(kZeros, ctnl::Align4(size_) - size_);
  }
  void Attr(uint16_t type, const void* payload, uint16_t len) {
    const uint16_t nla_len = static_cast<uint16_t>(ctnl::kNlaHdrLen + len);
    Raw(&nla_len, 2);
    Raw(&type, 2);
    Raw(payload, len);
    Pad();
  }
  void U8(uint16_t type, uint8_t v) { Attr(type, &v, 1); }
  void Be16(uint16_t type, uint16_t v) {
    const uint16_t be = htobe16(v);
    Attr(type, &be, 2);
  }
  void Be32(uint16_t type, uint32_t v) {
    const uint32_t be = htobe32(v);
    Attr(type, &be, 4);
  }
  void Host32(uint16_t type, uint32_t v) { Attr(type, &v, 4); }

  // Opens a nest (NLA_F_NESTED set, as libmnl's mnl_attr_nest_start() does) and returns
  // where its header is, for End().
  size_t Begin(uint16_t type) {
    const size_t at = size_;
    const uint16_t zero = 0;
    const uint16_t t = static_cast<uint16_t>(type | ctnl::kNlaFNested);
    Raw(&zero, 2);
    Raw(&t, 2);
    return at;
  }
  void End(size_t at) {
    if (!ok_) return;
    const uint16_t len = static_cast<uint16_t>(size_ - at);
    std::memcpy(req_->data.data() + at, &len, 2);
  }

 private:
  CtRequestBytes* req_;
  size_t size_ = 0;
  bool ok_ = true;
};

bool TupleValid(const DumpFilterTuple& t, uint8_t family) {
  if (t.flags == 0) return true;
  if (family != kAfInet && family != kAfInet6) return false;
  if (t.flags & ~ctnl::kCtaFilterFAll) return false;
  if ((t.flags & kProtoSpecificFlags) && !(t.flags & ctnl::kCtaFilterFProtoNum)) return false;
  return true;
}

void WriteTuple(Writer& w, uint16_t type, const DumpFilterTuple& t, uint8_t family) {
  const size_t tuple = w.Begin(type);
  if (t.flags & (ctnl::kCtaFilterFIpSrc | ctnl::kCtaFilterFIpDst)) {
    const size_t ip = w.Begin(ctnl::kCtaTupleIp);
    const bool v4 = family == kAfInet;
    const uint16_t n = v4 ? 4 : 16;
    if (t.flags & ctnl::kCtaFilterFIpSrc) {
      w.Attr(v4 ? ctnl::kCtaIpV4Src : ctnl::kCtaIpV6Src, t.src.data(), n);
    }
    if (t.flags & ctnl::kCtaFilterFIpDst) {
      w.Attr(v4 ? ctnl::kCtaIpV4Dst : ctnl::kCtaIpV6Dst, t.dst.data(), n);
    }
    w.End(ip);
  }
  if (t.flags & ctnl::kCtaFilterFProtoNum) {
    const size_t proto = w.Begin(ctnl::kCtaTupleProto);
    w.U8(ctnl::kCtaProtoNum, t.proto);
    if (t.flags & ctnl::kCtaFilterFSrcPort) w.Be16(ctnl::kCtaProtoSrcPort, t.sport);
    if (t.flags & ctnl::kCtaFilterFDstPort) w.Be16(ctnl::kCtaProtoDstPort, t.dport);
    if (t.flags & ctnl::kCtaFilterFIcmpId) w.Be16(ctnl::kCtaProtoIcmpId, t.icmp_id);
    if (t.flags & ctnl::kCtaFilterFIcmpType) w.U8(ctnl::kCtaProtoIcmpType, t.icmp_type);
    if (t.flags & ctnl::kCtaFilterFIcmpCode) w.U8(ctnl::kCtaProtoIcmpCode, t.icmp_code);
    if (t.flags & ctnl::kCtaFilterFIcmpv6Id) w.Be16(ctnl::kCtaProtoIcmpv6Id, t.icmp_id);
    if (t.flags & ctnl::kCtaFilterFIcmpv6Type) w.U8(ctnl::kCtaProtoIcmpv6Type, t.icmp_type);
    if (t.flags & ctnl::kCtaFilterFIcmpv6Code) w.U8(ctnl::kCtaProtoIcmpv6Code, t.icmp_code);
    w.End(proto);
  }
  w.End(tuple);
}

}  // namespace

CtRequestBytes BuildCtRequest(CtRequest kind, uint8_t family, uint32_t seq,
                              const DumpFilter* filter) {
  CtRequestBytes req;
  uint16_t type;
  uint16_t flags;
  // The only place where ctdump chooses an nlmsg_type to send.
  switch (kind) {
    case CtRequest::kDumpTable:
      type = ctnl::CtType(ctnl::kMsgCtGet);
      flags = ctnl::kNlmFRequest | ctnl::kNlmFDump;
      break;
    case CtRequest::kGetStats:
      type = ctnl::CtType(ctnl::kMsgCtGetStats);
      flags = ctnl::kNlmFRequest;
      break;
    case CtRequest::kDumpStatsCpu:
      type = ctnl::CtType(ctnl::kMsgCtGetStatsCpu);
      flags = ctnl::kNlmFRequest | ctnl::kNlmFDump;
      break;
    case CtRequest::kGetEntry:
      type = ctnl::CtType(ctnl::kMsgCtGet);
      flags = ctnl::kNlmFRequest | ctnl::kNlmFAck;
      break;
    default:
      return req;
  }
  const bool filtered = filter != nullptr && !filter->empty();
  const bool get = kind == CtRequest::kGetEntry;
  if (get) {
    if (!filtered || filter->mark_value || filter->status_value || filter->zone) return req;
    if (family != kAfInet && family != kAfInet6) return req;
  }
  if (filtered) {
    if (kind != CtRequest::kDumpTable && !get) return req;
    if (filter->status_value && filter->status_mask == 0) return req;
    if (!TupleValid(filter->orig, family) || !TupleValid(filter->reply, family)) return req;
  }

  Writer w(&req);
  const uint32_t len_placeholder = 0;
  const uint32_t pid = 0;
  w.Raw(&len_placeholder, 4);  // nlmsg_len, set below
  w.Raw(&type, 2);             // nlmsg_type
  w.Raw(&flags, 2);            // nlmsg_flags
  w.Raw(&seq, 4);              // nlmsg_seq
  w.Raw(&pid, 4);              // nlmsg_pid
  const uint8_t nfgen[4] = {family, ctnl::kNfnetlinkV0, 0, 0};  // family, version, res_id
  w.Raw(nfgen, 4);

  if (filtered) {
    const DumpFilter& f = *filter;
    const bool tuples = f.orig.flags != 0 || f.reply.flags != 0;
    if (f.orig.flags != 0) WriteTuple(w, ctnl::kCtaTupleOrig, f.orig, family);
    if (f.reply.flags != 0) WriteTuple(w, ctnl::kCtaTupleReply, f.reply, family);
    if (f.status_value) w.Be32(ctnl::kCtaStatus, *f.status_value);
    if (f.mark_value) w.Be32(ctnl::kCtaMark, *f.mark_value);
    if (f.zone) w.Be16(ctnl::kCtaZone, *f.zone);
    if (f.mark_value) w.Be32(ctnl::kCtaMarkMask, f.mark_mask);
    if (tuples && !get) {
      const size_t nest = w.Begin(ctnl::kCtaFilter);
      w.Host32(ctnl::kCtaFilterOrigFlags, f.orig.flags);
      w.Host32(ctnl::kCtaFilterReplyFlags, f.reply.flags);
      w.End(nest);
    }
    if (f.status_value) w.Be32(ctnl::kCtaStatusMask, f.status_mask);
  }
  if (!w.ok()) return CtRequestBytes();
  const uint32_t len = static_cast<uint32_t>(w.size());
  std::memcpy(req.data.data(), &len, 4);
  req.size = w.size();
  return req;
}

}  // namespace netlink
}  // namespace ctdump
