// File: core/space_saving.h
//
// Weighted Space-Saving (Metwally et al., 2005) over a fixed number of counters: the
// bounded top-N counting behind `ctdump --summary` (core/summary.h). Internal to core/.
//
//   SpaceSaving<MyKey> top(/*capacity=*/1024);
//   top.Add(key, {/*metric=*/bytes, /*entries=*/1, packets, bytes});
//   for (const auto* c : top.Top(10)) ...   // by metric, descending
//
// Each counter holds the key's `metric` (what the list is ranked by: entries, packets or
// bytes) and, alongside, its entries, packets and bytes. Counters are ordered by
// (metric, entries), so that a list ranked by bytes over entries that carry no counters
// (accounting off: every metric weight 0) still ranks by entries. When all counters are
// taken, a new key replaces the smallest and inherits its metric and entries as possible
// error (`error`, `entries_error`); its packets and bytes count from then on only.
// Guarantees (while no counter was ever replaced, exact() and everything is exact):
// metric estimates are never low and at most `error` high (error <= total/capacity),
// and every key whose true metric exceeds total/capacity is listed.
// Memory O(capacity); Add() O(log capacity) with one hash lookup (heap moves touch only
// slot numbers). Key: equality, operator<, AbslHashValue.

#ifndef CTDUMP_CORE_SPACE_SAVING_H_
#define CTDUMP_CORE_SPACE_SAVING_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace ctdump {

struct SpaceSavingWeight {
  uint64_t metric = 1;
  uint64_t entries = 1;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

template <typename Key>
class SpaceSaving {
 public:
  struct Counter {
    Key key;
    uint64_t metric = 0;
    uint64_t entries = 0;
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t error = 0;          // metric may be this much too high
    uint64_t entries_error = 0;  // entries may be this much too high
  };

  explicit SpaceSaving(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
    counters_.reserve(capacity_);
    heap_.reserve(capacity_);
    heap_pos_.reserve(capacity_);
    slot_.reserve(capacity_);
  }

  void Add(const Key& k, const SpaceSavingWeight& w) {
    counted_metric_ += w.metric;
    counted_entries_ += w.entries;
    auto it = slot_.find(k);
    if (it != slot_.end()) {
      Counter& c = counters_[it->second];
      c.metric += w.metric;
      c.entries += w.entries;
      c.packets += w.packets;
      c.bytes += w.bytes;
      SiftDown(heap_pos_[it->second]);
      return;
    }
    if (counters_.size() < capacity_) {
      const uint32_t slot = static_cast<uint32_t>(counters_.size());
      counters_.push_back(Counter{k, w.metric, w.entries, w.packets, w.bytes, 0, 0});
      slot_.emplace(k, slot);
      heap_.push_back(slot);
      heap_pos_.push_back(static_cast<uint32_t>(heap_.size() - 1));
      SiftUp(heap_.size() - 1);
      return;
    }
    // Replace the smallest counter: the newcomer inherits its counts as possible error.
    evicted_ = true;
    const uint32_t slot = heap_[0];
    Counter& root = counters_[slot];
    slot_.erase(root.key);
    root = Counter{k, root.metric + w.metric, root.entries + w.entries, w.packets, w.bytes,
                   root.metric, root.entries};
    slot_.emplace(k, slot);
    SiftDown(0);
  }

  // The n largest counters by (metric, entries) descending, ties by key ascending.
  std::vector<const Counter*> Top(size_t n) const {
    std::vector<const Counter*> all;
    all.reserve(counters_.size());
    for (const Counter& c : counters_) all.push_back(&c);
    const size_t shown = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown), all.end(),
                      [](const Counter* a, const Counter* b) {
                        if (a->metric != b->metric) return a->metric > b->metric;
                        if (a->entries != b->entries) return a->entries > b->entries;
                        return a->key < b->key;
                      });
    all.resize(shown);
    return all;
  }

  // Sums of every Add() (the counters always add up to these).
  uint64_t counted_metric() const { return counted_metric_; }
  uint64_t counted_entries() const { return counted_entries_; }
  bool exact() const { return !evicted_; }
  size_t capacity() const { return capacity_; }

 private:
  // Heap order of counter slots a and b: (metric, entries) ascending.
  bool Less(uint32_t a, uint32_t b) const {
    const Counter& x = counters_[a];
    const Counter& y = counters_[b];
    return x.metric < y.metric || (x.metric == y.metric && x.entries < y.entries);
  }
  void Swap(size_t a, size_t b) {
    std::swap(heap_[a], heap_[b]);
    heap_pos_[heap_[a]] = static_cast<uint32_t>(a);
    heap_pos_[heap_[b]] = static_cast<uint32_t>(b);
  }
  void SiftUp(size_t i) {
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!Less(heap_[i], heap_[parent])) break;
      Swap(i, parent);
      i = parent;
    }
  }
  void SiftDown(size_t i) {
    for (;;) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < heap_.size() && Less(heap_[l], heap_[m])) m = l;
      if (r < heap_.size() && Less(heap_[r], heap_[m])) m = r;
      if (m == i) return;
      Swap(i, m);
      i = m;
    }
  }

  size_t capacity_;
  // Counters stay in their slot for life (a replaced key takes over the slot), so the
  // key -> slot map changes only on replacement; the min-heap orders slot numbers.
  std::vector<Counter> counters_;
  std::vector<uint32_t> heap_;      // slot numbers, a min-heap by Less()
  std::vector<uint32_t> heap_pos_;  // heap_pos_[slot]: where that slot is in heap_
  absl::flat_hash_map<Key, uint32_t> slot_;
  uint64_t counted_metric_ = 0;
  uint64_t counted_entries_ = 0;
  bool evicted_ = false;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_SPACE_SAVING_H_
