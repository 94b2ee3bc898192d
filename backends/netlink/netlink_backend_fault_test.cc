// Fault injection into recorded dumps (issue 7): every fault the transport can meet, at
// every datagram of every recording, through the scripted fake kernel. The property that
// must hold everywhere: a dump is never presented as complete when it is not.
//  * benign faults (EINTR, a NLMSG_NOOP) change nothing: OK and every entry;
//  * every other fault (ENOBUFS, NLMSG_ERROR, NLMSG_DONE with an error, a datagram cut
//    mid-message, a datagram larger than the buffer, an empty datagram, a reply of
//    another request, a dead socket, the kernel going silent) ends the dump with its own
//    status code; the entries streamed before it are exactly a prefix of the clean dump
//    (nothing reordered, invented or repeated);
//  * whatever happens: OK with no skipped entry implies the full, clean listing.
// The single faults at hand-picked places are in netlink_backend_test.cc; this file
// sweeps them over real dumps and combines them at random.

#include <errno.h>

#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/netlink_backend.h"
#include "backends/netlink/recording.h"
#include "backends/netlink/testing/fake_transport.h"
#include "backends/netlink/testing/nl_builder.h"
#include "backends/netlink/transport.h"
#include "core/backend.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using netlink::testing::DoneMsg;
using netlink::testing::ErrnoReply;
using netlink::testing::ErrorMsg;
using netlink::testing::FakeKernel;
using netlink::testing::MsgBuilder;
using netlink::testing::Reply;
using Script = std::vector<Reply>;

class Listing : public FlowSink {
 public:
  bool OnFlow(const Flow& flow) override {
    flows.push_back(DebugString(flow));
    return true;
  }
  void OnSkipped(const absl::Status& why) override { skipped.push_back(why); }
  std::vector<std::string> flows;
  std::vector<absl::Status> skipped;
};

struct Outcome {
  absl::Status status;
  Listing listing;
};

Outcome DumpWith(const std::vector<Script>& scripts) {
  auto kernel = std::make_shared<FakeKernel>();
  for (const Script& s : scripts) kernel->Script(s);
  Outcome out;
  auto backend = MakeNetlinkBackend(kernel->NewTransport());
  EXPECT_THAT(backend, IsOk());
  if (!backend.ok()) return out;
  // The recordings hold an AF_INET reply, then an AF_INET6 one ("request 1" and "request
  // 2" below): list them as two dumps, as a caller restricted to one family would, and
  // stop at the first that fails. (A dump of both families asks once, for AF_UNSPEC.)
  for (uint8_t family : {kFamilyIPv4, kFamilyIPv6}) {
    out.status = (*backend)->Dump(DumpRequest{family}, out.listing);
    if (!out.status.ok()) break;
  }
  return out;
}

bool IsPrefix(const std::vector<std::string>& part, const std::vector<std::string>& all) {
  if (part.size() > all.size()) return false;
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] != all[i]) return false;
  }
  return true;
}

// The property of the file comment, for any outcome.
void ExpectHonest(const Outcome& o, const std::vector<std::string>& all) {
  EXPECT_TRUE(IsPrefix(o.listing.flows, all))
      << "entries not a prefix of the clean dump (" << o.listing.flows.size() << " of "
      << all.size() << ")";
  if (o.status.ok() && o.listing.skipped.empty()) {
    EXPECT_EQ(o.listing.flows.size(), all.size()) << "an incomplete dump reported as complete";
  }
}

struct Fault {
  const char* name;
  // Changes `script` at datagram `j` (inserting before it or replacing it).
  std::function<void(Script& script, size_t j)> apply;
  // absl::StatusCode::kOk for a fault that must change nothing.
  absl::StatusCode code;
};

std::vector<uint8_t> Oversized() {
  std::vector<uint8_t> big = MsgBuilder(ctnl::kNlmsgNoop, 0).Build();
  big.resize(netlink::kRecvBufferSize + 4096, 0);
  const uint32_t len = static_cast<uint32_t>(big.size());
  std::memcpy(big.data(), &len, 4);
  return big;
}

