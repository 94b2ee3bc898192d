// File: core/summary_keys.h
//
// The keys of `ctdump --summary --by KEY[,KEY...]` and `--sort`: what a flow is grouped
// by, and what the groups are ranked by (core/summary.h keeps the groups).
//
//   absl::StatusOr<std::vector<const SummaryKey*>> by = ParseSummaryKeys("src,dport");
//   GroupValue v = MakeGroupValue(*by, flow);
//   std::string text = GroupPartText(*(*by)[0], v.parts[0]);   // "10.0.0.1"
//
// Keys (kSummaryKeys, one row each; a new key is one row):
//   src, dst, sport, dport                     the original tuple
//   reply-src, reply-dst, reply-sport, reply-dport   the reply tuple
//   proto      the layer-4 protocol name ("tcp", "unknown(50)")
//   state      protocol/state ("tcp/ESTABLISHED"); "-" when the entry has none
//   zone       the zone id, any direction (0 when none)
//   mark       the connection mark, decimal ("-" when the source gave none)
//   netns      the network namespace the entry was listed from (--all-netns): its
//              name, "pid:N" or "inode:N" (TableSummary::SetNetns() says which
//              namespace the following flows come from; "-" when none was set)
// Ports are printed as numbers, for protocols with ports (tcp, udp, udplite, sctp, dccp)
// whose source supplied them; other entries group under "-". A key given twice, an
// unknown name or more than kMaxSummaryKeys keys is a usage error.
// A new key is one row of SummaryKeys(); the JSON schema's list of key names
// (docs/json-schema.json, "top_by") and the completion word list
// (docs/completion/ctdump.bash) name the keys too.

#ifndef CTDUMP_CORE_SUMMARY_KEYS_H_
#define CTDUMP_CORE_SUMMARY_KEYS_H_

#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/addr.h"
#include "core/flow.h"

namespace ctdump {

inline constexpr size_t kMaxSummaryKeys = 4;

// One key's value for one flow. `present` false: the flow has no such value ("-").
struct GroupPart {
  bool present = false;
  uint8_t family = 0;  // addresses
  Addr addr{};
  uint32_t num = 0;    // ports, protocol, proto << 8 | state, zone, mark, netns id

  bool operator==(const GroupPart& o) const {
    return present == o.present && family == o.family && addr == o.addr && num == o.num;
  }
  bool operator<(const GroupPart& o) const {
    return std::tie(present, family, addr, num) < std::tie(o.present, o.family, o.addr, o.num);
  }
  template <typename H>
  friend H AbslHashValue(H h, const GroupPart& p) {
    return H::combine(std::move(h), p.present, p.family, p.addr, p.num);
  }
};

// A composite key: parts[i] is the value of the i-th key of --by (unused parts empty).
struct GroupValue {
  std::array<GroupPart, kMaxSummaryKeys> parts{};

  bool operator==(const GroupValue& o) const { return parts == o.parts; }
  bool operator<(const GroupValue& o) const { return parts < o.parts; }
  template <typename H>
  friend H AbslHashValue(H h, const GroupValue& v) {
    return H::combine(std::move(h), v.parts);
  }
};

enum class GroupPartKind : uint8_t { kAddr, kNumber, kProto, kState, kNetns };

// A namespace's number: 1 + its index in a NetnsNames; 0 means no namespace.
using NetnsId = uint32_t;

// Names of network namespaces (as --all-netns prints them), each numbered once, in the
// order first seen: a name keeps its number for the object's life. Memory grows with the
// number of distinct names, not of entries.
class NetnsNames {
 public:
  // The number of `name`, given it on first sight; 0 for "" (no namespace).
  NetnsId Intern(absl::string_view name);
  // Every name so far; NetnsId n is names()[n - 1].
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, NetnsId> ids_;
};

// The name of `id` in `names` (indexed by id - 1), or "netns#ID" for a number it lacks.
std::string NetnsIdText(NetnsId id, absl::Span<const std::string> names);

struct SummaryKey {
  absl::string_view name;        // as given to --by, and in JSON
  absl::string_view label;       // Prometheus label name
  absl::string_view help;        // for --help and docs
  GroupPartKind kind;
  GroupPart (*get)(const Flow& flow, NetnsId netns);
};

// Every key, in the order --help lists them.
const std::vector<SummaryKey>& SummaryKeys();

// "src,dport" -> the keys. Errors: kInvalidArgument ("--by: unknown key \"foo\" (known:
// src, dst, ...)", "--by: key \"src\" given twice", "--by: at most 4 keys").
absl::StatusOr<std::vector<const SummaryKey*>> ParseSummaryKeys(absl::string_view list);

// `netns`: the namespace `flow` was listed from (the netns key's value).
GroupValue MakeGroupValue(const std::vector<const SummaryKey*>& keys, const Flow& flow,
                          NetnsId netns = 0);

// True when `keys` group by namespace (the netns key is among them).
bool GroupsByNetns(const std::vector<const SummaryKey*>& keys);

// "tcp", ..., or "unknown(N)" for protocols without a name.
std::string SummaryProtoName(uint8_t proto);

// The text of one part: an address, a number, "tcp", "tcp/ESTABLISHED", a namespace's
// name from `netns_names` (indexed by NetnsId - 1), or "-".
std::string GroupPartText(const SummaryKey& key, const GroupPart& part,
                          absl::Span<const std::string> netns_names = {});

}  // namespace ctdump

#endif  // CTDUMP_CORE_SUMMARY_KEYS_H_
