#include "core/cpu_stats.h"

namespace ctdump {
namespace {

// conntrack -S names by attribute number (src/conntrack.c of conntrack-tools 1.4.7).
constexpr absl::string_view kCpuStatNames[kCpuStatMax + 1] = {
    "",           "searched",      "found",          "new",
    "invalid",    "ignore",        "delete",         "delete_list",
    "insert",     "insert_failed", "drop",           "early_drop",
    "error",      "search_restart", "clash_resolve", "chaintoolong",
};

}  // namespace

absl::string_view CpuStatName(int n) {
  if (n < 1 || n > kCpuStatMax) return "";
  return kCpuStatNames[n];
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

}  // namespace ctdump
