// File: backends/select.h
//
// Run-time choice of a backend, by a spec string as the CLI's --backend/--input take it.
//
//   auto log = [](absl::string_view msg) { std::cerr << "ctdump: " << msg << "\n"; };
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, MakeBackend("auto", log));
//
// Specs:
//   "auto"          ctnetlink, then /proc/net/nf_conntrack, then /proc/net/ip_conntrack.
//                   A source is passed over when its Dump() fails before delivering any
//                   flow because it is missing or not permitted (kFailedPrecondition,
//                   kPermissionDenied, kUnimplemented, kNotFound); later failures stand.
//                   When every source fails, the error lists each one and why.
//   "netlink"       ctnetlink only (any kernel with nf_conntrack_netlink).
//   "procfs"        /proc/net/nf_conntrack, then /proc/net/ip_conntrack.
//   "procfs:PATH"   one /proc-format file.
//   "input:PATH"    a saved copy of either /proc file ("input:-" reads stdin).
// Errors: kInvalidArgument for an unknown spec.

#ifndef CTDUMP_BACKENDS_SELECT_H_
#define CTDUMP_BACKENDS_SELECT_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/backend.h"

namespace ctdump {

// Receives one line of explanation per decision (which backend is used, why one was
// passed over). May be empty.
using BackendLog = std::function<void(absl::string_view)>;

// The backends this build has, as `ctdump --version` lists them (comma-separated).
inline constexpr char kCompiledBackends[] = "netlink,procfs";

absl::StatusOr<std::unique_ptr<Backend>> MakeBackend(absl::string_view spec,
                                                     BackendLog log = nullptr);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_SELECT_H_
