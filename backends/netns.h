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

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

  // Enters the namespace file `path` only if it still is the namespace (st_dev, st_ino)
  // that was listed (--all-netns: ListNetworkNamespaces()). kNotFound when the file is
  // gone or now names another namespace (the namespace vanished); other errors as Enter().
  static absl::StatusOr<std::unique_ptr<ScopedNetns>> EnterListed(const std::string& path,
                                                                  uint64_t dev, uint64_t ino);

 private:
  static absl::StatusOr<std::unique_ptr<ScopedNetns>> EnterPath(absl::string_view spec,
                                                                std::string path,
                                                                const uint64_t* dev_ino);
  ScopedNetns(int original_fd, std::string path) : original_fd_(original_fd), path_(std::move(path)) {}
  int original_fd_;
  std::string path_;
};

// --all-netns: every network namespace of the host, each once.
//
//   CTDUMP_ASSIGN_OR_RETURN(NetnsList all, ListNetworkNamespaces());
//   for (const NetnsInfo& ns : all.namespaces) { ... ScopedNetns::EnterListed(ns.path, ...) }
//
// Namespaces are found in two places: the names under /run/netns (what `ip netns add`
// makes) and the processes' /proc/PID/ns/net (which includes the root namespace, that of
// PID 1, and those of containers). They are told apart by the nsfs inode (st_dev and
// st_ino of stat(2) on the file), so a namespace that has a name and processes is listed
// once, under its name. Threads that moved to another namespace alone (/proc/PID/task/)
// are not looked at. Needs Linux 3.0+ (/proc/PID/ns/) and, to see other users'
// processes, root.
struct NetnsInfo {
  std::string name;  // "blue" for /run/netns/blue; else "pid:N", N the lowest pid in it
  std::string path;  // the file to enter: /run/netns/blue or /proc/N/ns/net
  uint64_t dev = 0;  // st_dev and st_ino of the namespace (nsfs)
  uint64_t ino = 0;
};

struct NetnsList {
  // Named namespaces first (by name), then the others by pid.
  std::vector<NetnsInfo> namespaces;
  // Files under /run/netns that are not a namespace (no nsfs mount on them): what
  // `ip netns add` has made but not mounted yet, or `ip netns delete` unmounted but not
  // removed yet, or a leftover of a failure. Left out.
  std::vector<std::string> not_namespaces;
  // Files under /run/netns that could not be examined, with why (e.g. "/run/netns/x:
  // Permission denied"). Processes that exit while being listed are left out silently.
  std::vector<std::string> problems;
};

// Lists the namespaces under `run_netns` (a missing directory is no error) and of the
// processes under `proc`. Errors: kFailedPrecondition when `proc` has no readable
// /proc/self/ns/net (kernels before 3.0, no /proc), else the errno of reading `proc`.
absl::StatusOr<NetnsList> ListNetworkNamespaces(const std::string& run_netns = "/run/netns",
                                                const std::string& proc = "/proc");

// The pure part: keeps the first of each (dev, ino) in `candidates` (given in the order
// wanted: named ones first), in order.
std::vector<NetnsInfo> DedupNamespaces(std::vector<NetnsInfo> candidates);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETNS_H_
