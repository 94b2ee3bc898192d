// Fuzz target: the ctnetlink decoder (backends/netlink/decode.h) and the statistics
// decoders (backends/netlink/stats_query.h), on one receive buffer as recvmsg() would return it.
//
// Invariants checked, beyond "no crash, no hang, no read outside the buffer":
//  * DumpBufferReader always progresses, never past the buffer; every item's bytes lie
//    inside the buffer and hold at least a netlink header; a broken framing ends the walk
//    with kDataLoss, a bad entry is a kBadFlow with kDataLoss and the walk goes on;
//  * an entry the reader decoded decodes the same through DecodeCtMessage() on its own
//    bytes, and fuzz/flow_invariants.h holds for it (every format writes, JSON
//    round-trips);
//  * DecodeGlobalStats() / DecodeCpuStatsMessage() fail only with kDataLoss.

#include <cstdint>
#include <string>

#include "absl/types/span.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/stats_query.h"
#include "core/flow.h"
#include "fuzz/flow_invariants.h"
#include "fuzz/fuzz_check.h"

namespace ctdump {
namespace fuzz {
namespace {

void CheckDataLossOrOk(const absl::Status& s, const char* what) {
  FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kDataLoss) << what << ": " << s;
}

void Walk(absl::Span<const uint8_t> buf) {
  Flow flow;
  Flow alone;
  netlink::DumpBufferReader reader(buf, &flow);
  netlink::NlItem item;
  size_t last = 0;
  while (reader.Next(&item)) {
    FUZZ_CHECK(reader.offset() > last && reader.offset() <= buf.size())
        << "offset " << reader.offset() << " after " << last << " of " << buf.size();
    last = reader.offset();
    FUZZ_CHECK(item.bytes.size() >= netlink::ctnl::kNlmsgHdrLen) << item.bytes.size();
    FUZZ_CHECK(item.bytes.data() >= buf.data() &&
               item.bytes.data() + item.bytes.size() <= buf.data() + buf.size())
        << "item outside the buffer";
    switch (item.kind) {
      case netlink::NlKind::kFlow: {
        const absl::Status s = netlink::DecodeCtMessage(item.bytes, &alone);
        FUZZ_CHECK(s.ok()) << "the reader decoded an entry that does not decode alone: " << s;
        FUZZ_CHECK(DebugString(alone) == DebugString(flow))
            << "reader and DecodeCtMessage disagree\n  reader: " << DebugString(flow)
            << "\n  alone:  " << DebugString(alone);
        CheckFormatsOf(flow);
        break;
      }
      case netlink::NlKind::kBadFlow:
        FUZZ_CHECK(item.status.code() == absl::StatusCode::kDataLoss) << item.status;
        break;
      case netlink::NlKind::kDone:
      case netlink::NlKind::kError:
        FUZZ_CHECK(item.error >= 0) << item.error;
        break;
      case netlink::NlKind::kOther:
        if (item.type == netlink::ctnl::CtType(netlink::ctnl::kMsgCtGetStats)) {
          netlink::GlobalStats g;
          CheckDataLossOrOk(netlink::DecodeGlobalStats(item.bytes, &g), "DecodeGlobalStats");
        } else if (item.type == netlink::ctnl::CtType(netlink::ctnl::kMsgCtGetStatsCpu)) {
          CpuStats c;
          CheckDataLossOrOk(netlink::DecodeCpuStatsMessage(item.bytes, &c), "DecodeCpuStatsMessage");
        }
        break;
    }
  }
  CheckDataLossOrOk(reader.status(), "DumpBufferReader");
  FUZZ_CHECK(!reader.status().ok() || reader.offset() <= buf.size());
}

}  // namespace
}  // namespace fuzz
}  // namespace ctdump

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> buf(data, size);
  ctdump::fuzz::Walk(buf);
  // The decoders on their own, whatever the message type says.
  ctdump::Flow flow;
  const absl::Status decoded = ctdump::netlink::DecodeCtMessage(buf, &flow);
  ctdump::fuzz::CheckDataLossOrOk(decoded, "DecodeCtMessage");
  if (decoded.ok()) ctdump::fuzz::CheckFormatsOf(flow);
  ctdump::netlink::GlobalStats g;
  ctdump::fuzz::CheckDataLossOrOk(ctdump::netlink::DecodeGlobalStats(buf, &g),
                                  "DecodeGlobalStats");
  ctdump::CpuStats c;
  ctdump::fuzz::CheckDataLossOrOk(ctdump::netlink::DecodeCpuStatsMessage(buf, &c),
                                  "DecodeCpuStatsMessage");
  return 0;
}
