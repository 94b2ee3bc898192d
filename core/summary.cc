#include "core/summary.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "core/kernel.h"

namespace ctdump {

// Space-Saving over a fixed number of counters, kept in an indexed binary min-heap so
// that both "increment a counter" and "replace the smallest counter" are O(log capacity).
class TableSummary::Heavy {
 public:
  struct Key {
    uint8_t family = 0;
    uint8_t proto = 0;
    uint16_t port = 0;
    Addr addr{};
    bool operator==(const Key& o) const {
      return family == o.family && proto == o.proto && port == o.port && addr == o.addr;
    }
    bool operator<(const Key& o) const {
      return std::tie(family, proto, port, addr) < std::tie(o.family, o.proto, o.port, o.addr);
    }
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.family, k.proto, k.port, k.addr);
    }
  };

  explicit Heavy(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
    heap_.reserve(capacity_);
    pos_.reserve(capacity_);
  }

  void Add(const Key& k) {
    ++counted_;
    auto it = pos_.find(k);
    if (it != pos_.end()) {
      ++heap_[it->second].count;
      SiftDown(it->second);
      return;
    }
    if (heap_.size() < capacity_) {
      heap_.push_back(Counter{k, 1, 0});
      pos_.emplace(k, heap_.size() - 1);
      SiftUp(heap_.size() - 1);
      return;
    }
    // Replace the smallest counter: the newcomer inherits its count as possible error.
    evicted_ = true;
    Counter& root = heap_[0];
    pos_.erase(root.key);
    const uint64_t min = root.count;
    root = Counter{k, min + 1, min};
    pos_.emplace(k, 0);
    SiftDown(0);
  }

  TopList Top(size_t n) const {
    TopList out;
    out.counted = counted_;
    out.exact = !evicted_;
    out.capacity = capacity_;
    std::vector<const Counter*> all;
    all.reserve(heap_.size());
    for (const Counter& c : heap_) all.push_back(&c);
    const size_t shown = std::min(n, all.size());
    auto order = [](const Counter* a, const Counter* b) {
      if (a->count != b->count) return a->count > b->count;
      return a->key < b->key;
    };
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown), all.end(),
                      order);
    uint64_t sum = 0;
    for (size_t i = 0; i < shown; ++i) {
      const Counter& c = *all[i];
      TopItem item;
      item.family = c.key.family;
      item.addr = c.key.addr;
      item.proto = c.key.proto;
      item.port = c.key.port;
      item.count = c.count;
      item.error = c.error;
      sum += c.count;
      out.items.push_back(item);
    }
    // The counters always add up to counted_ (each Add() adds exactly one).
    out.other = counted_ - sum;
    return out;
  }

 private:
  struct Counter {
    Key key;
    uint64_t count = 0;
    uint64_t error = 0;
  };

  void Swap(size_t a, size_t b) {
    std::swap(heap_[a], heap_[b]);
    pos_[heap_[a].key] = a;
    pos_[heap_[b].key] = b;
  }
  void SiftUp(size_t i) {
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (heap_[parent].count <= heap_[i].count) break;
      Swap(i, parent);
      i = parent;
    }
  }
  void SiftDown(size_t i) {
    for (;;) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < heap_.size() && heap_[l].count < heap_[m].count) m = l;
      if (r < heap_.size() && heap_[r].count < heap_[m].count) m = r;
      if (m == i) return;
      Swap(i, m);
      i = m;
    }
  }

  size_t capacity_;
  std::vector<Counter> heap_;
  absl::flat_hash_map<Key, size_t> pos_;
  uint64_t counted_ = 0;
  bool evicted_ = false;
};

namespace {

void SortCounts(std::vector<CountItem>* v) {
  std::sort(v->begin(), v->end(), [](const CountItem& a, const CountItem& b) {
    if (a.count != b.count) return a.count > b.count;
    return std::tie(a.key, a.state) < std::tie(b.key, b.state);
  });
}

std::vector<CountItem> FromArray(const std::array<uint64_t, 256>& a) {
  std::vector<CountItem> out;
  for (uint32_t k = 0; k < a.size(); ++k) {
    if (a[k] != 0) out.push_back(CountItem{k, 0, a[k]});
  }
  SortCounts(&out);
  return out;
}

}  // namespace

size_t DefaultTopCapacity(size_t top) { return std::max<size_t>(1024, 16 * top); }

TableSummary::TableSummary(SummaryOptions options) : options_(options) {
  if (options_.capacity == 0) options_.capacity = DefaultTopCapacity(options_.top);
  if (options_.capacity < options_.top) options_.capacity = options_.top;
  sources_ = std::make_unique<Heavy>(options_.capacity);
  destinations_ = std::make_unique<Heavy>(options_.capacity);
  dports_ = std::make_unique<Heavy>(options_.capacity);
}

TableSummary::~TableSummary() = default;

void TableSummary::Add(const Flow& f) {
  ++total_;
  ++by_family_[f.family];
  ++by_proto_[f.l4proto];
  if (f.state) ++by_state_[uint32_t{f.l4proto} << 8 | *f.state];
  ++by_zone_[f.zone.id];
  if (options_.top == 0) return;
  Heavy::Key k;
  k.family = f.family;
  k.addr = f.orig.src;
  sources_->Add(k);
  k.addr = f.orig.dst;
  destinations_->Add(k);
  if (ProtoHasPorts(f.l4proto) && f.orig.has_l4) {
    Heavy::Key p;
    p.proto = f.l4proto;
    p.port = f.orig.dport;
    dports_->Add(p);
  }
}

std::vector<CountItem> TableSummary::ByFamily() const { return FromArray(by_family_); }
std::vector<CountItem> TableSummary::ByProtocol() const { return FromArray(by_proto_); }

std::vector<CountItem> TableSummary::ByState() const {
  std::vector<CountItem> out;
  for (const auto& [k, n] : by_state_) {
    out.push_back(CountItem{k >> 8, static_cast<uint8_t>(k & 0xff), n});
  }
  SortCounts(&out);
  return out;
}

std::vector<CountItem> TableSummary::ByZone() const {
  std::vector<CountItem> out;
  for (const auto& [k, n] : by_zone_) out.push_back(CountItem{k, 0, n});
  SortCounts(&out);
  return out;
}

TopList TableSummary::TopSources() const { return sources_->Top(options_.top); }
TopList TableSummary::TopDestinations() const { return destinations_->Top(options_.top); }
TopList TableSummary::TopDestinationPorts() const { return dports_->Top(options_.top); }

}  // namespace ctdump
