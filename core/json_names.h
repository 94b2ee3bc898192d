// File: core/json_names.h
//
// The names `-o json` gives to enum values (schema version 1, core/json.h): status bits,
// sources and zone directions. Shared by the writer (core/json.cc) and the reader
// (core/json_reader.cc) so that the two cannot disagree; not part of the public API.

#ifndef CTDUMP_CORE_JSON_NAMES_H_
#define CTDUMP_CORE_JSON_NAMES_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {
namespace json_internal {

// Names of the status bits (enum ip_conntrack_status_bits), then placeholders for the
// bits the kernel has not named.
inline constexpr absl::string_view kStatusNames[32] = {
    "EXPECTED",     "SEEN_REPLY",   "ASSURED",       "CONFIRMED", "SRC_NAT",   "DST_NAT",
    "SEQ_ADJUST",   "SRC_NAT_DONE", "DST_NAT_DONE",  "DYING",     "FIXED_TIMEOUT",
    "TEMPLATE",     "UNTRACKED",    "HELPER",        "OFFLOAD",   "HW_OFFLOAD",
    "BIT16",        "BIT17",        "BIT18",         "BIT19",     "BIT20",     "BIT21",
    "BIT22",        "BIT23",        "BIT24",         "BIT25",     "BIT26",     "BIT27",
    "BIT28",        "BIT29",        "BIT30",         "BIT31",
};

inline constexpr absl::string_view kSourceNames[4] = {"unknown", "netlink",
                                                     "nf_conntrack", "ip_conntrack"};

inline absl::string_view SourceName(Source s) {
  size_t i = static_cast<size_t>(s);
  return i < sizeof(kSourceNames) / sizeof(kSourceNames[0]) ? kSourceNames[i] : "unknown";
}

inline absl::string_view ZoneDirName(uint8_t dir) {
  switch (dir) {
    case kZoneDirOrig: return "orig";
    case kZoneDirReply: return "reply";
    default: return "both";
  }
}

// The index of `key` in `table`, -1 when absent (the reader's name and key lookups).
template <size_t N>
int KeyIndex(const absl::string_view (&table)[N], absl::string_view key) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i] == key) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace json_internal
}  // namespace ctdump

#endif  // CTDUMP_CORE_JSON_NAMES_H_
