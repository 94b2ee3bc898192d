// File: core/testing/proc_lines_testdata.h (testonly)
//
// The /proc fixture inputs of testdata/procfs/*/input.txt (comment and blank lines
// included), read once from the runfiles, for the tests and benchmarks of core/json,
// core/proc_format and core/xml. Add "//testdata/procfs:fixtures" to `data`.
//
//   for (absl::string_view line : absl::StrSplit(kProcNfConntrack618, '\n')) ...

#ifndef CTDUMP_CORE_TESTING_PROC_LINES_TESTDATA_H_
#define CTDUMP_CORE_TESTING_PROC_LINES_TESTDATA_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ctdump {

// The text of testdata/procfs/FOLDER/input.txt, found through TEST_SRCDIR, RUNFILES_DIR,
// the binary's .runfiles folder, or the current directory (a workspace checkout).
// Aborts with a message naming the paths tried when the file cannot be read.
std::string ReadProcFixture(absl::string_view folder);

inline const std::string kProcNfConntrack618 = ReadProcFixture("nf_conntrack-6.18");
inline const std::string kProcOffload = ReadProcFixture("offload");
inline const std::string kProcCentos7 = ReadProcFixture("centos7-nf_conntrack");
inline const std::string kProcCentos6 = ReadProcFixture("centos6-nf_conntrack");
inline const std::string kProcCentos5 = ReadProcFixture("centos5-ip_conntrack");
inline const std::string kProcVendor = ReadProcFixture("vendor");

}  // namespace ctdump

#endif  // CTDUMP_CORE_TESTING_PROC_LINES_TESTDATA_H_
