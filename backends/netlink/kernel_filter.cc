#include "backends/netlink/kernel_filter.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backends/netlink/ctnetlink.h"
#include "core/addr.h"
#include "core/kernel.h"

namespace ctdump {
namespace netlink {
namespace {

size_t AddrLen(uint8_t family) { return family == kFamilyIPv4 ? 4 : 16; }

// An exact IPv4 address condition of `family`: the only address form the kernel can be
// trusted with (see the header).
bool ExactIPv4(const std::optional<AddrCondition>& c, uint8_t family) {
  if (!c || family != kFamilyIPv4 || c->family != kFamilyIPv4) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (c->mask[i] != 0xff) return false;
  }
  return true;
}

// ICMP types the kernel can track (the `invmap` of nf_conntrack_proto_icmp.c /
// nf_conntrack_proto_icmpv6.c); any other type in a filter gets EINVAL.
bool TrackableIcmpType(uint8_t proto, uint8_t type) {
  if (proto == kProtoICMP) return type == 0 || type == 8 || (type >= 13 && type <= 18);
  return type == 128 || type == 129 || type == 139 || type == 140;
}

bool SameAddr(const Addr& a, const std::array<uint8_t, 16>& b, uint8_t family) {
  return std::memcmp(a.data(), b.data(), AddrLen(family)) == 0;
}

// ctnetlink_filter_match_tuple() for one direction (IPv6 addresses compared correctly).
bool TupleKeeps(const DumpFilterTuple& f, uint8_t family, uint8_t proto, const Tuple& t) {
  if ((f.flags & ctnl::kCtaFilterFIpSrc) && !SameAddr(t.src, f.src, family)) return false;
  if ((f.flags & ctnl::kCtaFilterFIpDst) && !SameAddr(t.dst, f.dst, family)) return false;
  if ((f.flags & ctnl::kCtaFilterFProtoNum) && f.proto != proto) return false;
  switch (proto) {
    case kProtoTCP:
    case kProtoUDP:
      if ((f.flags & ctnl::kCtaFilterFSrcPort) && f.sport != t.sport) return false;
      if ((f.flags & ctnl::kCtaFilterFDstPort) && f.dport != t.dport) return false;
      break;
    case kProtoICMP:
      if ((f.flags & ctnl::kCtaFilterFIcmpType) && f.icmp_type != t.icmp_type) return false;
      if ((f.flags & ctnl::kCtaFilterFIcmpCode) && f.icmp_code != t.icmp_code) return false;
      if ((f.flags & ctnl::kCtaFilterFIcmpId) && f.icmp_id != t.icmp_id) return false;
      break;
    case kProtoICMPv6:
      if ((f.flags & ctnl::kCtaFilterFIcmpv6Type) && f.icmp_type != t.icmp_type) return false;
      if ((f.flags & ctnl::kCtaFilterFIcmpv6Code) && f.icmp_code != t.icmp_code) return false;
      if ((f.flags & ctnl::kCtaFilterFIcmpv6Id) && f.icmp_id != t.icmp_id) return false;
      break;
    default:
      break;
  }
  return true;
}

std::string AddrText(uint8_t family, const std::array<uint8_t, 16>& a) {
  Addr addr;
  std::memcpy(addr.data(), a.data(), 16);
  char buf[kMaxAddrText];
  char* end = FormatAddr(family, addr, AddrStyle::kCompressed, buf);
  return std::string(buf, end);
}

std::string TupleText(const DumpFilterTuple& t, uint8_t family) {
  std::vector<std::string> parts;
  if (t.flags & ctnl::kCtaFilterFIpSrc) parts.push_back("src=" + AddrText(family, t.src));
  if (t.flags & ctnl::kCtaFilterFIpDst) parts.push_back("dst=" + AddrText(family, t.dst));
  if (t.flags & ctnl::kCtaFilterFProtoNum) parts.push_back(absl::StrCat("proto=", t.proto));
  if (t.flags & ctnl::kCtaFilterFSrcPort) parts.push_back(absl::StrCat("sport=", t.sport));
  if (t.flags & ctnl::kCtaFilterFDstPort) parts.push_back(absl::StrCat("dport=", t.dport));
  if (t.flags & (ctnl::kCtaFilterFIcmpType | ctnl::kCtaFilterFIcmpv6Type)) {
    parts.push_back(absl::StrCat("type=", t.icmp_type));
  }
  if (t.flags & (ctnl::kCtaFilterFIcmpCode | ctnl::kCtaFilterFIcmpv6Code)) {
    parts.push_back(absl::StrCat("code=", t.icmp_code));
  }
  if (t.flags & (ctnl::kCtaFilterFIcmpId | ctnl::kCtaFilterFIcmpv6Id)) {
    parts.push_back(absl::StrCat("id=", t.icmp_id));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

DumpFamilies FamiliesToDump(uint8_t request_family, const Filter* filter) {
  bool want[2] = {request_family == 0 || request_family == kFamilyIPv4,
                  request_family == 0 || request_family == kFamilyIPv6};
  auto restrict_to = [&want](uint8_t family) {
    want[0] = want[0] && family == kFamilyIPv4;
    want[1] = want[1] && family == kFamilyIPv6;
  };
  if (filter != nullptr) {
    if (filter->family) restrict_to(*filter->family);
    for (const auto* c : {&filter->orig_src, &filter->orig_dst, &filter->reply_src,
                          &filter->reply_dst}) {
      if (*c) restrict_to((*c)->family);
    }
  }
  DumpFamilies out;
  if (want[0]) out.family[out.count++] = kFamilyIPv4;
  if (want[1]) out.family[out.count++] = kFamilyIPv6;
  return out;
}

DumpFilter DeriveDumpFilter(const Filter& x, uint8_t family, uint32_t allowed,
                            uint32_t* used) {
  DumpFilter f;
  uint32_t parts = 0;
  if ((allowed & kKernelFilterMark) && x.mark_value) {
    f.mark_value = *x.mark_value;
    f.mark_mask = x.mark_mask;
    parts |= kKernelFilterMark;
  }
  if ((allowed & kKernelFilterStatus) && (x.status_set | x.status_clear) != 0) {
    f.status_value = x.status_set;
    f.status_mask = x.status_set | x.status_clear;
    parts |= kKernelFilterStatus;
  }
  if (allowed & kKernelFilterZone) {
    for (const auto* z : {&x.zone, &x.orig_zone, &x.reply_zone}) {
      if (*z && **z != 0) {
        f.zone = **z;
        parts |= kKernelFilterZone;
        break;
      }
    }
  }
  if ((allowed & kKernelFilterTuple) && (family == kFamilyIPv4 || family == kFamilyIPv6)) {
    DumpFilterTuple& o = f.orig;
    DumpFilterTuple& r = f.reply;
    if (ExactIPv4(x.orig_src, family)) {
      o.flags |= ctnl::kCtaFilterFIpSrc;
      std::memcpy(o.src.data(), x.orig_src->addr.data(), 16);
    }
    if (ExactIPv4(x.orig_dst, family)) {
      o.flags |= ctnl::kCtaFilterFIpDst;
      std::memcpy(o.dst.data(), x.orig_dst->addr.data(), 16);
    }
    if (ExactIPv4(x.reply_src, family)) {
      r.flags |= ctnl::kCtaFilterFIpSrc;
      std::memcpy(r.src.data(), x.reply_src->addr.data(), 16);
    }
    if (ExactIPv4(x.reply_dst, family)) {
      r.flags |= ctnl::kCtaFilterFIpDst;
      std::memcpy(r.dst.data(), x.reply_dst->addr.data(), 16);
    }
    if (x.l4proto) {
      const uint8_t proto = *x.l4proto;
      o.flags |= ctnl::kCtaFilterFProtoNum;
      o.proto = proto;
      if (proto == kProtoTCP || proto == kProtoUDP) {
        if (x.orig_sport) {
          o.flags |= ctnl::kCtaFilterFSrcPort;
          o.sport = *x.orig_sport;
        }
        if (x.orig_dport) {
          o.flags |= ctnl::kCtaFilterFDstPort;
          o.dport = *x.orig_dport;
        }
        if (x.reply_sport || x.reply_dport) {
          r.flags |= ctnl::kCtaFilterFProtoNum;
          r.proto = proto;
          if (x.reply_sport) {
            r.flags |= ctnl::kCtaFilterFSrcPort;
            r.sport = *x.reply_sport;
          }
          if (x.reply_dport) {
            r.flags |= ctnl::kCtaFilterFDstPort;
            r.dport = *x.reply_dport;
          }
        }
      }
      const bool icmp4 = proto == kProtoICMP && family == kFamilyIPv4;
      const bool icmp6 = proto == kProtoICMPv6 && family == kFamilyIPv6;
      if (icmp4 || icmp6) {
        if (x.icmp_type && TrackableIcmpType(proto, *x.icmp_type)) {
          o.flags |= icmp4 ? ctnl::kCtaFilterFIcmpType : ctnl::kCtaFilterFIcmpv6Type;
          o.icmp_type = *x.icmp_type;
        }
        if (x.icmp_code) {
          o.flags |= icmp4 ? ctnl::kCtaFilterFIcmpCode : ctnl::kCtaFilterFIcmpv6Code;
          o.icmp_code = *x.icmp_code;
        }
        if (x.icmp_id) {
          o.flags |= icmp4 ? ctnl::kCtaFilterFIcmpId : ctnl::kCtaFilterFIcmpv6Id;
          o.icmp_id = *x.icmp_id;
        }
      }
    }
    if (o.flags != 0 || r.flags != 0) parts |= kKernelFilterTuple;
  }
  if (used != nullptr) *used = parts;
  return f;
}

bool KernelKeeps(const DumpFilter& f, uint8_t family, const Flow& flow, uint32_t* failed) {
  uint32_t refused = 0;
  const bool family_ok = family == 0 || flow.family == family;
  if (family_ok) {
    if (f.zone && flow.zone.id != *f.zone) refused |= kKernelFilterZone;
    if ((f.orig.flags && !TupleKeeps(f.orig, family, flow.l4proto, flow.orig)) ||
        (f.reply.flags && !TupleKeeps(f.reply, family, flow.l4proto, flow.reply))) {
      refused |= kKernelFilterTuple;
    }
    if (f.mark_value && (flow.mark.value_or(0) & f.mark_mask) != *f.mark_value) {
      refused |= kKernelFilterMark;
    }
    if (f.status_value && (flow.status & f.status_mask) != *f.status_value) {
      refused |= kKernelFilterStatus;
    }
  }
  if (failed != nullptr) *failed = refused;
  return family_ok && refused == 0;
}

std::string KernelFilterPartsText(uint32_t parts) {
  std::vector<absl::string_view> names;
  if (parts & kKernelFilterMark) names.push_back("mark");
  if (parts & kKernelFilterStatus) names.push_back("status");
  if (parts & kKernelFilterZone) names.push_back("zone");
  if (parts & kKernelFilterTuple) names.push_back("tuple");
  return names.empty() ? "none" : absl::StrJoin(names, ",");
}

std::string DumpFilterText(const DumpFilter& f, uint8_t family) {
  std::vector<std::string> parts;
  if (f.mark_value) parts.push_back(absl::StrFormat("mark=0x%x/0x%x", *f.mark_value, f.mark_mask));
  if (f.status_value) {
    parts.push_back(absl::StrFormat("status=0x%x/0x%x", *f.status_value, f.status_mask));
  }
  if (f.zone) parts.push_back(absl::StrCat("zone=", *f.zone));
  if (f.orig.flags) parts.push_back(absl::StrCat("orig{", TupleText(f.orig, family), "}"));
  if (f.reply.flags) parts.push_back(absl::StrCat("reply{", TupleText(f.reply, family), "}"));
  return parts.empty() ? "none" : absl::StrJoin(parts, " ");
}

}  // namespace netlink
}  // namespace ctdump
