#include "core/testing/testdata_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ctdump {

std::string ReadTestdataFile(absl::string_view rel) {
  std::vector<std::string> tried;
  const char* ws = std::getenv("TEST_WORKSPACE");
  std::string workspace = ws ? ws : "ctdump";
  for (const char* var : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* dir = std::getenv(var)) tried.push_back(absl::StrCat(dir, "/", workspace, "/", rel));
  }
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) tried.push_back(absl::StrCat(std::string(exe, static_cast<size_t>(n)), ".runfiles/",
                                          workspace, "/", rel));
  tried.push_back(std::string(rel));
  for (const std::string& path : tried) {
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::fprintf(stderr, "cannot read test data %s; tried:\n", std::string(rel).c_str());
  for (const std::string& path : tried) std::fprintf(stderr, "  %s\n", path.c_str());
  std::abort();
}

}  // namespace ctdump
