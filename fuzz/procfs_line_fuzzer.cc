// Fuzz target: the /proc/net/nf_conntrack and ip_conntrack text decoder
// (backends/procfs/parse.h) and the line reader around it (backends/procfs/reader.h).
//
// The input is text of any bytes. Invariants checked, beyond "no crash, no hang, no
// over-read":
//  * each line alone: ParseProcLine() either fails with kDataLoss and a short message, or
//    accepts a line without NUL bytes that fails with a second use= appended, and gives a
//    record for which fuzz/flow_invariants.h holds and whose -o proc line
//    (AppendProcLine) parses again to the same record (but for the file it came from),
//    which prints the same line again;
//  * the whole input through ProcReader: the same flows and the same "line N: ..."
//    reports whatever the read() sizes (here 4 KiB and 1 to 32 bytes), with line
//    numbers that only increase and never pass ProcReader::lines().

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "backends/procfs/parse.h"
#include "backends/procfs/reader.h"
#include "core/backend.h"
#include "core/flow.h"
#include "core/proc_format.h"
#include "core/text_buffer.h"
#include "fuzz/flow_invariants.h"
#include "fuzz/fuzz_check.h"

namespace ctdump {
namespace fuzz {
namespace {

// Longest error message a caller may print for one bad line (parse.h quotes offending
// tokens in short form).
constexpr size_t kMaxMessage = 512;

void CheckLine(absl::string_view line) {
  Flow flow;
  const absl::Status s = ParseProcLine(line, &flow);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == absl::StatusCode::kDataLoss) << s;
    FUZZ_CHECK(!s.message().empty() && s.message().size() <= kMaxMessage)
        << "error message of " << s.message().size() << " bytes";
    return;
  }
  CheckFormatsOf(flow);
  // parse.h's rule: no NUL in an accepted line, and use= (required) appears once, so
  // the line with a second one fails.
  FUZZ_CHECK(line.find('\0') == absl::string_view::npos) << "a line with a NUL byte parsed";
  Flow twice;
  FUZZ_CHECK(!ParseProcLine(absl::StrCat(line, " use=1"), &twice).ok())
      << "a second use= was accepted: " << line;

  TextBuffer first;
  AppendProcLine(flow, kNowNs, &first);
  FUZZ_CHECK(IsOneLine(first.view())) << "-o proc is not one line: " << first.view();
  absl::string_view text = first.view();
  text.remove_suffix(1);
  Flow again;
  const absl::Status s2 = ParseProcLine(text, &again);
  FUZZ_CHECK(s2.ok()) << "the -o proc line of a parsed line does not parse: " << s2
                      << "\n  input:  " << line << "\n  output: " << text;
  // The same line again, except for records from /proc/net/ip_conntrack, whose line
  // has no zone=0 (proc_format.h) that the re-read nf_conntrack record then gets.
  Flow as_nf = again;
  as_nf.source = flow.source;
  TextBuffer second;
  AppendProcLine(as_nf, kNowNs, &second);
  FUZZ_CHECK(second.view() == first.view())
      << "-o proc is not stable\n  input:  " << line << "\n  first:  " << first.view()
      << "  second: " << second.view();
  // The /proc line carries every field the record has, except which file it came from;
  // and a GRE record without "timeout=T, stream_timeout=S" (2.6.18) is printed with the
  // kernel's defaults (proc_format.h), which then read back.
  again.source = flow.source;
  if (!flow.gre.has_value()) again.gre.reset();
  FUZZ_CHECK(DebugString(again) == DebugString(flow))
      << "-o proc round trip changed the record\n  input: " << line
      << "\n  want:  " << DebugString(flow) << "\n  got:   " << DebugString(again);
}

class Collect : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    events.push_back("flow " + DebugString(flow));
    return true;
  }
  void OnSkipped(const absl::Status& why) override {
    FUZZ_CHECK(why.code() == absl::StatusCode::kDataLoss) << why;
    events.push_back("skip " + std::string(why.message()));
  }
  std::vector<std::string> events;
};

std::vector<std::string> ReadAll(absl::string_view data, size_t read_size,
                                 uint64_t* lines) {
  ProcReaderOptions options;
  options.read_size = read_size;
  options.max_line_bytes = 256;  // small enough for fuzz inputs to reach
  ProcReader reader(options);
  Collect sink;
  size_t pos = 0;
  const absl::Status s = reader.Read(
      [&](char* buf, size_t size) -> ssize_t {
        const size_t n = std::min(size, data.size() - pos);
        std::copy_n(data.data() + pos, n, buf);
        pos += n;
        return static_cast<ssize_t>(n);
      },
      "fuzz", sink);
  FUZZ_CHECK(s.ok()) << s;
  FUZZ_CHECK(pos == data.size()) << "stopped reading at " << pos << " of " << data.size();
  FUZZ_CHECK(reader.peak_buffer_bytes() <= 4 * read_size + 256 + read_size + 4096)
      << "buffer grew to " << reader.peak_buffer_bytes();
  *lines = reader.lines();
  return std::move(sink.events);
}

void CheckReader(absl::string_view data, size_t small_read) {
  uint64_t lines_big = 0, lines_small = 0;
  const std::vector<std::string> big = ReadAll(data, 4096, &lines_big);
  const std::vector<std::string> small = ReadAll(data, small_read, &lines_small);
  FUZZ_CHECK(lines_big == lines_small) << lines_big << " vs " << lines_small;
  FUZZ_CHECK(big == small) << "read size " << small_read << " changed what was delivered";
  uint64_t last = 0;
  for (const std::string& e : big) {
    if (e.compare(0, 10, "skip line ") != 0) continue;
    const size_t colon = e.find(':');
    uint64_t n = 0;
    FUZZ_CHECK(colon != std::string::npos && absl::SimpleAtoi(e.substr(10, colon - 10), &n))
        << "a skipped line without its number: " << e;
    FUZZ_CHECK(n > last && n <= lines_big) << "line number " << n << " after " << last
                                           << " of " << lines_big << ": " << e;
    last = n;
  }
}

}  // namespace
}  // namespace fuzz
}  // namespace ctdump

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == absl::string_view::npos) nl = text.size();
    ctdump::fuzz::CheckLine(text.substr(start, nl - start));
    start = nl + 1;
  }
  ctdump::fuzz::CheckReader(text, 1 + (size == 0 ? 0 : data[size - 1] % 32));
  return 0;
}
