// File: fuzz/fuzz_check.h (testonly)
//
// FUZZ_CHECK(cond) << "what": an invariant of a fuzz target. When it fails, the message
// and the condition go to stderr and the process aborts, which libFuzzer reports as a
// crash (and saves the input) and the replay test reports as a failed test.
//
//   FUZZ_CHECK(again.ok()) << "re-parse failed: " << again;

#ifndef CTDUMP_FUZZ_FUZZ_CHECK_H_
#define CTDUMP_FUZZ_FUZZ_CHECK_H_

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace ctdump {
namespace fuzz {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* cond) {
    stream_ << file << ":" << line << ": FUZZ_CHECK(" << cond << ") failed: ";
  }
  [[noreturn]] ~CheckFailure() {
    std::cerr << stream_.str() << std::endl;
    std::abort();
  }
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace fuzz
}  // namespace ctdump

#define FUZZ_CHECK(cond) \
  if (cond) {            \
  } else                 \
    ::ctdump::fuzz::CheckFailure(__FILE__, __LINE__, #cond).stream()

#endif  // CTDUMP_FUZZ_FUZZ_CHECK_H_
