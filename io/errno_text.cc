#include "io/errno_text.h"

#include <errno.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace ctdump {
namespace {

// strerror_r comes in a GNU (char*) and an XSI (int) flavour; take either.
[[maybe_unused]] const char* PickErrorText(int rc, const char* buf) {
  return rc == 0 ? buf : "unknown error";
}
[[maybe_unused]] const char* PickErrorText(const char* text, const char*) { return text; }

}  // namespace

std::string ErrnoName(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case ENOMEM: return "ENOMEM";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EAGAIN: return "EAGAIN";
    case ENOBUFS: return "ENOBUFS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    default: return absl::StrCat("errno ", err);
  }
}

std::string ErrnoDescription(int err) {
  char buf[256];
  buf[0] = '\0';
  return PickErrorText(strerror_r(err, buf, sizeof(buf)), buf);
}

}  // namespace ctdump
