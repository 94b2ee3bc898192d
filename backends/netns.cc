#include "backends/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ctdump {
namespace {

// Both setns(2) and the /proc/PID/ns/ files came with Linux 3.0 (CentOS 6's 2.6.32 has
// neither); listing another namespace from outside cannot work there.
absl::Status NoSetnsError() {
  return absl::FailedPreconditionError(
      "--netns needs Linux 3.0 or later: this kernel has no setns(2) or /proc/PID/ns/net "
      "(ENOSYS); run ctdump inside the namespace instead (from a process that lives in "
      "it), or list the host's own table without --netns");
}

}  // namespace

absl::StatusOr<std::string> ScopedNetns::PathOf(absl::string_view spec) {
  if (spec.empty()) return absl::InvalidArgumentError("--netns needs a name, path or pid:N");
  absl::string_view rest = spec;
  if (absl::ConsumePrefix(&rest, "pid:")) {
    unsigned pid;
    if (!absl::SimpleAtoi(rest, &pid) || pid == 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad pid in --netns `", spec, "'"));
    }
    return absl::StrCat("/proc/", pid, "/ns/net");
  }
  if (absl::StrContains(spec, '/')) return std::string(spec);
  if (spec == "." || spec == "..") {
    return absl::InvalidArgumentError(absl::StrCat("bad namespace name `", spec, "'"));
  }
  return absl::StrCat("/run/netns/", spec);
}

absl::StatusOr<std::unique_ptr<ScopedNetns>> ScopedNetns::Enter(absl::string_view spec) {
  absl::StatusOr<std::string> path = PathOf(spec);
  if (!path.ok()) return path.status();
  return EnterPath(spec, *std::move(path), nullptr);
}

absl::StatusOr<std::unique_ptr<ScopedNetns>> ScopedNetns::EnterListed(const std::string& path,
                                                                      uint64_t dev,
                                                                      uint64_t ino) {
  const uint64_t dev_ino[2] = {dev, ino};
  return EnterPath(path, path, dev_ino);
}

absl::StatusOr<std::unique_ptr<ScopedNetns>> ScopedNetns::EnterPath(absl::string_view spec,
                                                                    std::string path_in,
                                                                    const uint64_t* dev_ino) {
  const std::string* path = &path_in;
  int target = open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int err = errno;
    if (err == ENOENT && access("/proc/self/ns/net", F_OK) != 0 && errno == ENOENT &&
        access("/proc/self", F_OK) == 0) {
      return NoSetnsError();  // no namespace files at all: a kernel before 3.0
    }
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          "network namespace `", spec, "' not found (", *path, " does not exist)",
          absl::StartsWith(*path, "/run/netns/") ? "; `ip netns list' shows the named ones"
                                                 : ""));
    }
    if (err == EACCES || err == EPERM) {
      // Report what the kernel said: for /proc/PID/ns/net an EACCES comes from the ptrace
      // access check (another user's process), not from a missing root.
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot open ", *path, ": ", strerror(err), err == EACCES ? " (EACCES)" : " (EPERM)",
          absl::StartsWith(*path, "/proc/") && err == EACCES
              ? "; opening another process's namespace needs the right to ptrace it (same "
                "user, or CAP_SYS_PTRACE)"
              : ""));
    }
    return absl::ErrnoToStatus(err, absl::StrCat("open ", *path));
  }
  struct stat st;
  if (dev_ino != nullptr && (fstat(target, &st) != 0 || st.st_dev != dev_ino[0] ||
                             st.st_ino != dev_ino[1])) {
    close(target);
    return absl::NotFoundError(absl::StrCat(
        "network namespace ", *path, " vanished (the file now names another namespace)"));
  }
  int original = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (original < 0) {
    int err = errno;
    close(target);
    return absl::ErrnoToStatus(err, "open /proc/self/ns/net (to come back later)");
  }
  if (setns(target, CLONE_NEWNET) != 0) {
    int err = errno;
    close(target);
    close(original);
    if (err == EPERM) {
      return absl::PermissionDeniedError(absl::StrCat(
          "setns(", *path, ") refused (EPERM): entering a network namespace needs "
          "CAP_SYS_ADMIN; run as root"));
    }
    if (err == EINVAL) {
      return absl::FailedPreconditionError(
          absl::StrCat(*path, " is not a network namespace file"));
    }
    if (err == ENOSYS) return NoSetnsError();
    return absl::ErrnoToStatus(err, absl::StrCat("setns ", *path));
  }
  close(target);
  return std::unique_ptr<ScopedNetns>(new ScopedNetns(original, std::move(path_in)));
}

