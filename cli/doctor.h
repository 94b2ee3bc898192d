// File: cli/doctor.h
//
// `ctdump --doctor`: why conntrack data is (or would be) missing, found without changing
// anything: privileges, whether ctnetlink answers, which /proc files exist and can be
// read, the table's count and maximum, the accounting and timestamp sysctls, and, when
// the table is empty, the likely reason.
//
//   DoctorEnv env;                                  // the real system
//   std::vector<Finding> findings = Diagnose(env);
//   for (const Finding& f : findings) Print(f);
//
// Everything Diagnose() reads goes through DoctorEnv, so tests can give it a fake /proc
// tree and a fake ctnetlink probe. Each check is its own function in doctor.cc.
//
// Why in cli/: the findings are advice to the person running ctdump (sudo, --netns, the
// sysctl commands to type), while an embedder of the library already gets the same facts
// as data, from the absl::Status a Backend's Dump() or MakeBackend() returns.

#ifndef CTDUMP_CLI_DOCTOR_H_
#define CTDUMP_CLI_DOCTOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctdump {

struct Finding {
  enum Level { kOk, kInfo, kWarning, kProblem };
  Level level = kInfo;
  std::string topic;  // "privileges", "ctnetlink", "procfs", "table", "accounting", ...
  std::string text;   // one or more sentences: what was found and what to do
};

// Result of trying to read the table through ctnetlink: the number of entries seen by a
// short dump, or the error (kPermissionDenied, kFailedPrecondition, ...).
using NetlinkProbe = std::function<absl::StatusOr<uint64_t>()>;

struct DoctorEnv {
  // Prefix for every /proc path read ("" = the real /proc; tests give a fake tree).
  std::string root;
  // Effective capabilities (CapEff of /proc/self/status) when known; read from `root`
  // when empty.
  std::optional<uint64_t> cap_eff;
  // The ctnetlink probe; nullptr = the real one (a dump that stops after one entry).
  NetlinkProbe netlink_probe;
};

// Runs every check; never fails (a check that cannot run says so in its finding).
std::vector<Finding> Diagnose(const DoctorEnv& env);

// True when some source of entries works according to `findings` (the exit status of
// --doctor is 0 then, 1 otherwise).
bool AnySourceWorks(const std::vector<Finding>& findings);

// "ok", "info", "warning", "problem".
const char* LevelName(Finding::Level level);

}  // namespace ctdump

#endif  // CTDUMP_CLI_DOCTOR_H_
