// Fixture benchmarks: the pure parts of ctdump on generated and recorded inputs. No root,
// no kernel, stable enough for CI to track regressions (bench/README.md).
//
//   bazel run -c opt //bench:fixture_benchmark -- --benchmark_out=fixture.json
//       --benchmark_out_format=json          (one command line: no '\' in a // comment)
//
//   BM_ProcReader/100000         /proc text of a 100k-entry synthetic table through
//                                ProcReader (line splitting + ParseProcLine): bytes/s is
//                                the "offline procfs parsing" figure (target 1 GB/s)
//   BM_ProcParseLine/synthetic   ParseProcLine alone, line by line
//   BM_ProcParseLine/sample_6.18 the same over the real 6.18 sample (testdata/procfs)
//   BM_NetlinkDecode/<recording> DumpBufferReader over recorded 6.18 dumps
//                                (testdata/netlink): items/s is entries decoded per
//                                second (target 20M/s)
//   BM_Format/<format>           one output line per item: conntrack (-L), extended,
//                                json, proc, xml
//   BM_Filter/<case>             Matches() of a typical filter over the synthetic table
//   BM_ParseJson                 the JSON reader (core/json.h)
//
// Inputs are built once, before timing; every benchmark reports items/s (entries) and,
// where bytes are read or written, bytes/s.

#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "backends/procfs/parse.h"
#include "backends/procfs/reader.h"
#include "bench/corpus.h"
#include "benchmark/benchmark.h"
#include "core/addr.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/json.h"
#include "core/json_reader.h"
#include "core/kernel.h"
#include "core/proc_format.h"
#include "core/testing/proc_lines_testdata.h"
#include "core/text_buffer.h"
#include "core/xml.h"

namespace ctdump {
namespace bench {
namespace {

const std::vector<Flow>& Table() {
  static const auto* table = new std::vector<Flow>(SyntheticTable(100000));
  return *table;
}

const std::string& TableText() {
  static const auto* text = new std::string(ProcText(Table()));
  return *text;
}

std::vector<absl::string_view> Lines(absl::string_view text) {
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line[0] != '#') lines.push_back(line);
  }
  return lines;
}

// ---- procfs ----------------------------------------------------------------------

class CountingSink : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    benchmark::DoNotOptimize(flow.orig.sport);
    ++flows;
    return true;
  }
  void OnSkipped(const absl::Status&) override { ++skipped; }
  int64_t flows = 0;
  int64_t skipped = 0;
};

void BM_ProcReader(benchmark::State& state) {
  const std::string& text = TableText();
  ProcReader reader;
  int64_t flows = 0;
  for (auto _ : state) {
    size_t pos = 0;
    CountingSink sink;
    absl::Status s = reader.Read(
        [&](char* buf, size_t size) -> ssize_t {
          const size_t n = std::min(size, text.size() - pos);
          std::memcpy(buf, text.data() + pos, n);
          pos += n;
          return static_cast<ssize_t>(n);
        },
        "synthetic", sink);
    if (!s.ok() || sink.skipped != 0 || sink.flows != static_cast<int64_t>(Table().size())) {
      state.SkipWithError("the synthetic /proc text did not parse cleanly");
      return;
    }
    flows += sink.flows;
  }
  state.SetItemsProcessed(flows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ProcReader)->Name("BM_ProcReader/100000")->Unit(benchmark::kMillisecond);

void ParseLines(benchmark::State& state, const std::vector<absl::string_view>& lines) {
  Flow flow;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    if (!ParseProcLine(lines[i], &flow).ok()) {
      state.SkipWithError("line does not parse");
      return;
    }
    benchmark::DoNotOptimize(flow.orig.sport);
    bytes += static_cast<int64_t>(lines[i].size()) + 1;
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_ProcParseLine_Synthetic(benchmark::State& state) {
  static const auto* lines = new std::vector<absl::string_view>(Lines(TableText()));
  ParseLines(state, *lines);
}
BENCHMARK(BM_ProcParseLine_Synthetic)->Name("BM_ProcParseLine/synthetic");

void BM_ProcParseLine_Sample(benchmark::State& state) {
  static const auto* lines = new std::vector<absl::string_view>(Lines(kProcNfConntrack618));
  ParseLines(state, *lines);
}
BENCHMARK(BM_ProcParseLine_Sample)->Name("BM_ProcParseLine/sample_6.18");

// ---- netlink ---------------------------------------------------------------------

void BM_NetlinkDecode(benchmark::State& state, const std::string& name) {
  auto datagrams = netlink::ReadRecordingFile(absl::StrCat("testdata/netlink/", name, ".bin"));
  if (!datagrams.ok()) {
    state.SkipWithError(std::string(datagrams.status().message()).c_str());
    return;
  }
  Flow flow;
  int64_t entries = 0, bytes = 0;
  for (auto _ : state) {
    for (const auto& d : *datagrams) {
      netlink::DumpBufferReader reader(d, &flow);
      netlink::NlItem item;
      while (reader.Next(&item)) {
        if (item.kind == netlink::NlKind::kFlow) {
          benchmark::DoNotOptimize(flow.orig.sport);
          ++entries;
        }
      }
      bytes += static_cast<int64_t>(d.size());
    }
  }
  state.SetItemsProcessed(entries);
  state.SetBytesProcessed(bytes);
}
BENCHMARK_CAPTURE(BM_NetlinkDecode, entries, std::string("entries-6.18"));
BENCHMARK_CAPTURE(BM_NetlinkDecode, plain, std::string("plain-6.18"));
BENCHMARK_CAPTURE(BM_NetlinkDecode, many, std::string("many-6.18"));

// ---- output formats ----------------------------------------------------------------

template <typename Fn>
void RunFormat(benchmark::State& state, Fn&& append) {
  const std::vector<Flow>& flows = Table();
  TextBuffer out(1 << 20);
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    append(flows[i], &out);
    if (++i == flows.size()) i = 0;
    if (out.size() > (1 << 19)) {
      bytes += static_cast<int64_t>(out.size());
      benchmark::DoNotOptimize(out.view().data());
      out.clear();
    }
  }
  bytes += static_cast<int64_t>(out.size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_Format_Conntrack(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) {
    AppendConntrackLine(f, ConntrackStyle{}, kBenchNowNs, out);
  });
}
BENCHMARK(BM_Format_Conntrack)->Name("BM_Format/conntrack");

void BM_Format_Extended(benchmark::State& state) {
  ConntrackStyle style;
  style.extended = true;
  style.show_id = true;
  RunFormat(state, [&style](const Flow& f, TextBuffer* out) {
    AppendConntrackLine(f, style, kBenchNowNs, out);
  });
}
BENCHMARK(BM_Format_Extended)->Name("BM_Format/extended_id");

void BM_Format_Json(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) {
    AppendJsonLine(f, JsonStyle{}, kBenchNowNs, out);
  });
}
BENCHMARK(BM_Format_Json)->Name("BM_Format/json");

