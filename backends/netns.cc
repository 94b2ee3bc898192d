#include "backends/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

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
  return std::unique_ptr<ScopedNetns>(new ScopedNetns(original, *std::move(path)));
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

}  // namespace ctdump
