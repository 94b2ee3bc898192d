// File: bench/perfgate/workloads.cc
//
// The workloads of the instruction-count performance gate (tools/perfgate.sh). One
// process runs one workload:
//
//   workloads --list                   names of every workload, one per line
//   workloads [--root DIR] NAME        prepares NAME's input in memory, then calls the
//                                      measured function perfgate_NAME() once; prints
//                                      "entries=E check=C" on stdout and exits 0
//
// Each measured function is extern "C" and noinline, so that the gate can run
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=perfgate_NAME ...
// and count the instructions of that call alone (the corpus generation, file reading and
// process start-up before it are not counted). The gate divides the count by E.
//
// Rules for a measured function: single-threaded, no system call other than memory
// allocation (no I/O, no clock: formats get the fixed bench::kBenchNowNs), the same
// input every run. The inputs are fixed: tools/ctgen's synthetic table of kEntries
// entries (bench/corpus.h, seed 1) and the recorded 6.18 dumps of testdata/netlink
// (read from DIR/testdata/netlink, DIR defaulting to "."). "check" is a checksum of the
// work done, printed so the compiler cannot drop it and so a run that did nothing shows.
//
// Exit codes: 0 success, 1 bad input (a recording missing, a line that does not parse,
// an unknown workload), 2 usage.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "backends/procfs/reader.h"
#include "bench/corpus.h"
#include "core/addr.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/json.h"
#include "core/kernel.h"
#include "core/proc_format.h"
#include "core/summary.h"
#include "core/summary_format.h"
#include "core/text_buffer.h"
#include "core/xml.h"

namespace ctdump {
namespace perfgate {

// Entries of the synthetic table (parsing, formats, filters, summary).
constexpr size_t kEntries = 20000;
// Passes over the recordings (694 entries a pass).
constexpr int kNetlinkPasses = 20;
// The formats write into a buffer that is emptied past this size, as ctdump's writer does.
constexpr size_t kFlushBytes = size_t{64} << 10;

struct Inputs {
  std::vector<Flow> flows;                        // the synthetic table
  std::string proc_text;                          // its /proc text
  std::vector<std::vector<uint8_t>> datagrams;    // every recorded datagram, in order
  Filter filter;                                  // for the filter workloads
};

struct Result {
  uint64_t entries = 0;
  uint64_t check = 0;
};

}  // namespace perfgate
}  // namespace ctdump

using ctdump::perfgate::Inputs;
using ctdump::perfgate::Result;

namespace {

using namespace ctdump;  // NOLINT: a small driver

class CountingSink : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    check += flow.orig.sport + flow.l4proto;
    ++flows;
    return true;
  }
  void OnSkipped(const absl::Status&) override { ++skipped; }
  uint64_t flows = 0;
  uint64_t skipped = 0;
  uint64_t check = 0;
};

template <typename Fn>
Result FormatAll(const Inputs& in, Fn&& append) {
  Result r;
  TextBuffer out(size_t{1} << 17);
  for (const Flow& f : in.flows) {
    append(f, &out);
    if (out.size() > perfgate::kFlushBytes) {
      r.check += out.size() + static_cast<unsigned char>(out.view().back());
      out.clear();
    }
  }
  r.check += out.size();
  r.entries = in.flows.size();
  return r;
}

// `tag` keeps the three filter functions distinct (identical bodies could be folded into
// one symbol, which callgrind could then not tell apart).
Result FilterAll(const Inputs& in, uint64_t tag) {
  Result r;
  r.check = tag << 32;
  for (const Flow& f : in.flows) r.check += Matches(in.filter, f);
  r.entries = in.flows.size();
  return r;
}

}  // namespace

// ---- the measured functions ------------------------------------------------------------
#define PERFGATE_MEASURED extern "C" __attribute__((noinline, used))

// /proc text through ProcReader (line splitting + ParseProcLine), from memory.
PERFGATE_MEASURED Result perfgate_proc_parse(const Inputs& in) {
  ProcReader reader;
  CountingSink sink;
  size_t pos = 0;
  const std::string& text = in.proc_text;
  absl::Status s = reader.Read(
      [&](char* buf, size_t size) -> ssize_t {
        const size_t n = std::min(size, text.size() - pos);
        std::memcpy(buf, text.data() + pos, n);
        pos += n;
        return static_cast<ssize_t>(n);
      },
      "synthetic", sink);
  Result r;
  r.entries = sink.flows;
  r.check = sink.check + (s.ok() ? 0 : 1000000007) + sink.skipped * 1000003;
  return r;
}

