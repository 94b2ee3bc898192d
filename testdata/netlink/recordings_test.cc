// Checks that every recording in testdata/netlink/ is what README.md says it is.

#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "core/flow.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

constexpr char kDir[] = "testdata/netlink";

std::vector<std::string> Recordings() {
  std::vector<std::string> names;
  if (DIR* d = opendir(kDir)) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (absl::EndsWith(n, ".bin")) names.push_back(n.substr(0, n.size() - 4));
    }
    closedir(d);
  }
  return names;
}

size_t CountLines(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  size_t n = 0;
  for (absl::string_view line : absl::StrSplit(ss.str(), '\n')) n += line.empty() ? 0 : 1;
  return n;
}

TEST(RecordingsTest, ThereAreRecordings) {
  std::vector<std::string> names = Recordings();
  EXPECT_GE(names.size(), 4u);
  for (const char* want : {"entries-", "plain-", "many-", "empty-"}) {
    bool found = false;
    for (const auto& n : names) found |= absl::StartsWith(n, want);
    EXPECT_TRUE(found) << want;
  }
}

TEST(RecordingsTest, EveryRecordingIsWellFormed) {
  for (const std::string& name : Recordings()) {
    SCOPED_TRACE(name);
    auto datagrams = netlink::ReadRecordingFile(absl::StrCat(kDir, "/", name, ".bin"));
    ASSERT_TRUE(datagrams.ok()) << datagrams.status();
    Flow flow;
    size_t entries = 0, dones = 0;
    for (const auto& d : *datagrams) {
      netlink::DumpBufferReader reader(d, &flow);
      netlink::NlItem item;
      while (reader.Next(&item)) {
        switch (item.kind) {
          case netlink::NlKind::kFlow: ++entries; break;
          case netlink::NlKind::kDone:
            EXPECT_EQ(item.error, 0);
            ++dones;
            break;
          default:
            ADD_FAILURE() << "unexpected message type " << item.type << ": " << item.status;
        }
      }
      EXPECT_TRUE(reader.status().ok()) << reader.status();
    }
    EXPECT_EQ(dones, 2u) << "one dump per family";
    EXPECT_EQ(entries, CountLines(absl::StrCat(kDir, "/", name, ".conntrack")));
    EXPECT_EQ(entries, CountLines(absl::StrCat(kDir, "/", name, ".conntrack-ext")));
  }
}

}  // namespace
}  // namespace ctdump
