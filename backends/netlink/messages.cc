// Message-level decoding (decode.h): a datagram split into netlink messages
// (DumpBufferReader, EndsDumpReply) and the CT_GET_STATS reply (DecodeGlobalStats). The
// attributes of one conntrack entry are decode.cc's.

#include "backends/netlink/decode.h"

#include <cstring>
#include <limits>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/netlink/attr.h"
#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {
namespace {

// The NLMSGERR_ATTR_MSG string among the TLVs in [p, p + n), or empty.
absl::string_view FindExtAckMessage(const uint8_t* p, size_t n) {
  AttrWalker w(p, n);
  Attr a;
  while (w.Next(&a)) {
    if (a.type == ctnl::kNlmsgerrAttrMsg && a.len > 0) {
      const char* s = reinterpret_cast<const char*>(a.data);
      return absl::string_view(s, strnlen(s, a.len));
    }
  }
  return {};
}

// The positive errno of an NLMSG_ERROR / NLMSG_DONE code (the kernel sends -errno; a
// positive value is taken as is). INT32_MIN has no positive counterpart: INT32_MAX.
int PositiveErrno(int32_t err) {
  if (err == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  return err < 0 ? -err : err;
}

}  // namespace

bool EndsDumpReply(absl::Span<const uint8_t> datagram) {
  size_t off = 0;
  while (off < datagram.size()) {
    const size_t left = datagram.size() - off;
    if (left < ctnl::kNlmsgHdrLen) return true;
    const uint8_t* p = datagram.data() + off;
    const uint32_t len = LoadHost32(p);
    if (len < ctnl::kNlmsgHdrLen || len > left) return true;
    const uint16_t type = LoadHost16(p + 4);
    if (type == ctnl::kNlmsgDone || type == ctnl::kNlmsgError) return true;
    off += ctnl::Align4(len);
  }
  return false;
}

bool DumpBufferReader::Next(NlItem* item) {
  if (!status_.ok()) return false;
  const size_t left = buf_.size() - offset_;
  if (left == 0) return false;
  const uint8_t* p = buf_.data() + offset_;
  const size_t at = offset_;
  if (ABSL_PREDICT_FALSE(left < ctnl::kNlmsgHdrLen)) {
    status_ = absl::DataLossError(absl::StrCat("truncated message: ", left,
                                               " bytes left at offset ", at,
                                               ", want at least 16 (nlmsghdr)"));
    return false;
  }
  const uint32_t len = LoadHost32(p);
  if (ABSL_PREDICT_FALSE(len < ctnl::kNlmsgHdrLen)) {
    status_ = absl::DataLossError(
        absl::StrCat("bad message at offset ", at, ": nlmsg_len ", len, " < 16"));
    return false;
  }
  if (ABSL_PREDICT_FALSE(len > left)) {
    status_ = absl::DataLossError(absl::StrCat(
        "truncated message: nlmsg_len ", len, " > ", left, " bytes received",
        at == 0 ? "" : absl::StrCat(" (message at offset ", at, ")")));
    return false;
  }
  item->type = LoadHost16(p + 4);
  item->flags = LoadHost16(p + 6);
  item->seq = LoadHost32(p + 8);
  item->port_id = LoadHost32(p + 12);
  item->bytes = absl::Span<const uint8_t>(p, len);
  item->error = 0;
  item->ext_ack = {};
  item->status = absl::OkStatus();
  const size_t step = ctnl::Align4(len);
  offset_ += step < left ? step : left;

  switch (item->type) {
    case ctnl::kNlmsgError: {
      // struct nlmsgerr { int error; struct nlmsghdr msg; } then, with NLM_F_ACK_TLVS,
      // extended-ack attributes after the (possibly capped) original message.
      if (ABSL_PREDICT_FALSE(len < ctnl::kNlmsgHdrLen + 4)) {
        status_ = absl::DataLossError(absl::StrCat("NLMSG_ERROR at offset ", at,
                                                   " has no error code (nlmsg_len ", len, ")"));
        return false;
      }
      const int32_t err = static_cast<int32_t>(LoadHost32(p + ctnl::kNlmsgHdrLen));
      item->kind = NlKind::kError;
      item->error = PositiveErrno(err);
      if ((item->flags & ctnl::kNlmFAckTlvs) && len >= ctnl::kNlmsgHdrLen + 4 + 16) {
        size_t inner = ctnl::kNlmsgHdrLen;
        if (!(item->flags & ctnl::kNlmFCapped)) {
          inner = LoadHost32(p + ctnl::kNlmsgHdrLen + 4);
        }
        const size_t tlv = ctnl::kNlmsgHdrLen + 4 + ctnl::Align4(inner);
        if (inner >= ctnl::kNlmsgHdrLen && tlv <= len) {
          item->ext_ack = FindExtAckMessage(p + tlv, len - tlv);
        }
      }
      return true;
    }
    case ctnl::kNlmsgDone: {
      item->kind = NlKind::kDone;
      if (len >= ctnl::kNlmsgHdrLen + 4) {
        const int32_t err = static_cast<int32_t>(LoadHost32(p + ctnl::kNlmsgHdrLen));
        item->error = PositiveErrno(err);
        if (item->flags & ctnl::kNlmFAckTlvs) {
          item->ext_ack = FindExtAckMessage(p + ctnl::kNlmsgHdrLen + 4,
                                            len - ctnl::kNlmsgHdrLen - 4);
        }
      }
      return true;
    }
    case ctnl::CtType(ctnl::kMsgCtNew):
    case ctnl::CtType(ctnl::kMsgCtDelete): {
      absl::Status s = DecodeCtMessage(item->bytes, flow_);
      if (ABSL_PREDICT_TRUE(s.ok())) {
        item->kind = NlKind::kFlow;
      } else {
        item->kind = NlKind::kBadFlow;
        item->status = absl::DataLossError(
            absl::StrCat("message at offset ", at, ": ", s.message()));
      }
      return true;
    }
    default:
      item->kind = NlKind::kOther;
      return true;
  }
}

absl::Status DecodeGlobalStats(absl::Span<const uint8_t> msg, GlobalStats* stats) {
  *stats = GlobalStats();
  if (msg.size() < ctnl::kNlmsgHdrLen) {
    return absl::DataLossError(absl::StrCat("truncated message: ", msg.size(),
                                            " bytes, want at least 16 (nlmsghdr)"));
  }
  const uint32_t nlmsg_len = LoadHost32(msg.data());
  const uint16_t type = LoadHost16(msg.data() + 4);
  if (nlmsg_len > msg.size()) {
    return absl::DataLossError(absl::StrCat("truncated message: nlmsg_len ", nlmsg_len, " > ",
                                            msg.size(), " bytes received"));
  }
  if (type != ctnl::CtType(ctnl::kMsgCtGetStats)) {
    return absl::DataLossError(
        absl::StrFormat("not a CT_GET_STATS reply: nlmsg_type 0x%04x", type));
  }
  if (nlmsg_len < ctnl::kCtPayloadOffset) {
    return absl::DataLossError(absl::StrCat("message too short: nlmsg_len ", nlmsg_len,
                                            " < 20 (nlmsghdr + nfgenmsg)"));
  }
  AttrWalker w(msg.data() + ctnl::kCtPayloadOffset, nlmsg_len - ctnl::kCtPayloadOffset);
  Attr a;
  bool have_entries = false;
  while (w.Next(&a)) {
    if (a.type != ctnl::kCtaStatsGlobalEntries && a.type != ctnl::kCtaStatsGlobalMaxEntries) {
      continue;
    }
    const char* name = a.type == ctnl::kCtaStatsGlobalEntries
                           ? "CTA_STATS_GLOBAL_ENTRIES"
                           : "CTA_STATS_GLOBAL_MAX_ENTRIES";
    if (a.len != 4) {
      return absl::DataLossError(absl::StrCat(name, " has ", a.len, " bytes, want 4"));
    }
    if (a.type == ctnl::kCtaStatsGlobalEntries) {
      stats->entries = LoadBe32(a.data);
      have_entries = true;
    } else {
      stats->max_entries = LoadBe32(a.data);
    }
  }
  if (w.bad()) {
    return absl::DataLossError(absl::StrCat("malformed attribute: nla_len ", w.bad_len(),
                                            " (", w.bad_left(), " bytes left)"));
  }
  if (!have_entries) return absl::DataLossError("CTA_STATS_GLOBAL_ENTRIES missing");
  return absl::OkStatus();
}

}  // namespace netlink
}  // namespace ctdump
