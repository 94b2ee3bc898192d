#include "core/table_diff.h"

#include <algorithm>
#include <utility>

namespace ctdump {

bool TableDiff::Key::operator==(const Key& o) const {
  return family == o.family && l4proto == o.l4proto && zone == o.zone &&
         zone_dir == o.zone_dir && has_l4 == o.has_l4 && src == o.src && dst == o.dst &&
         sport == o.sport && dport == o.dport && icmp_type == o.icmp_type &&
         icmp_code == o.icmp_code && icmp_id == o.icmp_id;
}

TableDiff::Key TableDiff::KeyOf(const Flow& f) {
  Key k;
  k.family = f.family;
  k.l4proto = f.l4proto;
  k.zone = f.zone.id;
  k.zone_dir = f.zone.dir;
  k.has_l4 = f.orig.has_l4;
  k.src = f.orig.src;
  k.dst = f.orig.dst;
  if (f.orig.has_l4) {
    k.sport = f.orig.sport;
    k.dport = f.orig.dport;
    k.icmp_type = f.orig.icmp_type;
    k.icmp_code = f.orig.icmp_code;
    k.icmp_id = f.orig.icmp_id;
  }
  return k;
}

void TableDiff::BeginSnapshot(size_t size_hint) {
  current_.clear();
  skipped_.clear();
  // Room for a table the size of the last one (or the hint), and some: growing a
  // 250,000-entry index or record vector mid-read rehashes or copies all of it at once,
  // a stall of tens of milliseconds (hundreds on a loaded machine) in which a stop
  // request is not seen.
  const size_t last = std::max(previous_.size(), size_hint);
  const size_t expect = last + last / 8;
  current_.index.reserve(expect);
  current_.flows.reserve(expect);
  reading_ = true;
}

bool TableDiff::OnFlow(const Flow& flow) {
  if (!reading_) return true;
  Key key = KeyOf(flow);
  auto [it, inserted] = current_.index.try_emplace(key, current_.flows.size());
  if (!inserted) return true;  // a repeat within one dump
  current_.flows.push_back(flow);
  current_.flows.back().use.reset();  // events carry no reference count
  return true;
}

void TableDiff::OnSkipped(const absl::Status& why) {
  if (reading_) skipped_.push_back(why);
}

void TableDiff::AbandonSnapshot() {
  current_.clear();
  skipped_.clear();
  reading_ = false;
}

bool TableDiff::EndSnapshot(uint64_t now_ns, EventSink& sink,
                            absl::FunctionRef<bool()> stop_requested) {
  reading_ = false;
  for (const absl::Status& why : skipped_) sink.OnSkipped(why);
  skipped_.clear();
  const bool baseline_only = snapshots_ == 0;
  ++snapshots_;
  bool go_on = true;
  if (!baseline_only) {
    FlowEvent ev;
    ev.polled = true;
    ev.time_ns = now_ns;
    // Every kStopCheckEvery entries: is the stop requested? (About a millisecond of
    // lookups on a loaded machine: the comparison of two 250,000-entry snapshots takes
    // a few hundred milliseconds there, too long for SIGINT to wait for.)
    constexpr size_t kStopCheckEvery = 4096;
    size_t seen = 0;
    auto go = [&] {
      if (go_on && (++seen % kStopCheckEvery) == 0 && stop_requested()) go_on = false;
      return go_on;
    };
    ev.type = EventType::kDestroy;
    for (const Flow& f : previous_.flows) {
      if (!go()) break;
      if (!current_.index.contains(KeyOf(f))) go_on = sink.OnEvent(ev, f);
    }
    ev.type = EventType::kNew;
    for (const Flow& f : current_.flows) {
      if (!go()) break;
      if (!previous_.index.contains(KeyOf(f))) go_on = sink.OnEvent(ev, f);
    }
  }
  std::swap(previous_, current_);
  current_.clear();
  return go_on;
}

}  // namespace ctdump
