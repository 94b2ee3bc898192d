// File: core/cpu_stats.h
//
// The kernel's per-CPU conntrack statistics (`conntrack -S`): the record and its line.
// Read by backends/stats.h (ctnetlink CT_GET_STATS_CPU through
// backends/netlink/stats_query.h, or /proc/net/stat/nf_conntrack).
//
//   TextBuffer out;
//   for (const CpuStats& s : cpus) AppendCpuStatsLine(s, &out);   // conntrack -S

#ifndef CTDUMP_CORE_CPU_STATS_H_
#define CTDUMP_CORE_CPU_STATS_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "core/text_buffer.h"

namespace ctdump {

// Per-CPU counters, numbered like the kernel's CTA_STATS_* attributes (enum
// ctattr_stats_cpu in include/uapi/linux/netfilter/nfnetlink_conntrack.h).
enum CpuStat : int {
  kCpuStatSearched = 1,  // retired
  kCpuStatFound = 2,
  kCpuStatNew = 3,         // retired
  kCpuStatInvalid = 4,
  kCpuStatIgnore = 5,      // retired
  kCpuStatDelete = 6,      // retired
  kCpuStatDeleteList = 7,  // retired
  kCpuStatInsert = 8,
  kCpuStatInsertFailed = 9,
  kCpuStatDrop = 10,
  kCpuStatEarlyDrop = 11,
  kCpuStatError = 12,
  kCpuStatSearchRestart = 13,
  kCpuStatClashResolve = 14,  // 5.9+
  kCpuStatChainTooLong = 15,  // 5.15+
};
inline constexpr int kCpuStatMax = 15;

enum class CpuStatsSource : uint8_t {
  kNetlink,   // one CT_GET_STATS_CPU reply message
  kProcStat,  // one line of /proc/net/stat/nf_conntrack
};

struct CpuStats {
  uint32_t cpu = 0;  // netlink: res_id (the CPU number); /proc: the line's index
  // value[n] is counter n (1..kCpuStatMax); value[0] is unused. 32 bits, wrapping.
  std::array<uint32_t, kCpuStatMax + 1> value{};
  // Bit n set: counter n was present. Kernels differ in what they report (6.18's
  // ctnetlink sends 2, 4, 8-15; 4.x sent all of 1-13).
  uint32_t present = 0;
  CpuStatsSource source = CpuStatsSource::kNetlink;

  bool Has(int n) const { return n >= 1 && n <= kCpuStatMax && (present >> n) & 1; }
  void Set(int n, uint32_t v) {
    if (n < 1 || n > kCpuStatMax) return;
    value[n] = v;
    present |= 1u << n;
  }
};

// The name conntrack -S prints for counter n ("searched" ... "chaintoolong"), or "" for
// n outside 1..kCpuStatMax.
absl::string_view CpuStatName(int n);

// AppendCpuStatsLine() appends exactly the line `conntrack -S` prints for one CPU:
// "cpu=%-4u\t", then "name=value " (trailing blank kept) for every counter present, in
// counter-number order, then "\n". Example (6.18):
//   "cpu=0   \tfound=0 invalid=0 insert=14 insert_failed=0 drop=0 early_drop=0 error=0 "
//   "search_restart=0 clash_resolve=0 chaintoolong=0 \n"
void AppendCpuStatsLine(const CpuStats& stats, TextBuffer* out);

}  // namespace ctdump

#endif  // CTDUMP_CORE_CPU_STATS_H_
