// File: tools/ctrecord/ctrecord.cc
//
// ctrecord: records a ctnetlink dump of the current network namespace, datagram by
// datagram, for replay in tests (backends/netlink/recording.h describes the format).
// It sends exactly the requests of the netlink backend: one CT_GET dump per family,
// AF_INET then AF_INET6, with no filters. Read-only, like ctdump. Needs CAP_NET_ADMIN in
// the namespace (run as root, or under `unshare -Urn`).
//
//   ctrecord [--family=inet|inet6|all] [--bufsize=BYTES] OUTPUT.bin
//   ctrecord --print RECORDING.bin     # one DebugString() line per message, no socket
//
// A summary per family goes to stderr. Exit status 0 on success, 1 on any error (nothing
// is written then), 2 on bad usage.

#include <sys/socket.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/recording.h"
#include "backends/netlink/request.h"
#include "backends/netlink/transport.h"
#include "core/flow.h"
#include "core/status_macros.h"

namespace ctdump {
namespace {

constexpr char kUsage[] =
    "usage: ctrecord [--family=inet|inet6|all] [--bufsize=BYTES] OUTPUT.bin\n"
    "       ctrecord --print RECORDING.bin\n"
    "Records the datagrams of a ctnetlink conntrack dump (one CT_GET dump per family)\n"
    "as repeated [u32 little-endian length][datagram] records.\n";

absl::Status RecordFamily(netlink::Transport& t, uint8_t family, uint32_t seq,
                          size_t bufsize, std::string* out) {
  const netlink::CtRequestBytes req =
      netlink::BuildCtRequest(netlink::CtRequest::kDumpTable, family, seq);
  CTDUMP_RETURN_IF_ERROR(t.Send(req.span()));
  std::vector<uint8_t> buf(bufsize);
  Flow flow;
  size_t datagrams = 0, messages = 0, flows = 0, bad = 0;
  for (bool done = false; !done;) {
    absl::StatusOr<size_t> n = t.Recv(absl::MakeSpan(buf));
    if (!n.ok()) {
      if (netlink::TransportErrno(n.status()) == EINTR) continue;
      return n.status();
    }
    ++datagrams;
    netlink::AppendDatagram(absl::MakeConstSpan(buf.data(), *n), out);
    netlink::DumpBufferReader reader(absl::MakeConstSpan(buf.data(), *n), &flow);
    netlink::NlItem item;
    while (reader.Next(&item)) {
      ++messages;
      if (item.seq != seq) {
        return absl::DataLossError(absl::StrCat("reply with seq ", item.seq, ", want ", seq));
      }
      switch (item.kind) {
        case netlink::NlKind::kFlow: ++flows; break;
        case netlink::NlKind::kBadFlow:
          ++bad;
          std::fprintf(stderr, "ctrecord: undecodable entry: %s\n",
                       std::string(item.status.message()).c_str());
          break;
        case netlink::NlKind::kDone:
          done = true;
          if (item.error != 0) {
            return absl::DataLossError(
                absl::StrCat("dump failed part-way: ", std::strerror(item.error)));
          }
          break;
        case netlink::NlKind::kError:
          if (item.error != 0) {
            return absl::ErrnoToStatus(item.error, "ctnetlink dump request");
          }
          break;
        case netlink::NlKind::kOther: break;
      }
    }
    CTDUMP_RETURN_IF_ERROR(reader.status());
  }
  std::fprintf(stderr, "ctrecord: %s: %zu datagrams, %zu messages, %zu entries, %zu bad\n",
               family == AF_INET ? "AF_INET" : "AF_INET6", datagrams, messages, flows, bad);
  return absl::OkStatus();
}

// Prints every message of a recording: entries as core/flow.h DebugString().
int Print(const std::string& path) {
  absl::StatusOr<std::vector<std::vector<uint8_t>>> datagrams =
      netlink::ReadRecordingFile(path);
  if (!datagrams.ok()) {
    std::fprintf(stderr, "ctrecord: %s\n", datagrams.status().ToString().c_str());
    return 1;
  }
  Flow flow;
  for (size_t i = 0; i < datagrams->size(); ++i) {
    netlink::DumpBufferReader reader((*datagrams)[i], &flow);
    netlink::NlItem item;
    while (reader.Next(&item)) {
      switch (item.kind) {
        case netlink::NlKind::kFlow:
          std::printf("%s\n", DebugString(flow).c_str());
          break;
        case netlink::NlKind::kBadFlow:
          std::printf("BAD %s\n", std::string(item.status.message()).c_str());
          break;
        case netlink::NlKind::kDone:
          std::printf("DONE %d (datagram %zu)\n", item.error, i);
          break;
        case netlink::NlKind::kError:
          std::printf("ERROR %d\n", item.error);
          break;
        case netlink::NlKind::kOther:
          std::printf("OTHER type 0x%04x\n", item.type);
          break;
      }
    }
    if (!reader.status().ok()) {
      std::printf("FRAMING %s\n", reader.status().ToString().c_str());
      return 1;
    }
  }
  return 0;
}

int Main(int argc, char** argv) {
  if (argc == 3 && absl::string_view(argv[1]) == "--print") return Print(argv[2]);
  std::vector<uint8_t> families = {AF_INET, AF_INET6};
  size_t bufsize = netlink::kRecvBufferSize;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--family=inet") {
      families = {AF_INET};
    } else if (arg == "--family=inet6") {
      families = {AF_INET6};
    } else if (arg == "--family=all") {
      families = {AF_INET, AF_INET6};
    } else if (absl::ConsumePrefix(&arg, "--bufsize=")) {
      if (!absl::SimpleAtoi(arg, &bufsize) || bufsize < 4096) {
        std::fprintf(stderr, "ctrecord: --bufsize wants a number >= 4096\n%s", kUsage);
        return 2;
      }
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] != '-' && output.empty()) {
      output = std::string(arg);
    } else {
      std::fprintf(stderr, "ctrecord: bad argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (output.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  absl::StatusOr<std::unique_ptr<netlink::Transport>> t = netlink::OpenCtnetlinkTransport();
  if (!t.ok()) {
    std::fprintf(stderr, "ctrecord: %s\n", t.status().ToString().c_str());
    return 1;
  }
  std::string data;
  uint32_t seq = static_cast<uint32_t>(std::time(nullptr));
  for (uint8_t family : families) {
    absl::Status s = RecordFamily(**t, family, ++seq, bufsize, &data);
    if (!s.ok()) {
      std::fprintf(stderr, "ctrecord: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  const std::string tmp = output + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr || std::fwrite(data.data(), 1, data.size(), f) != data.size() ||
      std::fclose(f) != 0 || std::rename(tmp.c_str(), output.c_str()) != 0) {
    std::fprintf(stderr, "ctrecord: cannot write %s: %s\n", output.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::fprintf(stderr, "ctrecord: wrote %zu bytes to %s\n", data.size(), output.c_str());
  return 0;
}

}  // namespace
}  // namespace ctdump

int main(int argc, char** argv) { return ctdump::Main(argc, argv); }
