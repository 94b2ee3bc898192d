// File: tools/oldkernel/kernel_version.h
//
// An upstream Linux version, MAJOR.MINOR[.PATCH], as the simulation harness compares
// them: 2.6.27 < 2.6.32 < 3.0 < 3.10 < 4.4. A missing PATCH is 0, so "3.10" is
// 3.10.0. Only the release a feature first appeared in matters here, so no -rcN, no
// distro suffix ("3.10.0-1160.el7" is refused: say "3.10").
//
//   absl::StatusOr<KernelVersion> v = KernelVersion::Parse("2.6.32");
//   if (v.ok() && *v < KernelVersion{3, 0}) ...   // no setns(2)

#ifndef CTDUMP_TOOLS_OLDKERNEL_KERNEL_VERSION_H_
#define CTDUMP_TOOLS_OLDKERNEL_KERNEL_VERSION_H_

#include <string>
#include <tuple>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace oldkernel {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // Accepts "MAJOR.MINOR" and "MAJOR.MINOR.PATCH" (decimal, each 0..999, MAJOR >= 2).
  // kInvalidArgument names the text otherwise.
  static absl::StatusOr<KernelVersion> Parse(absl::string_view text);

  // "2.6.32", "3.10" (no ".0" when patch is 0 and major >= 3), "2.6.0" for 2.6.
  std::string ToString() const;

  friend bool operator<(const KernelVersion& a, const KernelVersion& b) {
    return std::tie(a.major, a.minor, a.patch) < std::tie(b.major, b.minor, b.patch);
  }
  friend bool operator==(const KernelVersion& a, const KernelVersion& b) {
    return std::tie(a.major, a.minor, a.patch) == std::tie(b.major, b.minor, b.patch);
  }
  friend bool operator!=(const KernelVersion& a, const KernelVersion& b) { return !(a == b); }
  friend bool operator<=(const KernelVersion& a, const KernelVersion& b) { return !(b < a); }
  friend bool operator>(const KernelVersion& a, const KernelVersion& b) { return b < a; }
  friend bool operator>=(const KernelVersion& a, const KernelVersion& b) { return !(a < b); }
};

}  // namespace oldkernel

#endif  // CTDUMP_TOOLS_OLDKERNEL_KERNEL_VERSION_H_
