// The ctdump binary on bad saved input (`--input FILE` and `--input -`, issue 7): random
// bytes, empty input, a truncated last line, lines of several MB, out-of-range values.
// Each case runs the real binary and checks the contract of the README:
//  * no crash (the process exits, never dies of a signal) and memory stays bounded;
//  * every good line is still listed, exactly as for a clean file;
//  * every bad line is named on stderr as "ctdump: input NAME: line N: <problem>";
//  * exit 1 when anything was skipped (the listing is called incomplete), 0 otherwise.
// Plus a closed stdout (`ctdump --input F | head -1`): exit 0, nothing on stderr.
//
// Good lines come from testdata/procfs/nf_conntrack-6.18/input.txt; the expected stdout
// is what the same binary prints for those lines alone.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::ContainerEq;
using ::testing::HasSubstr;

constexpr char kCtdump[] = "cli/ctdump";

std::string TmpDir() {
  const char* d = std::getenv("TEST_TMPDIR");
  return d != nullptr ? d : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string WriteTemp(absl::string_view name, absl::string_view data) {
  const std::string path = absl::StrCat(TmpDir(), "/", name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  EXPECT_TRUE(out.good()) << path;
  return path;
}

struct RunResult {
  bool exited = false;  // false: killed by a signal
  int code = -1;        // exit status, or the signal number
  std::string out, err;
  long max_rss_kb = 0;
};

// How the child gets its input.
enum class Stdin { kNull, kPipe };

// Runs ctdump with `args`. With Stdin::kPipe, the file `pipe_from` is copied to its stdin
// from a thread, 64 KiB at a time (as `cat file | ctdump --input -` would). With
// `read_one_line`, stdout is a pipe from which one line is read before it is closed (as
// `| head -1` does). The test process never holds a large input in memory, so that the
// child's peak RSS (which starts from this process's at fork) is its own.
// Where the child's stdout goes when no line is read from it.
enum class Stdout { kFile, kClosed, kDevFull };

RunResult RunCtdump(std::vector<std::string> args, Stdin in = Stdin::kNull,
                    const std::string& pipe_from = "", bool read_one_line = false,
                    Stdout out_mode = Stdout::kFile, bool close_stdin = false) {
  static int n = 0;
  const std::string base = absl::StrCat(TmpDir(), "/run", ++n);
  const std::string out_path = base + ".out", err_path = base + ".err";
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
  if (in == Stdin::kPipe) {
    EXPECT_EQ(pipe(in_pipe), 0);
  }
  if (read_one_line) {
    EXPECT_EQ(pipe(out_pipe), 0);
  }
  const pid_t pid = fork();
  if (pid == 0) {
    int fd0 = in == Stdin::kPipe ? in_pipe[0] : open("/dev/null", O_RDONLY);
    int fd1 = read_one_line                  ? out_pipe[1]
              : out_mode == Stdout::kDevFull ? open("/dev/full", O_WRONLY)
                                             : open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fd2 = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd0, 0);
    dup2(fd1, 1);
    dup2(fd2, 2);
    for (int fd = 3; fd < 256; ++fd) close(fd);
    if (out_mode == Stdout::kClosed) close(1);
    if (close_stdin) close(0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kCtdump));
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(kCtdump, argv.data());
    _exit(127);
  }
  std::thread writer;
  if (in == Stdin::kPipe) {
    close(in_pipe[0]);
    writer = std::thread([fd = in_pipe[1], &pipe_from] {
      const int src = open(pipe_from.c_str(), O_RDONLY);
      char buf[64 << 10];
      ssize_t n;
      bool open_end = true;
      while (src >= 0 && open_end && (n = read(src, buf, sizeof buf)) > 0) {
        for (ssize_t pos = 0; pos < n;) {
          const ssize_t w = write(fd, buf + pos, static_cast<size_t>(n - pos));
          if (w <= 0) {
            open_end = false;  // the reader went away
            break;
          }
          pos += w;
        }
      }
      if (src >= 0) close(src);
      close(fd);
    });
  }
  RunResult r;
  if (read_one_line) {
    close(out_pipe[1]);
    char c;
    while (read(out_pipe[0], &c, 1) == 1) {
      r.out.push_back(c);
      if (c == '\n') break;
    }
    close(out_pipe[0]);  // like `head -1` exiting
  }
  int status = 0;
  struct rusage ru {};
  EXPECT_EQ(wait4(pid, &status, 0, &ru), pid);
  if (writer.joinable()) writer.join();
  r.exited = WIFEXITED(status);
  r.code = r.exited ? WEXITSTATUS(status) : WTERMSIG(status);
  r.max_rss_kb = ru.ru_maxrss;
  if (!read_one_line && out_mode == Stdout::kFile) r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

// The data lines of the 6.18 fixture (comments dropped), each ending in '\n'.
std::vector<std::string> GoodLines() {
  std::vector<std::string> lines;
  for (absl::string_view l : absl::StrSplit(
           ReadFile("testdata/procfs/nf_conntrack-6.18/input.txt"), '\n', absl::SkipEmpty())) {
    if (l[0] != '#') lines.push_back(absl::StrCat(l, "\n"));
  }
  EXPECT_GE(lines.size(), 40u);
  return lines;
}

// What ctdump prints for `lines` alone: the oracle for the good lines of a bad file.
std::string CleanOutput(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l;
  const RunResult r = RunCtdump({"--input", WriteTemp("clean.txt", text)});
  EXPECT_TRUE(r.exited && r.code == 0) << r.err;
  return r.out;
}

// The stderr lines that report skipped input lines: "line N: ..." parts, in order.
std::vector<std::string> Reports(const std::string& err, absl::string_view name) {
  std::vector<std::string> out;
  const std::string prefix = absl::StrCat("ctdump: input ", name, ": ");
  for (absl::string_view l : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(l, prefix)) out.emplace_back(l.substr(prefix.size()));
  }
  return out;
}

