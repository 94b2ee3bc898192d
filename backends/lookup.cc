#include "backends/lookup.h"

#include <errno.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

namespace ctnl = ::ctdump::netlink::ctnl;

bool UseOrig(const Filter& key) { return key.orig_src.has_value() || key.orig_dst.has_value(); }

// conntrack 1.4.7's words for the errors of a CT_GET (its err2str()).
absl::Status KernelRefusal(int err) {
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

// ErrnoToStatus(err, "") gives ": text"; keep only the text.
absl::Status Clean(absl::Status s) {
  absl::string_view m = s.message();
  if (absl::ConsumePrefix(&m, ": ")) return absl::Status(s.code(), m);
  return s;
}

// A FlowSink that stops at the entry looked for and passes it on.
class FirstMatch : public FlowSink {
 public:
  FirstMatch(const Filter& key, FlowSink& out) : key_(key), out_(out) {}
  bool OnFlow(const Flow& flow) override {
    if (!IsLookedUpEntry(key_, flow)) return true;
    found_ = true;
    (void)out_.OnFlow(flow);
    return false;
  }
  void OnSkipped(const absl::Status& why) override { out_.OnSkipped(why); }
  void OnNotice(const absl::Status& note) override { out_.OnNotice(note); }
  bool found() const { return found_; }

 private:
  const Filter& key_;
  FlowSink& out_;
  bool found_ = false;
};

absl::Status LookupByScan(absl::string_view spec, const Filter& key, FlowSink& sink,
                          const BackendLog& log) {
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, log);
  if (!backend.ok()) return backend.status();
  if (log) log(absl::StrCat("looking the entry up by reading ", (*backend)->Name()));
  FirstMatch first(key, sink);
  DumpRequest request;
  request.family = key.family.value_or(0);
  absl::Status dumped = (*backend)->Dump(request, first);
  if (!dumped.ok()) return dumped;
  if (!first.found()) return KernelRefusal(ENOENT);
  return absl::OkStatus();
}

}  // namespace

netlink::DumpFilter LookupTuple(const Filter& key) {
  netlink::DumpFilter f;
  const bool orig = UseOrig(key);
  netlink::DumpFilterTuple& t = orig ? f.orig : f.reply;
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

bool IsLookedUpEntry(const Filter& key, const Flow& flow) {
  const bool orig = UseOrig(key);
  Filter exact;
  exact.family = key.family;
  exact.l4proto = key.l4proto;
  if (orig) {
    exact.orig_src = key.orig_src;
    exact.orig_dst = key.orig_dst;
    exact.orig_sport = key.orig_sport;
    exact.orig_dport = key.orig_dport;
    exact.orig_srckey = key.orig_srckey;
    exact.orig_dstkey = key.orig_dstkey;
    exact.icmp_type = key.icmp_type;
    exact.icmp_code = key.icmp_code;
    exact.icmp_id = key.icmp_id;
  } else {
    exact.reply_src = key.reply_src;
    exact.reply_dst = key.reply_dst;
    exact.reply_sport = key.reply_sport;
    exact.reply_dport = key.reply_dport;
    exact.reply_srckey = key.reply_srckey;
    exact.reply_dstkey = key.reply_dstkey;
  }
  // The kernel looks in the default zone: the entry's zone id in that direction (its
  // zone when the zone applies to that direction, else 0) must be 0.
  const uint8_t dir = orig ? kZoneDirOrig : kZoneDirReply;
  if ((flow.zone.dir & dir) != 0 && flow.zone.id != 0) return false;
  return Matches(exact, flow);
}

absl::Status LookupOverNetlink(netlink::Transport& t, const Filter& key, FlowSink& sink) {
  const netlink::DumpFilter tuple = LookupTuple(key);
  const uint32_t seq = static_cast<uint32_t>(std::time(nullptr));
  const netlink::CtRequestBytes req =
      netlink::BuildCtRequest(netlink::CtRequest::kGetEntry, key.family.value_or(0), seq, &tuple);
  if (req.size == 0) return KernelRefusal(EINVAL);  // no tuple, or no address family
  absl::Status sent = t.Send(req.span());
  if (!sent.ok()) return sent;
  const uint32_t port_id = t.PortId();
  std::vector<uint8_t> buf(netlink::kRecvBufferSize);
  Flow flow;
  bool delivered = false;
  for (;;) {
    absl::StatusOr<size_t> got = t.Recv(absl::MakeSpan(buf));
    if (!got.ok()) {
      if (netlink::TransportErrno(got.status()) == EINTR) continue;
      return got.status();
    }
    netlink::DumpBufferReader reader(absl::MakeConstSpan(buf.data(), *got), &flow);
    netlink::NlItem item;
    while (reader.Next(&item)) {
      if (item.seq != seq || item.port_id != port_id) {
        return absl::DataLossError(absl::StrFormat(
            "reply (nlmsg_type 0x%04x) does not match the CT_GET request: seq %u port id "
            "%u, want seq %u port id %u",
            item.type, item.seq, item.port_id, seq, port_id));
      }
      switch (item.kind) {
        case netlink::NlKind::kFlow:
          if (!delivered) (void)sink.OnFlow(flow);
          delivered = true;
          break;
        case netlink::NlKind::kBadFlow:
          sink.OnSkipped(absl::DataLossError("the entry the kernel sent cannot be decoded"));
          delivered = true;
          break;
        case netlink::NlKind::kError:
          // The ACK (error 0) ends the answer; a refusal comes instead of the entry.
          if (item.error != 0) return KernelRefusal(item.error);
          return delivered ? absl::OkStatus()
                           : absl::DataLossError("the kernel acknowledged the CT_GET request "
                                                 "but sent no entry");
        case netlink::NlKind::kDone:
        case netlink::NlKind::kOther:
          break;
      }
    }
    if (!reader.status().ok()) return reader.status();
  }
}

absl::Status LookupEntry(absl::string_view spec, const Filter& key, FlowSink& sink,
                         const BackendLog& log) {
  if (spec == "netlink" || spec == "auto") {
    absl::StatusOr<std::unique_ptr<netlink::Transport>> t = netlink::OpenCtnetlinkTransport();
    if (t.ok()) {
      if (log) log("looking the entry up with a ctnetlink CT_GET request");
      return Clean(LookupOverNetlink(**t, key, sink));
    }
    if (spec == "netlink" || t.status().code() != absl::StatusCode::kFailedPrecondition) {
      return t.status();
    }
    if (log) log(absl::StrCat("skipped ctnetlink: ", t.status().message()));
    return LookupByScan("procfs", key, sink, log);
  }
  return LookupByScan(spec, key, sink, log);
}

}  // namespace ctdump
