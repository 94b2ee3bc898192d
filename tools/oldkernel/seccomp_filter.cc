#include "tools/oldkernel/seccomp_filter.h"

#include <seccomp.h>
#include <string.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace oldkernel {
namespace {

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

absl::Status Failed(int rc, absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(-rc)));
}

}  // namespace

absl::Status LoadSeccompFilter(const Plan& plan) {
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return absl::InternalError("seccomp_init failed");
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return Failed(rc, "seccomp_attr_set(CTL_NNP)");
  rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  if (rc < 0) return Failed(rc, "seccomp_attr_set(ACT_BADARCH)");
  for (const Rule& r : plan.rules) {
    std::vector<scmp_arg_cmp> cmps;
    for (const ArgCheck& a : r.args) {
      cmps.push_back(scmp_arg_cmp{static_cast<unsigned int>(a.arg), SCMP_CMP_MASKED_EQ,
                                  a.mask, a.value});
    }
    rc = seccomp_rule_add_exact_array(ctx.get(), SCMP_ACT_ERRNO(r.err), r.nr,
                                      static_cast<unsigned int>(cmps.size()), cmps.data());
    if (rc < 0) {
      return Failed(rc, absl::StrCat("seccomp_rule_add(", r.syscall, " ", r.nr,
                                     r.what.empty() ? "" : " ", r.what, ")"));
    }
  }
  rc = seccomp_load(ctx.get());
  if (rc < 0) return Failed(rc, "seccomp_load");
  return absl::OkStatus();
}

}  // namespace oldkernel
