// Benchmarks of the pure ctnetlink decoder on the recorded dumps (testdata/netlink/).
//
//   bazel run -c opt //backends/netlink:decode_benchmark
//
// BM_Decode_Netlink/<recording> walks every datagram of a recording with
// DumpBufferReader, decoding each entry into one reused Flow; items/s is entries per
// second. The target is >= 20M entries/s on one core.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "benchmark/benchmark.h"
#include "core/flow.h"

namespace ctdump {
namespace netlink {
namespace {

void BM_Decode_Netlink(benchmark::State& state, const std::string& name) {
  auto datagrams = ReadRecordingFile(absl::StrCat("testdata/netlink/", name, ".bin"));
  if (!datagrams.ok()) {
    state.SkipWithError(std::string(datagrams.status().message()).c_str());
    return;
  }
  Flow flow;
  size_t entries = 0, bytes = 0;
  for (auto _ : state) {
    for (const auto& d : *datagrams) {
      DumpBufferReader reader(d, &flow);
      NlItem item;
      while (reader.Next(&item)) {
        if (item.kind == NlKind::kFlow) {
          benchmark::DoNotOptimize(flow.orig.sport);
          ++entries;
        }
      }
      bytes += d.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(entries));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK_CAPTURE(BM_Decode_Netlink, entries, std::string("entries-6.18"));
BENCHMARK_CAPTURE(BM_Decode_Netlink, plain, std::string("plain-6.18"));
BENCHMARK_CAPTURE(BM_Decode_Netlink, many, std::string("many-6.18"));

}  // namespace
}  // namespace netlink
}  // namespace ctdump
