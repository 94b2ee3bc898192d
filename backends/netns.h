// File: backends/netns.h
//
// Runs work inside another network namespace and comes back (--netns).
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<ScopedNetns> ns, ScopedNetns::Enter("blue"));
//   ... open sockets, read /proc/net/nf_conntrack: they belong to "blue" ...
//   CTDUMP_RETURN_IF_ERROR(ns->Leave());   // or let the destructor restore
//
// Specs: "NAME" is /run/netns/NAME (as `ip netns add` makes), "pid:N" is the namespace of
// process N (/proc/N/ns/net), anything with a '/' is a path to a namespace file.
// setns(2) moves the calling thread only; ctdump is single-threaded. Sockets keep the
// namespace they were created in, so create backends after Enter().
// Needs CAP_SYS_ADMIN (root). Linux 3.0+: on older kernels (no setns(2), ENOSYS, and no
// /proc/PID/ns/ files) Enter() fails with kFailedPrecondition saying so.

#ifndef CTDUMP_BACKENDS_NETNS_H_
#define CTDUMP_BACKENDS_NETNS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctdump {

class ScopedNetns {
 public:
  // Errors: kInvalidArgument (empty spec or bad pid), kNotFound (no such namespace),
  // kPermissionDenied (needs root), kFailedPrecondition (not a network namespace file).
  static absl::StatusOr<std::unique_ptr<ScopedNetns>> Enter(absl::string_view spec);

  // Returns to the original namespace. Idempotent.
  absl::Status Leave();
  ~ScopedNetns();

  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;

  // The path that was entered, e.g. "/run/netns/blue".
  const std::string& path() const { return path_; }

  // The file a spec names, without touching the system.
  static absl::StatusOr<std::string> PathOf(absl::string_view spec);

 private:
  ScopedNetns(int original_fd, std::string path) : original_fd_(original_fd), path_(std::move(path)) {}
  int original_fd_;
  std::string path_;
};

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETNS_H_
