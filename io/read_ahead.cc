#include "io/read_ahead.h"

#include <algorithm>
#include <new>
#include <system_error>
#include <utility>

namespace ctdump {

ReadAhead::ReadAhead(Options options, FillFn fill, IsLastFn is_last)
    : options_(options),
      fill_(std::move(fill)),
      is_last_(std::move(is_last)),
      threaded_(options.threaded) {
  const int depth = options_.threaded ? std::max(options_.depth, 2) : 1;
  for (int i = 0; i < depth; ++i) {
    buffers_.emplace_back(new uint8_t[options_.chunk_bytes]);
    free_.push_back(i);
  }
  if (!threaded_) return;
  try {
    thread_ = std::thread([this] { Run(); });
  } catch (const std::system_error&) {
    // No thread to be had (RLIMIT_NPROC, or no address space for its stack under
    // `ulimit -v`): read on the calling thread instead, with the same results.
    threaded_ = false;
  }
}

ReadAhead::~ReadAhead() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancel_ = true;
  }
  free_cv_.notify_one();
  thread_.join();
}

uint64_t ReadAhead::chunks_filled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return filled_;
}

ReadAhead::Filled ReadAhead::FillOne(int slot) {
  Filled f;
  absl::Span<uint8_t> buf(buffers_[slot].get(), options_.chunk_bytes);
  absl::StatusOr<size_t> got = out_of_memory_;
  try {
    got = fill_(buf);
  } catch (const std::bad_alloc&) {
    // On the reading thread an escaping exception would call std::terminate(); end the
    // stream with an error instead (out_of_memory_ was made up front: copying a Status
    // does not allocate).
  }
  if (!got.ok()) {
    f.status = got.status();
    return f;
  }
  if (*got == 0) return f;
  f.slot = slot;
  f.size = std::min(*got, buf.size());
  f.last = is_last_ && is_last_(absl::MakeConstSpan(buf.data(), f.size));
  return f;
}

void ReadAhead::Run() {
  for (;;) {
    int slot;
    {
      std::unique_lock<std::mutex> lock(mu_);
      free_cv_.wait(lock, [this] { return cancel_ || !free_.empty(); });
      if (cancel_) return;
      slot = free_.front();
      free_.pop_front();
    }
    Filled f = FillOne(slot);
    const bool end = f.slot < 0 || f.last;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (f.slot < 0) {
        free_.push_back(slot);
      } else {
        ++filled_;
      }
      ready_.push_back(f);
      if (f.last) ready_.push_back(Filled{});  // the end, right after the last chunk
    }
    ready_cv_.notify_one();
    if (end) return;
  }
}

absl::StatusOr<absl::Span<const uint8_t>> ReadAhead::Next() {
  if (finished_) {
    if (!final_.ok()) return final_;
    return absl::Span<const uint8_t>();
  }
  Filled f;
  if (!threaded_) {
    if (last_seen_) {
      f = Filled{};
    } else {
      f = FillOne(0);
      if (f.slot >= 0) ++filled_;
      last_seen_ = f.last;
    }
  } else {
    std::unique_lock<std::mutex> lock(mu_);
    if (held_ >= 0) {
      free_.push_back(held_);
      held_ = -1;
      free_cv_.notify_one();
    }
    ready_cv_.wait(lock, [this] { return !ready_.empty(); });
    f = std::move(ready_.front());
    ready_.pop_front();
  }
  if (f.slot < 0) {
    finished_ = true;
    final_ = std::move(f.status);
    if (!final_.ok()) return final_;
    return absl::Span<const uint8_t>();
  }
  if (threaded_) held_ = f.slot;
  return absl::Span<const uint8_t>(buffers_[f.slot].get(), f.size);
}

}  // namespace ctdump
