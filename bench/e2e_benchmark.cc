// End-to-end benchmarks: whole processes listing a real conntrack table, timed against
// the kernel's own dump cost and against conntrack-tools, in the same run (bench/README.md).
//
//   sudo bazel-bin/bench/e2e_benchmark [--sizes=10000,100000,250000] [--reps=5]
//       [--netns-name=NAME] [--targets_out=FILE] [--benchmark_out=e2e.json
//        --benchmark_out_format=json] [other --benchmark_* flags]
//   (or, as root: bazel run -c opt //bench:e2e_benchmark -- ...)
//
// Needs root. For each size N it creates a throwaway network namespace (`ip netns add`),
// enters it, fills its table with `ctgen --count N --mix mixed --v6-percent 10 --seed 1`,
// checks that `ctdump -L` (both builds) and `conntrack -L` list N lines each, then times
// these commands (stdout and stderr to /dev/null or a scratch file, never to a terminal):
//   kernel_floor        bench/kernel_floor: the same ctnetlink dump, decoding nothing
//   ctdump_L            ctdump -L
//   ctdump_L_json       ctdump -L -o json
//   ctdump_static_L     ctdump -L, the fully static build (//cli:ctdump_static)
//   ctdump_static_L_json  ctdump -L -o json, the static build
//   ctdump_L_procfs     ctdump -L --backend procfs
//   cat_proc            cat /proc/net/nf_conntrack
//   conntrack_L         conntrack -L
//   ctdump_filtered     ctdump -L -p tcp -s HOST --dport PORT (one entry's address/port)
//   conntrack_filtered  conntrack -L -p tcp -s HOST --dport PORT
//   input_L             ctdump -L --input FILE, FILE a saved copy of the namespace's
//                       /proc/net/nf_conntrack repeated to --input_mb MB (default 480;
//                       0 leaves the three input benchmarks out)
//   input_filtered      ctdump -L -p tcp -s HOST --dport PORT --input FILE
//   wc_l                wc -l FILE (what reading the file costs at memory speed)
// Benchmark E2E/<command>/<N> runs its command --reps times, each run next to one run of
// each of its reference commands (in rotating order, so drift hits all alike). The time
// reported is the command's whole-process wall time (fork to exit, manual time); the
// counters are median_ms, rss_kb (peak resident set of the command, from wait4) and
// x_<reference> = median(command) / median(reference) over the same runs. The namespace
// is deleted when the size is done, and on exit or SIGINT/SIGTERM.
//
// After the runs it prints the issues' targets for the largest size (and every size for
// peak RSS; the static build's RSS separately) with PASS or MISS; --targets_out=FILE
// writes the same table as Markdown.
// Exit status: 0 when every benchmark ran (missed targets are reported, not errors), 1 when
// a command failed or listed the wrong number of entries, 2 on usage errors.

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "core/addr.h"
#include "tools/ctgen/synthetic.h"

extern char** environ;

