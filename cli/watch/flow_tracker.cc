#include "cli/watch/flow_tracker.h"

#include <algorithm>

namespace ctdump {

FlowTracker::FlowTracker(size_t cap) : cap_(std::max<size_t>(cap, 1)) {}

namespace {

// A seedless 64-bit mix (the splitmix64 finaliser) so that the sample is the same flows
// in every process and every run: absl::Hash is seeded per process, which made sampled
// estimates differ from run to run.
inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

inline uint64_t Load64(const Addr& a, int at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(a[at + i]) << (8 * i);
  return v;
}

}  // namespace

uint64_t FlowTracker::FlowHash(const Flow& f, uint32_t netns) {
  const Tuple& t = f.orig;
  uint64_t h = Mix(netns, static_cast<uint64_t>(f.family) | static_cast<uint64_t>(f.l4proto) << 8 |
                          static_cast<uint64_t>(f.zone.id) << 16 |
                          static_cast<uint64_t>(f.zone.dir) << 32 |
                          static_cast<uint64_t>(f.id.has_value()) << 40);
  h = Mix(h, Load64(t.src, 0));
  h = Mix(h, Load64(t.src, 8));
  h = Mix(h, Load64(t.dst, 0));
  h = Mix(h, Load64(t.dst, 8));
  h = Mix(h, static_cast<uint64_t>(t.sport) | static_cast<uint64_t>(t.dport) << 16 |
                 static_cast<uint64_t>(t.icmp_type) << 32 |
                 static_cast<uint64_t>(t.icmp_code) << 40 |
                 static_cast<uint64_t>(t.icmp_id) << 48);
  return Mix(h, f.id.value_or(0));
}

void FlowTracker::Begin(std::optional<uint64_t> expected) {
  current_.clear();
  if (expected) {
    // Start with the sample the table is expected to fit in (3/4 of the cap, for growth
    // during the dump): no flow is inserted only to be dropped again.
    unsigned shift = 0;
    while (shift < 63 && (*expected >> shift) > cap_ / 4 * 3) ++shift;
    shift_ = shift;
  } else if (shift_ > 0 && previous_.size() < cap_ / 4) {
    --shift_;  // let the sample grow back by one step per refresh when the table shrank
  }
  current_.reserve(std::min<uint64_t>(cap_, expected ? (*expected >> shift_) + 64 : cap_ / 4));
}

void FlowTracker::Add(const Flow& flow, uint32_t netns) {
  const uint64_t h = FlowHash(flow, netns);
  if (!InSample(h, shift_)) return;
  TrackedFlow& t = current_[h];
  t.netns = netns;
  t.family = flow.family;
  t.l4proto = flow.l4proto;
  t.state = flow.state;
  t.orig = flow.orig;
  t.has_counters = flow.orig_counters.has_value() || flow.reply_counters.has_value();
  const Counters none;
  const Counters& o = flow.orig_counters ? *flow.orig_counters : none;
  const Counters& r = flow.reply_counters ? *flow.reply_counters : none;
  t.bytes = o.bytes + r.bytes;
  t.packets = o.packets + r.packets;
  if (t.has_counters) accounting_seen_ = true;
  while (current_.size() > cap_) {
    ++shift_;
    absl::erase_if(current_, [&](const auto& kv) { return !InSample(kv.first, shift_); });
  }
}

void FlowTracker::End() {
  change_ = Change{};
  if (have_previous_) {
    const unsigned shift = std::max(shift_, previous_shift_);
    uint64_t matched = 0, fresh = 0, before = 0;
    for (auto& [h, t] : current_) {
      if (!InSample(h, shift)) continue;
      auto it = previous_.find(h);
      const bool known = it != previous_.end();
      (known ? matched : fresh) += 1;
      if (!t.has_counters) continue;
      t.has_delta = true;
      // Counters never go down on one entry; a lower value is a re-created entry.
      const bool grew = known && t.bytes >= it->second.bytes && t.packets >= it->second.packets;
      t.bytes_delta = grew ? t.bytes - it->second.bytes : t.bytes;
      t.packets_delta = grew ? t.packets - it->second.packets : t.packets;
    }
    for (const auto& [h, s] : previous_) before += InSample(h, shift) ? 1 : 0;
    change_.valid = true;
    change_.shift = shift;
    change_.exact = shift == 0;
    change_.new_flows = fresh << shift;
    change_.gone_flows = (before - matched) << shift;
  }
  previous_.clear();
  previous_.reserve(current_.size());
  for (const auto& [h, t] : current_) previous_.emplace(h, Seen{t.bytes, t.packets});
  previous_shift_ = shift_;
  have_previous_ = true;
}

void FlowTracker::Abandon() {
  current_.clear();
  shift_ = previous_shift_;
}

std::vector<const TrackedFlow*> FlowTracker::flows() const {
  std::vector<const TrackedFlow*> out;
  out.reserve(current_.size());
  for (const auto& [h, t] : current_) out.push_back(&t);
  return out;
}

}  // namespace ctdump
