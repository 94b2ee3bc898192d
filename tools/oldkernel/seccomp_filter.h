// File: tools/oldkernel/seccomp_filter.h
//
// Loads a Plan (filter_plan.h) into the calling process as a seccomp filter, through
// libseccomp (linked statically). The filter's default is to allow; each rule answers
// its call with SCMP_ACT_ERRNO(rule.err) without running it. Calls of other
// architectures (i386, x32) are allowed untouched: only the x86-64 ABI is simulated.
//
// The caller must have set PR_SET_NO_NEW_PRIVS (or hold CAP_SYS_ADMIN): this function
// does not set it, so that the harness does it visibly, first. The filter stays for
// the life of the process and is inherited across fork(2), clone(2) and execve(2).
// Errors name the rule libseccomp refused, or the load that failed.

#ifndef CTDUMP_TOOLS_OLDKERNEL_SECCOMP_FILTER_H_
#define CTDUMP_TOOLS_OLDKERNEL_SECCOMP_FILTER_H_

#include "absl/status/status.h"
#include "tools/oldkernel/filter_plan.h"

namespace oldkernel {

absl::Status LoadSeccompFilter(const Plan& plan);

}  // namespace oldkernel

#endif  // CTDUMP_TOOLS_OLDKERNEL_SECCOMP_FILTER_H_
