#include "cli/watch/frame.h"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/addr.h"
#include "core/kernel.h"
#include "core/summary_format.h"

namespace ctdump {
namespace {

// A key of a key view: what TopItem holds (sources, destinations: family + addr; ports:
// proto + port) or, for states, proto + state.
struct RateKey {
  uint8_t family = 0;
  uint8_t proto = 0;
  uint8_t state = 0;
  uint16_t port = 0;
  Addr addr{};
  bool operator==(const RateKey& o) const {
    return std::tie(family, proto, state, port, addr) ==
           std::tie(o.family, o.proto, o.state, o.port, o.addr);
  }
  template <typename H>
  friend H AbslHashValue(H h, const RateKey& k) {
    return H::combine(std::move(h), k.family, k.proto, k.state, k.port, k.addr);
  }
};

struct Rates {
  double bytes = 0;
  double packets = 0;
};
using RateMap = absl::flat_hash_map<RateKey, Rates>;

std::string OrderOf(const RateKey& k) {
  std::string o;
  o.push_back(static_cast<char>(k.family));
  o.push_back(static_cast<char>(k.proto));
  o.push_back(static_cast<char>(k.port >> 8));
  o.push_back(static_cast<char>(k.port & 0xff));
  o.push_back(static_cast<char>(k.state));
  o.append(reinterpret_cast<const char*>(k.addr.data()), k.addr.size());
  return o;
}

std::string AddrText(uint8_t family, const Addr& a) {
  char buf[kMaxAddrText];
  char* end = FormatAddr(family, a, AddrStyle::kCompressed, buf);
  return std::string(buf, static_cast<size_t>(end - buf));
}

std::string KeyText(WatchView view, const RateKey& k) {
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

RateKey FromTopItem(const TopItem& item) {
  RateKey k;
  k.family = item.family;
  k.addr = item.addr;
  k.proto = item.proto;
  k.port = item.port;
  return k;
}

// The top `n` keys of `rates` by `field`.
std::vector<RateKey> TopByRate(const RateMap& rates, double Rates::*field, size_t n) {
  std::vector<std::pair<RateKey, double>> all;
  all.reserve(rates.size());
  for (const auto& [k, r] : rates) {
    if (r.*field > 0) all.emplace_back(k, r.*field);
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

// The rows of one key view: `counted` (key, entries) pairs joined with the rates.
std::vector<WatchRow> KeyRows(WatchView view, const std::vector<std::pair<RateKey, uint64_t>>& counted,
                              const RateMap& rates, bool have_rates, size_t n) {
  std::vector<WatchRow> rows;
  absl::flat_hash_map<RateKey, size_t> index;
  auto row_of = [&](const RateKey& k) -> WatchRow& {
    auto [it, fresh] = index.emplace(k, rows.size());
    if (fresh) {
      WatchRow r;
      r.key = KeyText(view, k);
      r.order = OrderOf(k);
      if (have_rates) {
        auto rt = rates.find(k);
        r.bytes_per_s = rt == rates.end() ? 0 : rt->second.bytes;
        r.packets_per_s = rt == rates.end() ? 0 : rt->second.packets;
      }
      rows.push_back(std::move(r));
    }
    return rows[it->second];
  };
  for (const auto& [k, count] : counted) row_of(k).entries = count;
  if (have_rates) {
    for (const RateKey& k : TopByRate(rates, &Rates::bytes, n)) row_of(k);
    for (const RateKey& k : TopByRate(rates, &Rates::packets, n)) row_of(k);
  }
  return rows;
}

std::vector<std::pair<RateKey, uint64_t>> Counted(const TopList& list) {
  std::vector<std::pair<RateKey, uint64_t>> out;
  for (const TopItem& item : list.items) out.emplace_back(FromTopItem(item), item.count);
  return out;
}

}  // namespace

std::string TrackedFlowText(const TrackedFlow& f) {
  const Tuple& t = f.orig;
  std::string text = absl::StrCat(SummaryProtoName(f.l4proto), " ");
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

  // Rates per key, from the tracked flows' deltas.
  const bool have_rates = f.accounting && f.change_valid;
  const double scale = static_cast<double>(uint64_t{1} << ch.shift) / secs;
  std::array<RateMap, 4> rates;
  std::vector<std::pair<const TrackedFlow*, Rates>> flows;
  if (have_rates) {
    for (const TrackedFlow* t : tracker.flows()) {
      if (!t->has_delta) continue;
      const Rates own{static_cast<double>(t->bytes_delta) / secs,
                      static_cast<double>(t->packets_delta) / secs};
      flows.emplace_back(t, own);
      const Rates scaled{own.bytes * secs * scale, own.packets * secs * scale};
      auto add = [&](WatchView v, const RateKey& k) {
        Rates& r = rates[static_cast<size_t>(v)][k];
        r.bytes += scaled.bytes;
        r.packets += scaled.packets;
      };
      RateKey k;
      k.family = t->family;
      k.addr = t->orig.src;
      add(WatchView::kSources, k);
      k.addr = t->orig.dst;
      add(WatchView::kDestinations, k);
      if (ProtoHasPorts(t->l4proto) && t->orig.has_l4) {
        RateKey p;
        p.proto = t->l4proto;
        p.port = t->orig.dport;
        add(WatchView::kPorts, p);
      }
      if (t->state) {
        RateKey s;
        s.proto = t->l4proto;
        s.state = *t->state;
        add(WatchView::kStates, s);
      }
    }
  }
  const TopList src = summary.TopSources();
  const TopList dst = summary.TopDestinations();
  const TopList ports = summary.TopDestinationPorts();
  std::vector<std::pair<RateKey, uint64_t>> states;
  for (const CountItem& c : summary.ByState()) {
    RateKey k;
    k.proto = static_cast<uint8_t>(c.key);
    k.state = c.state;
    states.emplace_back(k, c.count);
  }
  auto set = [&](WatchView v, const std::vector<std::pair<RateKey, uint64_t>>& counted,
                 bool exact) {
    const size_t i = static_cast<size_t>(v);
    f.rows[i] = KeyRows(v, counted, rates[i], have_rates, n);
    f.rows_exact[i] = exact;
  };
  set(WatchView::kSources, Counted(src), src.exact);
  set(WatchView::kDestinations, Counted(dst), dst.exact);
  set(WatchView::kPorts, Counted(ports), ports.exact);
  set(WatchView::kStates, states, true);

  // The busiest flows, by bytes and by packets.
  const size_t fi = static_cast<size_t>(WatchView::kFlows);
  f.rows_exact[fi] = ch.shift == 0;
  for (double Rates::*field : {&Rates::bytes, &Rates::packets}) {
    const size_t shown = std::min(n, flows.size());
    std::partial_sort(flows.begin(), flows.begin() + static_cast<std::ptrdiff_t>(shown),
                      flows.end(), [&](const auto& a, const auto& b) {
                        return a.second.*field > b.second.*field;
                      });
    for (size_t i = 0; i < shown; ++i) {
      WatchRow r;
      r.key = TrackedFlowText(*flows[i].first);
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