// DumpBufferReader over every recorded datagram, kNetlinkPasses times.
PERFGATE_MEASURED Result perfgate_netlink_decode(const Inputs& in) {
  Result r;
  Flow flow;
  for (int pass = 0; pass < perfgate::kNetlinkPasses; ++pass) {
    for (const std::vector<uint8_t>& d : in.datagrams) {
      netlink::DumpBufferReader reader(d, &flow);
      netlink::NlItem item;
      while (reader.Next(&item)) {
        if (item.kind == netlink::NlKind::kFlow) {
          r.check += flow.orig.sport + flow.l4proto;
          ++r.entries;
        } else if (item.kind == netlink::NlKind::kBadFlow) {
          r.check += 1000003;
        }
      }
    }
  }
  return r;
}

// `ctdump -L`: conntrack's default text.
PERFGATE_MEASURED Result perfgate_format_default(const Inputs& in) {
  return FormatAll(in, [](const Flow& f, TextBuffer* out) {
    AppendConntrackLine(f, ConntrackStyle{}, bench::kBenchNowNs, out);
  });
}

// `ctdump -L -o extended,id`.
PERFGATE_MEASURED Result perfgate_format_extended_id(const Inputs& in) {
  ConntrackStyle style;
  style.extended = true;
  style.show_id = true;
  return FormatAll(in, [&style](const Flow& f, TextBuffer* out) {
    AppendConntrackLine(f, style, bench::kBenchNowNs, out);
  });
}

// `ctdump -L -o json`.
PERFGATE_MEASURED Result perfgate_format_json(const Inputs& in) {
  return FormatAll(in, [](const Flow& f, TextBuffer* out) {
    AppendJsonLine(f, JsonStyle{}, bench::kBenchNowNs, out);
  });
}

// `ctdump -L -o xml` (the flow elements; the document head and tail are constant).
PERFGATE_MEASURED Result perfgate_format_xml(const Inputs& in) {
  return FormatAll(in, [](const Flow& f, TextBuffer* out) {
    AppendXmlFlow(f, XmlStyle{}, bench::kBenchNowNs, out);
  });
}

// `ctdump -L -o proc`: /proc/net/nf_conntrack lines.
PERFGATE_MEASURED Result perfgate_format_proc(const Inputs& in) {
  return FormatAll(in, [](const Flow& f, TextBuffer* out) {
    AppendProcLine(f, bench::kBenchNowNs, out);
  });
}

// Matches() of `-p tcp -s HOST --dport PORT` (the end-to-end filtered listing).
PERFGATE_MEASURED Result perfgate_filter_tcp_host_dport(const Inputs& in) {
  return FilterAll(in, 1);
}

// Matches() of `-s 10.0.0.0/16 -u ASSURED --mark 0/0xff`.
PERFGATE_MEASURED Result perfgate_filter_cidr_status_mark(const Inputs& in) {
  return FilterAll(in, 2);
}

// Matches() of `-p tcp --state ESTABLISHED --src-nat`.
PERFGATE_MEASURED Result perfgate_filter_state_snat(const Inputs& in) {
  return FilterAll(in, 3);
}

// `ctdump --summary`: TableSummary::Add() of every entry, then the summary text.
PERFGATE_MEASURED Result perfgate_summary(const Inputs& in) {
  Result r;
  TableSummary summary;
  for (const Flow& f : in.flows) summary.Add(f);
  SummaryContext ctx;
  ctx.table_count = in.flows.size();
  ctx.table_max = 262144;
  ctx.backend = "netlink";
  ctx.entries_read = in.flows.size();
  TextBuffer out;
  AppendSummaryText(summary, ctx, &out);
  r.check = out.size() + summary.total();
  r.entries = in.flows.size();
  return r;
}

