// File: backends/procfs/reader.h
//
// Streams the lines of /proc/net/nf_conntrack, /proc/net/ip_conntrack or a saved copy of
// either through ParseProcLine() (backends/procfs/parse.h) into a FlowSink.
//
//   ProcReader reader;                       // or ProcReader(ProcReaderOptions{...})
//   int fd = open("/proc/net/nf_conntrack", O_RDONLY | O_CLOEXEC);
//   absl::Status s = reader.ReadFd(fd, "/proc/net/nf_conntrack", sink);
//
// Reading (docs/procfs-format.md 4.1): every read() asks for at least 64 KiB (the kernel hands
// out about one 4 KiB seq_file page per call, whatever the size asked); EINTR is retried;
// the file is read until read() returns 0 (st_size is 0 for /proc files and is never
// used). Lines are numbered from 1 and parsed where they lie, in the buffer read() filled
// or in the read-ahead chunk; only a line cut by the end of a read is copied, so that it
// can be completed by the next one.
//
// Lines:
//  * a line whose first byte is '{' is one of ctdump's own JSON lines (`-o json`, also
//    `-E -o json` event lines) and is decoded with ParseJsonLine() (core/json_reader.h);
//    every other line with ParseProcLine(). One byte decides, per line, so files may mix
//    both. A JSON line that does not decode is skipped as "line N: bad JSON line: ...".
//    The "netns" of --all-netns objects goes to FlowSink::OnNetns() when it changes; a
//    file whose first line is JSON is therefore never read in parallel (below);
//  * blank lines and lines whose first byte is '#' are skipped silently (saved copies may
//    carry comments); one trailing '\r' is dropped (copies saved on Windows);
//  * a line that decodes goes to FlowSink::OnFlow(); when that returns false, reading
//    stops and the call returns OK;
//  * a line that does not decode goes to FlowSink::OnSkipped() as
//    absl::DataLossError("line 17: <what was wrong>"), and reading goes on;
//  * a final fragment without '\n' is reported the same way as
//    "line N: truncated last line (no newline at end)" and not decoded;
//  * a line longer than ProcReaderOptions::max_line_bytes (1 MiB) is reported as
//    "line N: line longer than 1048576 bytes, skipped" and dropped without being held in
//    memory: the buffer never grows past max_line_bytes plus one read.
//  * with ProcReaderOptions::family set, lines of the other family are dropped (from the
//    "ipv4 "/"ipv6 " prefix alone when present, so they cost next to nothing).
//
// Errors from ReadFd()/Read(): absl::DataLossError("read NAME: <errno text> (after line
// N)") when read() fails mid-file. Flows delivered before the error stand. Every other
// problem is per line and goes to OnSkipped().

#ifndef CTDUMP_BACKENDS_PROCFS_READER_H_
#define CTDUMP_BACKENDS_PROCFS_READER_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/types/optional.h"
#include "absl/strings/string_view.h"
#include "core/backend.h"
#include "backends/procfs/parse.h"
#include "core/flow.h"

namespace ctdump {

struct ProcReaderOptions {
  // 0: every family; kFamilyIPv4 or kFamilyIPv6: only that one.
  uint8_t family = 0;
  // Lines longer than this are skipped (and reported) without being buffered whole.
  size_t max_line_bytes = size_t{1} << 20;
  // Bytes asked for per read(). Values below 64 KiB are meant for tests only (to split
  // lines at every possible place).
  size_t read_size = size_t{64} << 10;
  // ReadFd() on a regular file (the /proc files are regular): read on a second thread, up
  // to 4 chunks of 64 KiB ahead of the parser (io/read_ahead.h), so the kernel's work
  // of printing /proc/net/nf_conntrack inside read() overlaps with parsing. Pipes,
  // terminals and sockets are always read on the calling thread.
  bool read_ahead = true;
  // ReadFd() on a regular file of at least `parallel_min_bytes` (a saved copy: the /proc
  // files report size 0), for a sink that offers shards (FlowSink::NewShard()): decode
  // chunks of about `parallel_chunk_bytes`, split at line starts, on `parallel_workers`
  // threads (0: one per CPU, at most 8; 1: never in parallel). Flows, skipped lines and
  // line numbers reach the sink exactly as a sequential read gives them, in order
  // (parallel_read.h). Memory stays bounded: at most 2 * workers + 2 chunks are in flight.
  int parallel_workers = 0;
  size_t parallel_chunk_bytes = size_t{1} << 20;
  uint64_t parallel_min_bytes = uint64_t{16} << 20;
  // When set, a skipped line goes here, with its number (counted from 1 within this
  // Read()) and what was wrong, instead of to FlowSink::OnSkipped() as
  // DataLossError("line N: what"). For the parallel reader, which numbers lines later.
  std::function<void(uint64_t line, absl::string_view what)> on_skipped_line;
  // When set, an unknown [FLAG] (ProcLineNotes) that UnknownFlagReporter lets through
  // goes here with its line number, instead of to FlowSink::OnNotice() as
  // UnknownFlagReporter's notice. For the parallel reader, which numbers lines later.
  std::function<void(uint64_t line, absl::string_view flag)> on_unknown_flag;
};

// Reports each distinct unknown [FLAG] of a read once (ProcLineNotes), the first
// kMaxReported of them, then once that there are more; nothing after that, so a hostile
// file cannot flood stderr.
class UnknownFlagReporter {
 public:
  static constexpr size_t kMaxReported = 8;
  // The notice for `flag`, first seen on line `line`, or nullopt when it is not to be
  // reported (seen before, or past the limit).
  absl::optional<absl::Status> Note(uint64_t line, absl::string_view flag);

