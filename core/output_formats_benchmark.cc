// Throughput of the output formats, per record, on the records of the 6.18 /proc sample
// (core/proc_lines_testdata.h) plus a ctnetlink record with every common field:
//   BM_Format_Json, BM_Format_Proc, BM_Format_Xml, BM_Format_Conntrack (the -L line, for
//   comparison), BM_Parse_Json (the reader).
//
//   bazel run -c opt //core:output_formats_benchmark

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "backends/procfs/parse.h"
#include "benchmark/benchmark.h"
#include "core/format.h"
#include "core/json.h"
#include "core/kernel.h"
#include "core/proc_format.h"
#include "core/proc_lines_testdata.h"
#include "core/test_flows.h"
#include "core/xml.h"

namespace ctdump {
namespace {

constexpr uint64_t kNowNs = 1764060000ull * 1000000000ull;

const std::vector<Flow>& Corpus() {
  static const std::vector<Flow>* corpus = [] {
    auto* flows = new std::vector<Flow>;
    for (absl::string_view line : absl::StrSplit(kProcNfConntrack618, '\n', absl::SkipEmpty())) {
      if (line[0] == '#') continue;
      Flow f;
      if (ParseProcLine(line, &f).ok()) flows->push_back(f);
    }
    Flow f;
    f.source = Source::kNetlink;
    f.family = kFamilyIPv4;
    f.l4proto = kProtoTCP;
    f.orig.src = TestAddr("127.0.0.1");
    f.orig.dst = TestAddr("127.0.0.2");
    f.reply.src = TestAddr("127.0.0.2");
    f.reply.dst = TestAddr("127.0.0.3");
    f.orig.has_l4 = f.reply.has_l4 = true;
    f.orig.sport = f.reply.dport = 43302;
    f.orig.dport = f.reply.sport = 8080;
    f.status_known = ~0u;
    f.status = kStatusSeenReply | kStatusAssured | kStatusConfirmed;
    f.timeout = 431997;
    f.state = 3;
    f.mark = 0;
    f.use = 1;
    f.id = 1993353219u;
    f.orig_counters = Counters{4, 221};
    f.reply_counters = Counters{3, 175};
    f.start_ns = kNowNs - 2000000000ull;
    f.tcp = TcpInfo{7, 7, 0x23, 0x23};
    flows->push_back(f);
    return flows;
  }();
  return *corpus;
}

template <typename Fn>
void RunFormat(benchmark::State& state, Fn&& append) {
  const std::vector<Flow>& flows = Corpus();
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

void BM_Format_Json(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) {
    AppendJsonLine(f, JsonStyle{}, kNowNs, out);
  });
}
BENCHMARK(BM_Format_Json);

void BM_Format_Proc(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) { AppendProcLine(f, kNowNs, out); });
}
BENCHMARK(BM_Format_Proc);

void BM_Format_Xml(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) {
    AppendXmlFlow(f, XmlStyle{}, kNowNs, out);
  });
}
BENCHMARK(BM_Format_Xml);

void BM_Format_Conntrack(benchmark::State& state) {
  RunFormat(state, [](const Flow& f, TextBuffer* out) {
    AppendConntrackLine(f, ConntrackStyle{}, kNowNs, out);
  });
}
BENCHMARK(BM_Format_Conntrack);

void BM_Parse_Json(benchmark::State& state) {
  std::vector<std::string> lines;
  for (const Flow& f : Corpus()) {
    TextBuffer out;
    AppendJsonLine(f, JsonStyle{}, kNowNs, &out);
    lines.emplace_back(out.view());
  }
  Flow f;
  size_t i = 0;
  for (auto _ : state) {
    if (!ParseJsonLine(lines[i], &f).ok()) {
      state.SkipWithError("ParseJsonLine failed");
      break;
    }
    benchmark::DoNotOptimize(f.use);
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse_Json);

}  // namespace
}  // namespace ctdump
