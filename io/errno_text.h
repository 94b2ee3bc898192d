// File: io/errno_text.h
//
// The one way ctdump words an errno in a message: its symbolic name where a reader acts
// on it (EPERM: run as root; EINVAL from ctnetlink: module missing), and the C library's
// description where the name would say nothing more.
//
//   ErrnoName(EPERM)          -> "EPERM"      (a number without a name here: "errno 1234")
//   ErrnoDescription(ENOENT)  -> "No such file or directory"   (thread-safe strerror)

#ifndef CTDUMP_IO_ERRNO_TEXT_H_
#define CTDUMP_IO_ERRNO_TEXT_H_

#include <string>

namespace ctdump {

// The E-name of the errnos that ctnetlink and the /proc files produce, else "errno N".
std::string ErrnoName(int err);

// strerror_r()'s text ("unknown error" if it fails).
std::string ErrnoDescription(int err);

}  // namespace ctdump

#endif  // CTDUMP_IO_ERRNO_TEXT_H_
