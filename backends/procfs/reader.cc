#include "backends/procfs/reader.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "backends/procfs/parallel_read.h"
#include "backends/procfs/parse.h"
#include "core/kernel.h"
#include "io/errno_text.h"
#include "io/read_ahead.h"

namespace ctdump {
namespace {

bool IsBlankOrComment(absl::string_view line) {
  for (char c : line) {
    if (c == ' ' || c == '\t') continue;
    return c == '#';
  }
  return true;
}

// The family of a line, when its prefix tells it; 0 otherwise.
uint8_t FamilyFromPrefix(absl::string_view line) {
  if (line.size() < 5 || line[4] != ' ' || std::memcmp(line.data(), "ipv", 3) != 0) return 0;
  if (line[3] == '4') return kFamilyIPv4;
  if (line[3] == '6') return kFamilyIPv6;
  return 0;
}

// How many threads decode a large file: ProcReaderOptions::parallel_workers, or one per
// CPU (at most 8).
int ParallelWorkers(int configured) {
  if (configured > 0) return configured;
  const unsigned cpus = std::thread::hardware_concurrency();
  return static_cast<int>(std::min(cpus == 0 ? 1u : cpus, 8u));
}

}  // namespace

ProcReader::ProcReader(ProcReaderOptions options) : options_(options) {
  if (options_.read_size == 0) options_.read_size = 1;
  if (options_.max_line_bytes == 0) options_.max_line_bytes = 1;
}

ProcReader::~ProcReader() = default;

void ProcReader::Grow(size_t needed, const char* live, size_t live_size) {
  // Geometric growth, but never past what the longest kept line plus one read needs.
  size_t limit = options_.max_line_bytes + options_.read_size;
  size_t want = std::max(needed, std::min(capacity_ * 2, limit));
  std::unique_ptr<char[]> bigger(new char[want]);
  if (live_size != 0) std::memcpy(bigger.get(), live, live_size);
  buffer_ = std::move(bigger);
  capacity_ = want;
}

void ProcReader::SkipLine(uint64_t line, absl::string_view what, FlowSink& sink) {
  if (options_.on_skipped_line) {
    options_.on_skipped_line(line, what);
  } else {
    sink.OnSkipped(absl::DataLossError(absl::StrCat("line ", line, ": ", what)));
  }
}

bool ProcReader::HandleLine(absl::string_view line, FlowSink& sink) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (IsBlankOrComment(line)) return true;
  const uint8_t want = options_.family;
  if (want != 0) {
    uint8_t family = FamilyFromPrefix(line);
    if (family != 0 && family != want) return true;
  }
  absl::Status status = ParseProcLine(line, &flow_);
  if (!status.ok()) {
    SkipLine(line_, status.message(), sink);
    return true;
  }
  if (want != 0 && flow_.family != want) return true;
  return sink.OnFlow(flow_);
}

