#include "cli/options.h"

#include <string>
#include <vector>

#include "core/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Options> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ctdump");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return ParseOptions(static_cast<int>(args.size()), argv.data());
}

TEST(ParseOptions, DefaultIsList) {
  auto o = Parse({});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->command, Command::kList);
  EXPECT_EQ(o->backend, "auto");
}

TEST(ParseOptions, ConntrackSpellings) {
  auto o = Parse({"-L", "conntrack", "-o", "ext,ID,kt,lab"});
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->out_extended && o->out_id && o->out_ktimestamp && o->out_labels);
  EXPECT_THAT(Parse({"-L", "conn"}), IsOk());
  EXPECT_THAT(Parse({"--dump", "-o", "timestamp,userspace"}), IsOk());
  o = Parse({"-o", "e", "-L"});  // GNU permutation: options before the command
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->out_extended);
}

TEST(ParseOptions, OurOptions) {
  auto o = Parse({"-L", "--backend", "procfs", "-v"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->backend, "procfs");
  EXPECT_TRUE(o->verbose);
  o = Parse({"--input", "-"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->input, "-");
  EXPECT_THAT(Parse({"--backend", "procfs:/tmp/x"}), IsOk());
}

TEST(ParseOptions, UsageErrors) {
  struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"-o", "bogus"}, "Bad parameter `bogus'"},
      {{"-L", "foo"}, "unknown type `foo'"},
      {{"-L", "expect"}, "not supported"},
      {{"-L", "-h"}, "Invalid commands combination"},
      {{"--backend", "kernel"}, "unknown backend `kernel'"},
      {{"--nope"}, "unknown option `--nope'"},
      {{"-o"}, "requires an argument"},
      {{"-L", "conntrack", "extra"}, "unexpected argument `extra'"},
      {{"--input", "f", "--backend", "netlink"}, "cannot be combined"},
      {{"-o", "xml"}, "not supported yet"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Parse(c.args), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.args[0];
  }
}

}  // namespace
}  // namespace ctdump
