#include "core/addr.h"

#include <arpa/inet.h>

#include <random>
#include <string>

#include "core/kernel.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

std::string Format(uint8_t family, const Addr& a, AddrStyle style) {
  char buf[kMaxAddrText];
  return std::string(buf, FormatAddr(family, a, style, buf));
}

std::string Ntop(int af, const Addr& a) {
  char buf[INET6_ADDRSTRLEN];
  return inet_ntop(af, a.data(), buf, sizeof buf);
}

Addr V6(const char* text) {
  Addr a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, a.data()), 1) << text;
  return a;
}

TEST(FormatAddr, CompressedMatchesInetNtopOnEdgeCases) {
  const char* cases[] = {
      "::",          "::1",          "::2",           "1::",          "fd00::1",
      "2001:db8::1:0:0:1", "2001:db8:0:0:1:0:0:1", "1:0:1:0:1:0:1:0", "::ffff:192.0.2.1",
      "::192.0.2.1", "::ffff:0:1",   "0:0:0:0:0:1:0:1", "fe80::1", "ff02::fb",
      "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "1:2:3:4:5:6:7:8", "::1:0:0:0",
      "0:0:1::", "::0.0.1.0", "::ffff:0.0.0.0",
  };
  for (const char* c : cases) {
    Addr a = V6(c);
    EXPECT_EQ(Format(kFamilyIPv6, a, AddrStyle::kCompressed), Ntop(AF_INET6, a)) << c;
  }
}

TEST(FormatAddr, CompressedMatchesInetNtopOnRandomAddresses) {
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    Addr a{};
    // Sparse words so zero runs of every length and position show up.
    for (int w = 0; w < 8; ++w) {
      uint32_t r = rng();
      if (r % 3 == 0) continue;
      a[2 * w] = static_cast<uint8_t>(r >> 8);
      a[2 * w + 1] = static_cast<uint8_t>(r >> 16);
      if (r % 5 == 0) a[2 * w] = 0;
    }
    ASSERT_EQ(Format(kFamilyIPv6, a, AddrStyle::kCompressed), Ntop(AF_INET6, a));
    Addr back{};
    ASSERT_TRUE(ParseIPv6(Ntop(AF_INET6, a), &back)) << Ntop(AF_INET6, a);
    ASSERT_EQ(back, a);
  }
}

TEST(FormatAddr, ExpandedIsTheProcForm) {
  EXPECT_EQ(Format(kFamilyIPv6, V6("::1"), AddrStyle::kExpanded),
            "0000:0000:0000:0000:0000:0000:0000:0001");
  EXPECT_EQ(Format(kFamilyIPv6, V6("::ffff:192.0.2.1"), AddrStyle::kExpanded),
            "0000:0000:0000:0000:0000:ffff:c000:0201");
}

TEST(FormatAddr, IPv4) {
  Addr a{};
  ASSERT_TRUE(ParseIPv4("192.0.2.255", &a));
  EXPECT_EQ(Format(kFamilyIPv4, a, AddrStyle::kCompressed), "192.0.2.255");
  ASSERT_TRUE(ParseIPv4("0.0.0.0", &a));
  EXPECT_EQ(Format(kFamilyIPv4, a, AddrStyle::kExpanded), "0.0.0.0");
}

TEST(ParseAddr, RejectsBadText) {
  Addr a;
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "a.b.c.d",
                          "1..2.3", "1234.1.1.1"}) {
    EXPECT_FALSE(ParseIPv4(bad, &a)) << bad;
  }
  for (const char* bad : {"", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3",
                          "12345::", "g::", "1:", ":1", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
                          "00:11:22:33:44:55"}) {
    EXPECT_FALSE(ParseIPv6(bad, &a)) << bad;
  }
}

TEST(ParseAddr, AcceptsEveryForm) {
  Addr a;
  ASSERT_TRUE(ParseIPv6("0000:0000:0000:0000:0000:ffff:c000:0201", &a));
  EXPECT_EQ(a, V6("::ffff:192.0.2.1"));
  ASSERT_TRUE(ParseIPv6("::ffff:192.0.2.1", &a));
  EXPECT_EQ(a, V6("::ffff:192.0.2.1"));
  ASSERT_TRUE(ParseIPv6("FD00::1", &a));
  EXPECT_EQ(a, V6("fd00::1"));
  ASSERT_TRUE(ParseIPv6("1:2:3:4:5:6:7::", &a));
  EXPECT_EQ(a, V6("1:2:3:4:5:6:7:0"));
}

}  // namespace
}  // namespace ctdump