// ---- inputs and dispatch ---------------------------------------------------------------
namespace {

AddrCondition Exact(const Flow& f) {
  AddrCondition c;
  c.family = f.family;
  c.addr = f.orig.src;
  c.mask.fill(0xff);
  return c;
}

bool ReadRecordings(const std::string& root, Inputs* in) {
  for (const char* name : {"entries-6.18", "plain-6.18", "many-6.18"}) {
    const std::string path = absl::StrCat(root, "/testdata/netlink/", name, ".bin");
    auto datagrams = netlink::ReadRecordingFile(path);
    if (!datagrams.ok()) {
      std::fprintf(stderr, "workloads: %s: %s\n", path.c_str(),
                   std::string(datagrams.status().message()).c_str());
      return false;
    }
    for (auto& d : *datagrams) in->datagrams.push_back(std::move(d));
  }
  return true;
}

enum class Needs { kTable, kProcText, kRecordings };

struct Workload {
  const char* name;
  Result (*fn)(const Inputs&);
  Needs needs;
  void (*setup)(const std::vector<Flow>& flows, Filter* filter);
};

void NoFilter(const std::vector<Flow>&, Filter*) {}

void TcpHostPort(const std::vector<Flow>& flows, Filter* f) {
  const Flow* pick = &flows.front();
  for (const Flow& x : flows) {
    if (x.l4proto == kProtoTCP && x.family == kFamilyIPv4) {
      pick = &x;
      break;
    }
  }
  f->l4proto = kProtoTCP;
  f->family = pick->family;
  f->orig_src = Exact(*pick);
  f->orig_dport = pick->orig.dport;
}

void CidrStatusMark(const std::vector<Flow>&, Filter* f) {
  f->family = kFamilyIPv4;
  AddrCondition c;
  c.family = kFamilyIPv4;
  c.addr = Addr{10, 0, 0, 0};
  c.mask = Addr{0xff, 0xff, 0, 0};
  f->orig_src = c;
  f->status_set = kStatusAssured;
  f->mark_value = 0;
  f->mark_mask = 0xff;
}

void StateSnat(const std::vector<Flow>&, Filter* f) {
  f->l4proto = kProtoTCP;
  f->state = 3;  // TCP_CONNTRACK_ESTABLISHED
  f->snat = NatCondition{};
}

const Workload kWorkloads[] = {
    {"proc_parse", perfgate_proc_parse, Needs::kProcText, NoFilter},
    {"netlink_decode", perfgate_netlink_decode, Needs::kRecordings, NoFilter},
    {"format_default", perfgate_format_default, Needs::kTable, NoFilter},
    {"format_extended_id", perfgate_format_extended_id, Needs::kTable, NoFilter},
    {"format_json", perfgate_format_json, Needs::kTable, NoFilter},
    {"format_xml", perfgate_format_xml, Needs::kTable, NoFilter},
    {"format_proc", perfgate_format_proc, Needs::kTable, NoFilter},
    {"filter_tcp_host_dport", perfgate_filter_tcp_host_dport, Needs::kTable, TcpHostPort},
    {"filter_cidr_status_mark", perfgate_filter_cidr_status_mark, Needs::kTable,
     CidrStatusMark},
    {"filter_state_snat", perfgate_filter_state_snat, Needs::kTable, StateSnat},
    {"summary", perfgate_summary, Needs::kTable, NoFilter},
};

int Usage() {
  std::fprintf(stderr, "usage: workloads --list\n       workloads [--root DIR] NAME\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = ".";
  std::string name;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--list") {
      for (const Workload& w : kWorkloads) std::printf("%s\n", w.name);
      return 0;
    } else if (a == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else if (!a.empty() && a[0] != '-' && name.empty()) {
      name = a;
    } else {
      return Usage();
    }
  }
  if (name.empty()) return Usage();
  const Workload* w = nullptr;
  for (const Workload& x : kWorkloads) {
    if (name == x.name) w = &x;
  }
  if (w == nullptr) {
    std::fprintf(stderr, "workloads: unknown workload '%s' (see --list)\n", name.c_str());
    return 1;
  }

  Inputs in;
  if (w->needs == Needs::kRecordings) {
    if (!ReadRecordings(root, &in)) return 1;
  } else {
    in.flows = bench::SyntheticTable(perfgate::kEntries);
    if (w->needs == Needs::kProcText) in.proc_text = bench::ProcText(in.flows);
    w->setup(in.flows, &in.filter);
  }

  const Result r = w->fn(in);

  const uint64_t want = w->needs == Needs::kRecordings ? 0 : perfgate::kEntries;
  if (r.entries == 0 || (want != 0 && r.entries != want)) {
    std::fprintf(stderr, "workloads: %s handled %llu entries, want %llu\n", w->name,
                 static_cast<unsigned long long>(r.entries),
                 static_cast<unsigned long long>(want));
    return 1;
  }
  std::printf("entries=%llu check=%llu\n", static_cast<unsigned long long>(r.entries),
              static_cast<unsigned long long>(r.check));
  return 0;
}
