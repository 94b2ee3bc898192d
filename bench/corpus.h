// File: bench/corpus.h (testonly)
//
// Inputs for the fixture benchmarks (bench/fixture_benchmark.cc): large, deterministic
// tables built without a kernel, shaped like the ones the end-to-end benchmarks put into
// a namespace with `ctgen --count N --mix mixed --v6-percent 10 --seed S`.
//
//   std::vector<Flow> flows = SyntheticTable(100000);
//   std::string text = ProcText(flows, kBenchNowNs);   // /proc/net/nf_conntrack lines
//
// SyntheticTable(n, seed): entry i is tools/ctgen's SyntheticEntry(i) (60% TCP, 30% UDP,
// then ICMP, UDP-Lite, SCTP, GRE, generic; 10% IPv6; marks on every 16th), completed the
// way a 6.18 kernel reports it through ctnetlink with accounting and timestamps on:
// status CONFIRMED plus the entry's SEEN_REPLY/ASSURED, timeout, use 1, an id, counters
// and a start timestamp, TCP window-scale/flags.

#ifndef CTDUMP_BENCH_CORPUS_H_
#define CTDUMP_BENCH_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/flow.h"

namespace ctdump {
namespace bench {

// A fixed "now" (2025-11-25) so that delta-time and timeouts print the same every run.
inline constexpr uint64_t kBenchNowNs = 1764060000ull * 1000000000ull;

std::vector<Flow> SyntheticTable(size_t n, uint64_t seed = 1);

// The /proc/net/nf_conntrack text of `flows` (core/proc_format.h), one line each.
std::string ProcText(const std::vector<Flow>& flows, uint64_t now_ns = kBenchNowNs);

}  // namespace bench
}  // namespace ctdump

#endif  // CTDUMP_BENCH_CORPUS_H_
