#include "backends/netlink/testing/nl_builder.h"

#include <arpa/inet.h>
#include <endian.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ctdump {
namespace netlink {
namespace testing {
namespace {

void Put16(std::vector<uint8_t>* b, size_t at, uint16_t v) { std::memcpy(b->data() + at, &v, 2); }
void Put32(std::vector<uint8_t>* b, size_t at, uint32_t v) { std::memcpy(b->data() + at, &v, 4); }

void Pad(std::vector<uint8_t>* b) {
  while (b->size() % 4 != 0) b->push_back(0);
}

std::vector<uint8_t> Header(uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid) {
  std::vector<uint8_t> b(16, 0);
  Put16(&b, 4, type);
  Put16(&b, 6, flags);
  Put32(&b, 8, seq);
  Put32(&b, 12, pid);
  return b;
}

}  // namespace

MsgBuilder::MsgBuilder(uint16_t type, uint16_t flags, uint32_t seq, uint32_t port_id)
    : buf_(Header(type, flags, seq, port_id)) {}

MsgBuilder& MsgBuilder::Nfgen(uint8_t family, uint8_t version, uint16_t res_id) {
  buf_.push_back(family);
  buf_.push_back(version);
  buf_.push_back(static_cast<uint8_t>(res_id >> 8));
  buf_.push_back(static_cast<uint8_t>(res_id));
  return *this;
}

MsgBuilder& MsgBuilder::Begin(uint16_t type, bool flag) {
  Pad(&buf_);
  open_.push_back(buf_.size());
  buf_.resize(buf_.size() + 4);
  Put16(&buf_, open_.back() + 2, static_cast<uint16_t>(type | (flag ? ctnl::kNlaFNested : 0)));
  return *this;
}

MsgBuilder& MsgBuilder::End() {
  if (open_.empty()) std::abort();
  const size_t at = open_.back();
  open_.pop_back();
  Put16(&buf_, at, static_cast<uint16_t>(buf_.size() - at));
  Pad(&buf_);
  return *this;
}

MsgBuilder& MsgBuilder::Attr(uint16_t type, absl::Span<const uint8_t> payload) {
  Pad(&buf_);
  const size_t at = buf_.size();
  buf_.resize(at + 4);
  Put16(&buf_, at, static_cast<uint16_t>(4 + payload.size()));
  Put16(&buf_, at + 2, type);
  buf_.insert(buf_.end(), payload.begin(), payload.end());
  Pad(&buf_);
  return *this;
}

MsgBuilder& MsgBuilder::U8(uint16_t type, uint8_t v) { return Attr(type, {&v, 1}); }
MsgBuilder& MsgBuilder::Be16(uint16_t type, uint16_t v) {
  v = htobe16(v);
  return Attr(type, {reinterpret_cast<const uint8_t*>(&v), 2});
}
MsgBuilder& MsgBuilder::Be32(uint16_t type, uint32_t v) {
  v = htobe32(v);
  return Attr(type, {reinterpret_cast<const uint8_t*>(&v), 4});
}
MsgBuilder& MsgBuilder::Be64(uint16_t type, uint64_t v) {
  v = htobe64(v);
  return Attr(type, {reinterpret_cast<const uint8_t*>(&v), 8});
}
MsgBuilder& MsgBuilder::Host32(uint16_t type, uint32_t v) {
  return Attr(type, {reinterpret_cast<const uint8_t*>(&v), 4});
}
MsgBuilder& MsgBuilder::Str(uint16_t type, absl::string_view s) {
  std::vector<uint8_t> p(s.begin(), s.end());
  p.push_back(0);
  return Attr(type, p);
}
MsgBuilder& MsgBuilder::Ipv4(uint16_t type, absl::string_view text) {
  uint8_t a[4];
  if (inet_pton(AF_INET, std::string(text).c_str(), a) != 1) std::abort();
  return Attr(type, a);
}
MsgBuilder& MsgBuilder::Ipv6(uint16_t type, absl::string_view text) {
  uint8_t a[16];
  if (inet_pton(AF_INET6, std::string(text).c_str(), a) != 1) std::abort();
  return Attr(type, a);
}
MsgBuilder& MsgBuilder::Raw(absl::Span<const uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  return *this;
}

std::vector<uint8_t> MsgBuilder::Build() const {
  MsgBuilder copy = *this;
  while (!copy.open_.empty()) copy.End();
  Put32(&copy.buf_, 0, static_cast<uint32_t>(copy.buf_.size()));
  return copy.buf_;
}

MsgBuilder& AddTuple(MsgBuilder& b, uint16_t type, uint8_t family, const TupleSpec& t) {
  b.Begin(type).Begin(ctnl::kCtaTupleIp);
  if (family == AF_INET6) {
    b.Ipv6(ctnl::kCtaIpV6Src, t.src).Ipv6(ctnl::kCtaIpV6Dst, t.dst);
  } else {
    b.Ipv4(ctnl::kCtaIpV4Src, t.src).Ipv4(ctnl::kCtaIpV4Dst, t.dst);
  }
  b.End().Begin(ctnl::kCtaTupleProto).U8(ctnl::kCtaProtoNum, t.proto);
  if (t.sport) b.Be16(ctnl::kCtaProtoSrcPort, *t.sport);
  if (t.dport) b.Be16(ctnl::kCtaProtoDstPort, *t.dport);
  const bool v6 = t.proto == 58;
  if (t.icmp_id) b.Be16(v6 ? ctnl::kCtaProtoIcmpv6Id : ctnl::kCtaProtoIcmpId, *t.icmp_id);
  if (t.icmp_type) b.U8(v6 ? ctnl::kCtaProtoIcmpv6Type : ctnl::kCtaProtoIcmpType, *t.icmp_type);
  if (t.icmp_code) b.U8(v6 ? ctnl::kCtaProtoIcmpv6Code : ctnl::kCtaProtoIcmpCode, *t.icmp_code);
  b.End();
  if (t.zone) b.Be16(ctnl::kCtaTupleZone, *t.zone);
  return b.End();
}

std::vector<uint8_t> DoneMsg(uint32_t seq, uint32_t port_id, int err) {
  std::vector<uint8_t> b = Header(ctnl::kNlmsgDone, ctnl::kNlmFMulti, seq, port_id);
  b.resize(20);
  Put32(&b, 16, static_cast<uint32_t>(-err));
  Put32(&b, 0, static_cast<uint32_t>(b.size()));
  return b;
}

std::vector<uint8_t> ErrorMsg(uint32_t seq, uint32_t port_id, int err,
                              absl::string_view ext_ack) {
  uint16_t flags = 0;
  if (!ext_ack.empty()) flags = ctnl::kNlmFCapped | ctnl::kNlmFAckTlvs;
  std::vector<uint8_t> b = Header(ctnl::kNlmsgError, flags, seq, port_id);
  b.resize(20);
  Put32(&b, 16, static_cast<uint32_t>(-err));
  // The original request's header (a CT_GET dump request).
  std::vector<uint8_t> orig = Header(ctnl::CtType(ctnl::kMsgCtGet),
                                     ctnl::kNlmFRequest | ctnl::kNlmFDump, seq, port_id);
  Put32(&orig, 0, 20);
  b.insert(b.end(), orig.begin(), orig.end());
  if (!ext_ack.empty()) {
    const size_t at = b.size();
    b.resize(at + 4);
    Put16(&b, at, static_cast<uint16_t>(4 + ext_ack.size() + 1));
    Put16(&b, at + 2, ctnl::kNlmsgerrAttrMsg);
    b.insert(b.end(), ext_ack.begin(), ext_ack.end());
    b.push_back(0);
    Pad(&b);
  }
  Put32(&b, 0, static_cast<uint32_t>(b.size()));
  return b;
}

std::vector<uint8_t> TcpEntry(uint32_t id, uint16_t sport, uint32_t seq, uint32_t port_id) {
  MsgBuilder b(ctnl::CtType(ctnl::kMsgCtNew), ctnl::kNlmFMulti, seq, port_id);
  b.Nfgen(AF_INET);
  AddTuple(b, ctnl::kCtaTupleOrig, AF_INET,
           {"10.0.0.1", "10.0.0.2", 6, sport, uint16_t{80}, {}, {}, {}, {}});
  AddTuple(b, ctnl::kCtaTupleReply, AF_INET,
           {"10.0.0.2", "10.0.0.1", 6, uint16_t{80}, sport, {}, {}, {}, {}});
  b.Be32(ctnl::kCtaStatus, 0xe)
      .Be32(ctnl::kCtaMark, 0)
      .Be32(ctnl::kCtaId, id)
      .Be32(ctnl::kCtaUse, 1)
      .Be32(ctnl::kCtaTimeout, 100)
      .Begin(ctnl::kCtaProtoinfo)
      .Begin(ctnl::kCtaProtoinfoTcp)
      .U8(ctnl::kCtaTcpState, 3)
      .U8(ctnl::kCtaTcpWscaleOrig, 7)
      .U8(ctnl::kCtaTcpWscaleReply, 7)
      .Attr(ctnl::kCtaTcpFlagsOrig, std::vector<uint8_t>{0x23, 0x23})
      .Attr(ctnl::kCtaTcpFlagsReply, std::vector<uint8_t>{0x23, 0x23})
      .End()
      .End();
  return b.Build();
}

std::vector<uint8_t> Concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<uint8_t> CpuStats618Reply(uint16_t cpu, uint32_t insert) {
  return MsgBuilder(ctnl::CtType(ctnl::kMsgCtGetStatsCpu), ctnl::kNlmFMulti)
      .Nfgen(0, 0, cpu)
      .Be32(ctnl::kCtaStatsFound, 0)
      .Be32(ctnl::kCtaStatsInvalid, 0)
      .Be32(ctnl::kCtaStatsInsert, insert)
      .Be32(ctnl::kCtaStatsInsertFailed, 0)
      .Be32(ctnl::kCtaStatsDrop, 0)
      .Be32(ctnl::kCtaStatsEarlyDrop, 0)
      .Be32(ctnl::kCtaStatsError, 0)
      .Be32(ctnl::kCtaStatsSearchRestart, 0)
      .Be32(ctnl::kCtaStatsClashResolve, 0)
      .Be32(ctnl::kCtaStatsChainTooLong, 0)
      .Build();
}

}  // namespace testing
}  // namespace netlink
}  // namespace ctdump
