#include "lib/filter_args.h"

#include "core/filter.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

Flow Tcp(const char* src, uint16_t dport) {
  Flow f;
  f.source = Source::kNetlink;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  f.orig.src = TestAddr(src);
  f.orig.dst = TestAddr("192.0.2.1");
  f.orig.sport = 40000;
  f.orig.dport = dport;
  f.orig.has_l4 = true;
  f.reply = f.orig;
  std::swap(f.reply.src, f.reply.dst);
  std::swap(f.reply.sport, f.reply.dport);
  return f;
}

TEST(ParseFilterArgs, ConntrackFiltersAsTheCommandTakesThem) {
  absl::StatusOr<Filter> f = ParseFilterArgs({"-p", "tcp", "--dport", "443", "-s", "10.0.0.0/8"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(Matches(*f, Tcp("10.1.2.3", 443)));
  EXPECT_FALSE(Matches(*f, Tcp("10.1.2.3", 80)));
  EXPECT_FALSE(Matches(*f, Tcp("192.0.2.9", 443)));
  absl::StatusOr<Filter> none = ParseFilterArgs({});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST(ParseFilterArgs, UsageErrorsAndNonFiltersAreRefused) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--dport", "443"},  // needs -p first
                                             {"-p", "tcp", "--sport", "0x50"},
                                             {"-E"},
                                             {"-o", "json"},
                                             {"--input", "x"},
                                             {"-v"},
                                             {"-l", "web"}}) {
    absl::StatusOr<Filter> f = ParseFilterArgs(args);
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << args[0];
  }
}

}  // namespace
}  // namespace ctdump
