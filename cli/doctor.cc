#include "cli/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "backends/netlink/netlink_backend.h"
#include "core/backend.h"

namespace ctdump {
namespace {

constexpr int kCapNetAdmin = 12;  // CAP_NET_ADMIN (linux/capability.h)

// Reads a small file; errno-shaped status on failure.
absl::StatusOr<std::string> ReadSmall(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, path);
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() >= sizeof buf) break;  // only the start matters
  }
  close(fd);
  return text;
}

std::optional<uint64_t> ReadNumber(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSmall(path);
  uint64_t v;
  if (!text.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &v)) return std::nullopt;
  return v;
}

// The first of `paths` (under root) that holds a number.
std::optional<uint64_t> ReadFirstNumber(const std::string& root,
                                        std::initializer_list<const char*> paths) {
  for (const char* p : paths) {
    if (auto v = ReadNumber(root + p)) return v;
  }
  return std::nullopt;
}

std::optional<uint64_t> ReadCapEff(const std::string& root) {
  absl::StatusOr<std::string> status = ReadSmall(root + "/proc/self/status");
  if (!status.ok()) return std::nullopt;
  for (absl::string_view line : absl::StrSplit(*status, '\n')) {
    if (absl::ConsumePrefix(&line, "CapEff:")) {
      uint64_t caps;
      if (absl::SimpleHexAtoi(absl::StripAsciiWhitespace(line), &caps)) return caps;
    }
  }
  return std::nullopt;
}

class StopAfterOne : public FlowSink {
 public:
  bool OnFlow(const Flow&) override { return ++seen, false; }
  void OnSkipped(const absl::Status&) override {}
  uint64_t seen = 0;
};

absl::StatusOr<uint64_t> RealNetlinkProbe() {
  absl::StatusOr<std::unique_ptr<Backend>> b = netlink::MakeNetlinkBackend();
  if (!b.ok()) return b.status();
  StopAfterOne sink;
  absl::Status s = (*b)->Dump(DumpRequest{}, sink);
  if (!s.ok()) return s;
  return sink.seen;
}

void Add(std::vector<Finding>* out, Finding::Level level, std::string topic, std::string text) {
  out->push_back({level, std::move(topic), std::move(text)});
}

}  // namespace

const char* LevelName(Finding::Level level) {
  switch (level) {
    case Finding::kOk: return "ok";
    case Finding::kInfo: return "info";
    case Finding::kWarning: return "warning";
    case Finding::kProblem: return "problem";
  }
  return "info";
}

