#include "backends/procfs/procfs_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/procfs/reader.h"

namespace ctdump {
namespace {

enum class Kind { kProc, kInput };

// Why a /proc conntrack file can be missing (docs/procfs-format.md 1).
std::string MissingProcMessage(const std::string& path) {
  if (absl::StrContains(path, "ip_conntrack")) {
    return absl::StrCat(
        path,
        " does not exist: it exists only on 2.6.18-era kernels with the old ip_conntrack "
        "module (CentOS/RHEL 5) and on kernels before 4.9 built with "
        "CONFIG_NF_CONNTRACK_PROC_COMPAT; read /proc/net/nf_conntrack or use the netlink "
        "backend instead");
  }
  return absl::StrCat(
      path,
      " does not exist: the kernel was built without CONFIG_NF_CONNTRACK_PROCFS (as is "
      "every stock Ubuntu LTS kernel, 14.04 to 24.04), or nf_conntrack is not loaded in "
      "this kernel; use the netlink backend instead");
}

absl::StatusOr<int> OpenFile(Kind kind, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (kind == Kind::kProc) {
      if (err == ENOENT) return absl::FailedPreconditionError(MissingProcMessage(path));
      if (err == EACCES || err == EPERM) {
        return absl::PermissionDeniedError(absl::StrCat(
            "cannot open ", path,
            ": permission denied; the file is mode 0440, readable only by root of this "
            "network namespace: run ctdump as root"));
      }
      return absl::ErrnoToStatus(err, absl::StrCat("open ", path));
    }
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat("input file ", path, " does not exist"));
    }
    if (err == EACCES || err == EPERM) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot open input file ", path, ": permission denied"));
    }
    return absl::ErrnoToStatus(err, absl::StrCat("open input file ", path));
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is a directory, not a copy of /proc/net/nf_conntrack or ip_conntrack"));
  }
  return fd;
}

class ProcBackend : public Backend {
 public:
  ProcBackend(Kind kind, std::string path, int fd)
      : kind_(kind), path_(std::move(path)), fd_(fd) {}
  ~ProcBackend() override { CloseFd(); }

  std::string Name() const override {
    return absl::StrCat(kind_ == Kind::kProc ? "procfs " : "input ", path_);
  }

  absl::Status Dump(const DumpRequest& request, FlowSink& sink) override {
    if (fd_ < 0) {
      // An earlier Dump() read the file to its end: read it again from the start.
      if (IsStdin()) {
        return absl::FailedPreconditionError(
            "standard input was already read by an earlier dump");
      }
      absl::StatusOr<int> fd = OpenFile(kind_, path_);
      if (!fd.ok()) return fd.status();
      fd_ = *fd;
    }
    ProcReaderOptions options;
    options.family = request.family;
    ProcReader reader(options);
    absl::Status status = reader.ReadFd(fd_, IsStdin() ? "standard input" : path_, sink);
    CloseFd();
    return status;
  }

 private:
  bool IsStdin() const { return kind_ == Kind::kInput && path_ == "-"; }

  void CloseFd() {
    if (fd_ >= 0 && !IsStdin()) ::close(fd_);
    fd_ = -1;
  }

  const Kind kind_;
  const std::string path_;
  int fd_;  // -1 once read
};

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> MakeProcBackend(std::string path) {
  absl::StatusOr<int> fd = OpenFile(Kind::kProc, path);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<Backend>(new ProcBackend(Kind::kProc, std::move(path), *fd));
}

absl::StatusOr<std::unique_ptr<Backend>> MakeProcInputBackend(std::string path) {
  if (path == "-") {
    return std::unique_ptr<Backend>(new ProcBackend(Kind::kInput, std::move(path), STDIN_FILENO));
  }
  absl::StatusOr<int> fd = OpenFile(Kind::kInput, path);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<Backend>(new ProcBackend(Kind::kInput, std::move(path), *fd));
}

}  // namespace ctdump
