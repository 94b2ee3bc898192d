#include "cli/stop_signal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ctdump {
namespace {

int g_write_fd = -1;

void OnSignal(int) {
  const int saved = errno;
  const char byte = 1;
  if (g_write_fd >= 0) (void)!write(g_write_fd, &byte, 1);
  errno = saved;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StopSignal>> StopSignal::Install() {
  return InstallFor({SIGINT, SIGTERM});
}

absl::StatusOr<std::unique_ptr<StopSignal>> StopSignal::InstallFor(std::vector<int> signals) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  g_write_fd = fds[1];
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR
  for (int sig : signals) {
    if (sigaction(sig, &sa, nullptr) < 0) {
      return absl::InternalError(absl::StrCat("sigaction: ", std::strerror(errno)));
    }
  }
  return std::unique_ptr<StopSignal>(new StopSignal(fds[0], fds[1], std::move(signals)));
}

StopSignal::~StopSignal() {
  for (int sig : signals_) signal(sig, SIG_DFL);
  g_write_fd = -1;
  close(read_fd_);
  close(write_fd_);
}

bool StopSignal::requested() const { return WaitFor(0); }

bool StopSignal::WaitFor(double seconds) const {
  struct pollfd p = {read_fd_, POLLIN, 0};
  const int ms = static_cast<int>(std::lround(seconds * 1000));
  for (;;) {
    int n = poll(&p, 1, ms);
    if (n < 0 && errno == EINTR) continue;  // the byte is in the pipe; poll again
    return n > 0;
  }
}

}  // namespace ctdump