std::vector<Fault> Faults() {
  return {
      {"EINTR before",
       [](Script& s, size_t j) { s.insert(s.begin() + j, ErrnoReply(EINTR)); },
       absl::StatusCode::kOk},
      {"NLMSG_NOOP before",
       [](Script& s, size_t j) {
         s.insert(s.begin() + j, Reply{MsgBuilder(ctnl::kNlmsgNoop, 0).Build()});
       },
       absl::StatusCode::kOk},
      {"ENOBUFS before",
       [](Script& s, size_t j) { s.insert(s.begin() + j, ErrnoReply(ENOBUFS)); },
       absl::StatusCode::kDataLoss},
      {"NLMSG_ERROR ENOMEM instead",
       [](Script& s, size_t j) { s[j] = Reply{ErrorMsg(0, 0, ENOMEM)}; },
       absl::StatusCode::kResourceExhausted},
      {"NLMSG_ERROR EPERM instead",
       [](Script& s, size_t j) { s[j] = Reply{ErrorMsg(0, 0, EPERM)}; },
       absl::StatusCode::kPermissionDenied},
      {"NLMSG_DONE with EIO instead",
       [](Script& s, size_t j) { s[j] = Reply{DoneMsg(0, 0, EIO)}; },
       absl::StatusCode::kDataLoss},
      {"cut mid-message",
       [](Script& s, size_t j) {
         // An odd length is never a message boundary (messages are 4-byte aligned).
         s[j].bytes.resize((s[j].bytes.size() / 2) | 1);
       },
       absl::StatusCode::kDataLoss},
      {"larger than the buffer instead", [](Script& s, size_t j) { s[j] = Reply{Oversized()}; },
       absl::StatusCode::kDataLoss},
      {"empty datagram instead", [](Script& s, size_t j) { s[j] = Reply{{}}; },
       absl::StatusCode::kDataLoss},
      {"reply to another request instead",
       [](Script& s, size_t j) {
         // Served as is: sequence number 0x5a5a5a5a, not the request's.
         s[j] = Reply{netlink::testing::TcpEntry(1, 1, 0x5a5a5a5a, 0x4242), 0, true};
       },
       absl::StatusCode::kDataLoss},
      {"dead socket (EBADF) before",
       [](Script& s, size_t j) { s.insert(s.begin() + j, ErrnoReply(EBADF)); },
       absl::StatusCode::kFailedPrecondition},
      {"kernel goes silent",
       [](Script& s, size_t j) { s.erase(s.begin() + j, s.end()); },
       absl::StatusCode::kUnavailable},  // the fake's "nothing scripted" (EAGAIN)
  };
}

struct Recorded {
  std::string name;
  std::vector<Script> scripts;
  std::vector<std::string> all;  // the clean listing
};

std::vector<Recorded> Recordings() {
  std::vector<Recorded> out;
  for (const char* name : {"entries-6.18", "many-6.18", "plain-6.18", "empty-6.18"}) {
    auto datagrams =
        netlink::ReadRecordingFile(absl::StrCat("testdata/netlink/", name, ".bin"));
    EXPECT_THAT(datagrams, IsOk()) << name;
    if (!datagrams.ok()) continue;
    Recorded r{name, netlink::testing::ScriptsFromRecording(*datagrams), {}};
    const Outcome clean = DumpWith(r.scripts);
    EXPECT_THAT(clean.status, IsOk()) << name;
    EXPECT_TRUE(clean.listing.skipped.empty()) << name;
    r.all = clean.listing.flows;
    out.push_back(std::move(r));
  }
  return out;
}

TEST(NetlinkBackendFaultTest, EveryFaultAtEveryDatagram) {
  int runs = 0;
  for (const Recorded& rec : Recordings()) {
    for (const Fault& fault : Faults()) {
      for (size_t s = 0; s < rec.scripts.size(); ++s) {
        for (size_t j = 0; j < rec.scripts[s].size(); ++j) {
          SCOPED_TRACE(absl::StrCat(rec.name, ": ", fault.name, " datagram ", j + 1,
                                    " of request ", s + 1));
          std::vector<Script> scripts = rec.scripts;
          fault.apply(scripts[s], j);
          const Outcome o = DumpWith(scripts);
          ++runs;
          ExpectHonest(o, rec.all);
          if (fault.code == absl::StatusCode::kOk) {
            EXPECT_THAT(o.status, IsOk());
            EXPECT_EQ(o.listing.flows, rec.all);
          } else {
            EXPECT_EQ(o.status.code(), fault.code) << o.status;
          }
        }
      }
    }
  }
  EXPECT_GT(runs, 100);
}

// Several faults at once, at random places (fixed seed): the property still holds.
TEST(NetlinkBackendFaultTest, RandomFaultCombinations) {
  const std::vector<Recorded> recs = Recordings();
  const std::vector<Fault> faults = Faults();
  std::mt19937 rng(20261125);
  for (int iter = 0; iter < 2000; ++iter) {
    const Recorded& rec = recs[rng() % recs.size()];
    std::vector<Script> scripts = rec.scripts;
    std::string what;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) {
      const size_t s = rng() % scripts.size();
      if (scripts[s].empty()) continue;
      const size_t j = rng() % scripts[s].size();
      const Fault& f = faults[rng() % faults.size()];
      f.apply(scripts[s], j);
      absl::StrAppend(&what, f.name, " at ", s + 1, ".", j + 1, "; ");
    }
    SCOPED_TRACE(absl::StrCat(rec.name, ": ", what));
    ExpectHonest(DumpWith(scripts), rec.all);
  }
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