void ExpectIncomplete(const RunResult& r, size_t skipped) {
  EXPECT_TRUE(r.exited) << "killed by signal " << r.code << "\n" << r.err;
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat(skipped, " malformed ",
                                            skipped == 1 ? "entry was" : "entries were",
                                            " skipped; the listing is incomplete")));
}

TEST(BadInputTest, EmptyFileAndEmptyStdin) {
  const std::string path = WriteTemp("empty.txt", "");
  for (const RunResult& r :
       {RunCtdump({"--input", path}), RunCtdump({"--input", "-"}, Stdin::kPipe, path)}) {
    EXPECT_TRUE(r.exited && r.code == 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "ctdump: v0.1.0 (ctdump): 0 flow entries have been shown.\n");
  }
}

struct ValueCase {
  const char* name;
  const char* from;  // replaced (first occurrence) in a good TCP line
  const char* to;
  const char* problem;  // the report, after "line N: "
};

// Out-of-range and malformed values, one per line, each between good lines.
const ValueCase kValueCases[] = {
    {"port_above_65535", "sport=", "sport=70000 x=", "port 70000 out of range in sport="},
    {"negative_port", "dport=", "dport=-1 x=", "bad port \"-1\" in dport="},
    {"ipv4_octet_above_255", "src=", "src=10.0.0.256 x=", "bad address \"10.0.0.256\" in src="},
    {"ipv4_three_octets", "dst=", "dst=10.0.0 x=", "bad address \"10.0.0\" in dst="},
    {"negative_counter", "packets=", "packets=-5 x=", "bad counter \"-5\" in packets="},
    {"counter_above_2_64", "bytes=", "bytes=18446744073709551616 x=",
     "counter 18446744073709551616 out of range in bytes="},
    {"negative_mark", "mark=", "mark=-1 x=", "bad mark \"-1\" in mark="},
    {"mark_above_2_32", "mark=", "mark=4294967296 x=", "mark 4294967296 out of range in mark="},
    {"negative_use", "use=", "use=-2 x=", "bad use count \"-2\" in use="},
    {"zone_above_65535", "zone=", "zone=65536 x=", "zone 65536 out of range in zone="},
    {"l4_number_above_255", "tcp      6 ", "tcp      300 ", "L4 protocol number 300 out of range"},
    {"negative_l4_number", "tcp      6 ", "tcp      -6 ", "bad L4 protocol number \"-6\""},
    {"timeout_beyond_int64", "tcp      6 ", "tcp      6 -99999999999999999999 x",
     "timeout -99999999999999999999 out of range"},
};

