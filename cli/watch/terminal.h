// File: cli/watch/terminal.h
//
// The terminal side of `ctdump --watch`: plain ANSI/VT100 sequences written by hand (no
// terminfo, no ncurses: the static fleet binary carries no terminal database), raw
// keyboard input, and the window size.
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Terminal> term, Terminal::Open(0, 1));
//   term->Draw(lines);                                   // full screen, no flicker
//   Terminal::Event e = term->Wait(stop_fd, 2.0);         // a key, a resize, a stop, or time
//
// Contract:
//  * Open() saves the termios of `in_fd`, turns off canonical mode and echo (ISIG stays
//    on, so Ctrl-C is SIGINT, which the caller's StopSignal turns into a clean stop),
//    switches to the alternate screen (CSI ?1049h) and hides the cursor (CSI ?25l).
//  * The destructor undoes all of it: cursor shown, alternate screen left, termios
//    restored. Every exit path of the caller goes through it (q, SIGINT, SIGTERM, SIGHUP
//    through StopSignal, errors returned, exceptions unwound).
//  * SIGWINCH is blocked except inside Wait(), which returns kResize when it arrived
//    (ppoll with the signal unblocked: no resize is lost between a check and the wait).
//  * Sequences used: CSI H (home), CSI K (erase to end of line), CSI J (erase below),
//    CSI ?25l/h, CSI ?1049h/l. Any VT100-compatible terminal has the first three;
//    terminals without an alternate screen ignore ?1049.

#ifndef CTDUMP_CLI_WATCH_TERMINAL_H_
#define CTDUMP_CLI_WATCH_TERMINAL_H_

#include <signal.h>
#include <termios.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/watch/screen.h"
#include "io/fd_writer.h"

namespace ctdump {

class Terminal {
 public:
  struct Event {
    enum Kind { kTimeout, kKey, kResize, kStop, kEndOfInput } kind = kTimeout;
    int key = 0;
  };

  // Errors: kFailedPrecondition when `in_fd` is not a terminal (tcgetattr failed);
  // kInternal when the signal mask or terminal cannot be set (errno text).
  static absl::StatusOr<std::unique_ptr<Terminal>> Open(int in_fd, int out_fd);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // The window's size (TIOCGWINSZ), 80x24 when the terminal does not say.
  ScreenSize Size() const;
  // Draws `lines` from the top-left corner, erasing what is left of the old screen.
  void Draw(const std::vector<std::string>& lines);
  // Waits up to `seconds` for a key on the input, a SIGWINCH, or `stop_fd` readable.
  // Returns one key per call (escape sequences, such as arrow keys, are read and dropped).
  Event Wait(int stop_fd, double seconds);

 private:
  Terminal(int in_fd, int out_fd, const struct termios& saved, const sigset_t& old_mask)
      : in_fd_(in_fd), out_fd_(out_fd), saved_(saved), old_mask_(old_mask), out_(out_fd) {}
  void Write(const std::string& s);

  int in_fd_;
  int out_fd_;
  struct termios saved_;
  sigset_t old_mask_;
  FdWriter out_;         // every write to the terminal goes through it
  std::string pending_;  // keys read but not yet returned
};

}  // namespace ctdump

#endif  // CTDUMP_CLI_WATCH_TERMINAL_H_
