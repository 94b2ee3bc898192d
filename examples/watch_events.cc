// watch_events [COUNT]: prints conntrack events (NEW, UPDATE, DESTROY) as `conntrack -E`
// does, through ctnetlink, until COUNT events were printed (default: until killed).
// Needs CAP_NET_ADMIN (root) in the network namespace it runs in; run it there with
// `ip netns exec NAME watch_events`. Prints "listening" on stderr once subscribed.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "lib/ctdump.h"

namespace {

class Printer : public ctdump::EventSink {
 public:
  explicit Printer(long count) : left_(count) {}

  bool OnEvent(const ctdump::FlowEvent& event, const ctdump::Flow& flow) override {
    ctdump::TextBuffer line;
    ctdump::AppendEventLine(event, flow, ctdump::EventTextStyle(), ctdump::WallClockNs(), &line);
    std::fwrite(line.view().data(), 1, line.view().size(), stdout);
    std::fflush(stdout);
    return left_ <= 0 || --left_ > 0;  // false: stop listening
  }
  void OnSkipped(const absl::Status& why) override {
    std::fprintf(stderr, "watch_events: skipped: %s\n", std::string(why.message()).c_str());
  }
  void OnLost(const ctdump::EventLoss& loss) override {
    std::fprintf(stderr, "watch_events: the kernel dropped events (%llu overruns)\n",
                 static_cast<unsigned long long>(loss.overruns));
  }

 private:
  long left_;
};

absl::Status Watch(long count) {
  CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<ctdump::netlink::EventSocket> socket,
                          ctdump::netlink::OpenEventSocket());
  CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<ctdump::netlink::EventListener> listener,
                          ctdump::netlink::EventListener::Start(
                              std::move(socket), ctdump::netlink::EventListenerOptions()));
  std::fputs("listening\n", stderr);
  Printer printer(count);
  return listener->Run(printer, /*wake_fd=*/-1);
}

}  // namespace

int main(int argc, char** argv) {
  absl::Status status = Watch(argc > 1 ? std::atol(argv[1]) : 0);
  if (!status.ok()) std::fprintf(stderr, "watch_events: %s\n", std::string(status.message()).c_str());
  return status.ok() ? 0 : 1;
}
