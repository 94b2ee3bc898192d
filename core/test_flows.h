// File: core/test_flows.h (testonly)
//
// Small builders for Flow records in tests.
//
//   Addr a = TestAddr("fd00::1");   // IPv4 or IPv6 text; a bad text fails the test

#ifndef CTDUMP_CORE_TEST_FLOWS_H_
#define CTDUMP_CORE_TEST_FLOWS_H_

#include "core/addr.h"
#include "core/flow.h"
#include "gtest/gtest.h"

namespace ctdump {

inline Addr TestAddr(const char* text) {
  Addr a{};
  if (!ParseIPv4(text, &a)) {
    EXPECT_TRUE(ParseIPv6(text, &a)) << "bad address in test: " << text;
  }
  return a;
}

}  // namespace ctdump

#endif  // CTDUMP_CORE_TEST_FLOWS_H_
