// File: io/fd_writer.h
//
// FdWriter: a TextBuffer (core/text_buffer.h) that is sent to a file descriptor in large
// writes, retrying EINTR and short writes.
//
//   FdWriter out(STDOUT_FILENO);
//   out.buffer().Append("use=");
//   out.buffer().AppendU64(1);
//   CTDUMP_RETURN_IF_ERROR(out.MaybeFlush());   // writes once 64 KiB have piled up
//   CTDUMP_RETURN_IF_ERROR(out.Flush());

#ifndef CTDUMP_IO_FD_WRITER_H_
#define CTDUMP_IO_FD_WRITER_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/text_buffer.h"

namespace ctdump {

// Buffers output for a file descriptor and writes it in large chunks.
class FdWriter {
 public:
  static constexpr size_t kFlushThreshold = 64 * 1024;

  explicit FdWriter(int fd) : fd_(fd), buffer_(kFlushThreshold + 8192) {}
  ~FdWriter() = default;

  TextBuffer& buffer() { return buffer_; }

  // Writes everything buffered. Retries on EINTR and short writes.
  // Errors: kUnavailable with the errno text; EPIPE (reader went away, as in
  // `ctdump | head -1`) gives kCancelled so callers can stop quietly.
  absl::Status Flush();
  // Flushes when kFlushThreshold bytes are buffered.
  absl::Status MaybeFlush() {
    return buffer_.size() >= kFlushThreshold ? Flush() : absl::OkStatus();
  }
  // Appends `bytes` after what is buffered; a large piece is written straight from
  // `bytes` (after the buffer) instead of being copied. Errors as Flush().
  absl::Status Write(absl::string_view bytes);

 private:
  // write()s all of `bytes`, retrying EINTR and short writes. Errors as Flush().
  absl::Status WriteAll(absl::string_view bytes);

  int fd_;
  TextBuffer buffer_;
};

}  // namespace ctdump

#endif  // CTDUMP_IO_FD_WRITER_H_
