#include "backends/netlink/get_entry.h"

#include <errno.h>

#include <ctime>
#include <vector>

#include "absl/strings/str_format.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "core/kernel.h"

namespace ctdump {
namespace netlink {

// conntrack 1.4.7's words for the errors of a CT_GET (its err2str()).
absl::Status GetEntryRefusal(int err) {
  switch (err) {
    case ENOENT: return absl::NotFoundError("such conntrack doesn't exist");
    case EINVAL: return absl::InvalidArgumentError("invalid parameters");
    case EPERM:
      return absl::PermissionDeniedError(
          "sorry, you must be root or get CAP_NET_ADMIN capability to do this");
    case ENOMEM: return absl::ResourceExhaustedError("not enough memory");
    case EAFNOSUPPORT: return absl::UnimplementedError("protocol not supported");
    default: return absl::ErrnoToStatus(err, "");
  }
}

bool KeyNamesOriginalTuple(const Filter& key) {
  return key.orig_src.has_value() || key.orig_dst.has_value();
}

DumpFilter GetEntryTuple(const Filter& key) {
  DumpFilter f;
  const bool orig = KeyNamesOriginalTuple(key);
  DumpFilterTuple& t = orig ? f.orig : f.reply;
  const auto& src = orig ? key.orig_src : key.reply_src;
  const auto& dst = orig ? key.orig_dst : key.reply_dst;
  if (src) {
    t.flags |= ctnl::kCtaFilterFIpSrc;
    t.src = src->addr;
  }
  if (dst) {
    t.flags |= ctnl::kCtaFilterFIpDst;
    t.dst = dst->addr;
  }
  if (!key.l4proto) return f;
  const uint8_t proto = *key.l4proto;
  t.flags |= ctnl::kCtaFilterFProtoNum;
  t.proto = proto;
  // GRE keys travel as the ports (CTA_PROTO_SRC_PORT / DST_PORT, nf_ct_gre's tuple).
  const bool gre = proto == kProtoGRE;
  const auto& sport = gre ? (orig ? key.orig_srckey : key.reply_srckey)
                          : (orig ? key.orig_sport : key.reply_sport);
  const auto& dport = gre ? (orig ? key.orig_dstkey : key.reply_dstkey)
                          : (orig ? key.orig_dport : key.reply_dport);
  if (sport) {
    t.flags |= ctnl::kCtaFilterFSrcPort;
    t.sport = *sport;
  }
  if (dport) {
    t.flags |= ctnl::kCtaFilterFDstPort;
    t.dport = *dport;
  }
  if (orig && (proto == kProtoICMP || proto == kProtoICMPv6)) {
    const bool v6 = proto == kProtoICMPv6;
    if (key.icmp_type) {
      t.flags |= v6 ? ctnl::kCtaFilterFIcmpv6Type : ctnl::kCtaFilterFIcmpType;
      t.icmp_type = *key.icmp_type;
    }
    if (key.icmp_code) {
      t.flags |= v6 ? ctnl::kCtaFilterFIcmpv6Code : ctnl::kCtaFilterFIcmpCode;
      t.icmp_code = *key.icmp_code;
    }
    if (key.icmp_id) {
      t.flags |= v6 ? ctnl::kCtaFilterFIcmpv6Id : ctnl::kCtaFilterFIcmpId;
      t.icmp_id = *key.icmp_id;
    }
  }
  return f;
}

absl::Status GetEntry(Transport& t, const Filter& key, FlowSink& sink) {
  const DumpFilter tuple = GetEntryTuple(key);
  const uint32_t seq = static_cast<uint32_t>(std::time(nullptr));
  const CtRequestBytes req =
      BuildCtRequest(CtRequest::kGetEntry, key.family.value_or(0), seq, &tuple);
  if (req.size == 0) return GetEntryRefusal(EINVAL);  // no tuple, or no address family
  absl::Status sent = t.Send(req.span());
  if (!sent.ok()) return sent;
  const uint32_t port_id = t.PortId();
  std::vector<uint8_t> buf(kRecvBufferSize);
  Flow flow;
  bool delivered = false;
  for (;;) {
    absl::StatusOr<size_t> got = t.Recv(absl::MakeSpan(buf));
    if (!got.ok()) {
      if (TransportErrno(got.status()) == EINTR) continue;
      return got.status();
    }
    DumpBufferReader reader(absl::MakeConstSpan(buf.data(), *got), &flow);
    NlItem item;
    while (reader.Next(&item)) {
      if (item.seq != seq || item.port_id != port_id) {
        return absl::DataLossError(absl::StrFormat(
            "reply (nlmsg_type 0x%04x) does not match the CT_GET request: seq %u port id "
            "%u, want seq %u port id %u",
            item.type, item.seq, item.port_id, seq, port_id));
      }
      switch (item.kind) {
        case NlKind::kFlow:
          if (!delivered) (void)sink.OnFlow(flow);
          delivered = true;
          break;
        case NlKind::kBadFlow:
          sink.OnSkipped(absl::DataLossError("the entry the kernel sent cannot be decoded"));
          delivered = true;
          break;
        case NlKind::kError:
          // The ACK (error 0) ends the answer; a refusal comes instead of the entry.
          if (item.error != 0) return GetEntryRefusal(item.error);
          return delivered ? absl::OkStatus()
                           : absl::DataLossError("the kernel acknowledged the CT_GET request "
                                                 "but sent no entry");
        case NlKind::kDone:
        case NlKind::kOther:
          break;
      }
    }
    if (!reader.status().ok()) return reader.status();
  }
}

}  // namespace netlink
}  // namespace ctdump
