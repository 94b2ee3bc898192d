// File: backends/netlink/attr.h
//
// Reading netlink attributes (TLVs) out of a message that is already in memory, for the
// decoders of this package (decode.cc, messages.cc): byte loads, the attribute header as
// one word for the fast paths, and AttrWalker. Every caller checks lengths first; nothing
// here reads past [p, p + n).
//
//   AttrWalker w(payload, len);
//   Attr a;
//   while (w.Next(&a)) { if (a.type == ctnl::kCtaMark && a.len == 4) mark = LoadBe32(a.data); }
//   if (w.bad()) ...  // a TLV with nla_len < 4 or past the end

#ifndef CTDUMP_BACKENDS_NETLINK_ATTR_H_
#define CTDUMP_BACKENDS_NETLINK_ATTR_H_

#include <endian.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {

// ---- byte access (every caller has checked the length first) ----

inline uint16_t LoadHost16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint32_t LoadHost32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint16_t LoadBe16(const uint8_t* p) { return be16toh(LoadHost16(p)); }
inline uint32_t LoadBe32(const uint8_t* p) { return be32toh(LoadHost32(p)); }
inline uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return be64toh(v);
}

// The first 4 bytes of an attribute (nla_len, nla_type) as one host-order word, for
// matching the kernel's exact layout in the fast paths of the decoders.
constexpr uint32_t NlaHeader(uint16_t len, uint16_t type) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return uint32_t{len} | uint32_t{type} << 16;
#else
  return uint32_t{len} << 16 | uint32_t{type};
#endif
}

// One attribute: type with the flag bits masked off, payload and its length.
struct Attr {
  const uint8_t* data;
  uint16_t len;
  uint16_t type;
};

// Walks the TLVs in [p, p + n). Next() returns false at the end, or at the first TLV
// whose nla_len is < 4 or runs past the end (then bad() is true). Up to 3 trailing bytes
// that cannot hold a header are ignored, as libmnl's mnl_attr_ok() does.
class AttrWalker {
 public:
  AttrWalker(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}

  ABSL_ATTRIBUTE_ALWAYS_INLINE bool Next(Attr* a) {
    const size_t left = static_cast<size_t>(end_ - p_);
    if (left < ctnl::kNlaHdrLen) return false;
    const uint16_t nla_len = LoadHost16(p_);
    if (ABSL_PREDICT_FALSE(nla_len < ctnl::kNlaHdrLen || nla_len > left)) {
      bad_ = true;
      bad_len_ = nla_len;
      bad_left_ = left;
      return false;
    }
    a->type = LoadHost16(p_ + 2) & ctnl::kNlaTypeMask;
    a->len = static_cast<uint16_t>(nla_len - ctnl::kNlaHdrLen);
    a->data = p_ + ctnl::kNlaHdrLen;
    const size_t step = ctnl::Align4(nla_len);
    p_ += step < left ? step : left;
    return true;
  }

  bool bad() const { return bad_; }
  uint16_t bad_len() const { return bad_len_; }
  size_t bad_left() const { return bad_left_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  bool bad_ = false;
  uint16_t bad_len_ = 0;
  size_t bad_left_ = 0;
};

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_ATTR_H_
