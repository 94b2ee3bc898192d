// File: tools/ctgen/entry.cc

#include "tools/ctgen/entry.h"

#include <arpa/inet.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_sctp.h>
#include <netinet/in.h>
#include <string.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace ctgen {

void CtDeleter::operator()(nf_conntrack* ct) const { nfct_destroy(ct); }

absl::StatusOr<Addr> ParseAddr(absl::string_view text, uint8_t family) {
  Addr a{};
  std::string s(text);
  if (inet_pton(family == AF_INET6 ? AF_INET6 : AF_INET, s.c_str(), a.data()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("ctgen: bad address '", s, "'"));
  }
  return a;
}

namespace {

void SetAddr(nf_conntrack* ct, uint8_t family, int v4_attr, int v6_attr, const Addr& a) {
  if (family == AF_INET6) {
    nfct_set_attr(ct, static_cast<nf_conntrack_attr>(v6_attr), a.data());
  } else {
    uint32_t v4;
    memcpy(&v4, a.data(), 4);
    nfct_set_attr_u32(ct, static_cast<nf_conntrack_attr>(v4_attr), v4);
  }
}

bool HasPorts(uint8_t proto) {
  return proto == kTcp || proto == kUdp || proto == kUdpLite || proto == kSctp || proto == kGre;
}

}  // namespace

absl::StatusOr<CtPtr> BuildConntrack(const EntrySpec& e) {
  CtPtr ct(nfct_new());
  if (!ct) return absl::ResourceExhaustedError("ctgen: nfct_new failed");
  nf_conntrack* c = ct.get();

  // L3/L4 first: the ICMP type setter looks at the family to invert the type.
  nfct_set_attr_u8(c, ATTR_L3PROTO, e.family);
  nfct_set_attr_u8(c, ATTR_REPL_L3PROTO, e.family);
  nfct_set_attr_u8(c, ATTR_L4PROTO, e.proto);
  nfct_set_attr_u8(c, ATTR_REPL_L4PROTO, e.proto);

  SetAddr(c, e.family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, e.src);
  SetAddr(c, e.family, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, e.dst);
  SetAddr(c, e.family, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, e.dst);
  SetAddr(c, e.family, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, e.src);

  if (HasPorts(e.proto)) {
    nfct_set_attr_u16(c, ATTR_ORIG_PORT_SRC, htons(e.sport));
    nfct_set_attr_u16(c, ATTR_ORIG_PORT_DST, htons(e.dport));
    nfct_set_attr_u16(c, ATTR_REPL_PORT_SRC, htons(e.dport));
    nfct_set_attr_u16(c, ATTR_REPL_PORT_DST, htons(e.sport));
  } else if (e.proto == kIcmp || e.proto == kIcmpV6) {
    nfct_set_attr_u8(c, ATTR_ICMP_TYPE, e.icmp_type);
    nfct_set_attr_u8(c, ATTR_ICMP_CODE, e.icmp_code);
    nfct_set_attr_u16(c, ATTR_ICMP_ID, htons(e.icmp_id));
  }
  // DCCP (no tracker on 6.17+) and unknown protocols: protocol number only.

  if (e.tcp_state) nfct_set_attr_u8(c, ATTR_TCP_STATE, *e.tcp_state);
  if (e.sctp_state) {
    nfct_set_attr_u8(c, ATTR_SCTP_STATE, *e.sctp_state);
    // The kernel requires both vtags with the state.
    nfct_set_attr_u32(c, ATTR_SCTP_VTAG_ORIG, htonl(0x1000u + e.sport));
    nfct_set_attr_u32(c, ATTR_SCTP_VTAG_REPL, htonl(0x2000u + e.dport));
  }
  if (e.status != 0) nfct_set_attr_u32(c, ATTR_STATUS, e.status);
  nfct_set_attr_u32(c, ATTR_TIMEOUT, e.timeout);
  if (e.mark) nfct_set_attr_u32(c, ATTR_MARK, *e.mark);
  if (e.zone) nfct_set_attr_u16(c, ATTR_ZONE, *e.zone);
  if (e.orig_zone) nfct_set_attr_u16(c, ATTR_ORIG_ZONE, *e.orig_zone);
  if (e.reply_zone) nfct_set_attr_u16(c, ATTR_REPL_ZONE, *e.reply_zone);
  if (e.dnat_addr) SetAddr(c, e.family, ATTR_DNAT_IPV4, ATTR_DNAT_IPV6, *e.dnat_addr);
  if (e.dnat_port) nfct_set_attr_u16(c, ATTR_DNAT_PORT, htons(*e.dnat_port));
  if (e.snat_addr) SetAddr(c, e.family, ATTR_SNAT_IPV4, ATTR_SNAT_IPV6, *e.snat_addr);
  if (e.snat_port) nfct_set_attr_u16(c, ATTR_SNAT_PORT, htons(*e.snat_port));
  if (!e.label_bits.empty()) {
    nfct_bitmask* bits = nfct_bitmask_new(127);
    if (bits == nullptr) return absl::ResourceExhaustedError("ctgen: nfct_bitmask_new failed");
    for (unsigned b : e.label_bits) nfct_bitmask_set_bit(bits, b);
    nfct_set_attr(c, ATTR_CONNLABELS, bits);  // the object takes ownership
  }
  if (!e.helper.empty()) nfct_set_attr(c, ATTR_HELPER_NAME, e.helper.c_str());
  return ct;
}

}  // namespace ctgen
