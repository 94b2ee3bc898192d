#include "core/summary.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "core/kernel.h"
#include "core/space_saving.h"

namespace ctdump {

// The default lists' key: an address (sources, destinations) or protocol + port.
struct HeavyKey {
  uint8_t family = 0;
  uint8_t proto = 0;
  uint16_t port = 0;
  Addr addr{};
  bool operator==(const HeavyKey& o) const {
    return family == o.family && proto == o.proto && port == o.port && addr == o.addr;
  }
  bool operator<(const HeavyKey& o) const {
    return std::tie(family, proto, port, addr) < std::tie(o.family, o.proto, o.port, o.addr);
  }
  template <typename H>
  friend H AbslHashValue(H h, const HeavyKey& k) {
    return H::combine(std::move(h), k.family, k.proto, k.port, k.addr);
  }
};

class TableSummary::Heavy : public SpaceSaving<HeavyKey> {
  using SpaceSaving<HeavyKey>::SpaceSaving;
};
class TableSummary::Groups : public SpaceSaving<GroupValue> {
  using SpaceSaving<GroupValue>::SpaceSaving;
};

namespace {

// The top `n` of `counters` as a list; `fill` copies a counter's key into an item.
// `by_entries`: the list is ranked by entries (asked for, or no entry had counters), so
// its count is the entries.
template <typename Item, typename Key, typename Fill>
RankedList<Item> MakeList(const SpaceSaving<Key>& counters, size_t n, bool by_entries,
                          Fill fill) {
  RankedList<Item> out;
  out.counted = counters.counted_entries();
  out.counted_metric = by_entries ? out.counted : counters.counted_metric();
  out.exact = counters.exact();
  out.capacity = counters.capacity();
  uint64_t sum = 0, sum_entries = 0;
  for (const auto* c : counters.Top(n)) {
    Item item;
    fill(c->key, &item);
    item.count = by_entries ? c->entries : c->metric;
    item.error = by_entries ? c->entries_error : c->error;
    item.entries = c->entries;
    item.packets = c->packets;
    item.bytes = c->bytes;
    sum += item.count;
    sum_entries += c->entries;
    out.items.push_back(item);
  }
  // The counters always add up to what was counted (each Add() adds its weight).
  out.other = out.counted_metric - sum;
  out.other_entries = out.counted - sum_entries;
  return out;
}

}  // namespace

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

absl::string_view SummarySortName(SummarySort sort) {
  switch (sort) {
    case SummarySort::kEntries: return "entries";
    case SummarySort::kPackets: return "packets";
    case SummarySort::kBytes: return "bytes";
  }
  return "entries";
}

bool ParseSummarySort(absl::string_view word, SummarySort* sort) {
  for (SummarySort s : {SummarySort::kEntries, SummarySort::kPackets, SummarySort::kBytes}) {
    if (word == SummarySortName(s)) {
      *sort = s;
      return true;
    }
  }
  return false;
}

TableSummary::TableSummary(SummaryOptions options) : options_(std::move(options)) {
  if (options_.capacity == 0) options_.capacity = DefaultTopCapacity(options_.top);
  if (options_.capacity < options_.top) options_.capacity = options_.top;
  if (!options_.by.empty()) {
    groups_ = std::make_unique<Groups>(options_.capacity);
    return;
  }
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
  SpaceSavingWeight w;
  if (f.orig_counters || f.reply_counters) {
    ++accounted_;
    for (const auto* c : {&f.orig_counters, &f.reply_counters}) {
      if (!*c) continue;
      w.packets += (*c)->packets;
      w.bytes += (*c)->bytes;
    }
  }
  w.metric = options_.sort == SummarySort::kEntries   ? 1
             : options_.sort == SummarySort::kPackets ? w.packets
                                                      : w.bytes;
  if (options_.top == 0) return;
  if (groups_) {
    groups_->Add(MakeGroupValue(options_.by, f, netns_), w);
    return;
  }
  HeavyKey k;
  k.family = f.family;
  k.addr = f.orig.src;
  sources_->Add(k, w);
  k.addr = f.orig.dst;
  destinations_->Add(k, w);
  if (ProtoHasPorts(f.l4proto) && f.orig.has_l4) {
    HeavyKey p;
    p.proto = f.l4proto;
    p.port = f.orig.dport;
    dports_->Add(p, w);
  }
}

void TableSummary::SetNetns(absl::string_view name) { netns_ = netns_names_.Intern(name); }

std::string TableSummary::KeyText(size_t k, const GroupPart& part) const {
  if (k >= options_.by.size()) return "-";
  return GroupPartText(*options_.by[k], part, netns_names_.names());
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

namespace {

TopList HeavyTop(const TableSummary::Heavy* h, size_t n, bool by_entries) {
  if (h == nullptr) return TopList();
  return MakeList<TopItem>(*h, n, by_entries, [](const HeavyKey& k, TopItem* item) {
    item->family = k.family;
    item->addr = k.addr;
    item->proto = k.proto;
    item->port = k.port;
  });
}

}  // namespace

bool TableSummary::RankedByEntries() const {
  return options_.sort == SummarySort::kEntries || accounted_ == 0;
}

TopList TableSummary::TopSources() const {
  return HeavyTop(sources_.get(), options_.top, RankedByEntries());
}
TopList TableSummary::TopDestinations() const {
  return HeavyTop(destinations_.get(), options_.top, RankedByEntries());
}
TopList TableSummary::TopDestinationPorts() const {
  return HeavyTop(dports_.get(), options_.top, RankedByEntries());
}

GroupList TableSummary::TopGroups() const {
  if (!groups_) return GroupList();
  return MakeList<GroupItem>(*groups_, options_.top, RankedByEntries(),
                             [](const GroupValue& v, GroupItem* item) { item->value = v; });
}

}  // namespace ctdump
