// File: tools/netlink_list/netlink_list.cc (manual tool)
//
// Lists the conntrack table through MakeNetlinkBackend() and AppendConntrackLine(), the
// way `conntrack -L` does, for checking the backend by hand against conntrack in a
// throwaway namespace (bazel build //tools/netlink_list):
//
//   unshare -n bash -c 'conntrack -I ...;
//     diff <(conntrack -L 2>/dev/null | sort) <(netlink_list | sort)'
//
//   netlink_list [-o extended,id] [-f ipv4|ipv6] [-m VALUE[/MASK]]
//
// -m is applied as `conntrack -L -m` does (kernel-side where the kernel can, then in user
// space). The backend's dump counters, with what was pushed into the kernel, go to stderr.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "backends/netlink/netlink_backend.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/kernel.h"
#include "core/text_buffer.h"
#include "io/fd_writer.h"

namespace ctdump {
namespace {

class Printer : public FlowSink {
 public:
  Printer(ConntrackStyle style, const Filter* filter)
      : style_(style), filter_(filter), out_(STDOUT_FILENO) {}
  bool OnFlow(const Flow& flow) override {
    if (filter_ != nullptr && !Matches(*filter_, flow)) return true;
    AppendConntrackLine(flow, style_, now_, &out_.buffer());
    return out_.MaybeFlush().ok();
  }
  void OnSkipped(const absl::Status& why) override {
    std::fprintf(stderr, "netlink_list: skipped: %s\n", why.ToString().c_str());
  }
  absl::Status Flush() { return out_.Flush(); }

 private:
  ConntrackStyle style_;
  const Filter* filter_;
  uint64_t now_ = WallClockNs();
  FdWriter out_;
};

int Main(int argc, char** argv) {
  ConntrackStyle style;
  DumpRequest request;
  Filter filter;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-o" && i + 1 < argc) {
      std::string o = argv[++i];
      style.extended = o.find("extended") != std::string::npos;
      style.show_id = o.find("id") != std::string::npos;
    } else if (a == "-f" && i + 1 < argc) {
      std::string f = argv[++i];
      request.family = f == "ipv6" ? kFamilyIPv6 : kFamilyIPv4;
      filter.family = request.family;
    } else if (a == "-m" && i + 1 < argc) {
      std::string m = argv[++i];
      const size_t slash = m.find('/');
      const std::string value = m.substr(0, slash);
      filter.mark_value = static_cast<uint32_t>(std::strtoul(value.c_str(), nullptr, 0));
      if (slash != std::string::npos) {
        filter.mark_mask =
            static_cast<uint32_t>(std::strtoul(m.c_str() + slash + 1, nullptr, 0));
      }
    } else {
      std::fprintf(stderr, "usage: netlink_list [-o extended,id] [-f ipv4|ipv6] [-m V[/M]]\n");
      return 2;
    }
  }
  auto backend = netlink::MakeNetlinkBackend();
  if (!backend.ok()) {
    std::fprintf(stderr, "netlink_list: %s\n", backend.status().ToString().c_str());
    return 1;
  }
  request.filter = &filter;
  Printer printer(style, &filter);
  absl::Status s = (*backend)->Dump(request, printer);
  absl::Status f = printer.Flush();
  const netlink::NetlinkDumpCounters* st = netlink::NetlinkDumpCountersOf(**backend);
  std::fprintf(stderr,
               "netlink_list: %llu flows, %llu duplicates dropped, %llu skipped, %llu "
               "datagrams, %llu bytes, %llu requests\n",
               static_cast<unsigned long long>(st->flows),  // NOLINT(runtime/int)
               static_cast<unsigned long long>(st->duplicates),  // NOLINT(runtime/int)
               static_cast<unsigned long long>(st->skipped),  // NOLINT(runtime/int)
               static_cast<unsigned long long>(st->datagrams),  // NOLINT(runtime/int)
               static_cast<unsigned long long>(st->bytes),  // NOLINT(runtime/int)
               static_cast<unsigned long long>(st->requests));  // NOLINT(runtime/int)
  std::fprintf(stderr, "netlink_list: kernel filter %s (pushed %s, %llu probes)\n",
               st->kernel_filter.c_str(),
               netlink::KernelFilterPartsText(st->filter_pushed).c_str(),
               static_cast<unsigned long long>(st->probe_requests));  // NOLINT(runtime/int)
  if (!s.ok()) {
    std::fprintf(stderr, "netlink_list: %s\n", s.ToString().c_str());
    return 1;
  }
  return f.ok() ? 0 : 1;
}

}  // namespace
}  // namespace ctdump

int main(int argc, char** argv) { return ctdump::Main(argc, argv); }
