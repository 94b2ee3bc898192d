#include "backends/procfs/parallel_read.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ctdump {
namespace {

// What a worker made of one chunk, until the calling thread takes it back.
struct ChunkResult {
  struct Skip {
    size_t position;
    uint64_t line;  // within the chunk, from 1
    std::string what;
  };
  std::unique_ptr<FlowShard> shard;
  std::vector<Skip> skips;
  // Unknown [FLAG]s the chunk's reader let through, with their line within the chunk.
  std::vector<std::pair<uint64_t, std::string>> unknown_flags;
  uint64_t lines = 0;       // lines of the chunk, as ProcReader counts them
  bool stopped = false;     // the shard asked to end the dump
  int read_errno = 0;       // pread() failed (after `lines` lines)
  bool done = false;
};

// Hands a chunk's flows to its shard, and stops the chunk when the shard says so.
class ShardSink : public FlowSink {
 public:
  explicit ShardSink(ChunkResult* result) : result_(result) {}
  bool OnFlow(const Flow& flow) override {
    if (result_->shard->OnFlow(flow)) return true;
    result_->stopped = true;
    return false;
  }
  // Every skipped line goes through ProcReaderOptions::on_skipped_line instead.
  void OnSkipped(const absl::Status& why) override {
    result_->skips.push_back({result_->shard->Position(), 0, std::string(why.message())});
  }

 private:
  ChunkResult* result_;
};

class ParallelRead {
 public:
  ParallelRead(int fd, uint64_t size, absl::string_view name, const ProcReaderOptions& options,
               int workers)
      : fd_(fd),
        size_(size),
        name_(name),
        options_(options),
        chunk_(std::max<size_t>(options.parallel_chunk_bytes, 4096)),
        chunks_((size + chunk_ - 1) / chunk_),
        window_(2 * static_cast<uint64_t>(workers) + 2),
        slots_(window_),
        workers_(workers) {}

  ~ParallelRead() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancel_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  absl::optional<absl::Status> Run(std::unique_ptr<FlowShard> first_shard, FlowSink& sink) {
    slots_[0].shard = std::move(first_shard);
    for (shards_made_ = 1; shards_made_ < std::min(window_, chunks_); ++shards_made_) {
      slots_[shards_made_].shard = sink.NewShard();
    }
    for (int i = 0; i < workers_; ++i) {
      try {
        threads_.emplace_back([this] { Work(); });
      } catch (const std::system_error&) {
        break;  // as many as the system allows (RLIMIT_NPROC, memory)
      }
    }
    if (threads_.empty()) return absl::nullopt;
    return Commit(sink);
  }

