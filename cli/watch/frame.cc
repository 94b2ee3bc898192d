#include "cli/watch/frame.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/addr.h"
#include "core/kernel.h"
#include "core/summary_format.h"
#include "core/summary_keys.h"

namespace ctdump {
namespace {

// A key of a key view: what TopItem holds (sources, destinations: family + addr; ports:
// proto + port) or, for states, proto + state.
struct RateKey {
  uint8_t family = 0;
  uint8_t proto = 0;
  uint8_t state = 0;
  uint16_t port = 0;
  uint32_t netns = 0;  // the namespaces view
  Addr addr{};
  bool operator==(const RateKey& o) const {
    return std::tie(family, proto, state, port, netns, addr) ==
           std::tie(o.family, o.proto, o.state, o.port, o.netns, o.addr);
  }
  template <typename H>
  friend H AbslHashValue(H h, const RateKey& k) {
    return H::combine(std::move(h), k.family, k.proto, k.state, k.port, k.netns, k.addr);
  }
};

// What a key view knows of one key, summed over the tracked flows.
struct KeyTotals {
  double entries = 0;
  double bytes = 0;    // per second
  double packets = 0;  // per second
};
using KeyMap = absl::flat_hash_map<RateKey, KeyTotals>;

std::string OrderOf(const RateKey& k) {
  std::string o;
  o.push_back(static_cast<char>(k.family));
  o.push_back(static_cast<char>(k.proto));
  o.push_back(static_cast<char>(k.port >> 8));
  o.push_back(static_cast<char>(k.port & 0xff));
  o.push_back(static_cast<char>(k.state));
  for (int shift = 24; shift >= 0; shift -= 8) o.push_back(static_cast<char>(k.netns >> shift));
  o.append(reinterpret_cast<const char*>(k.addr.data()), k.addr.size());
  return o;
}

std::string AddrText(uint8_t family, const Addr& a) {
  char buf[kMaxAddrText];
  char* end = FormatAddr(family, a, AddrStyle::kCompressed, buf);
  return std::string(buf, static_cast<size_t>(end - buf));
}

std::string KeyText(WatchView view, const RateKey& k, const std::vector<std::string>& names) {
  if (view == WatchView::kNamespaces) return NetnsIdText(k.netns, names);
  if (view == WatchView::kStates) {
    return absl::StrCat(SummaryProtoName(k.proto), " ", StateName(k.proto, k.state));
  }
  TopItem item;
  item.family = k.family;
  item.addr = k.addr;
  item.proto = k.proto;
  item.port = k.port;
  return TopItemAddrText(item);
}

// The top `n` keys of `keys` by `field`.
std::vector<RateKey> TopBy(const KeyMap& keys, double KeyTotals::*field, size_t n) {
  std::vector<std::pair<RateKey, double>> all;
  all.reserve(keys.size());
  for (const auto& [k, t] : keys) {
    if (t.*field > 0) all.emplace_back(k, t.*field);
  }
  const size_t shown = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown), all.end(),
                    [](const auto& a, const auto& b) {
                      if (a.second != b.second) return a.second > b.second;
                      return OrderOf(a.first) < OrderOf(b.first);
                    });
  std::vector<RateKey> out;
  for (size_t i = 0; i < shown; ++i) out.push_back(all[i].first);
  return out;
}

// The rows of one key view: the top `n` keys by entries, by bytes/s and by packets/s.
// `exact_entries`, when given, replaces the sampled entry counts (the states' counts
// come exact from the summary).
std::vector<WatchRow> KeyRows(WatchView view, const KeyMap& keys, bool have_rates, size_t n,
                              const KeyMap* exact_entries,
                              const std::vector<std::string>& names) {
  std::vector<WatchRow> rows;
  absl::flat_hash_map<RateKey, bool> listed;
  auto add = [&](const RateKey& k) {
    if (!listed.emplace(k, true).second) return;
    WatchRow r;
    r.key = KeyText(view, k, names);
    r.order = OrderOf(k);
    auto it = keys.find(k);
    const KeyTotals t = it == keys.end() ? KeyTotals{} : it->second;
    const KeyMap& counts = exact_entries ? *exact_entries : keys;
    auto c = counts.find(k);
    r.entries = static_cast<uint64_t>(std::llround(c == counts.end() ? 0 : c->second.entries));
    if (have_rates) {
      r.bytes_per_s = t.bytes;
      r.packets_per_s = t.packets;
    }
    rows.push_back(std::move(r));
  };
  for (const RateKey& k : TopBy(exact_entries ? *exact_entries : keys, &KeyTotals::entries, n)) {
    add(k);
  }
  if (have_rates) {
    for (const RateKey& k : TopBy(keys, &KeyTotals::bytes, n)) add(k);
    for (const RateKey& k : TopBy(keys, &KeyTotals::packets, n)) add(k);
  }
  return rows;
}

}  // namespace

