#include "cli/watch/screen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace ctdump {
namespace {

constexpr const char* kViewNames[kWatchViews] = {"sources", "destinations", "ports",
                                                  "states", "flows", "namespaces"};
constexpr const char* kViewColumns[kWatchViews] = {"SOURCE", "DESTINATION", "PROTO/DPORT",
                                                    "PROTO STATE", "FLOW", "NETNS"};
constexpr const char* kSortNames[] = {"entries", "bytes/s", "packets/s", "key"};
constexpr double kIntervals[] = {0.5, 1, 2, 5, 10, 30, 60};

// The help line's items; wrapped at the width.
constexpr const char* kHelpItems[] = {
    "keys:",         "q quit",       "1 sources",    "2 destinations", "3 ports",
    "4 states",      "5 flows",      "6 namespaces", "v next view",    "s sort",
    "p/space pause", "+/- interval",
};

std::string Fit(std::string line, size_t width) {
  if (line.size() > width) line.resize(width);
  return line;
}

std::string Seconds(double s) {
  if (s == std::floor(s)) return absl::StrCat(static_cast<int64_t>(s), "s");
  return absl::StrFormat("%.1fs", s);
}

std::string Rate(double per_s) { return absl::StrFormat("%.1f/s", per_s); }

std::string Counts(const std::vector<WatchNamedCount>& items) {
  std::string out;
  for (const WatchNamedCount& c : items) {
    absl::StrAppend(&out, out.empty() ? "" : "  ", c.name, " ", c.count);
  }
  return out.empty() ? "none" : out;
}

std::string TableLine(const WatchFrame& f) {
  if (!f.table_count) return absl::StrCat("table: count unknown (", f.table_error, ")");
  std::string line = absl::StrCat("table: ", *f.table_count);
  if (f.table_max && *f.table_max > 0) {
    const double fill = 100.0 * static_cast<double>(*f.table_count) /
                        static_cast<double>(*f.table_max);
    absl::StrAppend(&line, " of ", *f.table_max, " entries (", absl::StrFormat("%.1f", fill),
                    "% full)");
    if (fill > 80) absl::StrAppend(&line, "  WARNING: above 80% full");
  } else {
    absl::StrAppend(&line, " entries (maximum unknown)");
  }
  return line;
}

std::string ChangeLine(const WatchFrame& f) {
  if (!f.change_valid) return "change: - (first refresh)";
  std::string line = absl::StrCat("change: new ", Rate(f.new_per_s), "  gone ",
                                  Rate(f.gone_per_s));
  absl::StrAppend(&line, f.change_exact
                             ? " (exact)"
                             : absl::StrCat(" (estimated from 1 in ", uint64_t{1} << f.change_shift,
                                            " flows)"));
  if (f.count_change_per_s) {
    absl::StrAppend(&line, "  net ", *f.count_change_per_s >= 0 ? "+" : "",
                    absl::StrFormat("%.1f/s", *f.count_change_per_s));
  }
  return line;
}

std::string RatesLine(const WatchFrame& f) {
  if (!f.accounting) {
    return "rates: none (no counters: net.netfilter.nf_conntrack_acct=0 when the entries "
           "were made)";
  }
  if (!f.change_valid) return "rates: from the next refresh on";
  std::string line = absl::StrCat("rates: bytes/s and packets/s of ", f.tracked, " tracked flows");
  absl::StrAppend(&line, f.track_shift == 0
                             ? " (exact)"
                             : absl::StrCat(" (1 in ", uint64_t{1} << f.track_shift,
                                            " flows sampled; key rates scaled)"));
  return line;
}

bool RowBefore(const WatchRow& a, const WatchRow& b, WatchSort sort) {
  auto desc = [](const auto& x, const auto& y) -> int {
    // Present before absent, larger before smaller; 0 when equal.
    if (x.has_value() != y.has_value()) return x.has_value() ? -1 : 1;
    if (!x.has_value() || *x == *y) return 0;
    return *x > *y ? -1 : 1;
  };
  int c = 0;
  switch (sort) {
    case WatchSort::kEntries: c = desc(a.entries, b.entries); break;
    case WatchSort::kBytes: c = desc(a.bytes_per_s, b.bytes_per_s); break;
    case WatchSort::kPackets: c = desc(a.packets_per_s, b.packets_per_s); break;
    case WatchSort::kKey: break;
  }
  if (c != 0) return c < 0;
  return std::tie(a.order, a.key) < std::tie(b.order, b.key);
}

struct Columns {
  bool entries = true;  // not for single flows
  bool bytes = true;
  bool packets = true;
};

Columns ColumnsFor(WatchView view, size_t width) {
  Columns c;
  c.entries = view != WatchView::kFlows;
  c.packets = width >= 60;
  c.bytes = width >= 46;
  return c;
}

std::string Cell(const std::optional<double>& v) { return v ? HumanNumber(*v) : "-"; }

std::string RowLine(const WatchRow& r, Columns c) {
  std::string line;
  if (c.entries) {
    line = absl::StrFormat("%10s", r.entries ? absl::StrCat(*r.entries) : std::string("-"));
  }
  if (c.bytes) absl::StrAppend(&line, absl::StrFormat("  %8s", Cell(r.bytes_per_s)));
  if (c.packets) absl::StrAppend(&line, absl::StrFormat("  %9s", Cell(r.packets_per_s)));
  absl::StrAppend(&line, "  ", r.key);
  return line;
}

std::string HeadingLine(WatchView view, Columns c) {
  std::string line = c.entries ? absl::StrFormat("%10s", "ENTRIES") : std::string();
  if (c.bytes) absl::StrAppend(&line, absl::StrFormat("  %8s", "BYTES/S"));
  if (c.packets) absl::StrAppend(&line, absl::StrFormat("  %9s", "PACKETS/S"));
  absl::StrAppend(&line, "  ", kViewColumns[static_cast<size_t>(view)]);
  return line;
}

std::vector<std::string> HelpLines(size_t width, bool all_netns) {
  std::vector<std::string> lines;
  std::string line;
  for (const char* item : kHelpItems) {
    if (!all_netns && std::strcmp(item, "6 namespaces") == 0) continue;
    const std::string sep = line.empty() ? "" : "  ";
    if (!line.empty() && line.size() + sep.size() + std::strlen(item) > width) {
      lines.push_back(line);
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : "  ", item);
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

std::string HumanNumber(double v) {
  if (v < 0) v = 0;
  if (v < 1000) return v == std::floor(v) ? absl::StrCat(static_cast<uint64_t>(v))
                                          : absl::StrFormat("%.1f", v);
  const char* units = "KMGTP";
  for (int i = 0; i < 5; ++i) {
    v /= 1000;
    if (v < 999.95 || i == 4) return absl::StrFormat("%.1f%c", v, units[i]);
  }
  return "-";
}

KeyAction ApplyKey(int key, WatchState* s) {
  switch (key) {
    case 'q':
    case 'Q':
      return KeyAction::kQuit;
    case '1': case '2': case '3': case '4': case '5': case '6':
      if (key == '6' && !s->all_netns) return KeyAction::kNone;
      s->view = static_cast<WatchView>(key - '1');
      return KeyAction::kRedraw;
    case 'v':
    case '\t': {
      const size_t views = s->all_netns ? kWatchViews : kWatchViews - 1;
      s->view = static_cast<WatchView>((static_cast<size_t>(s->view) + 1) % views);
      return KeyAction::kRedraw;
    }
    case 's':
      s->sort = static_cast<WatchSort>((static_cast<int>(s->sort) + 1) % 4);
      return KeyAction::kRedraw;
    case 'p':
    case ' ':
      s->paused = !s->paused;
      return s->paused ? KeyAction::kRedraw : KeyAction::kRefresh;
    case '+':
    case '=': {
      for (double i : kIntervals) {
        if (i > s->interval) {
          s->interval = i;
          return KeyAction::kRefresh;
        }
      }
      return KeyAction::kRedraw;
    }
    case '-': {
      double next = s->interval;
      for (double i : kIntervals) {
        if (i < s->interval) next = i;
      }
      s->interval = next;
      return KeyAction::kRefresh;
    }
    default:
      return KeyAction::kNone;
  }
}

std::vector<std::string> RenderScreen(const WatchFrame& f, const WatchState& state,
                                      ScreenSize size) {
  const size_t width = std::max<size_t>(size.width, 20);
  std::vector<std::string> out;
  std::string title = absl::StrCat("ctdump --watch  ", f.time, "  every ", Seconds(state.interval),
                                   "  ", f.backend);
  if (state.paused) absl::StrAppend(&title, "  [PAUSED]");
  out.push_back(title);
  if (!f.error.empty()) out.push_back(absl::StrCat("ERROR: ", f.error));
  if (!f.note.empty()) out.push_back(absl::StrCat("note: ", f.note));
  out.push_back(TableLine(f));
  std::string listed = absl::StrCat("listed: ", f.entries_read, " entries in ",
                                    absl::StrFormat("%.3f", f.dump_seconds), " s");
  if (f.filtered) absl::StrAppend(&listed, " (", f.entries, " match the filters)");
  out.push_back(listed);
  out.push_back(absl::StrCat("protocols: ", Counts(f.protocols)));
  out.push_back(absl::StrCat("tcp states: ", Counts(f.tcp_states)));
  out.push_back(ChangeLine(f));
  out.push_back(RatesLine(f));
  const size_t v = static_cast<size_t>(state.view);
  // Single flows have no entry counts: "entries" sorts them by bytes/s.
  const WatchSort sort = state.view == WatchView::kFlows && state.sort == WatchSort::kEntries
                             ? WatchSort::kBytes
                             : state.sort;
  std::string viewline = absl::StrCat("view: ", v + 1, " ", kViewNames[v], "  sort: ",
                                      kSortNames[static_cast<int>(sort)]);
  if (state.view != WatchView::kFlows) {
    absl::StrAppend(&viewline,
                    f.rows_exact[v] ? "  (entries exact)"
                                    : absl::StrCat("  (entries estimated from 1 in ",
                                                   uint64_t{1} << f.track_shift, " flows)"));
  }
  out.push_back(viewline);
  const Columns cols = ColumnsFor(state.view, width);
  out.push_back(HeadingLine(state.view, cols));

  // Batch screens have no keys to list.
  const std::vector<std::string> help =
      size.height > 0 ? HelpLines(width, state.all_netns) : std::vector<std::string>();
  size_t room = state.rows;
  if (size.height > 0) {
    const size_t used = out.size() + help.size();
    room = size.height > used ? size.height - used : 0;
  }
  std::vector<const WatchRow*> rows;
  for (const WatchRow& r : f.rows[v]) rows.push_back(&r);
  const size_t shown = std::min(room, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                    [&](const WatchRow* a, const WatchRow* b) { return RowBefore(*a, *b, sort); });
  for (size_t i = 0; i < shown; ++i) out.push_back(RowLine(*rows[i], cols));
  if (size.height > 0) {
    while (out.size() + help.size() < size.height) out.emplace_back();
  }
  for (const std::string& h : help) out.push_back(h);
  if (size.height > 0 && out.size() > size.height) {
    // Too short for the header: keep the help line(s), which say how to quit.
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(size.height - std::min(size.height, help.size())),
              out.end() - static_cast<std::ptrdiff_t>(help.size()));
    if (out.size() > size.height) out.resize(size.height);
  }
  for (std::string& line : out) line = Fit(std::move(line), width);
  return out;
}

}  // namespace ctdump
