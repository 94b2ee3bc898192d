#include "cli/textfile.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

std::string NewDir(const char* name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string d = std::string(t != nullptr ? t : "/tmp") + "/" + name;
  mkdir(d.c_str(), 0755);
  return d;
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (struct dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.insert(n);
  }
  closedir(d);
  return out;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PublishTextfile, ReplacesTheFileAndLeavesNothingElse) {
  const std::string dir = NewDir("ok");
  const std::string path = dir + "/conntrack.prom";
  ASSERT_TRUE(PublishTextfile(path, "ctdump_dump_success 1\n").ok());
  ASSERT_TRUE(PublishTextfile(path, "ctdump_dump_success 0\n").ok());
  EXPECT_EQ(Read(path), "ctdump_dump_success 0\n");
  EXPECT_EQ(Entries(dir), std::set<std::string>{"conntrack.prom"});
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // node_exporter runs as another user
}

TEST(PublishTextfile, AFailedRenameRemovesTheTemporaryFile) {
  const std::string dir = NewDir("fail");
  const std::string path = dir + "/conntrack.prom";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);  // rename() of a file over a directory fails
  absl::Status s = PublishTextfile(path, "x\n");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), testing::HasSubstr("rename"));
  EXPECT_EQ(Entries(dir), std::set<std::string>{"conntrack.prom"});
}

TEST(PublishTextfile, AMissingDirectoryIsNamed) {
  absl::Status s = PublishTextfile("/nonexistent-ctdump-dir/conntrack.prom", "x\n");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), testing::HasSubstr("/nonexistent-ctdump-dir"));
}

}  // namespace
}  // namespace ctdump
