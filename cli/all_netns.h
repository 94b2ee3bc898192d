// File: cli/all_netns.h
//
// --all-netns: runs one command's work inside every network namespace of the host
// (backends/netns.h ListNetworkNamespaces(): the names under /run/netns and the
// namespaces of running processes, the root namespace included, each once), entering
// each with setns(2) and coming back to the original namespace after it.
//
//   int rc = ForEachNetns(log, [&](const NetnsInfo& ns, bool* stop) {
//     ... open sockets / files here: they belong to `ns` ...
//     return 0;   // or 1 after printing why
//   });
//
// A /run/netns file with no namespace mounted on it (one that `ip netns add` or
// `ip netns delete` is working on, or a leftover) is reported and skipped, exit status
// unchanged. A namespace that vanishes between the listing and its turn (its /run/netns file or its
// last process gone, or the file now naming another namespace) is reported on stderr
// ("network namespace NAME vanished ...; skipped") and does not change the exit status:
// a namespace that no longer exists has no entries to miss. A namespace that exists but
// cannot be entered (EPERM, EACCES, ...) or a
// /run/netns entry that cannot be examined is reported and skipped, and makes the result
// 1: the listing is incomplete. Failing to return to the original namespace ends the run
// at once (1). Needs root (CAP_SYS_ADMIN for setns, CAP_SYS_PTRACE-level access to other
// users' /proc/PID/ns/net) and Linux 3.0+.

#ifndef CTDUMP_CLI_ALL_NETNS_H_
#define CTDUMP_CLI_ALL_NETNS_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "backends/netns.h"
#include "backends/select.h"

namespace ctdump {

// `body` runs inside each namespace in turn and returns 0, or 1 after printing why; it
// sets *stop to end the walk (e.g. stdout went away). Returns the largest code of the
// bodies and of the skipped namespaces (see above). The messages about skipped
// namespaces go to `report` (default: stderr; --watch shows them on its screen);
// `fatal` is true for the one that ends the run (the way back failed).
using NetnsReport = std::function<void(const std::string& message, bool fatal)>;
int ForEachNetns(const BackendLog& log,
                 const std::function<int(const NetnsInfo& ns, bool* stop)>& body,
                 const NetnsReport& report = nullptr);

// Adds `name` (a Backend::Name()) to `names`, the comma-separated backends one result
// spanning several namespaces was read with ("netlink", or "netlink,procfs ..." when
// namespaces differ), unless it is empty or already there.
void AddBackendName(absl::string_view name, std::string* names);

}  // namespace ctdump

#endif  // CTDUMP_CLI_ALL_NETNS_H_