namespace {

// One function per check, in the order --doctor prints them. Each appends its findings.

void CheckKernel(const DoctorEnv& env, std::vector<Finding>* out) {
  if (!env.root.empty()) return;  // a fake tree has no kernel of its own
  struct utsname u;
  if (uname(&u) == 0) {
    Add(out, Finding::kInfo, "kernel",
        absl::StrCat("Linux ", u.release, ". Kernel-side dump filters: mark since 3.5, "
                     "tuples since 5.8, status since 5.15, zone since 6.8."));
  }
}

void CheckPrivileges(const DoctorEnv& env, std::vector<Finding>* out) {
  std::optional<uint64_t> caps = env.cap_eff ? env.cap_eff : ReadCapEff(env.root);
  bool net_admin = caps && ((*caps >> kCapNetAdmin) & 1);
  if (!caps) {
    Add(out, Finding::kWarning, "privileges",
        "Could not read the effective capabilities (/proc/self/status).");
  } else if (net_admin) {
    Add(out, Finding::kOk, "privileges", "CAP_NET_ADMIN is effective.");
  } else {
    Add(out, Finding::kProblem, "privileges",
        "CAP_NET_ADMIN is not effective: ctnetlink refuses dumps and /proc/net/nf_conntrack "
        "is readable only by root of this network namespace. Run ctdump as root (sudo), or "
        "give it CAP_NET_ADMIN.");
  }
}

// Returns whether ctnetlink answered.
bool CheckNetlink(const DoctorEnv& env, std::vector<Finding>* out) {
  absl::StatusOr<uint64_t> probe = env.netlink_probe ? env.netlink_probe() : RealNetlinkProbe();
  if (probe.ok()) {
    Add(out, Finding::kOk, "ctnetlink", "ctnetlink answers a dump request (the netlink backend works).");
  } else if (probe.status().code() == absl::StatusCode::kPermissionDenied) {
    Add(out, Finding::kProblem, "ctnetlink",
        std::string(probe.status().message()));
  } else {
    Add(out, Finding::kProblem, "ctnetlink",
        absl::StrCat("ctnetlink is not usable: ", probe.status().message(),
                     ". ctdump falls back to the /proc files."));
  }
  return probe.ok();
}

// Returns whether one of the /proc files can be read.
bool CheckProcFiles(const DoctorEnv& env, std::vector<Finding>* out) {
  bool proc_readable = false;
  for (const char* file : {"/proc/net/nf_conntrack", "/proc/net/ip_conntrack"}) {
    std::string path = env.root + file;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    int err = errno;
    if (fd >= 0) {
      close(fd);
      proc_readable = true;
      Add(out, Finding::kOk, "procfs", absl::StrCat(file, " exists and is readable."));
    } else if (err == ENOENT) {
      Add(out, Finding::kInfo, "procfs",
          absl::StrCat(file, " does not exist",
                       std::strcmp(file, "/proc/net/nf_conntrack") == 0
                           ? " (kernel built without CONFIG_NF_CONNTRACK_PROCFS, as on "
                             "Ubuntu LTS kernels, or nf_conntrack not loaded)."
                           : " (only 2.6.18-era kernels and pre-4.9 compat builds have it)."));
    } else {
      Add(out, Finding::kWarning, "procfs",
          absl::StrCat(file, " exists but cannot be read: ", strerror(err),
                       " (mode 0440, root of this network namespace only)."));
    }
  }
  return proc_readable;
}

void CheckSources(bool netlink_works, bool proc_readable, std::vector<Finding>* out) {
  if (!netlink_works && !proc_readable) {
    Add(out, Finding::kProblem, "sources",
        "No source of conntrack entries can be read here: see the findings above.");
  }
}

void CheckTableSize(const DoctorEnv& env, std::vector<Finding>* out) {
  const std::string& root = env.root;
  std::optional<uint64_t> count =
      ReadFirstNumber(root, {"/proc/sys/net/netfilter/nf_conntrack_count",
                             "/proc/sys/net/ipv4/netfilter/ip_conntrack_count"});
  std::optional<uint64_t> max =
      ReadFirstNumber(root, {"/proc/sys/net/netfilter/nf_conntrack_max",
                             "/proc/sys/net/nf_conntrack_max",
                             "/proc/sys/net/ipv4/netfilter/ip_conntrack_max"});
  if (!count) {
    Add(out, Finding::kWarning, "table",
        "nf_conntrack_count is not readable: is connection tracking in this kernel at all?");
    return;
  }
  std::string text = absl::StrCat(*count, " entries");
  Finding::Level level = Finding::kOk;
  if (max && *max > 0) {
    uint64_t pct = *count * 100 / *max;
    absl::StrAppend(&text, " of at most ", *max, " (", pct, "% full)");
    if (pct >= 80) {
      level = Finding::kWarning;
      absl::StrAppend(&text, "; above 80%: new connections are dropped when the table is "
                             "full (raise net.netfilter.nf_conntrack_max or shorten timeouts)");
    }
  }
  absl::StrAppend(&text, ".");
  if (*count == 0) {
    level = Finding::kWarning;
    absl::StrAppend(&text, " The table is empty. Since Linux 4.10 a network namespace "
                           "tracks connections only once a rule needs conntrack (nft `ct "
                           "state`, iptables `-m conntrack`/`-m state`, or NAT); check "
                           "`nft list ruleset` / `iptables-save` in this namespace. With "
                           "--netns, check that you named the right namespace.");
  }
  Add(out, level, "table", text);
}

// Accounting and timestamps: counters and delta-time are absent when these were off at
// the time an entry was created. ctdump reports; it never switches them on.
void CheckAccounting(const DoctorEnv& env, std::vector<Finding>* out) {
  struct Sysctl {
    const char* name;
    const char* missing;
  } sysctls[] = {
      {"nf_conntrack_acct", "per-direction packets= and bytes= counters"},
      {"nf_conntrack_timestamp", "delta-time= and start/stop timestamps"},
  };
  for (const Sysctl& s : sysctls) {
    std::optional<uint64_t> v = ReadNumber(env.root + "/proc/sys/net/netfilter/" + s.name);
    if (!v) {
      Add(out, Finding::kInfo, "accounting", absl::StrCat("net.netfilter.", s.name,
                                                          " is not available on this kernel."));
    } else if (*v == 0) {
      Add(out, Finding::kInfo, "accounting",
          absl::StrCat("net.netfilter.", s.name, "=0: entries carry no ", s.missing,
                       ". Set it to 1 (sysctl -w net.netfilter.", s.name,
                       "=1) if you need them; only entries created afterwards get them."));
    } else {
      Add(out, Finding::kOk, "accounting",
          absl::StrCat("net.netfilter.", s.name, "=", *v, ": new entries carry ", s.missing, "."));
    }
  }
}

}  // namespace

std::vector<Finding> Diagnose(const DoctorEnv& env) {
  std::vector<Finding> out;
  CheckKernel(env, &out);
  CheckPrivileges(env, &out);
  const bool netlink_works = CheckNetlink(env, &out);
  const bool proc_readable = CheckProcFiles(env, &out);
  CheckSources(netlink_works, proc_readable, &out);
  CheckTableSize(env, &out);
  CheckAccounting(env, &out);
  return out;
}

bool AnySourceWorks(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.topic == "sources" && f.level == Finding::kProblem) return false;
  }
  return true;
}

}  // namespace ctdump
