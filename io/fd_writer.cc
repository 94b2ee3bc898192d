#include "io/fd_writer.h"

#include <errno.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace ctdump {

absl::Status FdWriter::WriteAll(absl::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      if (err == EPIPE) return absl::CancelledError("output closed by the reader");
      return absl::ErrnoToStatus(err, absl::StrCat("write to fd ", fd_));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FdWriter::Flush() {
  absl::Status s = WriteAll(buffer_.view());
  buffer_.clear();
  return s;
}

absl::Status FdWriter::Write(absl::string_view bytes) {
  if (bytes.size() < kFlushThreshold) {
    buffer_.Append(bytes);
    return MaybeFlush();
  }
  absl::Status s = Flush();
  if (!s.ok()) return s;
  return WriteAll(bytes);
}

}  // namespace ctdump
