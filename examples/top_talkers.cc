// top_talkers [FILE]: the remote addresses with the most conntrack entries, from FILE (a
// saved copy of /proc/net/nf_conntrack) or the live table: the original destinations
// (peers this host or its clients connected to) and the original sources (peers that
// connected in). Counts are exact up to 1024 distinct addresses per list, then
// approximate as core/summary.h says (the heading tells which).
#include <cstdio>
#include <string>

#include "lib/ctdump.h"

namespace {

void PrintTop(const char* what, const ctdump::TopList& list) {
  std::printf("top %s (%s):\n", what, list.exact ? "exact" : "approximate");
  for (const ctdump::TopItem& item : list.items) {
    std::printf("%8llu %s\n", static_cast<unsigned long long>(item.count),
                ctdump::TopItemAddrText(item).c_str());
  }
  if (list.other > 0) std::printf("%8llu other\n", static_cast<unsigned long long>(list.other));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source = argc > 1 ? std::string("input:") + argv[1] : "auto";
  ctdump::TableSummary summary(ctdump::SummaryOptions{/*top=*/5});
  absl::Status status = ctdump::ForEachFlow(source, [&](const ctdump::Flow& flow) {
    summary.Add(flow);
    return true;
  });
  if (!status.ok()) {
    std::fprintf(stderr, "top_talkers: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  std::printf("%llu entries\n", static_cast<unsigned long long>(summary.total()));
  PrintTop("destinations", summary.TopDestinations());
  PrintTop("sources", summary.TopSources());
  return 0;
}
