// File: core/testing/test_filters.h (testonly)
//
// Small builders for Filter conditions in tests.
//
//   AddrCondition c = TestExactAddr(kFamilyIPv4, "10.0.0.1");   // -s 10.0.0.1
//   Filter key = TestTcpKey("10.0.0.1", "10.0.0.2", 1000, 80);  // -G -p tcp -s ... -d ...

#ifndef CTDUMP_CORE_TESTING_TEST_FILTERS_H_
#define CTDUMP_CORE_TESTING_TEST_FILTERS_H_

#include <cstdint>

#include "core/filter.h"
#include "core/kernel.h"
#include "core/testing/test_flows.h"

namespace ctdump {

// The condition of one whole address (all 32 or 128 bits), as -s/-d ADDR makes it.
inline AddrCondition TestExactAddr(uint8_t family, const char* text) {
  AddrCondition c;
  c.family = family;
  c.addr = TestAddr(text);
  for (size_t i = 0; i < (family == kFamilyIPv4 ? 4u : 16u); ++i) c.mask[i] = 0xff;
  return c;
}

// -p tcp -s SRC -d DST --sport SPORT --dport DPORT over IPv4: the key of a -G lookup.
inline Filter TestTcpKey(const char* src, const char* dst, uint16_t sport, uint16_t dport) {
  Filter k;
  k.family = kFamilyIPv4;
  k.l4proto = kProtoTCP;
  k.orig_src = TestExactAddr(kFamilyIPv4, src);
  k.orig_dst = TestExactAddr(kFamilyIPv4, dst);
  k.orig_sport = sport;
  k.orig_dport = dport;
  return k;
}

}  // namespace ctdump

#endif  // CTDUMP_CORE_TESTING_TEST_FILTERS_H_
