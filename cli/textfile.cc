#include "cli/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"

namespace ctdump {
namespace {

absl::Status Errno(int err, absl::string_view what, absl::string_view path) {
  return absl::ErrnoToStatus(err, absl::StrCat(what, " ", path));
}

absl::Status WriteAll(int fd, absl::string_view text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(errno, "write", path);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Holds SIGINT, SIGTERM and SIGHUP back for its lifetime.
class BlockStopSignals {
 public:
  BlockStopSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &old_);
  }
  ~BlockStopSignals() { sigprocmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

}  // namespace

absl::Status PublishTextfile(const std::string& path, absl::string_view text) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty()) return absl::InvalidArgumentError(absl::StrCat("--textfile `", path, "' names no file"));
  std::string tmp = absl::StrCat(dir, "/.", base, ".XXXXXX");
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');

  BlockStopSignals hold;
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return Errno(errno, "create a temporary file in", dir);
  tmp = name.data();
  absl::Status s;
  if (fchmod(fd, 0644) != 0) s = Errno(errno, "chmod", tmp);
  if (s.ok()) s = WriteAll(fd, text, tmp);
  if (s.ok() && fsync(fd) != 0) s = Errno(errno, "fsync", tmp);
  if (close(fd) != 0 && s.ok()) s = Errno(errno, "close", tmp);
  if (s.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    s = Errno(errno, absl::StrCat("rename ", tmp, " to"), path);
  }
  if (!s.ok()) {
    unlink(tmp.c_str());
    return s;
  }
  // The rename itself is durable once the directory is.
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace ctdump
