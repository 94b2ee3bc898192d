#include "core/flow.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/addr.h"
#include "core/kernel.h"

namespace ctdump {

void Flow::Clear() {
  // Field by field: assigning a fresh Flow builds and copies a ~500-byte temporary, which
  // cost decoders almost half of their time per entry.
  source = Source::kUnknown;
  family = 0;
  l4proto = 0;
  orig = Tuple();
  reply = Tuple();
  zone = Zone();
  status = 0;
  status_known = 0;
  timeout.reset();
  state.reset();
  tcp.reset();
  sctp.reset();
  dccp.reset();
  gre.reset();
  mark.reset();
  secmark.reset();
  secctx.clear();
  orig_counters.reset();
  reply_counters.reset();
  start_ns.reset();
  stop_ns.reset();
  delta_time.reset();
  use.reset();
  id.reset();
  labels.reset();
  helper.clear();
  master.reset();
  seqadj_orig.reset();
  seqadj_reply.reset();
  synproxy.reset();
}

bool operator==(const Tuple& a, const Tuple& b) {
  return a.src == b.src && a.dst == b.dst && a.sport == b.sport && a.dport == b.dport &&
         a.icmp_type == b.icmp_type && a.icmp_code == b.icmp_code &&
         a.icmp_id == b.icmp_id && a.has_l4 == b.has_l4;
}

namespace {

std::string AddrText(uint8_t family, const Addr& a) {
  char buf[kMaxAddrText];
  char* end = FormatAddr(family, a, AddrStyle::kCompressed, buf);
  return std::string(buf, end);
}

std::string TupleText(uint8_t family, uint8_t proto, const Tuple& t) {
  std::string s = absl::StrCat(AddrText(family, t.src), "->", AddrText(family, t.dst));
  if (!t.has_l4) return s;
  if (ProtoIsICMP(proto)) {
    absl::StrAppend(&s, " type=", t.icmp_type, " code=", t.icmp_code, " id=", t.icmp_id);
  } else if (proto == kProtoGRE) {
    absl::StrAppendFormat(&s, " keys=0x%x/0x%x", t.sport, t.dport);
  } else {
    absl::StrAppend(&s, " ports=", t.sport, "/", t.dport);
  }
  return s;
}

const char* SourceText(Source s) {
  switch (s) {
    case Source::kNetlink: return "netlink";
    case Source::kProcNfConntrack: return "nf_conntrack";
    case Source::kProcIpConntrack: return "ip_conntrack";
    default: return "unknown";
  }
}

}  // namespace

std::string DebugString(const Flow& f) {
  std::string s = absl::StrCat(SourceText(f.source), " ", FamilyName(f.family), " ",
                               ProtoName(f.l4proto), "(", f.l4proto, ")");
  absl::StrAppend(&s, " orig=[", TupleText(f.family, f.l4proto, f.orig), "]");
  absl::StrAppend(&s, " reply=[", TupleText(f.family, f.l4proto, f.reply), "]");
  if (f.zone.id != 0 || f.zone.dir != kZoneDirBoth) {
    absl::StrAppend(&s, " zone=", f.zone.id, "/",
                    f.zone.dir == kZoneDirOrig    ? "orig"
                    : f.zone.dir == kZoneDirReply ? "reply"
                                                  : "both");
  }
  absl::StrAppendFormat(&s, " status=0x%x/0x%x", f.status, f.status_known);
  if (f.timeout) absl::StrAppend(&s, " timeout=", *f.timeout);
  if (f.state) absl::StrAppend(&s, " state=", StateName(f.l4proto, *f.state));
  if (f.tcp) {
    absl::StrAppend(&s, " tcp=[wscale=", f.tcp->wscale_orig, "/", f.tcp->wscale_reply,
                    " flags=", f.tcp->flags_orig, "/", f.tcp->flags_reply, "]");
  }
  if (f.sctp) absl::StrAppend(&s, " vtags=", f.sctp->vtag_orig, "/", f.sctp->vtag_reply);
  if (f.dccp) absl::StrAppend(&s, " dccp=[role=", f.dccp->role, " hs=", f.dccp->handshake_seq, "]");
  if (f.gre) absl::StrAppend(&s, " gre=", f.gre->timeout, "/", f.gre->stream_timeout);
  if (f.mark) absl::StrAppend(&s, " mark=", *f.mark);
  if (f.secmark) absl::StrAppend(&s, " secmark=", *f.secmark);
  if (!f.secctx.empty()) absl::StrAppend(&s, " secctx=", f.secctx);
  if (f.orig_counters) {
    absl::StrAppend(&s, " orig_counters=", f.orig_counters->packets, "/", f.orig_counters->bytes);
  }
  if (f.reply_counters) {
    absl::StrAppend(&s, " reply_counters=", f.reply_counters->packets, "/",
                    f.reply_counters->bytes);
  }
  if (f.start_ns) absl::StrAppend(&s, " start=", *f.start_ns);
  if (f.stop_ns) absl::StrAppend(&s, " stop=", *f.stop_ns);
  if (f.delta_time) absl::StrAppend(&s, " delta=", *f.delta_time);
  if (f.use) absl::StrAppend(&s, " use=", *f.use);
  if (f.id) absl::StrAppend(&s, " id=", *f.id);
  if (f.labels) {
    absl::StrAppendFormat(&s, " labels=%016x%016x", f.labels->words[1], f.labels->words[0]);
  }
  if (!f.helper.empty()) absl::StrAppend(&s, " helper=", f.helper);
  if (f.master) absl::StrAppend(&s, " master=[", TupleText(f.family, f.l4proto, *f.master), "]");
  for (const auto* adj : {&f.seqadj_orig, &f.seqadj_reply}) {
    if (*adj) {
      absl::StrAppend(&s, adj == &f.seqadj_orig ? " seqadj_orig=" : " seqadj_reply=",
                      (*adj)->correction_pos, "/", (*adj)->offset_before, "/",
                      (*adj)->offset_after);
    }
  }
  if (f.synproxy) {
    absl::StrAppend(&s, " synproxy=", f.synproxy->isn, "/", f.synproxy->its, "/",
                    f.synproxy->tsoff);
  }
  return s;
}

}  // namespace ctdump
