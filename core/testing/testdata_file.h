// File: core/testing/testdata_file.h (testonly)
//
// Reads a workspace file that a test lists in `data`, from the Bazel runfiles.
//
//   std::string golden = ReadTestdataFile("testdata/summary/summary.txt");

#ifndef CTDUMP_CORE_TESTING_TESTDATA_FILE_H_
#define CTDUMP_CORE_TESTING_TESTDATA_FILE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ctdump {

// The bytes of workspace-relative `rel`, found through TEST_SRCDIR, RUNFILES_DIR, the
// binary's .runfiles folder, or the current directory (a workspace checkout). Aborts with
// a message naming the paths tried when the file cannot be read.
std::string ReadTestdataFile(absl::string_view rel);

}  // namespace ctdump

#endif  // CTDUMP_CORE_TESTING_TESTDATA_FILE_H_
