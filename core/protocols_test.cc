// The built-in protocol names against getprotobyname(3) on this host (the test, unlike
// the product, may use the name service).
#include "core/protocols.h"

#include <netdb.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ctdump {
namespace {

TEST(ProtocolsTest, KnownNamesAndAliases) {
  EXPECT_EQ(LookupProtocolName("tcp"), 6);
  EXPECT_EQ(LookupProtocolName("TCP"), 6);
  EXPECT_EQ(LookupProtocolName("ipv6-icmp"), 58);
  EXPECT_EQ(LookupProtocolName("IPv6-ICMP"), 58);
  EXPECT_EQ(LookupProtocolName("ip"), 0);
  EXPECT_EQ(LookupProtocolName("esp"), 50);
  EXPECT_EQ(LookupProtocolName("vrrp"), 112);
  EXPECT_EQ(LookupProtocolName("Tcp"), absl::nullopt);  // case-sensitive, as getprotobyname
  EXPECT_EQ(LookupProtocolName(""), absl::nullopt);
  EXPECT_EQ(LookupProtocolName("mptcp"), absl::nullopt);
  EXPECT_EQ(LookupProtocolName("6"), absl::nullopt);  // numbers are the caller's business
  EXPECT_EQ(LookupProtocolName(absl::string_view("tcp\0x", 5)), absl::nullopt);
}

// Every name and alias of this host's /etc/protocols resolves as getprotobyname_r() does.
TEST(ProtocolsTest, AgreesWithGetprotobynameOnThisHost) {
  std::ifstream in("/etc/protocols");
  if (!in) GTEST_SKIP() << "no /etc/protocols on this host";
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string name, number, alias;
    if (!(words >> name >> number)) continue;
    names.push_back(name);
    while (words >> alias) names.push_back(alias);
  }
  ASSERT_GT(names.size(), 50u);
  for (const std::string& name : names) {
    struct protoent pe;
    struct protoent* res = nullptr;
    char buf[1024];
    ASSERT_EQ(getprotobyname_r(name.c_str(), &pe, buf, sizeof buf, &res), 0) << name;
    ASSERT_NE(res, nullptr) << name;
    if (res->p_proto > 255) {  // "mptcp 262": not an IP protocol number
      EXPECT_EQ(LookupProtocolName(name), absl::nullopt) << name;
    } else {
      EXPECT_EQ(LookupProtocolName(name), res->p_proto) << name;
    }
  }
}

}  // namespace
}  // namespace ctdump
