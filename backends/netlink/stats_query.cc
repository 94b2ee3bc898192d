#include "backends/netlink/stats_query.h"

#include <endian.h>
#include <errno.h>

#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/request.h"
#include "core/status_macros.h"
#include "io/errno_text.h"

namespace ctdump {
namespace netlink {
namespace {

// The counter numbers of core/cpu_stats.h are the kernel's attribute numbers.
static_assert(int{kCpuStatSearched} == int{ctnl::kCtaStatsSearched});
static_assert(int{kCpuStatInsert} == int{ctnl::kCtaStatsInsert});
static_assert(int{kCpuStatChainTooLong} == int{ctnl::kCtaStatsChainTooLong});
static_assert(kCpuStatMax == ctnl::kCtaStatsCpuMax);

constexpr size_t kStatsBufferSize = 64 * 1024;

absl::Status Refusal(absl::string_view what, int err) {
  if (err == EPERM) {
    return absl::PermissionDeniedError(
        absl::StrCat("ctnetlink ", what,
                     " refused (EPERM): needs CAP_NET_ADMIN in this network namespace"));
  }
  // EINVAL/EOPNOTSUPP: the kernel has no such message (or no ctnetlink subsystem).
  const absl::StatusCode code = (err == EINVAL || err == EOPNOTSUPP)
                                    ? absl::StatusCode::kFailedPrecondition
                                    : absl::ErrnoToStatus(err, "").code();
  return absl::Status(code, absl::StrCat("ctnetlink ", what, " refused (", ErrnoName(err),
                                         ": ", std::strerror(err), ")"));
}

absl::Status Failed(absl::string_view what, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat("ctnetlink ", what, ": ", s.message()));
}

// Sends `kind` and hands every message of the reply to `on_message` (kOther items: the
// stats messages) until NLMSG_DONE (dumps) or, with `single`, the first stats message.
// A refusal (NLMSG_ERROR) comes back as *refused_errno with an OK status.
absl::Status Exchange(Transport& t, CtRequest kind, bool single,
                      const std::function<absl::Status(const NlItem&)>& on_message,
                      int* refused_errno) {
  *refused_errno = 0;
  const uint32_t seq = static_cast<uint32_t>(std::time(nullptr));
  const CtRequestBytes req = BuildCtRequest(kind, 0, seq);
  CTDUMP_RETURN_IF_ERROR(t.Send(req.span()));
  const uint32_t port_id = t.PortId();
  std::unique_ptr<uint8_t[]> buf(new uint8_t[kStatsBufferSize]);
  Flow scratch;  // DumpBufferReader decodes CT_NEW into it; stats replies never are
  for (;;) {
    absl::StatusOr<size_t> got = t.Recv(absl::MakeSpan(buf.get(), kStatsBufferSize));
    if (!got.ok()) {
      const int err = TransportErrno(got.status());
      if (err == EINTR) continue;
      if (err == ENOBUFS) {
        return absl::DataLossError("the kernel dropped part of the reply (ENOBUFS)");
      }
      return got.status();
    }
    DumpBufferReader reader(absl::MakeConstSpan(buf.get(), *got), &scratch);
    NlItem item;
    while (reader.Next(&item)) {
      if (item.seq != seq || item.port_id != port_id) {
        return absl::DataLossError(absl::StrFormat(
            "reply (nlmsg_type 0x%04x) does not match the request: seq %u port id %u, "
            "want seq %u port id %u",
            item.type, item.seq, item.port_id, seq, port_id));
      }
      switch (item.kind) {
        case NlKind::kError:
          if (item.error == 0) break;  // an ACK
          *refused_errno = item.error;
          return absl::OkStatus();
        case NlKind::kDone:
          if (item.error != 0) {
            return absl::DataLossError(absl::StrCat("the dump failed part-way with ",
                                                    ErrnoName(item.error), " (",
                                                    std::strerror(item.error), ")"));
          }
          return absl::OkStatus();
        case NlKind::kOther:
          if (item.type == ctnl::kNlmsgNoop) break;
          CTDUMP_RETURN_IF_ERROR(on_message(item));
          if (single) return absl::OkStatus();
          break;
        case NlKind::kFlow:
        case NlKind::kBadFlow:
          return absl::DataLossError(
              absl::StrFormat("unexpected conntrack entry (nlmsg_type 0x%04x)", item.type));
      }
    }
    CTDUMP_RETURN_IF_ERROR(reader.status());
  }
}

}  // namespace

absl::StatusOr<GlobalStats> QueryGlobalStats(Transport& t) {
  GlobalStats g;
  bool have = false;
  int refused = 0;
  absl::Status s = Exchange(
      t, CtRequest::kGetStats, /*single=*/true,
      [&](const NlItem& item) {
        if (item.type != ctnl::CtType(ctnl::kMsgCtGetStats)) {
          return absl::DataLossError(absl::StrFormat(
              "unexpected reply to CT_GET_STATS: nlmsg_type 0x%04x", item.type));
        }
        CTDUMP_RETURN_IF_ERROR(DecodeGlobalStats(item.bytes, &g));
        have = true;
        return absl::OkStatus();
      },
      &refused);
  if (!s.ok()) return Failed("CT_GET_STATS", s);
  if (refused != 0) return Refusal("CT_GET_STATS", refused);
  if (!have) return absl::DataLossError("ctnetlink CT_GET_STATS: no reply message");
  return g;
}

absl::StatusOr<std::vector<CpuStats>> DumpCpuStats(Transport& t) {
  std::vector<CpuStats> cpus;
  int refused = 0;
  absl::Status s = Exchange(
      t, CtRequest::kDumpStatsCpu, /*single=*/false,
      [&cpus](const NlItem& item) {
        CpuStats c;
        CTDUMP_RETURN_IF_ERROR(DecodeCpuStatsMessage(item.bytes, &c));
        cpus.push_back(c);
        return absl::OkStatus();
      },
      &refused);
  if (!s.ok()) return Failed("CT_GET_STATS_CPU", s);
  if (refused != 0) return Refusal("CT_GET_STATS_CPU", refused);
  return cpus;
}

absl::Status DecodeCpuStatsMessage(absl::Span<const uint8_t> msg, CpuStats* out) {
  *out = CpuStats();
  out->source = CpuStatsSource::kNetlink;
  if (msg.size() < ctnl::kNlmsgHdrLen) {
    return absl::DataLossError(absl::StrCat("truncated message: ", msg.size(),
                                            " bytes, want at least 16 (nlmsghdr)"));
  }
  uint32_t len;
  uint16_t type;
  std::memcpy(&len, msg.data(), 4);
  std::memcpy(&type, msg.data() + 4, 2);
  if (len > msg.size()) {
    return absl::DataLossError(
        absl::StrCat("truncated message: nlmsg_len ", len, " > ", msg.size(), " bytes"));
  }
  if (type != ctnl::CtType(ctnl::kMsgCtGetStatsCpu)) {
    return absl::DataLossError(
        absl::StrFormat("not a CT_GET_STATS_CPU reply: nlmsg_type 0x%04x", type));
  }
  if (len < ctnl::kCtPayloadOffset) {
    return absl::DataLossError(
        absl::StrCat("message too short: nlmsg_len ", len, " < 20 (nlmsghdr + nfgenmsg)"));
  }
  uint16_t res_id;
  std::memcpy(&res_id, msg.data() + ctnl::kNlmsgHdrLen + 2, 2);
  out->cpu = be16toh(res_id);
  size_t off = ctnl::kCtPayloadOffset;
  while (len - off >= ctnl::kNlaHdrLen) {
    uint16_t nla_len, nla_type;
    std::memcpy(&nla_len, msg.data() + off, 2);
    std::memcpy(&nla_type, msg.data() + off + 2, 2);
    if (nla_len < ctnl::kNlaHdrLen || nla_len > len - off) {
      return absl::DataLossError(absl::StrCat("malformed attribute at offset ", off,
                                              ": nla_len ", nla_len, " (", len - off,
                                              " bytes left)"));
    }
    const int n = nla_type & ctnl::kNlaTypeMask;
    if (n >= 1 && n <= kCpuStatMax) {
      if (nla_len != ctnl::kNlaHdrLen + 4) {
        std::string name = absl::AsciiStrToUpper(CpuStatName(n));
        return absl::DataLossError(absl::StrCat("CTA_STATS_", name, " has ",
                                                nla_len - ctnl::kNlaHdrLen,
                                                " bytes, want 4"));
      }
      uint32_t be;
      std::memcpy(&be, msg.data() + off + ctnl::kNlaHdrLen, 4);
      out->Set(n, be32toh(be));
    }
    off += ctnl::Align4(nla_len);
    if (off > len) break;
  }
  return absl::OkStatus();
}

}  // namespace netlink
}  // namespace ctdump
