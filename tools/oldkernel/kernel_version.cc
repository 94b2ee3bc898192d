#include "tools/oldkernel/kernel_version.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace oldkernel {

absl::StatusOr<KernelVersion> KernelVersion::Parse(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad kernel version `", text, "' (", why, "); want MAJOR.MINOR[.PATCH], e.g. 2.6.32"));
  };
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() < 2 || parts.size() > 3) return bad("two or three numbers");
  int numbers[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) {
    absl::string_view p = parts[i];
    if (p.empty() || p.size() > 3) return bad("each part is 1 to 3 digits");
    for (char c : p) {
      if (c < '0' || c > '9') return bad("each part is 1 to 3 digits");
    }
    if (!absl::SimpleAtoi(p, &numbers[i])) return bad("not a number");
  }
  if (numbers[0] < 2) return bad("Linux before 2.0 is not x86-64");
  return KernelVersion{numbers[0], numbers[1], numbers[2]};
}

std::string KernelVersion::ToString() const {
  if (major == 2 || patch != 0) return absl::StrCat(major, ".", minor, ".", patch);
  return absl::StrCat(major, ".", minor);
}

}  // namespace oldkernel
