// Kernel test of backends/stats.h against conntrack-tools (needs root; tags
// requires-root, no-sandbox). The test moves itself into a fresh network namespace
// (unshare(CLONE_NEWNET)), where counters and counts are its own and stay still, puts
// three entries there with `conntrack -I` (the namespace's table only), and compares:
//   * ReadTableCount() with `conntrack -C` and with nf_conntrack_count;
//   * AppendCpuStatsLine() over ReadCpuStats() with `conntrack -S`, byte for byte;
//   * the /proc/net/stat/nf_conntrack fallback with the ctnetlink answer.
// Without root or namespaces it skips, unless CTDUMP_REQUIRE_KERNEL=1.

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "backends/stats.h"
#include "core/testing/status_matchers.h"
#include "core/text_buffer.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

bool RequireKernel() {
  const char* v = std::getenv("CTDUMP_REQUIRE_KERNEL");
  return v != nullptr && std::string(v) == "1";
}

#define SKIP_OR_FAIL(msg)                                                 \
  do {                                                                    \
    if (RequireKernel()) FAIL() << (msg) << " (CTDUMP_REQUIRE_KERNEL=1)"; \
    GTEST_SKIP() << (msg);                                                \
  } while (0)

const char* Conntrack() {
  for (const char* p : {"/usr/sbin/conntrack", "/sbin/conntrack", "/usr/bin/conntrack"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return nullptr;
}

// Runs a shell command and returns its stdout (stderr discarded), or "<failed>".
std::string Output(const std::string& cmd) {
  FILE* f = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (f == nullptr) return "<failed>";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return pclose(f) == 0 ? out : "<failed>";
}

std::string Lines(const std::vector<CpuStats>& cpus) {
  TextBuffer b;
  for (const CpuStats& s : cpus) AppendCpuStatsLine(s, &b);
  return std::string(b.view());
}

TEST(StatsKernelTest, MatchesConntrackInAFreshNamespace) {
  if (geteuid() != 0) SKIP_OR_FAIL("kernel test needs root");
  const char* conntrack = Conntrack();
  ASSERT_NE(conntrack, nullptr) << "conntrack is not installed (tools/setup.sh)";
  if (unshare(CLONE_NEWNET) != 0) SKIP_OR_FAIL("unshare(CLONE_NEWNET) failed");

  for (int i = 1; i <= 3; ++i) {
    ASSERT_NE(Output(absl::StrCat(conntrack, " -I -p tcp -s 10.9.9.", i,
                                  " -d 10.9.9.100 --sport 1000 --dport 80 --state "
                                  "ESTABLISHED -t 300 -u SEEN_REPLY")),
              "<failed>");
  }

  // conntrack -C
  absl::StatusOr<TableCount> count = ReadTableCount();
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(count->source, CountSource::kNetlink);
  EXPECT_EQ(absl::StrCat(count->count, "\n"), Output(absl::StrCat(conntrack, " -C")));
  EXPECT_EQ(count->count, 3u);
  StatsSources proc_only;
  proc_only.open_netlink = nullptr;
  absl::StatusOr<TableCount> from_sysctl = ReadTableCount(proc_only);
  ASSERT_THAT(from_sysctl, IsOk());
  EXPECT_EQ(from_sysctl->source, CountSource::kSysctl);
  EXPECT_EQ(from_sysctl->count, count->count);
  EXPECT_EQ(from_sysctl->max, count->max);
  ASSERT_TRUE(count->max.has_value());

  // conntrack -S
  absl::StatusOr<std::vector<CpuStats>> cpus = ReadCpuStats();
  ASSERT_THAT(cpus, IsOk());
  ASSERT_FALSE(cpus->empty());
  EXPECT_EQ((*cpus)[0].source, CpuStatsSource::kNetlink);
  const std::string want = Output(absl::StrCat(conntrack, " -S"));
  EXPECT_EQ(Lines(*cpus), want);
  uint64_t inserts = 0;
  for (const CpuStats& s : *cpus) inserts += s.value[8];
  EXPECT_EQ(inserts, 3u);  // the three conntrack -I above, in this namespace only

  // The /proc fallback gives the same lines on this kernel.
  absl::StatusOr<std::vector<CpuStats>> from_proc = ReadCpuStats(proc_only);
  if (access("/proc/net/stat/nf_conntrack", R_OK) == 0) {
    ASSERT_THAT(from_proc, IsOk());
    EXPECT_EQ((*from_proc)[0].source, CpuStatsSource::kProcStat);
    EXPECT_EQ(Lines(*from_proc), want);
  }
  std::cerr << "conntrack -C: " << count->count << " (max " << *count->max << ")\n"
            << "conntrack -S:\n" << want;
}

}  // namespace
}  // namespace ctdump