TEST(BadInputTest, OutOfRangeValuesAreNamedAndTheGoodLinesStay) {
  const std::vector<std::string> good = GoodLines();
  std::string tcp;
  for (const std::string& l : good) {
    if (absl::StrContains(l, " tcp      6 ") && absl::StrContains(l, " packets=") &&
        absl::StrContains(l, " zone=")) {
      tcp = l;
      break;
    }
  }
  ASSERT_FALSE(tcp.empty());
  std::string text;
  std::vector<std::string> want;
  size_t line = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    text += good[i];
    ++line;
    if (i < std::size(kValueCases)) {
      const ValueCase& c = kValueCases[i];
      std::string bad = tcp;
      const size_t at = bad.find(c.from);
      ASSERT_NE(at, std::string::npos) << c.name;
      bad.replace(at, strlen(c.from), c.to);
      text += bad;
      ++line;
      want.push_back(absl::StrCat("line ", line, ": ", c.problem));
    }
  }
  const std::string path = WriteTemp("values.txt", text);
  const RunResult r = RunCtdump({"--input", path});
  EXPECT_EQ(r.out, CleanOutput(good));
  EXPECT_THAT(Reports(r.err, path), ContainerEq(want));
  ExpectIncomplete(r, std::size(kValueCases));

  // The same through stdin, named "-".
  const RunResult s = RunCtdump({"--input", "-"}, Stdin::kPipe, path);
  EXPECT_EQ(s.out, r.out);
  EXPECT_THAT(Reports(s.err, "-"), ContainerEq(want));
  ExpectIncomplete(s, std::size(kValueCases));
}

// A random line (any byte but '\n'; it starts with 'x' so that it is neither blank nor a
// comment) after every good line: every random line is reported, every good line listed.
TEST(BadInputTest, RandomBytesBetweenGoodLines) {
  const std::vector<std::string> good = GoodLines();
  std::mt19937 rng(7);
  std::string text;
  std::vector<size_t> bad_lines;
  size_t line = 0;
  for (const std::string& l : good) {
    text += l;
    std::string junk = "x";
    const size_t n = rng() % 400;
    for (size_t i = 0; i < n; ++i) {
      char c = static_cast<char>(rng());
      junk.push_back(c == '\n' ? '\0' : c);
    }
    text += junk + "\n";
    line += 2;
    bad_lines.push_back(line);
  }
  const std::string path = WriteTemp("random-lines.txt", text);
  const RunResult r = RunCtdump({"--input", path});
  EXPECT_EQ(r.out, CleanOutput(good));
  const std::vector<std::string> reports = Reports(r.err, path);
  ASSERT_EQ(reports.size(), bad_lines.size()) << r.err;
  for (size_t i = 0; i < reports.size(); ++i) {
    EXPECT_TRUE(absl::StartsWith(reports[i], absl::StrCat("line ", bad_lines[i], ": ")))
        << reports[i];
  }
  ExpectIncomplete(r, bad_lines.size());
}

// Nothing but random bytes, through a file and through stdin: no crash, nothing listed,
// exit 1, and every report names a line.
TEST(BadInputTest, OnlyRandomBytes) {
  std::mt19937 rng(11);
  std::string data(4 << 20, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  const std::string path = WriteTemp("random.bin", data);
  for (const RunResult& r :
       {RunCtdump({"--input", path}), RunCtdump({"--input", "-"}, Stdin::kPipe, path)}) {
    EXPECT_TRUE(r.exited) << "killed by signal " << r.code;
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr(" 0 flow entries have been shown.\n"));
    EXPECT_THAT(r.err, HasSubstr("skipped; the listing is incomplete\n"));
    for (absl::string_view l : absl::StrSplit(r.err, '\n', absl::SkipEmpty())) {
      const bool report = absl::StrContains(l, ": line ");
      const bool summary = absl::StrContains(l, "flow entries have been shown") ||
                           absl::StrContains(l, "the listing is incomplete");
      EXPECT_TRUE(report || summary) << l;
    }
  }
}

