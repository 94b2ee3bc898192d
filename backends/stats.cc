#include "backends/stats.h"

#include <endian.h>
#include <errno.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/request.h"
#include "core/status_macros.h"
#include "io/errno_text.h"

namespace ctdump {
namespace {

using netlink::CtRequest;
using netlink::DumpBufferReader;
using netlink::NlItem;
using netlink::NlKind;
using netlink::Transport;

constexpr size_t kStatsBufferSize = 64 * 1024;

// conntrack -S names by attribute number (src/conntrack.c of conntrack-tools 1.4.7).
constexpr absl::string_view kCpuStatNames[kCpuStatMax + 1] = {
    "",           "searched",      "found",          "new",
    "invalid",    "ignore",        "delete",         "delete_list",
    "insert",     "insert_failed", "drop",           "early_drop",
    "error",      "search_restart", "clash_resolve", "chaintoolong",
};

// /proc/net/stat/nf_conntrack column name -> attribute number (0: not a counter of -S).
int ProcColumnStat(absl::string_view name) {
  struct Map {
    absl::string_view name;
    int stat;
  };
  static constexpr Map kMap[] = {
      {"searched", ctnl::kCtaStatsSearched},
      {"found", ctnl::kCtaStatsFound},
      {"new", ctnl::kCtaStatsNew},
      {"invalid", ctnl::kCtaStatsInvalid},
      {"ignore", ctnl::kCtaStatsIgnore},
      {"delete", ctnl::kCtaStatsDelete},
      {"delete_list", ctnl::kCtaStatsDeleteList},
      {"insert", ctnl::kCtaStatsInsert},
      {"insert_failed", ctnl::kCtaStatsInsertFailed},
      {"drop", ctnl::kCtaStatsDrop},
      {"early_drop", ctnl::kCtaStatsEarlyDrop},
      {"icmp_error", ctnl::kCtaStatsError},
      {"search_restart", ctnl::kCtaStatsSearchRestart},
      {"clashres", ctnl::kCtaStatsClashResolve},
      {"chainlength", ctnl::kCtaStatsChainTooLong},
  };
  for (const Map& m : kMap) {
    if (m.name == name) return m.stat;
  }
  return 0;
}

// Why a ctnetlink request failed, as one phrase, and the code it maps to.
struct Failure {
  absl::StatusCode code;
  std::string why;
};

Failure KernelRefusal(absl::string_view what, int err) {
  if (err == EPERM) {
    return {absl::StatusCode::kPermissionDenied,
            absl::StrCat("ctnetlink ", what,
                         " refused (EPERM): needs CAP_NET_ADMIN in this network namespace")};
  }
  // EINVAL/EOPNOTSUPP: the kernel has no such message (or no ctnetlink subsystem).
  const absl::StatusCode code = (err == EINVAL || err == EOPNOTSUPP)
                                    ? absl::StatusCode::kFailedPrecondition
                                    : absl::ErrnoToStatus(err, "").code();
  return {code, absl::StrCat("ctnetlink ", what, " refused (", ErrnoName(err), ": ",
                             std::strerror(err), ")")};
}

Failure FromStatus(absl::string_view what, const absl::Status& s) {
  return {s.code(), absl::StrCat("ctnetlink ", what, ": ", s.message())};
}

// Reads one whole file. NotFound / PermissionDenied / ... with the path in the message.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return absl::ErrnoToStatus(err, path);
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return s.str();
}

// Sends `kind` and hands every message of the reply to `on_message` (kOther items: the
// stats messages) until NLMSG_DONE (dumps) or, with `single`, the first stats message.
// A refusal (NLMSG_ERROR) comes back as *refused_errno with an OK status.
absl::Status Exchange(Transport& t, CtRequest kind, bool single,
                      const std::function<absl::Status(const NlItem&)>& on_message,
                      int* refused_errno) {
  *refused_errno = 0;
  const uint32_t seq = static_cast<uint32_t>(std::time(nullptr));
  const netlink::CtRequestBytes req = netlink::BuildCtRequest(kind, 0, seq);
  CTDUMP_RETURN_IF_ERROR(t.Send(req.span()));
  const uint32_t port_id = t.PortId();
  std::unique_ptr<uint8_t[]> buf(new uint8_t[kStatsBufferSize]);
  Flow scratch;  // DumpBufferReader decodes CT_NEW into it; stats replies never are
  for (;;) {
    absl::StatusOr<size_t> got = t.Recv(absl::MakeSpan(buf.get(), kStatsBufferSize));
    if (!got.ok()) {
      const int err = netlink::TransportErrno(got.status());
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

// Count and max over ctnetlink, or why not.
absl::StatusOr<TableCount> CountFromNetlink(const StatsSources& src, Failure* failure) {
  absl::StatusOr<std::unique_ptr<Transport>> t = src.open_netlink();
  if (!t.ok()) {
    *failure = FromStatus("socket", t.status());
    return t.status();
  }
  netlink::GlobalStats g;
  bool have = false;
  int refused = 0;
  absl::Status s = Exchange(
      **t, CtRequest::kGetStats, /*single=*/true,
      [&](const NlItem& item) {
        if (item.type != ctnl::CtType(ctnl::kMsgCtGetStats)) {
          return absl::DataLossError(absl::StrFormat(
              "unexpected reply to CT_GET_STATS: nlmsg_type 0x%04x", item.type));
        }
        CTDUMP_RETURN_IF_ERROR(netlink::DecodeGlobalStats(item.bytes, &g));
        have = true;
        return absl::OkStatus();
      },
      &refused);
  if (!s.ok()) {
    *failure = FromStatus("CT_GET_STATS", s);
    return s;
  }
  if (refused != 0) {
    *failure = KernelRefusal("CT_GET_STATS", refused);
    return absl::Status(failure->code, failure->why);
  }
  if (!have) {
    *failure = {absl::StatusCode::kDataLoss, "ctnetlink CT_GET_STATS: no reply message"};
    return absl::DataLossError(failure->why);
  }
  TableCount c;
  c.count = g.entries;
  if (g.max_entries) c.max = *g.max_entries;
  c.source = CountSource::kNetlink;
  c.source_name = "ctnetlink CT_GET_STATS";
  return c;
}

std::optional<uint64_t> ReadOptionalNumber(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return std::nullopt;
  absl::StatusOr<uint64_t> v = ParseSysctlNumber(*text);
  if (!v.ok()) return std::nullopt;
  return *v;
}

}  // namespace

absl::string_view CpuStatName(int n) {
  if (n < 1 || n > kCpuStatMax) return "";
  return kCpuStatNames[n];
}

absl::StatusOr<uint64_t> ParseSysctlNumber(absl::string_view text) {
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  uint64_t v = 0;
  if (t.empty() || !absl::SimpleAtoi(t, &v) || t[0] == '-' || t[0] == '+') {
    return absl::DataLossError(absl::StrCat("not a number: \"", absl::CEscape(t), "\""));
  }
  return v;
}

absl::StatusOr<TableCount> ReadTableCount(const StatsSources& src) {
  std::vector<std::string> tried;
  Failure nl{absl::StatusCode::kFailedPrecondition, ""};
  if (src.open_netlink) {
    absl::StatusOr<TableCount> c = CountFromNetlink(src, &nl);
    if (c.ok()) {
      if (!c->max) {
        // Kernels before 4.18 send no CTA_STATS_GLOBAL_MAX_ENTRIES.
        c->max = ReadOptionalNumber(src.proc_root + "/sys/net/netfilter/nf_conntrack_max");
      }
      return c;
    }
    tried.push_back(nl.why);
  } else {
    nl.why = "ctnetlink not tried";
  }
  struct Files {
    const char* count;
    const char* max[2];
    CountSource source;
  };
  static constexpr Files kFiles[] = {
      {"/sys/net/netfilter/nf_conntrack_count",
       {"/sys/net/netfilter/nf_conntrack_max", "/sys/net/nf_conntrack_max"},
       CountSource::kSysctl},
      {"/sys/net/ipv4/netfilter/ip_conntrack_count",
       {"/sys/net/ipv4/netfilter/ip_conntrack_max", nullptr},
       CountSource::kSysctlLegacy},
  };
  bool data_loss = false;
  for (const Files& f : kFiles) {
    const std::string path = src.proc_root + f.count;
    absl::StatusOr<std::string> text = ReadFile(path);
    if (!text.ok()) {
      tried.push_back(std::string(text.status().message()));
      continue;
    }
    absl::StatusOr<uint64_t> count = ParseSysctlNumber(*text);
    if (!count.ok()) {
      data_loss = true;
      tried.push_back(absl::StrCat(path, ": ", count.status().message()));
      continue;
    }
    TableCount c;
    c.count = *count;
    for (const char* m : f.max) {
      if (m == nullptr || c.max) continue;
      c.max = ReadOptionalNumber(src.proc_root + m);
    }
    c.source = f.source;
    c.source_name = path;
    c.fallback_reason = nl.why;
    return c;
  }
  const absl::StatusCode code = nl.code == absl::StatusCode::kPermissionDenied
                                    ? absl::StatusCode::kPermissionDenied
                                : data_loss ? absl::StatusCode::kDataLoss
                                            : absl::StatusCode::kFailedPrecondition;
  return absl::Status(code, absl::StrCat("cannot read the conntrack count; tried:\n  ",
                                         absl::StrJoin(tried, "\n  ")));
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

absl::StatusOr<std::vector<CpuStats>> ParseProcStatConntrack(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (lines.empty()) return absl::DataLossError("empty file");
  const std::vector<absl::string_view> header =
      absl::StrSplit(lines[0], absl::ByAnyChar(" \t"), absl::SkipEmpty());
  std::vector<int> column(header.size());
  bool chainlength_layout = false;
  for (size_t i = 0; i < header.size(); ++i) {
    column[i] = ProcColumnStat(header[i]);
    if (header[i] == "chainlength") chainlength_layout = true;
  }
  if (chainlength_layout) {
    // 5.15+ prints 0 for these retired counters (see the header comment).
    for (int& c : column) {
      if (c == ctnl::kCtaStatsNew || c == ctnl::kCtaStatsIgnore || c == ctnl::kCtaStatsDelete) {
        c = 0;
      }
    }
  }
  std::vector<CpuStats> out;
  for (size_t l = 1; l < lines.size(); ++l) {
    const std::vector<absl::string_view> values =
        absl::StrSplit(lines[l], absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (values.size() != header.size()) {
      return absl::DataLossError(absl::StrCat("line ", l + 1, " has ", values.size(),
                                              " values, the header names ", header.size()));
    }
    CpuStats s;
    s.source = CpuStatsSource::kProcStat;
    s.cpu = static_cast<uint32_t>(l - 1);
    for (size_t i = 0; i < values.size(); ++i) {
      uint32_t v = 0;
      if (values[i].size() > 8 || !absl::SimpleHexAtoi(values[i], &v) || values[i][0] == '-' ||
          values[i][0] == '+') {
        return absl::DataLossError(absl::StrCat("line ", l + 1, ", column \"", header[i],
                                                "\": \"", absl::CEscape(values[i]),
                                                "\" is not hex"));
      }
      if (column[i] != 0) s.Set(column[i], v);
    }
    out.push_back(s);
  }
  return out;
}

void AppendCpuStatsLine(const CpuStats& s, TextBuffer* out) {
  // printf("cpu=%-4u\t", cpu)
  out->Append("cpu=");
  const size_t before = out->size();
  out->AppendU64(s.cpu);
  for (size_t w = out->size() - before; w < 4; ++w) out->Append(' ');
  out->Append('\t');
  for (int n = 1; n <= kCpuStatMax; ++n) {
    if (!s.Has(n)) continue;
    out->Append(kCpuStatNames[n]);
    out->Append('=');
    out->AppendU64(s.value[n]);
    out->Append(' ');
  }
  out->Append('\n');
}

absl::StatusOr<std::vector<CpuStats>> ReadCpuStats(const StatsSources& src) {
  Failure nl{absl::StatusCode::kFailedPrecondition, "ctnetlink not tried"};
  if (src.open_netlink) {
    absl::StatusOr<std::unique_ptr<Transport>> t = src.open_netlink();
    if (!t.ok()) {
      nl = FromStatus("socket", t.status());
    } else {
      std::vector<CpuStats> cpus;
      int refused = 0;
      absl::Status s = Exchange(
          **t, CtRequest::kDumpStatsCpu, /*single=*/false,
          [&cpus](const NlItem& item) {
            CpuStats c;
            CTDUMP_RETURN_IF_ERROR(DecodeCpuStatsMessage(item.bytes, &c));
            cpus.push_back(c);
            return absl::OkStatus();
          },
          &refused);
      if (s.ok() && refused == 0) return cpus;
      // Refused, or broken off part-way: /proc is a complete source of its own.
      nl = s.ok() ? KernelRefusal("CT_GET_STATS_CPU", refused)
                  : FromStatus("CT_GET_STATS_CPU", s);
    }
  }
  const std::string path = src.proc_root + "/net/stat/nf_conntrack";
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    // EPERM from the kernel is the actionable part; a ctnetlink dump that broke off
    // (kDataLoss) is the next most telling; else the sources are simply not here.
    const absl::StatusCode code = nl.code == absl::StatusCode::kPermissionDenied ||
                                          nl.code == absl::StatusCode::kDataLoss
                                      ? nl.code
                                      : absl::StatusCode::kFailedPrecondition;
    return absl::Status(code, absl::StrCat("cannot read conntrack statistics; tried:\n  ",
                                           nl.why, "\n  ", text.status().message()));
  }
  absl::StatusOr<std::vector<CpuStats>> cpus = ParseProcStatConntrack(*text);
  if (!cpus.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", cpus.status().message()));
  }
  return cpus;
}

}  // namespace ctdump
