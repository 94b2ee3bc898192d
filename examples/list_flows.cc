// list_flows [FILE]: prints the conntrack table as `conntrack -L` does, from FILE (a saved
// copy of /proc/net/nf_conntrack) or, without FILE, from the live table (root).
#include <iostream>
#include <string>

#include "lib/ctdump.h"

int main(int argc, char** argv) {
  const std::string source = argc > 1 ? std::string("input:") + argv[1] : "auto";
  absl::Status status = ctdump::ForEachFlow(source, [](const ctdump::Flow& flow) {
    std::cout << ctdump::ConntrackLine(flow);
    return true;
  });
  if (!status.ok()) std::cerr << "list_flows: " << status.message() << "\n";
  return status.ok() ? 0 : 1;
}
