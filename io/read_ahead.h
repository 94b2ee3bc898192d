// File: io/read_ahead.h
//
// ReadAhead: reads a stream on a second thread, a bounded number of chunks ahead of the
// thread that decodes it, so that the kernel's cost of producing the bytes (a ctnetlink
// dump runs inside recvmsg(), /proc/net/nf_conntrack is generated inside read()) overlaps
// with decoding, filtering and formatting. On two cores the wall time of a listing is then
// about the kernel's cost alone instead of the kernel's plus ours.
//
//   ReadAhead ahead(ReadAhead::Options{.chunk_bytes = 64 << 10, .depth = 4},
//                   [&](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> { ... },
//                   [](absl::Span<const uint8_t> chunk) { return ContainsDone(chunk); });
//   for (;;) {
//     CTDUMP_ASSIGN_OR_RETURN(absl::Span<const uint8_t> chunk, ahead.Next());
//     if (chunk.empty()) break;  // the end of the stream
//     Decode(chunk);             // valid until the next call of Next()
//   }
//
// Contract:
//  * `fill(buf)` is called on the reading thread only, one call at a time, never after it
//    returned an error or 0, and never after `is_last` said yes to a chunk it filled. It
//    returns the number of bytes written to `buf` (1..buf.size()), 0 at the end of the
//    stream, or an error. Errors are delivered by Next() in order, after every chunk
//    filled before them, and end the stream.
//  * Memory is bounded: `depth` buffers of `chunk_bytes`, allocated up front. The reading
//    thread waits while all of them hold chunks the consumer has not taken.
//  * Next() blocks until the next chunk is there. The span it returns stays valid until
//    the next call of Next() or the destruction of the ReadAhead.
//  * The destructor (or an early return of the consumer) stops the reading thread after
//    its current fill() call and joins it. fill() must therefore return in bounded time:
//    use ReadAhead only for sources that never block indefinitely (a ctnetlink dump in
//    progress, a /proc or regular file), never for a pipe or a terminal.
//  * With Options::threaded false, fill() runs inside Next() on the calling thread, with
//    the same results (for debugging and for measuring what the overlap gains). The same
//    happens when the thread cannot be started (std::thread throws: RLIMIT_NPROC, no
//    memory for its stack); threaded() then says false.
//  * std::bad_alloc thrown by fill() ends the stream with a kResourceExhausted error
//    instead of escaping (on the reading thread it would call std::terminate()).
//  * Not thread-safe: one consumer thread calls Next().

#ifndef CTDUMP_IO_READ_AHEAD_H_
#define CTDUMP_IO_READ_AHEAD_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace ctdump {

class ReadAhead {
 public:
  struct Options {
    size_t chunk_bytes = size_t{64} << 10;
    int depth = 4;  // buffers; at least 2 when threaded
    bool threaded = true;
  };
  using FillFn = std::function<absl::StatusOr<size_t>(absl::Span<uint8_t> buf)>;
  using IsLastFn = std::function<bool(absl::Span<const uint8_t> chunk)>;

  // Starts the reading thread (when threaded). `is_last` may be empty (the stream then
  // ends only when fill() returns 0 or an error).
  ReadAhead(Options options, FillFn fill, IsLastFn is_last = nullptr);
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead();

  // The next chunk; an empty span once the stream has ended; the fill() error where it
  // occurred. After the end or an error, every further call returns the same.
  absl::StatusOr<absl::Span<const uint8_t>> Next();

  // Chunks filled so far (including ones not yet taken by Next()).
  uint64_t chunks_filled() const;

  // True while a reading thread does the filling (false when Options::threaded was false
  // or the thread could not be started).
  bool threaded() const { return threaded_; }

 private:
  struct Filled {
    int slot = -1;  // -1: the stream ended here (status says how)
    size_t size = 0;
    absl::Status status;
    bool last = false;  // is_last said yes: nothing follows this chunk
  };

  void Run();                // the reading thread
  Filled FillOne(int slot);  // one fill() call into `slot`, `is_last` applied

  const Options options_;
  FillFn fill_;
  IsLastFn is_last_;
  bool threaded_;  // set before the thread starts; constant afterwards
  const absl::Status out_of_memory_ =
      absl::ResourceExhaustedError("out of memory while reading");
  std::vector<std::unique_ptr<uint8_t[]>> buffers_;

  mutable std::mutex mu_;
  std::condition_variable free_cv_;   // free_ gained a slot, or cancel_
  std::condition_variable ready_cv_;  // ready_ gained an entry
  std::deque<int> free_;      // guarded by mu_
  std::deque<Filled> ready_;  // guarded by mu_
  bool cancel_ = false;       // guarded by mu_
  uint64_t filled_ = 0;       // guarded by mu_

  int held_ = -1;             // the slot the consumer holds (consumer thread only)
  bool finished_ = false;     // consumer saw the end (consumer thread only)
  absl::Status final_;        // what the end was (consumer thread only)
  bool last_seen_ = false;    // unthreaded: the previous chunk was the last
  std::thread thread_;
};

}  // namespace ctdump

#endif  // CTDUMP_IO_READ_AHEAD_H_