namespace ctdump {
namespace bench {
namespace {

// ---- configuration -------------------------------------------------------------------

struct Config {
  std::vector<int64_t> sizes = {10000, 100000, 250000};
  int reps = 5;
  std::string netns_base;  // namespaces are <base>-<N>
  std::string targets_out;
  std::string runfiles;  // .../ctdump: where cli/ctdump etc. are
  int64_t input_mb = 480;  // size of the saved file for the --input benchmarks; 0: none
};
Config g_config;

std::string g_current_netns;  // the namespace that exists now ("" when none)
std::string g_input_path;     // the saved file of the --input benchmarks
int64_t g_current_size = 0;
int g_init_netns_fd = -1;

// ---- running commands ----------------------------------------------------------------

struct RunResult {
  double seconds = 0;
  long rss_kb = 0;
  int status = 0;        // wait status
  std::string stderr_text;  // when it failed
  uint64_t stdout_lines = 0;  // only when counting
};

std::string Describe(const std::vector<std::string>& argv) { return absl::StrJoin(argv, " "); }

// Runs argv through bench/run_measured (which times it and reads its peak RSS without
// the benchmark's own footprint), with stdout to /dev/null (or counted through a pipe when
// count_lines) and stderr to a scratch file that is read back only when the command fails.
RunResult Run(const std::vector<std::string>& argv, bool count_lines = false) {
  RunResult r;
  static int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  static FILE* scratch = tmpfile();
  static const std::string runner = absl::StrCat(g_config.runfiles, "/bench/run_measured");
  const int err_fd = fileno(scratch);
  // A failure here only leaves older text in the scratch file, which is read back only
  // to explain a failed command.
  if (ftruncate(err_fd, 0) != 0) r.stderr_text = "(could not empty the stderr scratch file) ";
  (void)lseek(err_fd, 0, SEEK_SET);
  int out_pipe[2] = {-1, -1};
  int report[2] = {-1, -1};
  if ((count_lines && pipe2(out_pipe, O_CLOEXEC) != 0) || pipe2(report, O_CLOEXEC) != 0) {
    r.status = -1;
    r.stderr_text = absl::StrCat("pipe: ", strerror(errno));
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, count_lines ? out_pipe[1] : devnull, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  posix_spawn_file_actions_adddup2(&actions, report[1], 3);
  std::vector<char*> args = {const_cast<char*>(runner.c_str()), const_cast<char*>("3")};
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, runner.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(report[1]);
  if (count_lines) close(out_pipe[1]);
  if (rc != 0) {
    r.status = -1;
    r.stderr_text = absl::StrCat("cannot start ", runner, ": ", strerror(rc));
    close(report[0]);
    if (count_lines) close(out_pipe[0]);
    return r;
  }
  if (count_lines) {
    char buf[1 << 16];
    for (;;) {
      ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      r.stdout_lines += static_cast<uint64_t>(std::count(buf, buf + n, '\n'));
    }
    close(out_pipe[0]);
  }
  int runner_status = 0;
  while (waitpid(pid, &runner_status, 0) < 0 && errno == EINTR) {
  }
  char line[128] = {};
  ssize_t n = read(report[0], line, sizeof line - 1);
  close(report[0]);
  if (n <= 0 || sscanf(line, "%lf %ld %d", &r.seconds, &r.rss_kb, &r.status) != 3) {
    r.status = -1;
  }
  if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
    std::string text(4096, '\0');
    ssize_t m = pread(err_fd, text.data(), text.size(), 0);
    text.resize(m > 0 ? static_cast<size_t>(m) : 0);
    r.stderr_text = text;
  }
  return r;
}

bool Ok(const RunResult& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; }

std::string Failure(const std::vector<std::string>& argv, const RunResult& r) {
  std::string how = r.status == -1         ? std::string("did not run")
                    : WIFEXITED(r.status)   ? absl::StrCat("exited ", WEXITSTATUS(r.status))
                    : WIFSIGNALED(r.status) ? absl::StrCat("killed by signal ", WTERMSIG(r.status))
                                            : "did not run";
  return absl::StrCat(Describe(argv), ": ", how, ": ", r.stderr_text);
}

// ---- namespaces ----------------------------------------------------------------------

void DeleteNetns() {
  if (g_current_netns.empty()) return;
  if (g_init_netns_fd >= 0) (void)setns(g_init_netns_fd, CLONE_NEWNET);
  Run({"/usr/bin/env", "ip", "netns", "del", g_current_netns});
  g_current_netns.clear();
  g_current_size = 0;
}

void OnSignal(int sig) {
  DeleteNetns();
  signal(sig, SIG_DFL);
  raise(sig);
}

std::string Bin(const std::string& rel) { return absl::StrCat(g_config.runfiles, "/", rel); }

// Host and port of the first IPv4 TCP entry of the ctgen table: the filtered benchmark
// asks for exactly that entry (-p tcp -s HOST --dport PORT).
std::pair<std::string, std::string> FilterTarget() {
  ctgen::SyntheticOptions o;
  o.mix = ctgen::Mix::kMixed;
  o.v6_percent = 10;
  o.seed = 1;
  for (uint64_t i = 0;; ++i) {
    ctgen::EntrySpec e = ctgen::SyntheticEntry(i, o);
    if (e.family == 2 && e.proto == ctgen::kTcp) {
      char buf[64];
      Addr a{};
      std::copy(e.src.begin(), e.src.end(), a.begin());
      char* end = FormatAddr(2, a, AddrStyle::kCompressed, buf);
      return {std::string(buf, end), std::to_string(e.dport)};
    }
  }
}

// Writes the namespace's /proc/net/nf_conntrack, repeated until it holds at least
// --input_mb MB, to g_input_path: the saved file of the --input benchmarks. Returns an
// error text, or "" on success.
std::string MakeInputFile() {
  std::ifstream in("/proc/net/nf_conntrack");
  std::stringstream table;
  table << in.rdbuf();
  const std::string copy = table.str();
  if (!in.good() && !in.eof()) return "cannot read /proc/net/nf_conntrack";
  if (copy.empty()) return "/proc/net/nf_conntrack is empty";
  std::ofstream out(g_input_path, std::ios::trunc | std::ios::binary);
  for (int64_t written = 0; written < g_config.input_mb << 20;
       written += static_cast<int64_t>(copy.size())) {
    out << copy;
  }
  out.close();
  if (!out) return absl::StrCat("cannot write ", g_input_path);
  return "";
}

// Makes sure the namespace for `size` exists, is entered and holds `size` entries.
// Returns an error text, or "" on success.
std::string EnsureTable(int64_t size) {
  if (g_current_size == size) return "";
  DeleteNetns();
  const std::string name = absl::StrCat(g_config.netns_base, "-", size);
  RunResult r = Run({"/usr/bin/env", "ip", "netns", "add", name});
  if (!Ok(r)) return Failure({"ip", "netns", "add", name}, r);
  g_current_netns = name;
  const std::string path = absl::StrCat("/run/netns/", name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
    return absl::StrCat("cannot enter ", path, ": ", strerror(errno));
  }
  close(fd);
  const std::vector<std::string> fill = {Bin("tools/ctgen/ctgen"), "--count",
                                         std::to_string(size), "--mix", "mixed",
                                         "--v6-percent", "10", "--seed", "1", "-q"};
  r = Run(fill);
  if (!Ok(r)) return Failure(fill, r);
  for (const std::vector<std::string>& lister :
       {std::vector<std::string>{Bin("cli/ctdump"), "-L"},
        std::vector<std::string>{Bin("cli/ctdump_static"), "-L"},
        std::vector<std::string>{"/usr/sbin/conntrack", "-L"}}) {
    r = Run(lister, /*count_lines=*/true);
    if (!Ok(r)) return Failure(lister, r);
    if (r.stdout_lines != static_cast<uint64_t>(size)) {
      return absl::StrCat(Describe(lister), " listed ", r.stdout_lines, " lines, want ", size);
    }
  }
  if (g_config.input_mb > 0) {
    const std::string made = MakeInputFile();
    if (!made.empty()) return made;
  }
  g_current_size = size;
  return "";
}

// ---- benchmarks ----------------------------------------------------------------------

std::map<std::string, std::vector<std::string>> Commands() {
  const auto [host, port] = FilterTarget();
  return {
      {"kernel_floor", {Bin("bench/kernel_floor")}},
      {"ctdump_L", {Bin("cli/ctdump"), "-L"}},
      {"ctdump_L_json", {Bin("cli/ctdump"), "-L", "-o", "json"}},
      {"ctdump_static_L", {Bin("cli/ctdump_static"), "-L"}},
      {"ctdump_static_L_json", {Bin("cli/ctdump_static"), "-L", "-o", "json"}},
      {"ctdump_L_procfs", {Bin("cli/ctdump"), "-L", "--backend", "procfs"}},
      {"cat_proc", {"/bin/cat", "/proc/net/nf_conntrack"}},
      {"conntrack_L", {"/usr/sbin/conntrack", "-L"}},
      {"ctdump_filtered",
       {Bin("cli/ctdump"), "-L", "-p", "tcp", "-s", host, "--dport", port}},
      {"conntrack_filtered",
       {"/usr/sbin/conntrack", "-L", "-p", "tcp", "-s", host, "--dport", port}},
      {"input_L", {Bin("cli/ctdump"), "-L", "--input", g_input_path}},
      {"input_filtered",
       {Bin("cli/ctdump"), "-L", "-p", "tcp", "-s", host, "--dport", port, "--input",
        g_input_path}},
      {"wc_l", {"/usr/bin/wc", "-l", g_input_path}},
  };
}

// The benchmarks and the references each is run next to.
const std::vector<std::pair<std::string, std::vector<std::string>>>& Plan() {
  static const auto* plan = new std::vector<std::pair<std::string, std::vector<std::string>>>{
      {"kernel_floor", {}},
      {"ctdump_L", {"kernel_floor", "conntrack_L"}},
      {"ctdump_L_json", {"kernel_floor"}},
      // The static build (issue 11): the same references as ctdump_L, and the dynamic
      // build itself, so that static/dynamic is also a ratio over the same runs.
      {"ctdump_static_L", {"kernel_floor", "conntrack_L", "ctdump_L"}},
      {"ctdump_static_L_json", {"kernel_floor"}},
      {"ctdump_L_procfs", {"cat_proc"}},
      {"cat_proc", {"kernel_floor"}},
      {"conntrack_L", {"kernel_floor"}},
      {"ctdump_filtered", {"conntrack_filtered", "kernel_floor"}},
      // --input at memory speed (issue 13): against reading the file, and the filtered
      // listing against the unfiltered one.
      {"input_L", {"wc_l"}},
      {"input_filtered", {"input_L"}},
  };
  static const auto* without_input =
      new std::vector<std::pair<std::string, std::vector<std::string>>>(plan->begin(),
                                                                        plan->end() - 2);
  return g_config.input_mb > 0 ? *plan : *without_input;
}

struct Outcome {
  double median_ms = 0;
  long rss_kb = 0;
  std::map<std::string, double> ratio;  // reference -> x
};
std::map<std::pair<std::string, int64_t>, Outcome> g_outcomes;
bool g_failed = false;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void BM_E2E(benchmark::State& state, const std::string& subject,
            const std::vector<std::string>& refs, int64_t size) {
  static const auto* commands = new std::map<std::string, std::vector<std::string>>(Commands());
  const std::string setup = EnsureTable(size);
  if (!setup.empty()) {
    g_failed = true;
    state.SkipWithError(setup.c_str());
    return;
  }
  std::vector<std::string> order = refs;
  order.insert(order.begin(), subject);
  std::map<std::string, std::vector<double>> times;
  long rss = 0;
  size_t round = 0;
  for (auto _ : state) {
    // Rotate who goes first, so that a slow drift does not favour one command.
    for (size_t k = 0; k < order.size(); ++k) {
      const std::string& name = order[(k + round) % order.size()];
      const std::vector<std::string>& argv = commands->at(name);
      RunResult r = Run(argv);
      if (!Ok(r)) {
        g_failed = true;
        state.SkipWithError(Failure(argv, r).c_str());
        return;
      }
      times[name].push_back(r.seconds);
      if (name == subject) {
        rss = std::max(rss, r.rss_kb);
        state.SetIterationTime(r.seconds);
      }
    }
    ++round;
  }
  Outcome out;
  out.median_ms = Median(times[subject]) * 1e3;
  out.rss_kb = rss;
  state.counters["median_ms"] = out.median_ms;
  state.counters["rss_kb"] = static_cast<double>(rss);
  for (const std::string& ref : refs) {
    const double m = Median(times[ref]);
    if (m > 0) {
      out.ratio[ref] = Median(times[subject]) / m;
      state.counters[absl::StrCat("x_", ref)] = out.ratio[ref];
    }
  }
  state.counters["entries"] = static_cast<double>(size);
  g_outcomes[{subject, size}] = out;
}

// ---- targets -------------------------------------------------------------------------

struct Target {
  std::string what;
  std::string subject, ref;  // ratio subject/ref, or rss when ref is empty
  double limit;
};

void ReportTargets() {
  const int64_t n = g_config.sizes.back();
  const std::vector<Target> targets = {
      {"`ctdump -L` / kernel floor", "ctdump_L", "kernel_floor", 1.10},
      {"`ctdump -L` / `conntrack -L`", "ctdump_L", "conntrack_L", 0.65},
      {"`ctdump -L -o json` / kernel floor", "ctdump_L_json", "kernel_floor", 1.20},
      {"`ctdump -L --backend procfs` / `cat /proc/net/nf_conntrack`", "ctdump_L_procfs",
       "cat_proc", 1.10},
      {"`ctdump -L -p tcp -s HOST --dport PORT` / same `conntrack -L`", "ctdump_filtered",
       "conntrack_filtered", 0.50},
      // The static build (issue 11).
      {"static `ctdump -L` / kernel floor", "ctdump_static_L", "kernel_floor", 1.10},
      {"static `ctdump -L` / `conntrack -L`", "ctdump_static_L", "conntrack_L", 0.40},
      // --input of a large saved file (issue 13).
      {"`ctdump -L --input FILE` / `wc -l FILE`", "input_L", "wc_l", 4.0},
      {"filtered `ctdump -L --input FILE` / unfiltered", "input_filtered", "input_L", 1.0},
  };
  std::string md = absl::StrCat("| target (", n, " entries, medians of ", g_config.reps,
                                " runs) | limit | measured | |\n|---|---|---|---|\n");
  for (const Target& t : targets) {
    auto it = g_outcomes.find({t.subject, n});
    if (it == g_outcomes.end() || !it->second.ratio.count(t.ref)) continue;
    const double x = it->second.ratio.at(t.ref);
    absl::StrAppend(&md, "| ", t.what, " | <= ", absl::StrFormat("%.2fx", t.limit), " | ",
                    absl::StrFormat("%.2fx", x), " | ", x <= t.limit ? "PASS" : "MISS", " |\n");
  }
  // Peak RSS of every ctdump run, at every size: <= 6 MB and flat; the static build's
  // runs on their own, <= 3 MB.
  const auto is_static = [](const std::string& name) {
    return name.rfind("ctdump_static", 0) == 0;
  };
  long lo = 0, hi = 0, static_hi = 0;
  std::string where, static_where;
  for (const auto& [key, out] : g_outcomes) {
    if (key.first.rfind("ctdump", 0) != 0) continue;
    if (is_static(key.first)) {
      if (out.rss_kb > static_hi) {
        static_hi = out.rss_kb, static_where = absl::StrCat(key.first, "/", key.second);
      }
      continue;
    }
    if (lo == 0 || out.rss_kb < lo) lo = out.rss_kb;
    if (out.rss_kb > hi) hi = out.rss_kb, where = absl::StrCat(key.first, "/", key.second);
  }
  if (hi > 0) {
    absl::StrAppend(&md, "| peak RSS of ctdump, every command and size | <= 6144 KiB | ", hi,
                    " KiB (", where, ") | ", hi <= 6144 ? "PASS" : "MISS", " |\n");
    absl::StrAppend(&md, "| RSS growth from ", g_config.sizes.front(), " to ", n,
                    " entries (flat) | <= 512 KiB | ", hi - lo, " KiB | ",
                    hi - lo <= 512 ? "PASS" : "MISS", " |\n");
  }
  if (static_hi > 0) {
    absl::StrAppend(&md, "| peak RSS of static ctdump, every command and size | <= 3072 KiB | ",
                    static_hi, " KiB (", static_where, ") | ",
                    static_hi <= 3072 ? "PASS" : "MISS", " |\n");
  }
  // Absolute medians, for the tables of docs/performance.md.
  std::string abs = absl::StrCat("\n| command | ");
  for (int64_t s : g_config.sizes) absl::StrAppend(&abs, s, " entries | ");
  absl::StrAppend(&abs, "\n|---|");
  for (size_t i = 0; i < g_config.sizes.size(); ++i) absl::StrAppend(&abs, "---|");
  absl::StrAppend(&abs, "\n");
  for (const auto& [name, refs] : Plan()) {
    absl::StrAppend(&abs, "| ", name, " | ");
    for (int64_t s : g_config.sizes) {
      auto it = g_outcomes.find({name, s});
      if (it == g_outcomes.end()) {
        absl::StrAppend(&abs, "- | ");
      } else {
        absl::StrAppend(&abs, absl::StrFormat("%.1f ms, %ld KiB", it->second.median_ms,
                                              it->second.rss_kb),
                        " | ");
      }
    }
    absl::StrAppend(&abs, "\n");
  }
  md += abs;
  printf("\n%s", md.c_str());
  if (!g_config.targets_out.empty()) {
    std::ofstream f(g_config.targets_out);
    f << md;
  }
}

// ---- main ----------------------------------------------------------------------------

std::string FindRunfiles(const char* argv0) {
  std::vector<std::string> candidates;
  if (const char* d = getenv("RUNFILES_DIR")) candidates.push_back(absl::StrCat(d, "/ctdump"));
  if (const char* d = getenv("TEST_SRCDIR")) candidates.push_back(absl::StrCat(d, "/ctdump"));
  candidates.push_back(absl::StrCat(argv0, ".runfiles/ctdump"));
  candidates.push_back(".");
  for (const std::string& c : candidates) {
    if (access(absl::StrCat(c, "/cli/ctdump").c_str(), X_OK) == 0) return c;
  }
  return "";
}

int Usage(const std::string& why) {
  fprintf(stderr,
          "e2e_benchmark: %s\nusage: e2e_benchmark [--sizes=N,N,...] [--reps=N] "
          "[--netns-name=NAME] [--input_mb=MB] [--targets_out=FILE] [--benchmark_* flags]\n",
          why.c_str());
  return 2;
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  g_config.netns_base = absl::StrCat("ctdump-bench-", getpid());
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::ConsumePrefix(&a, "--sizes=")) {
      g_config.sizes.clear();
      for (absl::string_view s : absl::StrSplit(a, ',')) {
        int64_t n;
        if (!absl::SimpleAtoi(s, &n) || n <= 0) return Usage(absl::StrCat("bad size '", s, "'"));
        g_config.sizes.push_back(n);
      }
    } else if (absl::ConsumePrefix(&a, "--reps=")) {
      if (!absl::SimpleAtoi(a, &g_config.reps) || g_config.reps <= 0) {
        return Usage(absl::StrCat("bad --reps '", a, "'"));
      }
    } else if (absl::ConsumePrefix(&a, "--netns-name=")) {
      g_config.netns_base = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--input_mb=")) {
      if (!absl::SimpleAtoi(a, &g_config.input_mb) || g_config.input_mb < 0) {
        return Usage(absl::StrCat("bad --input_mb '", a, "'"));
      }
    } else if (absl::ConsumePrefix(&a, "--targets_out=")) {
      g_config.targets_out = std::string(a);
    } else {
      return Usage(absl::StrCat("unknown argument '", a, "'"));
    }
  }
  if (geteuid() != 0) {
    fprintf(stderr,
            "e2e_benchmark: needs root: it creates a network namespace and fills its "
            "conntrack table; run it with sudo (see bench/README.md)\n");
    return 1;
  }
  g_config.runfiles = FindRunfiles(argv[0]);
  if (g_config.runfiles.empty()) {
    fprintf(stderr,
            "e2e_benchmark: cannot find cli/ctdump in the runfiles; run it through bazel run "
            "or from bazel-bin/bench/e2e_benchmark\n");
    return 1;
  }
  std::sort(g_config.sizes.begin(), g_config.sizes.end());
  const char* tmp = getenv("TEST_TMPDIR");
  if (tmp == nullptr) tmp = getenv("TMPDIR");
  g_input_path = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/ctdump-bench-input-", getpid(),
                              ".txt");
  g_init_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);

  for (int64_t size : g_config.sizes) {
    for (const auto& [subject, refs] : Plan()) {
      benchmark::RegisterBenchmark(
          absl::StrCat("E2E/", subject, "/", size).c_str(),
          [subject = subject, refs = refs, size](benchmark::State& s) {
            BM_E2E(s, subject, refs, size);
          })
          ->Iterations(g_config.reps)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  DeleteNetns();
  unlink(g_input_path.c_str());
  ReportTargets();
  return g_failed ? 1 : 0;
}

}  // namespace
}  // namespace bench
}  // namespace ctdump

int main(int argc, char** argv) { return ctdump::bench::Main(argc, argv); }
