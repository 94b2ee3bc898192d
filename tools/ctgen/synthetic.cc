// File: tools/ctgen/synthetic.cc
//
// See synthetic.h. Uniqueness argument: k is a bijection of i, and every tuple encodes
// all 24 bits of k in (client address, source port/key/id) or (client address) alone;
// different protocols or families never collide.

#include "tools/ctgen/synthetic.h"

#include <libnetfilter_conntrack/libnetfilter_conntrack_sctp.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <netinet/in.h>

namespace ctgen {
namespace {

constexpr uint32_t kMask24 = 0xffffff;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seeded bijection of [0, 2^24): odd multiplications, right xorshifts and additions
// modulo 2^24 are each invertible.
uint32_t Scramble24(uint32_t x, uint64_t seed) {
  const uint64_t s = SplitMix64(seed);
  x = (x + static_cast<uint32_t>(s)) & kMask24;
  x = (x * 0xa3b195u) & kMask24;
  x ^= x >> 11;
  x = (x * 0x5bd1e9u) & kMask24;
  x ^= x >> 13;
  x = (x + static_cast<uint32_t>(s >> 32)) & kMask24;
  return x;
}

Addr V4(uint32_t host_order) {
  Addr a{};
  a[0] = host_order >> 24;
  a[1] = host_order >> 16;
  a[2] = host_order >> 8;
  a[3] = host_order;
  return a;
}

// prefix (first 12 bytes) + 32-bit suffix.
Addr V6(const uint8_t (&prefix)[12], uint32_t suffix) {
  Addr a{};
  for (int j = 0; j < 12; ++j) a[j] = prefix[j];
  a[12] = suffix >> 24;
  a[13] = suffix >> 16;
  a[14] = suffix >> 8;
  a[15] = suffix;
  return a;
}

constexpr uint8_t kClient6[12] = {0xfd, 0x00, 0x00, 0xc7, 0, 0, 0, 0, 0, 0, 0, 0};
constexpr uint8_t kServer6[12] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x5e, 0, 0, 0, 0, 0, 0};
constexpr uint16_t kServerPorts[] = {80, 443, 53, 22, 8080, 25, 3306, 5432, 123, 6379};

}  // namespace

EntrySpec SyntheticEntry(uint64_t i, const SyntheticOptions& o) {
  const uint32_t k = Scramble24(static_cast<uint32_t>(i & kMask24), o.seed);
  const uint64_t h = SplitMix64(i ^ SplitMix64(o.seed ^ 0x5eed));
  const uint32_t r = static_cast<uint32_t>(h >> 40);  // independent-ish low bits of h

  EntrySpec e;
  e.family = static_cast<int>(h % 100) < o.v6_percent ? AF_INET6 : AF_INET;
  const bool v6 = e.family == AF_INET6;

  switch (o.mix) {
    case Mix::kTcp:
      e.proto = kTcp;
      break;
    case Mix::kUdp:
      e.proto = kUdp;
      break;
    case Mix::kMixed: {
      const uint32_t p = (r >> 8) % 100;
      e.proto = p < 60   ? kTcp
                : p < 90 ? kUdp
                : p < 94 ? (v6 ? kIcmpV6 : kIcmp)
                : p < 96 ? kUdpLite
                : p < 98 ? kSctp
                : p < 99 ? kGre
                         : 253;
      break;
    }
  }

  const bool generic = e.proto == 253;
  const uint32_t client = generic ? k : (k >> 6);
  const uint16_t low = static_cast<uint16_t>(1024 + (k & 63) * 1000 + (h >> 8) % 1000);
  const uint32_t server = static_cast<uint32_t>((h >> 20) & 0xffff);
  e.src = v6 ? V6(kClient6, client) : V4((10u << 24) | client);
  e.dst = v6 ? V6(kServer6, server) : V4((192u << 24) | (168u << 16) | server);

  const uint32_t roll = r % 100;
  e.timeout = 3600 + static_cast<uint32_t>((h >> 32) % 86400);
  if ((h >> 16) % 16 == 0) e.mark = static_cast<uint32_t>(h & 0xff);

  switch (e.proto) {
    case kTcp:
      e.sport = low;
      e.dport = kServerPorts[(h >> 12) % 10];
      if (roll < 70) {
        e.tcp_state = TCP_CONNTRACK_ESTABLISHED;
        e.status = kSeenReply | kAssured;
      } else if (roll < 80) {
        e.tcp_state = TCP_CONNTRACK_SYN_SENT;
      } else if (roll < 90) {
        e.tcp_state = TCP_CONNTRACK_TIME_WAIT;
        e.status = kSeenReply | kAssured;
      } else if (roll < 95) {
        e.tcp_state = TCP_CONNTRACK_SYN_RECV;
        e.status = kSeenReply;
      } else {
        e.tcp_state = TCP_CONNTRACK_CLOSE_WAIT;
        e.status = kSeenReply | kAssured;
      }
      break;
    case kUdp:
    case kUdpLite:
      e.sport = low;
      e.dport = kServerPorts[(h >> 12) % 10];
      e.status = roll < 50 ? (kSeenReply | kAssured) : roll < 75 ? kSeenReply : 0;
      break;
    case kSctp:
      e.sport = low;
      e.dport = 3868;
      e.sctp_state = SCTP_CONNTRACK_ESTABLISHED;
      e.status = kSeenReply | kAssured;
      break;
    case kGre:
      e.sport = low;
      e.dport = static_cast<uint16_t>(h >> 48);
      e.status = kSeenReply;
      break;
    case kIcmp:
    case kIcmpV6:
      e.icmp_type = v6 ? 128 : 8;
      e.icmp_id = low;
      e.status = roll < 50 ? kSeenReply : 0;
      break;
    default:  // generic: the address carries the key
      e.status = roll < 50 ? kSeenReply : 0;
      break;
  }
  return e;
}

}  // namespace ctgen
