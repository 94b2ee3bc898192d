// File: cli/stop_signal.h
//
// SIGINT and SIGTERM as a readable file descriptor (the self-pipe trick), so that a
// command waiting in poll() ends cleanly instead of dying mid-write:
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<StopSignal> stop, StopSignal::Install());
//   listener->Run(sink, stop->fd());          // returns when a signal arrived
//   if (stop->requested()) ...
//
// The handlers are installed without SA_RESTART and only write one byte to a
// non-blocking pipe (async-signal-safe). One StopSignal at a time; its destructor
// restores the default handlers. InstallFor() takes other signals too (--watch also
// stops on SIGHUP, so that a closed terminal still gets its modes restored).

#ifndef CTDUMP_CLI_STOP_SIGNAL_H_
#define CTDUMP_CLI_STOP_SIGNAL_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"

namespace ctdump {

class StopSignal {
 public:
  // Errors: kInternal when the pipe or the handlers cannot be set up (errno text).
  static absl::StatusOr<std::unique_ptr<StopSignal>> Install();
  // The same for `signals` (e.g. {SIGINT, SIGTERM, SIGHUP}).
  static absl::StatusOr<std::unique_ptr<StopSignal>> InstallFor(std::vector<int> signals);
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // Readable once one of the signals (SIGINT or SIGTERM by default) has arrived.
  int fd() const { return read_fd_; }
  bool requested() const;
  // Waits up to `seconds` or until a signal arrives; true when a signal arrived.
  bool WaitFor(double seconds) const;

 private:
  StopSignal(int read_fd, int write_fd, std::vector<int> signals)
      : read_fd_(read_fd), write_fd_(write_fd), signals_(std::move(signals)) {}
  int read_fd_;
  int write_fd_;
  std::vector<int> signals_;
};

}  // namespace ctdump

#endif  // CTDUMP_CLI_STOP_SIGNAL_H_
