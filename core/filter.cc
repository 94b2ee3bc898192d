#include "core/filter.h"

#include "absl/strings/str_format.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

bool AddrMatches(const AddrCondition& c, uint8_t family, const Addr& a) {
  if (c.family != family) return false;
  size_t n = family == kFamilyIPv4 ? 4 : 16;
  for (size_t i = 0; i < n; ++i) {
    if ((a[i] & c.mask[i]) != (c.addr[i] & c.mask[i])) return false;
  }
  return true;
}

bool PortMatches(const std::optional<uint16_t>& want, uint8_t proto, const Tuple& t,
                 uint16_t Tuple::*field) {
  if (!want) return true;
  if (!ProtoHasPorts(proto) || !t.has_l4) return false;
  return t.*field == *want;
}

bool KeyMatches(const std::optional<uint16_t>& want, uint8_t proto, const Tuple& t,
                uint16_t Tuple::*field) {
  if (!want) return true;
  if (proto != kProtoGRE || !t.has_l4) return false;
  return t.*field == *want;
}

// Whether the status bit `bit` allows NAT to be considered: set, or unknown to the source.
bool NatBitAllows(const Flow& f, uint32_t bit) {
  return (f.status_known & bit) == 0 || (f.status & bit) != 0;
}

bool SnatAddr(const Flow& f) {
  return NatBitAllows(f, kStatusSrcNatDone) && f.reply.dst != f.orig.src;
}
bool SnatPort(const Flow& f) {
  return NatBitAllows(f, kStatusSrcNatDone) && ProtoHasPorts(f.l4proto) &&
         f.reply.dport != f.orig.sport;
}
bool DnatAddr(const Flow& f) {
  return NatBitAllows(f, kStatusDstNatDone) && f.reply.src != f.orig.dst;
}
bool DnatPort(const Flow& f) {
  return NatBitAllows(f, kStatusDstNatDone) && ProtoHasPorts(f.l4proto) &&
         f.reply.sport != f.orig.dport;
}

// -n [ADDR[:PORT]]: the translated source is the reply destination.
bool SnatMatches(const NatCondition& c, const Flow& f) {
  if (!c.addr) return SnatAddr(f) || SnatPort(f);
  if (!SnatAddr(f) || f.reply.dst != *c.addr) return false;
  return !c.port || (ProtoHasPorts(f.l4proto) && f.reply.dport == *c.port);
}
// -g [ADDR[:PORT]]: the translated destination is the reply source.
bool DnatMatches(const NatCondition& c, const Flow& f) {
  if (!c.addr) return DnatAddr(f) || DnatPort(f);
  if (!DnatAddr(f) || f.reply.src != *c.addr) return false;
  return !c.port || (ProtoHasPorts(f.l4proto) && f.reply.sport == *c.port);
}

}  // namespace

bool IsSnat(const Flow& f) { return SnatAddr(f) || SnatPort(f); }
bool NatInferredFromTuples(const Flow& f) {
  return (f.status_known & (kStatusSrcNatDone | kStatusDstNatDone)) !=
         (kStatusSrcNatDone | kStatusDstNatDone);
}
bool IsDnat(const Flow& f) { return DnatAddr(f) || DnatPort(f); }

bool Filter::empty() const {
  return !family && !l4proto && !orig_src && !orig_dst && !reply_src && !reply_dst &&
         !orig_sport && !orig_dport && !reply_sport && !reply_dport && !orig_srckey &&
         !orig_dstkey && !reply_srckey && !reply_dstkey && !state && !icmp_type &&
         !icmp_code && !icmp_id && !mark_value && !zone && !orig_zone && !reply_zone &&
         status_set == 0 && status_clear == 0 && status_any == 0 && !secmark && !snat && !dnat && !any_nat &&
         !labels;
}

