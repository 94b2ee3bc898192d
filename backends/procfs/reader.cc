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
#include "core/json_reader.h"
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

// Whether the first line of `fd` (from offset 0) that is not blank or a comment is one of
// ctdump's JSON lines. Such a file is read in order: the "netns" of an --all-netns line
// holds for the lines after it (FlowSink::OnNetns()), which parallel chunks cannot know.
bool StartsWithJson(int fd) {
  char buf[4096];
  const ssize_t n = pread(fd, buf, sizeof(buf), 0);
  absl::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    absl::string_view line = text.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!IsBlankOrComment(line)) return line[0] == '{';
    if (eol == absl::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return false;
}

absl::Status ReadError(absl::string_view name, int err, uint64_t after_line) {
  return absl::DataLossError(
      absl::StrCat("read ", name, ": ", ErrnoDescription(err), " (after line ", after_line, ")"));
}

}  // namespace

ProcReader::ProcReader(ProcReaderOptions options) : options_(options) {
  if (options_.read_size == 0) options_.read_size = 1;
  if (options_.max_line_bytes == 0) options_.max_line_bytes = 1;
}

ProcReader::~ProcReader() = default;

void ProcReader::SkipLine(uint64_t line, absl::string_view what, FlowSink& sink) {
  if (options_.on_skipped_line) {
    options_.on_skipped_line(line, what);
  } else {
    sink.OnSkipped(absl::DataLossError(absl::StrCat("line ", line, ": ", what)));
  }
}

void ProcReader::SkipLongLine(uint64_t line, FlowSink& sink) {
  SkipLine(line, absl::StrCat("line longer than ", options_.max_line_bytes, " bytes, skipped"),
           sink);
}

absl::optional<absl::Status> UnknownFlagReporter::Note(uint64_t line, absl::string_view flag) {
  if (flags_.size() > kMaxReported) return absl::nullopt;  // "more" was said
  for (const std::string& seen : flags_) {
    if (seen == flag) return absl::nullopt;
  }
  flags_.emplace_back(flag);
  if (flags_.size() > kMaxReported) {
    return absl::DataLossError(absl::StrCat(
        "line ", line, ": unknown flag ", flag, " skipped; more than ", kMaxReported,
        " different unknown flags, the rest are not reported"));
  }
  return absl::DataLossError(absl::StrCat(
      "line ", line, ": unknown flag ", flag,
      " skipped (not a flag of the mainline kernel's format; a vendor kernel's addition?)"));
}