TEST(BadInputTest, TruncatedLastLine) {
  std::vector<std::string> good = GoodLines();
  std::string text;
  for (const std::string& l : good) text += l;
  const std::string last = good.back();
  text.resize(text.size() - last.size() / 2);  // cut in the middle, no newline
  good.pop_back();
  const std::string path = WriteTemp("truncated.txt", text);
  const RunResult r = RunCtdump({"--input", path});
  EXPECT_EQ(r.out, CleanOutput(good));
  EXPECT_THAT(Reports(r.err, path),
              ContainerEq(std::vector<std::string>{absl::StrCat(
                  "line ", good.size() + 1, ": truncated last line (no newline at end)")}));
  ExpectIncomplete(r, 1);
}

// Lines of several MB are skipped with their line number, without being held in memory:
// the peak RSS with a 48 MiB line stays within 16 MiB of the peak for the clean file.
TEST(BadInputTest, MultiMegabyteLinesAreSkippedInBoundedMemory) {
  const std::vector<std::string> good = GoodLines();
  const size_t half = good.size() / 2;
  std::string clean;
  for (const std::string& l : good) clean += l;
  // Written piece by piece: a good line's start, 48 MiB more, then a 3 MiB blank line.
  const std::string path = absl::StrCat(TmpDir(), "/huge-line.txt");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const std::string mib_a(1 << 20, 'A'), mib_blank(1 << 20, ' ');
    for (size_t i = 0; i < good.size(); ++i) {
      out << good[i];
      if (i + 1 != half) continue;
      out << good[i].substr(0, good[i].size() - 1);
      for (int m = 0; m < 48; ++m) out << mib_a;
      out << "\n";
      for (int m = 0; m < 3; ++m) out << mib_blank;
      out << "\n";
    }
    ASSERT_TRUE(out.good());
  }
  const RunResult base = RunCtdump({"--input", WriteTemp("clean-big.txt", clean)});
  ASSERT_TRUE(base.exited && base.code == 0) << base.err;
  for (const RunResult& r :
       {RunCtdump({"--input", path}), RunCtdump({"--input", "-"}, Stdin::kPipe, path)}) {
    EXPECT_EQ(r.out, base.out);
    const std::vector<std::string> reports =
        Reports(r.err, absl::StrContains(r.err, path) ? path : "-");
    EXPECT_THAT(reports, ContainerEq(std::vector<std::string>{
                             absl::StrCat("line ", half + 1, ": line longer than 1048576 "
                                                              "bytes, skipped"),
                             absl::StrCat("line ", half + 2, ": line longer than 1048576 "
                                                              "bytes, skipped")}));
    ExpectIncomplete(r, 2);
    std::cout << "peak RSS " << r.max_rss_kb << " KiB (clean file: " << base.max_rss_kb
              << " KiB)\n";
    EXPECT_LT(r.max_rss_kb - base.max_rss_kb, 16 * 1024)
        << "peak RSS " << r.max_rss_kb << " KiB, clean file " << base.max_rss_kb << " KiB";
  }
}

TEST(BadInputTest, MissingFileNamesIt) {
  const RunResult r = RunCtdump({"--input", "/nonexistent/ctdump-input"});
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/ctdump-input"));
}

// `ctdump --input BIG | head -1` in every output format: one line read, then the reader
// goes away; ctdump exits 0 without a word (no EPIPE message, no summary).
TEST(BadInputTest, ClosedStdoutEndsQuietly) {
  std::string text;
  const std::vector<std::string> good = GoodLines();
  for (int i = 0; i < 200; ++i) {
    for (const std::string& l : good) text += l;
  }
  const std::string path = WriteTemp("big.txt", text);  // about 2 MB of output
  for (const char* format : {"", "json", "proc", "xml", "extended"}) {
    SCOPED_TRACE(format);
    std::vector<std::string> args = {"--input", path};
    if (*format != '\0') args.insert(args.end(), {"-o", format});
    const RunResult r = RunCtdump(args, Stdin::kNull, "", /*read_one_line=*/true);
    EXPECT_TRUE(r.exited) << "killed by signal " << r.code;
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(absl::EndsWith(r.out, "\n")) << r.out;
  }
}

