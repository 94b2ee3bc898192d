#include "core/testing/proc_lines_testdata.h"

#include "absl/strings/str_cat.h"
#include "core/testing/testdata_file.h"

namespace ctdump {

std::string ReadProcFixture(absl::string_view folder) {
  return ReadTestdataFile(absl::StrCat("testdata/procfs/", folder, "/input.txt"));
}

}  // namespace ctdump
