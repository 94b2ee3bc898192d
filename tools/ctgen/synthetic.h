// File: tools/ctgen/synthetic.h
//
// SyntheticEntry(i, options): entry number i of a `ctgen --count N` table. Every index
// in [0, kMaxSyntheticEntries) gives a distinct tuple, so N entries are N kernel entries.
//
//   SyntheticOptions o;  o.mix = Mix::kMixed;  o.v6_percent = 30;  o.seed = 7;
//   for (uint64_t i = 0; i < n; ++i) Use(SyntheticEntry(i, o));
//
// Shape: i is scrambled by a seeded bijection of [0, 2^24) into a key k, and a seeded
// hash h of i picks everything that need not be unique.
//   * family: IPv6 for h % 100 < v6_percent.
//   * clients: port protocols (and GRE keys, ICMP ids) use 10.0.0.0/14 + (k >> 6) with
//     source port / key / id 1024 + (k & 63) * 1000 + h % 1000, so about 64 flows per
//     client address; protocols without ports use 10.0.0.0/8 + k. IPv6 clients are
//     fd00:c7::/96 + the same numbers.
//   * servers: 192.168.0.0/16 (IPv6 2001:db8:5e::/112), port from a short list
//     (80, 443, 53, 22, 8080, 25, 3306, 5432, 123, 6379).
//   * protocol (--mix): tcp = all TCP; udp = all UDP; mixed = 60% TCP, 30% UDP, 4% ICMP or
//     ICMPv6, 2% UDP-Lite, 2% SCTP, 1% GRE, 1% generic (protocol 253).
//   * TCP state/status: 70% ESTABLISHED+ASSURED, 10% SYN_SENT unreplied, 10% TIME_WAIT,
//     5% SYN_RECV replied, 5% CLOSE_WAIT. UDP: half replied+assured, a quarter replied, a
//     quarter unreplied. Every 16th entry carries a mark (h & 0xff).
//   * timeouts: 3600 + h % 86400 seconds, so nothing expires during a test.
// The same (N, mix, v6_percent, seed) always gives the same table.

#ifndef CTDUMP_TOOLS_CTGEN_SYNTHETIC_H_
#define CTDUMP_TOOLS_CTGEN_SYNTHETIC_H_

#include <cstdint>

#include "tools/ctgen/entry.h"

namespace ctgen {

inline constexpr uint64_t kMaxSyntheticEntries = uint64_t{1} << 24;

enum class Mix { kTcp, kUdp, kMixed };

struct SyntheticOptions {
  Mix mix = Mix::kMixed;
  int v6_percent = 0;  // 0..100
  uint64_t seed = 1;
};

// SyntheticEntry(i, o) for i < kMaxSyntheticEntries. Pure function; no failure modes.
EntrySpec SyntheticEntry(uint64_t i, const SyntheticOptions& o);

}  // namespace ctgen

#endif  // CTDUMP_TOOLS_CTGEN_SYNTHETIC_H_