void ProcReader::NoteUnknownFlag(absl::string_view flag, FlowSink& sink) {
  absl::optional<absl::Status> note = flags_.Note(line_, flag);
  if (!note.has_value()) return;
  if (options_.on_unknown_flag) {
    options_.on_unknown_flag(line_, flag);
  } else {
    sink.OnNotice(*note);
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
  // One byte tells the formats apart: /proc lines start with a letter, ctdump's own
  // JSON lines (-o json) with '{'.
  absl::Status status;
  if (line[0] == '{') {
    notes_.unknown_flag = absl::string_view();  // JSON has no /proc flags
    status = ParseJsonLine(line, &flow_, &line_netns_);
    if (status.ok() && line_netns_ != netns_) {
      netns_ = line_netns_;
      sink.OnNetns(netns_);
    }
  } else {
    if (ABSL_PREDICT_FALSE(!netns_.empty())) {
      netns_.clear();
      sink.OnNetns(netns_);
    }
    status = ParseProcLine(line, &flow_, &notes_);
  }
  if (!status.ok()) {
    if (line[0] == '{') {
      SkipLine(line_, absl::StrCat("bad JSON line: ", status.message()), sink);
      return true;
    }
    SkipLine(line_, status.message(), sink);
    return true;
  }
  if (ABSL_PREDICT_FALSE(!notes_.unknown_flag.empty())) NoteUnknownFlag(notes_.unknown_flag, sink);
  if (want != 0 && flow_.family != want) return true;
  return sink.OnFlow(flow_);
}

absl::Status ProcReader::ReadFd(int fd, absl::string_view name, FlowSink& sink) {
  struct stat st;
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  const int workers = ParallelWorkers(options_.parallel_workers);
  if (regular && workers > 1 && st.st_size > 0 &&
      static_cast<uint64_t>(st.st_size) >= options_.parallel_min_bytes &&
      lseek(fd, 0, SEEK_CUR) == 0 && !StartsWithJson(fd)) {
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
  // chunks, whose lines are parsed where they lie.
  std::atomic<int> read_errno{0};
  int pending_errno = 0;  // reading thread only: an error held back behind data
  // Set when this function returns: a chunk being gathered ends after the read() in
  // progress, so that a sink that stopped the read (SIGINT in -E's polled mode) does not
  // wait for up to 16 more /proc reads (each one can take milliseconds on a large table)
  // before the reading thread can be joined.
  std::atomic<bool> abandoned{false};
  ReadAhead ahead(
      ReadAhead::Options{std::max<size_t>(options_.read_size, 64 << 10), 4, true},
      [fd, &read_errno, &pending_errno,
       &abandoned](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> {
        if (pending_errno != 0) {
          read_errno.store(pending_errno);
          return absl::ErrnoToStatus(pending_errno, "read");
        }
        size_t got = 0;
        while (buf.size() - got >= 4096 && !abandoned.load(std::memory_order_relaxed)) {
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
  // Destroyed before `ahead` (whose destructor joins the reading thread).
  struct Abandon {
    std::atomic<bool>& flag;
    ~Abandon() { flag.store(true, std::memory_order_relaxed); }
  } abandon_on_return{abandoned};
  Start();
  for (;;) {
    absl::StatusOr<absl::Span<const uint8_t>> chunk = ahead.Next();
    if (!chunk.ok()) return ReadError(name, read_errno.load(), line_);
    if (chunk->empty()) break;
    if (!Consume(absl::string_view(reinterpret_cast<const char*>(chunk->data()), chunk->size()),
                 sink)) {
      return absl::OkStatus();
    }
  }
  Finish(sink);
  return absl::OkStatus();
}

absl::Status ProcReader::Read(ReadFn read, absl::string_view name, FlowSink& sink) {
  const size_t read_size = options_.read_size;
  if (read_capacity_ < read_size) {
    read_buffer_.reset(new char[read_size]);
    read_capacity_ = read_size;
  }
  Start();
  for (;;) {
    ssize_t n = read(read_buffer_.get(), read_size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ReadError(name, errno, line_);
    }
    if (n == 0) break;
    if (!Consume(absl::string_view(read_buffer_.get(), static_cast<size_t>(n)), sink)) {
      return absl::OkStatus();
    }
  }
  Finish(sink);
  return absl::OkStatus();
}

void ProcReader::Start() {
  line_ = 0;
  netns_.clear();
  flags_ = UnknownFlagReporter();
  carry_size_ = 0;
  skipping_ = false;
}

bool ProcReader::Consume(absl::string_view data, FlowSink& sink) {
  const char* p = data.data();
  const char* const end = p + data.size();
  const size_t max_line = options_.max_line_bytes;
  if (carry_size_ != 0 || skipping_) {
    // The first '\n' ends the line carried over from the last call.
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', data.size()));
    if (nl == nullptr) {
      Carry(p, data.size(), sink);
      return true;
    }
    ++line_;
    const size_t rest = static_cast<size_t>(nl - p);
    if (skipping_) {
      skipping_ = false;
    } else if (carry_size_ + rest > max_line) {
      SkipLongLine(line_, sink);
    } else {
      Reserve(carry_size_ + rest);
      std::memcpy(carry_.get() + carry_size_, p, rest);
      if (!HandleLine(absl::string_view(carry_.get(), carry_size_ + rest), sink)) {
        carry_size_ = 0;
        return false;
      }
    }
    carry_size_ = 0;
    p = nl + 1;
  }
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) break;
    ++line_;
    const absl::string_view line(p, static_cast<size_t>(nl - p));
    if (line.size() > max_line) {
      SkipLongLine(line_, sink);
    } else if (!HandleLine(line, sink)) {
      return false;
    }
    p = nl + 1;
  }
  Carry(p, static_cast<size_t>(end - p), sink);
  return true;
}

void ProcReader::Carry(const char* data, size_t size, FlowSink& sink) {
  if (size == 0 || skipping_) return;
  const size_t max_line = options_.max_line_bytes;
  if (carry_size_ + size > max_line) {
    // Report now, and drop what is kept and the rest up to the next '\n'.
    SkipLongLine(line_ + 1, sink);
    skipping_ = true;
    carry_size_ = 0;
    return;
  }
  Reserve(carry_size_ + size);
  std::memcpy(carry_.get() + carry_size_, data, size);
  carry_size_ += size;
}

void ProcReader::Reserve(size_t needed) {
  if (carry_capacity_ >= needed) return;
  // Geometric growth, but never past the longest line kept (needed <= max_line_bytes).
  const size_t want =
      std::max(needed, std::min(std::max<size_t>(carry_capacity_ * 2, 4096),
                                options_.max_line_bytes));
  std::unique_ptr<char[]> bigger(new char[want]);
  if (carry_size_ != 0) std::memcpy(bigger.get(), carry_.get(), carry_size_);
  carry_ = std::move(bigger);
  carry_capacity_ = want;
}

void ProcReader::Finish(FlowSink& sink) {
  if (skipping_) {
    ++line_;  // the over-long last line, already reported
  } else if (carry_size_ != 0) {
    ++line_;
    if (!IsBlankOrComment(absl::string_view(carry_.get(), carry_size_))) {
      SkipLine(line_, "truncated last line (no newline at end)", sink);
    }
  }
  carry_size_ = 0;
  skipping_ = false;
}

}  // namespace ctdump
