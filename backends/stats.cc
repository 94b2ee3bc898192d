#include "backends/stats.h"

#include <errno.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "backends/netlink/stats_query.h"

namespace ctdump {
namespace {

// /proc/net/stat/nf_conntrack column name -> attribute number (0: not a counter of -S).
int ProcColumnStat(absl::string_view name) {
  struct Map {
    absl::string_view name;
    int stat;
  };
  static constexpr Map kMap[] = {
      {"searched", kCpuStatSearched},
      {"found", kCpuStatFound},
      {"new", kCpuStatNew},
      {"invalid", kCpuStatInvalid},
      {"ignore", kCpuStatIgnore},
      {"delete", kCpuStatDelete},
      {"delete_list", kCpuStatDeleteList},
      {"insert", kCpuStatInsert},
      {"insert_failed", kCpuStatInsertFailed},
      {"drop", kCpuStatDrop},
      {"early_drop", kCpuStatEarlyDrop},
      {"icmp_error", kCpuStatError},
      {"search_restart", kCpuStatSearchRestart},
      {"clashres", kCpuStatClashResolve},
      {"chainlength", kCpuStatChainTooLong},
  };
  for (const Map& m : kMap) {
    if (m.name == name) return m.stat;
  }
  return 0;
}

// Why ctnetlink did not answer, as one phrase, and the code it maps to.
struct Failure {
  absl::StatusCode code;
  std::string why;
};

Failure FromStatus(const absl::Status& s) { return {s.code(), std::string(s.message())}; }

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

// Count and max over ctnetlink, or why not.
absl::StatusOr<TableCount> CountFromNetlink(const StatsSources& src, Failure* failure) {
  absl::StatusOr<std::unique_ptr<netlink::Transport>> t = src.open_netlink();
  if (!t.ok()) {
    *failure = {t.status().code(), absl::StrCat("ctnetlink socket: ", t.status().message())};
    return t.status();
  }
  absl::StatusOr<netlink::GlobalStats> g = netlink::QueryGlobalStats(**t);
  if (!g.ok()) {
    *failure = FromStatus(g.status());
    return g.status();
  }
  TableCount c;
  c.count = g->entries;
  if (g->max_entries) c.max = *g->max_entries;
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
      if (c == kCpuStatNew || c == kCpuStatIgnore || c == kCpuStatDelete) {
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

absl::StatusOr<std::vector<CpuStats>> ReadCpuStats(const StatsSources& src) {
  Failure nl{absl::StatusCode::kFailedPrecondition, "ctnetlink not tried"};
  if (src.open_netlink) {
    absl::StatusOr<std::unique_ptr<netlink::Transport>> t = src.open_netlink();
    if (!t.ok()) {
      nl = {t.status().code(), absl::StrCat("ctnetlink socket: ", t.status().message())};
    } else {
      absl::StatusOr<std::vector<CpuStats>> cpus = netlink::DumpCpuStats(**t);
      if (cpus.ok()) return cpus;
      // Refused, or broken off part-way: /proc is a complete source of its own.
      nl = FromStatus(cpus.status());
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
