#include "cli/doctor.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::HasSubstr;

// A fake /proc tree under a temporary directory.
class FakeProc {
 public:
  FakeProc() {
    char tmpl[] = "/tmp/ctdump-doctor-XXXXXX";
    const char* base = std::getenv("TEST_TMPDIR");
    std::string t = base ? std::string(base) + "/doctor-XXXXXX" : tmpl;
    root_ = mkdtemp(t.data());
  }
  void Write(const std::string& path, const std::string& text) {
    std::string full = root_ + path;
    for (size_t i = 1; i < full.size(); ++i) {
      if (full[i] == '/') mkdir(full.substr(0, i).c_str(), 0755);
    }
    std::ofstream(full) << text;
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

std::string Render(const std::vector<Finding>& findings) {
  std::string s;
  for (const Finding& f : findings) {
    s += std::string(LevelName(f.level)) + " " + f.topic + ": " + f.text + "\n";
  }
  return s;
}

DoctorEnv Env(const FakeProc& p, absl::StatusOr<uint64_t> probe, bool net_admin) {
  DoctorEnv env;
  env.root = p.root();
  env.cap_eff = net_admin ? (uint64_t{1} << 12) : 0;
  env.netlink_probe = [probe] { return probe; };
  return env;
}

TEST(Diagnose, HealthyHost) {
  FakeProc p;
  p.Write("/proc/net/nf_conntrack", "");
  p.Write("/proc/sys/net/netfilter/nf_conntrack_count", "120\n");
  p.Write("/proc/sys/net/netfilter/nf_conntrack_max", "262144\n");
  p.Write("/proc/sys/net/netfilter/nf_conntrack_acct", "1\n");
  p.Write("/proc/sys/net/netfilter/nf_conntrack_timestamp", "0\n");
  auto f = Diagnose(Env(p, uint64_t{1}, true));
  std::string text = Render(f);
  EXPECT_TRUE(AnySourceWorks(f)) << text;
  EXPECT_THAT(text, HasSubstr("ok privileges: CAP_NET_ADMIN is effective"));
  EXPECT_THAT(text, HasSubstr("ok ctnetlink"));
  EXPECT_THAT(text, HasSubstr("ok procfs: /proc/net/nf_conntrack exists"));
  EXPECT_THAT(text, HasSubstr("info procfs: /proc/net/ip_conntrack does not exist"));
  EXPECT_THAT(text, HasSubstr("ok table: 120 entries of at most 262144 (0% full)."));
  EXPECT_THAT(text, HasSubstr("ok accounting: net.netfilter.nf_conntrack_acct=1"));
  EXPECT_THAT(text, HasSubstr("nf_conntrack_timestamp=0: entries carry no delta-time="));
}

TEST(Diagnose, UnprivilegedUbuntu) {
  FakeProc p;  // no /proc/net files at all
  p.Write("/proc/sys/net/netfilter/nf_conntrack_count", "0\n");
  p.Write("/proc/sys/net/netfilter/nf_conntrack_max", "65536\n");
  auto f = Diagnose(Env(p, absl::PermissionDeniedError("needs CAP_NET_ADMIN"), false));
  std::string text = Render(f);
  EXPECT_FALSE(AnySourceWorks(f)) << text;
  EXPECT_THAT(text, HasSubstr("problem privileges: CAP_NET_ADMIN is not effective"));
  EXPECT_THAT(text, HasSubstr("problem ctnetlink: needs CAP_NET_ADMIN"));
  EXPECT_THAT(text, HasSubstr("CONFIG_NF_CONNTRACK_PROCFS"));
  EXPECT_THAT(text, HasSubstr("problem sources: No source"));
  EXPECT_THAT(text, HasSubstr("The table is empty"));
  EXPECT_THAT(text, HasSubstr("ct state"));
}

TEST(Diagnose, NearlyFullTableWarns) {
  FakeProc p;
  p.Write("/proc/sys/net/ipv4/netfilter/ip_conntrack_count", "900\n");  // CentOS 5 names
  p.Write("/proc/sys/net/ipv4/netfilter/ip_conntrack_max", "1000\n");
  p.Write("/proc/net/ip_conntrack", "");
  auto f = Diagnose(Env(p, absl::FailedPreconditionError("no nfnetlink"), true));
  std::string text = Render(f);
  EXPECT_TRUE(AnySourceWorks(f)) << text;
  EXPECT_THAT(text, HasSubstr("warning table: 900 entries of at most 1000 (90% full); above 80%"));
  EXPECT_THAT(text, HasSubstr("ctnetlink is not usable: no nfnetlink"));
  EXPECT_THAT(text, HasSubstr("ok procfs: /proc/net/ip_conntrack exists"));
}

}  // namespace
}  // namespace ctdump