 private:
  // The calling thread: takes the chunks back in order.
  absl::Status Commit(FlowSink& sink) {
    uint64_t base = 0;  // lines before the chunk being taken back
    for (uint64_t k = 0; k < chunks_; ++k) {
      ChunkResult result;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ChunkResult& slot = slots_[k % window_];
        cv_.wait(lock, [&] { return slot.done; });
        result = std::move(slot);
        slot = ChunkResult();
      }
      for (const auto& [line, flag] : result.unknown_flags) {
        if (absl::optional<absl::Status> note = flags_.Note(base + line, flag)) {
          sink.OnNotice(*note);
        }
      }
      std::vector<ShardSkip> skipped;
      skipped.reserve(result.skips.size());
      for (ChunkResult::Skip& s : result.skips) {
        std::string what = s.line == 0 ? std::move(s.what)
                                       : absl::StrCat("line ", base + s.line, ": ", s.what);
        skipped.push_back({s.position, absl::DataLossError(what)});
      }
      const bool go = sink.CommitShard(std::move(result.shard), std::move(skipped));
      base += result.lines;
      if (result.read_errno != 0) {
        return absl::DataLossError(
            absl::StrCat(absl::ErrnoToStatus(result.read_errno, absl::StrCat("read ", name_))
                             .message(),
                         " (after line ", base, ")"));
      }
      if (!go || result.stopped) return absl::OkStatus();
      std::unique_ptr<FlowShard> next;
      if (shards_made_ < chunks_) next = sink.NewShard();
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (next) slots_[shards_made_++ % window_].shard = std::move(next);
      }
      cv_.notify_all();
    }
    return absl::OkStatus();
  }

  // A worker thread: claims chunks in order and decodes them.
  void Work() {
    ChunkResult* result = nullptr;
    ProcReaderOptions options = options_;
    options.read_ahead = false;
    options.parallel_workers = 1;
    options.read_size = std::max<size_t>(options.read_size, 256 << 10);
    options.on_skipped_line = [&result](uint64_t line, absl::string_view what) {
      result->skips.push_back({result->shard->Position(), line, std::string(what)});
    };
    options.on_unknown_flag = [&result](uint64_t line, absl::string_view flag) {
      result->unknown_flags.emplace_back(line, std::string(flag));
    };
    ProcReader reader(options);
    for (;;) {
      uint64_t begin = 0, end = 0;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return cancel_ || claimed_ >= chunks_ || claimed_ < shards_made_; });
        if (cancel_ || claimed_ >= chunks_) return;
        result = &slots_[claimed_ % window_];
        ++claimed_;
        // Boundaries are found in chunk order, under the lock, so that every byte is
        // scanned for a line start at most once.
        begin = boundary_;
        const uint64_t nominal_end = std::min<uint64_t>(claimed_ * chunk_, size_);
        end = nominal_end <= begin ? begin : LineStartAtOrAfter(nominal_end, result);
        boundary_ = end;
      }
      if (begin < end && result->read_errno == 0) Decode(begin, end, reader, result);
      {
        std::lock_guard<std::mutex> lock(mu_);
        result->done = true;
      }
      cv_.notify_all();
    }
  }

  // The first line start at or after `pos` (the file's size when no line starts there).
  uint64_t LineStartAtOrAfter(uint64_t pos, ChunkResult* result) {
    if (pos == 0 || pos >= size_) return std::min(pos, size_);
    char buf[16 << 10];
    for (uint64_t at = pos - 1; at < size_;) {
      ssize_t n = pread(fd_, buf, std::min<uint64_t>(sizeof buf, size_ - at), at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        result->read_errno = errno;
        return pos;
      }
      if (n == 0) break;  // the file shrank
      const void* nl = std::memchr(buf, '\n', static_cast<size_t>(n));
      if (nl != nullptr) return at + static_cast<uint64_t>(static_cast<const char*>(nl) - buf) + 1;
      at += static_cast<uint64_t>(n);
    }
    return size_;
  }

  void Decode(uint64_t begin, uint64_t end, ProcReader& reader, ChunkResult* result) {
    uint64_t pos = begin;
    ShardSink sink(result);
    absl::Status read = reader.Read(
        [&](char* buf, size_t n) -> ssize_t {
          if (pos >= end) return 0;
          ssize_t got = pread(fd_, buf, std::min<uint64_t>(n, end - pos), pos);
          if (got < 0) {
            if (errno != EINTR) result->read_errno = errno;
            return -1;  // ProcReader retries EINTR
          }
          pos += static_cast<uint64_t>(got);
          return got;
        },
        name_, sink);
    result->lines = reader.lines();
  }

  const int fd_;
  const uint64_t size_;
  const std::string name_;
  const ProcReaderOptions& options_;
  const uint64_t chunk_;
  const uint64_t chunks_;
  const uint64_t window_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ChunkResult> slots_;  // chunk k in slots_[k % window_]
  uint64_t shards_made_ = 0;        // chunks [0, shards_made_) have or had a shard
  uint64_t claimed_ = 0;            // chunks [0, claimed_) are claimed by a worker
  uint64_t boundary_ = 0;           // where chunk claimed_ begins
  bool cancel_ = false;

  const int workers_;
  std::vector<std::thread> threads_;
  UnknownFlagReporter flags_;  // Commit()'s, over all chunks
};

}  // namespace

absl::optional<absl::Status> ReadInParallel(int fd, uint64_t size, absl::string_view name,
                                            const ProcReaderOptions& options, int workers,
                                            std::unique_ptr<FlowShard> first_shard,
                                            FlowSink& sink) {
  ParallelRead read(fd, size, name, options, workers);
  return read.Run(std::move(first_shard), sink);
}

}  // namespace ctdump