// `ctdump -L >&-` (issue 12, item 2): a closed stdout is an error found before anything
// is opened (the --input file used to become fd 1; as root a netlink socket did, and the
// listing went to the kernel). Exit 1, one message, nothing else.
TEST(BadInputTest, AClosedStdoutIsAnError) {
  const std::string path = WriteTemp("closed.txt", GoodLines()[0]);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--input", path},
                                             {"--input", path, "-o", "json"},
                                             {"--summary", "--input", path},
                                             {"-V"},
                                             {"-h"}}) {
    SCOPED_TRACE(args[0] + " " + args.back());
    const RunResult r = RunCtdump(args, Stdin::kNull, "", false, Stdout::kClosed);
    EXPECT_TRUE(r.exited);
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "ctdump: standard output is closed\n");
  }
}

// A closed stdin is replaced by /dev/null: `--input -` then reads nothing.
TEST(BadInputTest, AClosedStdinReadsAsEmpty) {
  const RunResult r =
      RunCtdump({"--input", "-"}, Stdin::kNull, "", false, Stdout::kFile, /*close_stdin=*/true);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("0 flow entries have been shown."));
}

// `> /dev/full` (issue 12, item 3): every command says it cannot write and exits 1, and
// no "shown" count follows a failed listing.
TEST(BadInputTest, WriteErrorsAreErrors) {
  const std::string path = WriteTemp("full.txt", GoodLines()[0]);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"-h"},
           {"-V"},
           {"--doctor"},
           {"--doctor", "-o", "json"},
           {"--input", path},
           {"--input", path, "-o", "xml"},
           {"--summary", "--input", path},
           {"--summary", "--input", path, "-o", "json"},
           {"-o", "prometheus", "--input", path}}) {
    SCOPED_TRACE(args[0] + " " + args.back());
    const RunResult r = RunCtdump(args, Stdin::kNull, "", false, Stdout::kDevFull);
    EXPECT_TRUE(r.exited);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_THAT(r.err, HasSubstr("cannot write"));
    EXPECT_THAT(r.err, HasSubstr("No space left on device"));
    EXPECT_THAT(r.err, testing::Not(HasSubstr("have been shown")));
  }
}

// -n/-g/-j over a saved /proc file (issue 12, item 13): one WARNING that NAT is inferred
// from the tuples; the listing itself succeeds.
TEST(BadInputTest, NatFiltersOverProcWarnOnce) {
  std::string text;
  for (const std::string& l : GoodLines()) text += l;
  const std::string path = WriteTemp("nat.txt", text);
  for (const char* nat : {"-n", "-g", "-j"}) {
    SCOPED_TRACE(nat);
    const RunResult r = RunCtdump({"--input", path, nat});
    EXPECT_TRUE(r.exited);
    EXPECT_EQ(r.code, 0) << r.err;
    size_t n = 0;
    for (size_t at = r.err.find("WARNING"); at != std::string::npos;
         at = r.err.find("WARNING", at + 1)) {
      ++n;
    }
    EXPECT_EQ(n, 1u) << r.err;
    EXPECT_THAT(r.err, HasSubstr("inferred from the tuples"));
  }
  const RunResult plain = RunCtdump({"--input", path, "-p", "tcp"});
  EXPECT_THAT(plain.err, testing::Not(HasSubstr("WARNING")));
}

// Unknown [FLAG]s (issue 12, item 7): the lines are listed, and each distinct flag is
// named once on stderr as a WARNING with the line it first occurs on; exit 0.
TEST(BadInputTest, UnknownFlagsAreListedAndReportedOnce) {
  const std::vector<std::string> good = GoodLines();
  ASSERT_FALSE(good.empty());
  std::string line = good[0];
  ASSERT_EQ(line.back(), '\n');
  const size_t use = line.rfind(" use=");
  ASSERT_NE(use, std::string::npos) << line;
  std::string flagged = line;
  flagged.insert(use, " [WHATEVER]");
  const std::string path =
      WriteTemp("flags.txt", absl::StrCat(line, flagged, flagged, line));
  const RunResult r = RunCtdump({"--input", path});
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("WARNING"), r.err.rfind("WARNING")) << r.err;
  EXPECT_THAT(r.err, HasSubstr("line 2: unknown flag [WHATEVER] skipped"));
  const RunResult plain = RunCtdump({"--input", WriteTemp("noflags.txt", line + line)});
  size_t lines = 0;
  for (char c : r.out) lines += c == '\n';
  EXPECT_EQ(lines, 4u) << r.out;
  EXPECT_EQ(plain.out + plain.out, r.out);
}

}  // namespace