absl::Status ScopedNetns::Leave() {
  if (original_fd_ < 0) return absl::OkStatus();
  int rc = setns(original_fd_, CLONE_NEWNET);
  int err = errno;
  close(original_fd_);
  original_fd_ = -1;
  if (rc != 0) return absl::ErrnoToStatus(err, "setns back to the original namespace");
  return absl::OkStatus();
}

ScopedNetns::~ScopedNetns() { (void)Leave(); }

std::vector<NetnsInfo> DedupNamespaces(std::vector<NetnsInfo> candidates) {
  std::set<std::pair<uint64_t, uint64_t>> seen;
  std::vector<NetnsInfo> out;
  for (NetnsInfo& c : candidates) {
    if (seen.insert({c.dev, c.ino}).second) out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<NetnsList> ListNetworkNamespaces(const std::string& run_netns,
                                                const std::string& proc) {
  struct stat st;
  if (stat((proc + "/self/ns/net").c_str(), &st) != 0) {
    if (errno == ENOENT && access((proc + "/self").c_str(), F_OK) == 0) return NoSetnsError();
    return absl::ErrnoToStatus(errno, absl::StrCat("stat ", proc, "/self/ns/net"));
  }
  const dev_t nsfs = st.st_dev;  // every namespace file is on nsfs
  NetnsList list;
  std::vector<NetnsInfo> named;
  if (DIR* d = opendir(run_netns.c_str())) {
    while (struct dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const std::string path = absl::StrCat(run_netns, "/", name);
      if (stat(path.c_str(), &st) != 0) {
        list.problems.push_back(absl::StrCat(path, ": ", strerror(errno)));
        continue;
      }
      if (st.st_dev != nsfs) {
        list.not_namespaces.push_back(path);
        continue;
      }
      named.push_back({name, path, static_cast<uint64_t>(st.st_dev),
                       static_cast<uint64_t>(st.st_ino)});
    }
    closedir(d);
  } else if (errno != ENOENT) {
    list.problems.push_back(absl::StrCat(run_netns, ": ", strerror(errno)));
  }
  std::sort(named.begin(), named.end(),
            [](const NetnsInfo& a, const NetnsInfo& b) { return a.name < b.name; });

  std::vector<std::pair<unsigned, NetnsInfo>> by_pid;
  DIR* d = opendir(proc.c_str());
  if (d == nullptr) return absl::ErrnoToStatus(errno, absl::StrCat("opendir ", proc));
  while (struct dirent* e = readdir(d)) {
    unsigned pid = 0;
    if (!absl::SimpleAtoi(e->d_name, &pid) || pid == 0) continue;
    const std::string path = absl::StrCat(proc, "/", pid, "/ns/net");
    // A process that exits meanwhile (ENOENT), a kernel thread's or another user's
    // namespace that cannot be looked at without privilege (EACCES): left out.
    if (stat(path.c_str(), &st) != 0) continue;
    by_pid.push_back({pid, NetnsInfo{absl::StrCat("pid:", pid), path,
                                     static_cast<uint64_t>(st.st_dev),
                                     static_cast<uint64_t>(st.st_ino)}});
  }
  closedir(d);
  std::sort(by_pid.begin(), by_pid.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& p : by_pid) named.push_back(std::move(p.second));
  list.namespaces = DedupNamespaces(std::move(named));
  return list;
}

}  // namespace ctdump
