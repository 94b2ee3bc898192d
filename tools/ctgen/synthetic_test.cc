// File: tools/ctgen/synthetic_test.cc
//
// No-root checks of ctgen's pure parts: every synthetic index gives a distinct tuple
// (the property `ctgen --count N` relies on to create exactly N entries), options are
// honoured, and the diverse table is well formed.

#include "tools/ctgen/synthetic.h"

#include <netinet/in.h>

#include <cstdint>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/ctgen/diverse.h"
#include "tools/ctgen/entry.h"

namespace ctgen {
namespace {

// The kernel's tuple identity for a created entry (mirror reply, default zone).
std::string TupleKey(const EntrySpec& e) {
  std::string k = absl::StrCat(e.family, "/", e.proto, "/");
  k.append(reinterpret_cast<const char*>(e.src.data()), 16);
  k.append(reinterpret_cast<const char*>(e.dst.data()), 16);
  if (e.proto == kIcmp || e.proto == kIcmpV6) {
    absl::StrAppend(&k, "/", e.icmp_type, "/", e.icmp_code, "/", e.icmp_id);
  } else if (e.proto != kDccp && e.proto != 253 && e.proto != 99 && e.proto != 0) {
    absl::StrAppend(&k, "/", e.sport, "/", e.dport);
  }
  absl::StrAppend(&k, "/z", e.zone.value_or(0), "/", e.orig_zone.value_or(0), "/",
                  e.reply_zone.value_or(0));
  return k;
}

TEST(SyntheticTest, TuplesAreDistinct) {
  for (Mix mix : {Mix::kTcp, Mix::kUdp, Mix::kMixed}) {
    SyntheticOptions o;
    o.mix = mix;
    o.v6_percent = 30;
    o.seed = 42;
    std::set<std::string> seen;
    for (uint64_t i = 0; i < 262144; ++i) {
      ASSERT_TRUE(seen.insert(TupleKey(SyntheticEntry(i, o))).second) << "index " << i;
    }
  }
}

TEST(SyntheticTest, HonoursOptions) {
  SyntheticOptions o;
  o.mix = Mix::kUdp;
  o.v6_percent = 0;
  int v6 = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    EntrySpec e = SyntheticEntry(i, o);
    EXPECT_EQ(e.proto, kUdp);
    v6 += e.family == AF_INET6;
  }
  EXPECT_EQ(v6, 0);
  o.mix = Mix::kMixed;
  o.v6_percent = 100;
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(SyntheticEntry(i, o).family, AF_INET6);
  o.v6_percent = 50;
  v6 = 0;
  for (uint64_t i = 0; i < 10000; ++i) v6 += SyntheticEntry(i, o).family == AF_INET6;
  EXPECT_GT(v6, 4500);
  EXPECT_LT(v6, 5500);
}

TEST(SyntheticTest, SeedChangesTableButIsDeterministic) {
  SyntheticOptions a, b;
  b.seed = 2;
  EXPECT_EQ(TupleKey(SyntheticEntry(5, a)), TupleKey(SyntheticEntry(5, a)));
  int same = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    same += TupleKey(SyntheticEntry(i, a)) == TupleKey(SyntheticEntry(i, b));
  }
  EXPECT_LT(same, 5);
}

TEST(DiverseTest, TableIsWellFormedAndDistinct) {
  absl::StatusOr<std::vector<EntrySpec>> entries = DiverseEntries();
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_GE(entries->size(), 80u);
  std::set<std::string> seen, names;
  for (const EntrySpec& e : *entries) {
    EXPECT_TRUE(seen.insert(TupleKey(e)).second) << e.name;
    EXPECT_TRUE(names.insert(e.name).second) << "duplicate name " << e.name;
    EXPECT_TRUE(BuildConntrack(e).ok()) << e.name;
  }
}

}  // namespace
}  // namespace ctgen