absl::Status ProcReader::ReadFd(int fd, absl::string_view name, FlowSink& sink) {
  struct stat st;
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  const int workers = ParallelWorkers(options_.parallel_workers);
  if (regular && workers > 1 && st.st_size > 0 &&
      static_cast<uint64_t>(st.st_size) >= options_.parallel_min_bytes &&
      lseek(fd, 0, SEEK_CUR) == 0) {
    if (std::unique_ptr<FlowShard> shard = sink.NewShard()) {
      absl::optional<absl::Status> done = ReadInParallel(
          fd, static_cast<uint64_t>(st.st_size), name, options_, workers, std::move(shard), sink);
      if (done.has_value()) return *done;
      // No thread could be started: read on this one.
    }
  }
  if (!options_.read_ahead || !regular) {
    return Read([fd](char* buf, size_t size) { return ::read(fd, buf, size); }, name, sink);
  }
  // A regular file (the /proc files are): read() never blocks for long, so a second
  // thread may read ahead. It gathers the kernel's page-sized /proc reads into 64 KiB
  // chunks; the parser copies them out as if from read(2).
  std::atomic<int> read_errno{0};
  int pending_errno = 0;  // reading thread only: an error held back behind data
  ReadAhead ahead(
      ReadAhead::Options{std::max<size_t>(options_.read_size, 64 << 10), 4, true},
      [fd, &read_errno, &pending_errno](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> {
        if (pending_errno != 0) {
          read_errno.store(pending_errno);
          return absl::ErrnoToStatus(pending_errno, "read");
        }
        size_t got = 0;
        while (buf.size() - got >= 4096) {
          ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
          if (n < 0) {
            if (errno == EINTR) continue;
            if (got > 0) {
              pending_errno = errno;  // deliver what was read first
              break;
            }
            read_errno.store(errno);
            return absl::ErrnoToStatus(errno, "read");
          }
          if (n == 0) break;
          got += static_cast<size_t>(n);
        }
        return got;
      });
  absl::Span<const uint8_t> chunk;
  size_t pos = 0;
  return Read(
      [&](char* buf, size_t size) -> ssize_t {
        if (pos == chunk.size()) {
          absl::StatusOr<absl::Span<const uint8_t>> next = ahead.Next();
          if (!next.ok()) {
            errno = read_errno.load();
            return -1;
          }
          chunk = *next;
          pos = 0;
          if (chunk.empty()) return 0;
        }
        const size_t n = std::min(size, chunk.size() - pos);
        std::memcpy(buf, chunk.data() + pos, n);
        pos += n;
        return static_cast<ssize_t>(n);
      },
      name, sink);
}

absl::Status ProcReader::Read(ReadFn read, absl::string_view name, FlowSink& sink) {
  line_ = 0;
  const size_t read_size = options_.read_size;
  const size_t max_line = options_.max_line_bytes;
  if (capacity_ < read_size) Grow(std::max<size_t>(4 * read_size, 4096), nullptr, 0);

  // Bytes [begin, end) of the buffer are read but not yet consumed; [begin, scan) holds
  // no '\n'. `skipping` is set while the rest of an over-long line is being dropped.
  size_t begin = 0, end = 0, scan = 0;
  bool skipping = false;
  for (;;) {
    if (capacity_ - end < read_size) {
      size_t live = end - begin;
      if (capacity_ - live < read_size) {
        // Only a partial line (at most max_line bytes) is live.
        Grow(live + read_size, buffer_.get() + begin, live);
      } else if (live != 0) {
        std::memmove(buffer_.get(), buffer_.get() + begin, live);
      }
      scan -= begin;
      end = live;
      begin = 0;
    }

    ssize_t n = read(buffer_.get() + end, read_size);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      return absl::DataLossError(
          absl::StrCat("read ", name, ": ", ErrnoDescription(err), " (after line ", line_, ")"));
    }
    if (n == 0) break;
    end += static_cast<size_t>(n);

    char* const buf = buffer_.get();
    for (;;) {
      const void* nl = std::memchr(buf + scan, '\n', end - scan);
      if (nl == nullptr) {
        scan = end;
        break;
      }
      size_t nl_pos = static_cast<size_t>(static_cast<const char*>(nl) - buf);
      ++line_;
      if (skipping) {
        skipping = false;
      } else if (nl_pos - begin > max_line) {
        SkipLine(line_, absl::StrCat("line longer than ", max_line, " bytes, skipped"), sink);
      } else if (!HandleLine(absl::string_view(buf + begin, nl_pos - begin), sink)) {
        return absl::OkStatus();
      }
      begin = scan = nl_pos + 1;
    }
    if (end - begin > max_line) {
      // Report now, drop what is buffered, and drop the rest up to the next '\n'.
      if (!skipping) {
        SkipLine(line_ + 1, absl::StrCat("line longer than ", max_line, " bytes, skipped"),
                 sink);
        skipping = true;
      }
      begin = scan = end;
    }
    if (begin == end) begin = end = scan = 0;
  }

  if (skipping) {
    ++line_;  // the over-long last line, already reported
  } else if (end > begin) {
    ++line_;
    absl::string_view fragment(buffer_.get() + begin, end - begin);
    if (!IsBlankOrComment(fragment)) {
      SkipLine(line_, "truncated last line (no newline at end)", sink);
    }
  }
  return absl::OkStatus();
}

}  // namespace ctdump
