#include "cli/watch/terminal.h"

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ctdump {
namespace {

volatile sig_atomic_t g_resized = 0;

void OnWinch(int) { g_resized = 1; }

constexpr char kEnter[] = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
constexpr char kLeave[] = "\x1b[?25h\x1b[?1049l";

}  // namespace

absl::StatusOr<std::unique_ptr<Terminal>> Terminal::Open(int in_fd, int out_fd) {
  struct termios saved;
  if (tcgetattr(in_fd, &saved) < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--watch needs a terminal on standard input for its keys (tcgetattr: ",
        std::strerror(errno), "); use --batch for plain text screens"));
  }
  struct sigaction sa = {};
  sa.sa_handler = OnWinch;
  sigemptyset(&sa.sa_mask);
  sigset_t winch, old_mask;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  if (sigaction(SIGWINCH, &sa, nullptr) < 0 ||
      sigprocmask(SIG_BLOCK, &winch, &old_mask) < 0) {
    return absl::InternalError(absl::StrCat("cannot handle SIGWINCH: ", std::strerror(errno)));
  }
  struct termios raw = saved;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  std::unique_ptr<Terminal> t(new Terminal(in_fd, out_fd, saved, old_mask));
  if (tcsetattr(in_fd, TCSAFLUSH, &raw) < 0) {
    return absl::InternalError(
        absl::StrCat("cannot set the terminal's mode: ", std::strerror(errno)));
  }
  t->Write(kEnter);
  return t;
}

Terminal::~Terminal() {
  Write(kLeave);
  tcsetattr(in_fd_, TCSAFLUSH, &saved_);
  signal(SIGWINCH, SIG_DFL);
  sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

void Terminal::Write(const std::string& s) {
  out_.buffer().Append(s);
  // A failure means the terminal is gone (EIO after a hang-up): nothing to draw on, and
  // the SIGHUP that came with it stops the loop.
  (void)out_.Flush();
}

ScreenSize Terminal::Size() const {
  struct winsize ws = {};
  if (ioctl(out_fd_, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0 || ws.ws_row == 0) {
    return ScreenSize{80, 24};
  }
  return ScreenSize{ws.ws_col, ws.ws_row};
}

void Terminal::Draw(const std::vector<std::string>& lines) {
  std::string s = "\x1b[H";
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::StrAppend(&s, lines[i], "\x1b[K", i + 1 < lines.size() ? "\r\n" : "");
  }
  s += "\x1b[J";
  Write(s);
}

Terminal::Event Terminal::Wait(int stop_fd, double seconds) {
  Event e;
  if (!pending_.empty()) {
    e.kind = Event::kKey;
    e.key = static_cast<unsigned char>(pending_[0]);
    pending_.erase(0, 1);
    return e;
  }
  if (g_resized) {
    g_resized = 0;
    e.kind = Event::kResize;
    return e;
  }
  struct pollfd p[2] = {{stop_fd, POLLIN, 0}, {in_fd_, POLLIN, 0}};
  if (seconds < 0) seconds = 0;
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(seconds);
  ts.tv_nsec = static_cast<long>((seconds - std::floor(seconds)) * 1e9);
  const int n = ppoll(p, 2, &ts, &old_mask_);  // SIGWINCH unblocked while waiting
  if (n < 0) {
    if (errno == EINTR && g_resized) {
      g_resized = 0;
      e.kind = Event::kResize;
    }
    return e;  // another signal: the caller checks the stop fd on its next wait
  }
  if (n == 0) return e;
  if (p[0].revents != 0) {
    e.kind = Event::kStop;
    return e;
  }
  char buf[64];
  ssize_t got = read(in_fd_, buf, sizeof(buf));
  if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
    e.kind = Event::kEndOfInput;  // the terminal hung up
    return e;
  }
  if (got < 0) return e;
  if (buf[0] == '\x1b') return e;  // an escape sequence (arrow keys ...): not ours
  pending_.assign(buf + 1, static_cast<size_t>(got - 1));
  e.kind = Event::kKey;
  e.key = static_cast<unsigned char>(buf[0]);
  return e;
}

}  // namespace ctdump
