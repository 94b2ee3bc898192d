#include "backends/lookup.h"

#include "core/addr.h"
#include "core/kernel.h"
#include "core/testing/test_filters.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

// -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport SPORT --dport 80
Filter TcpKey(uint16_t sport) { return TestTcpKey("10.0.0.1", "10.0.0.2", sport, 80); }

TEST(IsLookedUpEntry, TupleAndDefaultZoneOnly) {
  Flow f;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  ASSERT_TRUE(ParseIPv4("10.0.0.1", &f.orig.src));
  ASSERT_TRUE(ParseIPv4("10.0.0.2", &f.orig.dst));
  f.orig.sport = 1000;
  f.orig.dport = 80;
  f.orig.has_l4 = true;
  EXPECT_TRUE(IsLookedUpEntry(TcpKey(1000), f));
  EXPECT_FALSE(IsLookedUpEntry(TcpKey(1001), f));
  f.zone.id = 5;  // both directions
  EXPECT_FALSE(IsLookedUpEntry(TcpKey(1000), f));
  f.zone.dir = kZoneDirReply;  // only the reply direction's: zone 0 for the original
  EXPECT_TRUE(IsLookedUpEntry(TcpKey(1000), f));
}

}  // namespace
}  // namespace ctdump