 private:
  std::vector<std::string> flags_;  // at most kMaxReported + 1
};

class ProcReader {
 public:
  // read(2)-like: fills up to `size` bytes at `buf`; returns the count, 0 at the end, or
  // -1 with errno set.
  using ReadFn = absl::FunctionRef<ssize_t(char* buf, size_t size)>;

  explicit ProcReader(ProcReaderOptions options = {});
  ProcReader(const ProcReader&) = delete;
  ProcReader& operator=(const ProcReader&) = delete;
  ~ProcReader();

  // Reads `fd` (not closed) to its end. `name` is used in error messages.
  absl::Status ReadFd(int fd, absl::string_view name, FlowSink& sink);
  // Same, from any read(2)-like source (tests inject short reads and errors here).
  absl::Status Read(ReadFn read, absl::string_view name, FlowSink& sink);

  // Lines seen by the last Read(), including blank, comment and skipped ones.
  uint64_t lines() const { return line_; }
  // Largest size the buffers reached together: the read buffer of Read() plus the
  // partial line carried between reads (tests check that memory stays bounded).
  size_t peak_buffer_bytes() const { return read_capacity_ + carry_capacity_; }

 private:
  // Line assembly over the spans of one Read()/ReadFd(): Start() resets it, Consume()
  // takes the next bytes of the input, Finish() ends it.
  void Start();
  // Handles every line `data` completes, in place, and carries a cut last line over to
  // the next call; false when the sink asked to stop.
  bool Consume(absl::string_view data, FlowSink& sink);
  // End of input: reports a cut last line.
  void Finish(FlowSink& sink);
  // Keeps the start (or next part) of a line that the data ended in the middle of.
  void Carry(const char* data, size_t size, FlowSink& sink);
  // Makes room for `needed` carried bytes (at most max_line_bytes).
  void Reserve(size_t needed);
  // Handles one complete line (without '\n'); false when the sink asked to stop.
  bool HandleLine(absl::string_view line, FlowSink& sink);
  // Reports line `line` as skipped because of `what` (to on_skipped_line or the sink).
  void SkipLine(uint64_t line, absl::string_view what, FlowSink& sink);
  void SkipLongLine(uint64_t line, FlowSink& sink);
  // Reports an unknown [FLAG] seen on line `line`, once per distinct flag.
  void NoteUnknownFlag(absl::string_view flag, FlowSink& sink);

  ProcReaderOptions options_;
  // Read(): where read() puts the bytes (options_.read_size).
  std::unique_ptr<char[]> read_buffer_;
  size_t read_capacity_ = 0;
  // A line cut by the end of the data given to Consume(), at most max_line_bytes.
  std::unique_ptr<char[]> carry_;
  size_t carry_size_ = 0;
  size_t carry_capacity_ = 0;
  // Set while the rest of an over-long line (already reported) is being dropped.
  bool skipping_ = false;
  uint64_t line_ = 0;
  Flow flow_;
  ProcLineNotes notes_;
  UnknownFlagReporter flags_;
  // The "netns" of the last JSON line, and of the one being read (FlowSink::OnNetns()).
  std::string netns_;
  std::string line_netns_;
};

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_PROCFS_READER_H_