void BM_Format_Proc(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) { AppendProcLine(f, kBenchNowNs, out); });
}
BENCHMARK(BM_Format_Proc)->Name("BM_Format/proc");

void BM_Format_Xml(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) {
    AppendXmlFlow(f, XmlStyle{}, kBenchNowNs, out);
  });
}
BENCHMARK(BM_Format_Xml)->Name("BM_Format/xml");

// ---- filters -----------------------------------------------------------------------

AddrCondition Exact(const Flow& f) {
  AddrCondition c;
  c.family = f.family;
  c.addr = f.orig.src;
  c.mask.fill(0xff);
  return c;
}

void RunFilter(benchmark::State& state, const Filter& filter) {
  const std::vector<Flow>& flows = Table();
  size_t i = 0;
  int64_t kept = 0;
  for (auto _ : state) {
    kept += Matches(filter, flows[i]);
    if (++i == flows.size()) i = 0;
  }
  benchmark::DoNotOptimize(kept);
  state.SetItemsProcessed(state.iterations());
  state.counters["kept_ratio"] =
      static_cast<double>(kept) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

void BM_Filter_None(benchmark::State& state) { RunFilter(state, Filter{}); }
BENCHMARK(BM_Filter_None)->Name("BM_Filter/none");

// -p tcp -s HOST --dport PORT, the end-to-end filtered case.
void BM_Filter_TcpHostPort(benchmark::State& state) {
  const Flow* pick = &Table().front();
  for (const Flow& f : Table()) {
    if (f.l4proto == kProtoTCP && f.family == kFamilyIPv4) {
      pick = &f;
      break;
    }
  }
  const Flow& first = *pick;
  Filter f;
  f.l4proto = kProtoTCP;
  f.family = first.family;
  f.orig_src = Exact(first);
  f.orig_dport = first.orig.dport;
  RunFilter(state, f);
}
BENCHMARK(BM_Filter_TcpHostPort)->Name("BM_Filter/tcp_host_dport");

// -s 10.0.0.0/16 -u ASSURED --mark 0/0xff
void BM_Filter_CidrStatusMark(benchmark::State& state) {
  Filter f;
  f.family = kFamilyIPv4;
  AddrCondition c;
  c.family = kFamilyIPv4;
  c.addr = Addr{10, 0, 0, 0};
  c.mask = Addr{0xff, 0xff, 0, 0};
  f.orig_src = c;
  f.status_set = kStatusAssured;
  f.mark_value = 0;
  f.mark_mask = 0xff;
  RunFilter(state, f);
}
BENCHMARK(BM_Filter_CidrStatusMark)->Name("BM_Filter/cidr_status_mark");

// --state ESTABLISHED -p tcp and --src-nat (a NAT test on every entry)
void BM_Filter_StateNat(benchmark::State& state) {
  Filter f;
  f.l4proto = kProtoTCP;
  f.state = 3;  // TCP_CONNTRACK_ESTABLISHED
  f.snat = NatCondition{};
  RunFilter(state, f);
}
BENCHMARK(BM_Filter_StateNat)->Name("BM_Filter/state_snat");

// ---- JSON reader -------------------------------------------------------------------

void BM_ParseJson(benchmark::State& state) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < 1000; ++i) {
    TextBuffer out;
    AppendJsonLine(Table()[i], JsonStyle{}, kBenchNowNs, &out);
    lines.emplace_back(out.view());
  }
  Flow f;
  size_t i = 0;
  for (auto _ : state) {
    if (!ParseJsonLine(lines[i], &f).ok()) {
      state.SkipWithError("ParseJsonLine failed");
      return;
    }
    const uint32_t use = f.use.value_or(0);
    benchmark::DoNotOptimize(use);
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseJson);

}  // namespace
}  // namespace bench
}  // namespace ctdump