bool Matches(const Filter& x, const Flow& f) {
  if (x.family && f.family != *x.family) return false;
  if (x.l4proto && f.l4proto != *x.l4proto) return false;
  if (x.orig_src && !AddrMatches(*x.orig_src, f.family, f.orig.src)) return false;
  if (x.orig_dst && !AddrMatches(*x.orig_dst, f.family, f.orig.dst)) return false;
  if (x.reply_src && !AddrMatches(*x.reply_src, f.family, f.reply.src)) return false;
  if (x.reply_dst && !AddrMatches(*x.reply_dst, f.family, f.reply.dst)) return false;
  if (!PortMatches(x.orig_sport, f.l4proto, f.orig, &Tuple::sport) ||
      !PortMatches(x.orig_dport, f.l4proto, f.orig, &Tuple::dport) ||
      !PortMatches(x.reply_sport, f.l4proto, f.reply, &Tuple::sport) ||
      !PortMatches(x.reply_dport, f.l4proto, f.reply, &Tuple::dport)) {
    return false;
  }
  if (!KeyMatches(x.orig_srckey, f.l4proto, f.orig, &Tuple::sport) ||
      !KeyMatches(x.orig_dstkey, f.l4proto, f.orig, &Tuple::dport) ||
      !KeyMatches(x.reply_srckey, f.l4proto, f.reply, &Tuple::sport) ||
      !KeyMatches(x.reply_dstkey, f.l4proto, f.reply, &Tuple::dport)) {
    return false;
  }
  if (x.state && (!f.state || *f.state != *x.state)) return false;
  if (x.icmp_type || x.icmp_code || x.icmp_id) {
    if (!ProtoIsICMP(f.l4proto) || !f.orig.has_l4) return false;
    if (x.icmp_type && f.orig.icmp_type != *x.icmp_type) return false;
    if (x.icmp_code && f.orig.icmp_code != *x.icmp_code) return false;
    if (x.icmp_id && f.orig.icmp_id != *x.icmp_id) return false;
  }
  if (x.mark_value && (f.mark.value_or(0) & x.mark_mask) != *x.mark_value) return false;
  if (x.zone && (f.zone.dir == kZoneDirBoth ? f.zone.id : 0) != *x.zone) return false;
  if (x.orig_zone && (f.zone.dir == kZoneDirOrig ? f.zone.id : 0) != *x.orig_zone) return false;
  if (x.reply_zone && (f.zone.dir == kZoneDirReply ? f.zone.id : 0) != *x.reply_zone) {
    return false;
  }
  if ((f.status & x.status_set) != x.status_set) return false;
  if ((f.status & x.status_clear) != 0) return false;
  if (x.status_any != 0 && (f.status & x.status_any) == 0) return false;
  if (x.secmark && f.secmark.value_or(0) != *x.secmark) return false;
  if (x.snat && !SnatMatches(*x.snat, f)) return false;
  if (x.dnat && !DnatMatches(*x.dnat, f)) return false;
  if (x.any_nat && !SnatMatches(*x.any_nat, f) && !DnatMatches(*x.any_nat, f)) return false;
  if (x.labels) {
    if (!f.labels) return false;
    for (size_t i = 0; i < 2; ++i) {
      if ((f.labels->words[i] & x.labels->words[i]) != x.labels->words[i]) return false;
    }
  }
  return true;
}

absl::Status Validate(const Filter& x) {
  uint8_t family = x.family.value_or(0);
  for (const auto* c : {&x.orig_src, &x.orig_dst, &x.reply_src, &x.reply_dst}) {
    if (!*c) continue;
    if (family != 0 && (*c)->family != family) {
      return absl::InvalidArgumentError("mismatched address family");
    }
    family = (*c)->family;
  }
  return absl::OkStatus();
}

absl::Status CanJudge(const Filter& x, const Flow& f) {
  uint32_t asked = (x.status_set | x.status_clear | x.status_any) & ~f.status_known;
  if (asked != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "this source cannot show status bits 0x%x asked for by -u (/proc shows only "
        "[UNREPLIED], [ASSURED], [OFFLOAD] and [HW_OFFLOAD]); use the netlink backend",
        asked));
  }
  if (x.labels && f.source != Source::kNetlink && f.source != Source::kUnknown) {
    return absl::FailedPreconditionError(
        "this source cannot show connection labels (/proc never prints them); use the "
        "netlink backend for -l");
  }
  return absl::OkStatus();
}

}  // namespace ctdump
