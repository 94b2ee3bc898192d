#include "core/table_diff.h"

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

void TableDiff::BeginSnapshot() {
  current_.clear();
  skipped_.clear();
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

bool TableDiff::EndSnapshot(uint64_t now_ns, EventSink& sink) {
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
    ev.type = EventType::kDestroy;
    for (const Flow& f : previous_.flows) {
      if (!go_on) break;
      if (!current_.index.contains(KeyOf(f))) go_on = sink.OnEvent(ev, f);
    }
    ev.type = EventType::kNew;
    for (const Flow& f : current_.flows) {
      if (!go_on) break;
      if (!previous_.index.contains(KeyOf(f))) go_on = sink.OnEvent(ev, f);
    }
  }
  std::swap(previous_, current_);
  current_.clear();
  return go_on;
}

}  // namespace ctdump