std::string TrackedFlowText(const TrackedFlow& f, const std::vector<std::string>& netns_names) {
  const Tuple& t = f.orig;
  std::string text;
  if (!netns_names.empty()) absl::StrAppend(&text, "[", NetnsIdText(f.netns, netns_names), "] ");
  absl::StrAppend(&text, SummaryProtoName(f.l4proto), " ");
  const bool v6 = f.family == kFamilyIPv6;
  auto endpoint = [&](const Addr& a, uint16_t port) {
    std::string addr = AddrText(f.family, a);
    if (!(ProtoHasPorts(f.l4proto) && t.has_l4)) return addr;
    return v6 ? absl::StrCat("[", addr, "]:", port) : absl::StrCat(addr, ":", port);
  };
  absl::StrAppend(&text, endpoint(t.src, t.sport), " -> ", endpoint(t.dst, t.dport));
  if (ProtoIsICMP(f.l4proto) && t.has_l4) {
    absl::StrAppend(&text, " type=", t.icmp_type, " code=", t.icmp_code, " id=", t.icmp_id);
  }
  if (f.state) absl::StrAppend(&text, " ", StateName(f.l4proto, *f.state));
  return text;
}

WatchFrame BuildWatchFrame(const TableSummary& summary, const FlowTracker& tracker,
                           const RefreshFacts& facts, size_t n) {
  WatchFrame f;
  f.time = facts.time;
  f.backend = facts.backend;
  f.table_count = facts.table_count;
  f.table_max = facts.table_max;
  f.table_error = facts.table_error;
  f.entries_read = facts.entries_read;
  f.entries = summary.total();
  f.filtered = facts.filtered;
  f.dump_seconds = facts.dump_seconds;
  for (const CountItem& c : summary.ByProtocol()) {
    f.protocols.push_back(WatchNamedCount{SummaryProtoName(static_cast<uint8_t>(c.key)), c.count});
  }
  for (const CountItem& c : summary.ByState()) {
    if (c.key != kProtoTCP) continue;
    f.tcp_states.push_back(
        WatchNamedCount{std::string(StateName(kProtoTCP, c.state)), c.count});
  }

  const FlowTracker::Change& ch = tracker.change();
  const double secs = facts.seconds > 0 ? facts.seconds : 1;
  f.change_valid = ch.valid && facts.seconds > 0;
  f.change_exact = ch.exact;
  f.change_shift = ch.shift;
  f.new_per_s = static_cast<double>(ch.new_flows) / secs;
  f.gone_per_s = static_cast<double>(ch.gone_flows) / secs;
  if (f.change_valid && facts.previous_count && facts.table_count) {
    f.count_change_per_s =
        (static_cast<double>(*facts.table_count) - static_cast<double>(*facts.previous_count)) /
        secs;
  }
  f.accounting = tracker.accounting_seen();
  f.tracked = tracker.tracked();
  f.track_shift = ch.valid ? ch.shift : tracker.shift();

  // Entries and rates per key, from the tracked flows: every flow while they fit the
  // cap, else a consistent sample of 1 in 2^shift, scaled back up.
  const bool have_rates = f.accounting && f.change_valid;
  const double entry_scale = static_cast<double>(uint64_t{1} << tracker.shift());
  const double rate_scale = static_cast<double>(uint64_t{1} << ch.shift) / secs;
  const bool all_netns = !facts.netns_names.empty();
  std::array<KeyMap, kWatchViews> keys;
  std::vector<std::pair<const TrackedFlow*, KeyTotals>> flows;
  for (const TrackedFlow* t : tracker.flows()) {
    KeyTotals add{entry_scale, 0, 0};
    if (have_rates && t->has_delta && (t->bytes_delta > 0 || t->packets_delta > 0)) {
      flows.emplace_back(t, KeyTotals{1, static_cast<double>(t->bytes_delta) / secs,
                                      static_cast<double>(t->packets_delta) / secs});
      add.bytes = static_cast<double>(t->bytes_delta) * rate_scale;
      add.packets = static_cast<double>(t->packets_delta) * rate_scale;
    }
    auto sum = [&](WatchView v, const RateKey& k) {
      KeyTotals& to = keys[static_cast<size_t>(v)][k];
      to.entries += add.entries;
      to.bytes += add.bytes;
      to.packets += add.packets;
    };
    RateKey k;
    k.family = t->family;
    k.addr = t->orig.src;
    sum(WatchView::kSources, k);
    k.addr = t->orig.dst;
    sum(WatchView::kDestinations, k);
    if (ProtoHasPorts(t->l4proto) && t->orig.has_l4) {
      RateKey p;
      p.proto = t->l4proto;
      p.port = t->orig.dport;
      sum(WatchView::kPorts, p);
    }
    if (t->state) {
      RateKey s;
      s.proto = t->l4proto;
      s.state = *t->state;
      sum(WatchView::kStates, s);
    }
    if (all_netns) {
      RateKey ns;
      ns.netns = t->netns;
      sum(WatchView::kNamespaces, ns);
    }
  }
  KeyMap state_counts;  // exact, from the summary
  for (const CountItem& c : summary.ByState()) {
    RateKey k;
    k.proto = static_cast<uint8_t>(c.key);
    k.state = c.state;
    state_counts[k].entries = static_cast<double>(c.count);
  }
  KeyMap netns_counts;  // exact, from the caller
  for (size_t i = 0; i < facts.netns_entries.size(); ++i) {
    if (facts.netns_entries[i] == 0) continue;
    RateKey k;
    k.netns = static_cast<uint32_t>(i + 1);
    netns_counts[k].entries = static_cast<double>(facts.netns_entries[i]);
  }
  const bool sampled = tracker.shift() != 0;
  for (WatchView v : {WatchView::kSources, WatchView::kDestinations, WatchView::kPorts,
                      WatchView::kStates, WatchView::kNamespaces}) {
    const size_t i = static_cast<size_t>(v);
    if (v == WatchView::kNamespaces && !all_netns) continue;
    const KeyMap* exact = v == WatchView::kStates       ? &state_counts
                          : v == WatchView::kNamespaces ? &netns_counts
                                                        : nullptr;
    f.rows[i] = KeyRows(v, keys[i], have_rates, n, exact, facts.netns_names);
    f.rows_exact[i] = exact != nullptr || !sampled;
  }

  // The busiest flows, by bytes and by packets.
  const size_t fi = static_cast<size_t>(WatchView::kFlows);
  f.rows_exact[fi] = ch.shift == 0;
  for (double KeyTotals::*field : {&KeyTotals::bytes, &KeyTotals::packets}) {
    const size_t shown = std::min(n, flows.size());
    std::partial_sort(flows.begin(), flows.begin() + static_cast<std::ptrdiff_t>(shown),
                      flows.end(), [&](const auto& a, const auto& b) {
                        return a.second.*field > b.second.*field;
                      });
    for (size_t i = 0; i < shown; ++i) {
      WatchRow r;
      r.key = TrackedFlowText(*flows[i].first, facts.netns_names);
      r.order = r.key;
      r.bytes_per_s = flows[i].second.bytes;
      r.packets_per_s = flows[i].second.packets;
      bool dup = false;
      for (const WatchRow& o : f.rows[fi]) dup = dup || o.key == r.key;
      if (!dup) f.rows[fi].push_back(std::move(r));
    }
  }
  return f;
}

}  // namespace ctdump
