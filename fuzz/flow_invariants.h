// File: fuzz/flow_invariants.h (testonly)
//
// CheckFormatsOf(flow): what must hold for any record a decoder produced, whatever the
// input was. Shared by the fuzz targets; aborts through FUZZ_CHECK.
//  * every output format (conntrack's line in each style, -o proc, -o json, -o xml)
//    writes without crashing, and each line-based format writes exactly one line;
//  * -o json round-trips: ParseJsonLine(AppendJsonLine(f)) has f's DebugString and
//    byte-identical secctx/helper (core/json.h), and writing it again gives the same text.

#ifndef CTDUMP_FUZZ_FLOW_INVARIANTS_H_
#define CTDUMP_FUZZ_FLOW_INVARIANTS_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {
namespace fuzz {

// A fixed "now" so that a replayed input behaves the same on every run.
inline constexpr uint64_t kNowNs = 1764000000ull * 1000000000ull;

// True when `text` is one line: non-empty, ends in '\n', no other '\n'.
bool IsOneLine(absl::string_view text);

void CheckFormatsOf(const Flow& flow);

}  // namespace fuzz
}  // namespace ctdump

#endif  // CTDUMP_FUZZ_FLOW_INVARIANTS_H_
