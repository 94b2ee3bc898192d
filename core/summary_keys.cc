#include "core/summary_keys.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

GroupPart AddrPart(uint8_t family, const Addr& addr) {
  GroupPart p;
  p.present = true;
  p.family = family;
  p.addr = addr;
  return p;
}

GroupPart Number(uint32_t n) {
  GroupPart p;
  p.present = true;
  p.num = n;
  return p;
}

// A port of `t`, for protocols with ports whose source supplied them.
GroupPart Port(const Flow& f, const Tuple& t, bool source_port) {
  if (!ProtoHasPorts(f.l4proto) || !t.has_l4) return GroupPart();
  return Number(source_port ? t.sport : t.dport);
}

}  // namespace

NetnsId NetnsNames::Intern(absl::string_view name) {
  if (name.empty()) return 0;
  auto [it, inserted] = ids_.try_emplace(name, 0);
  if (inserted) {
    names_.emplace_back(name);
    it->second = static_cast<NetnsId>(names_.size());
  }
  return it->second;
}

std::string NetnsIdText(NetnsId id, absl::Span<const std::string> names) {
  return id >= 1 && id <= names.size() ? names[id - 1] : absl::StrCat("netns#", id);
}

std::string SummaryProtoName(uint8_t proto) {
  absl::string_view name = ProtoName(proto);
  if (name == "unknown") return absl::StrCat("unknown(", proto, ")");
  return std::string(name);
}

const std::vector<SummaryKey>& SummaryKeys() {
  using K = GroupPartKind;
  static const std::vector<SummaryKey>* const kKeys = new std::vector<SummaryKey>{
      {"src", "src", "original source address", K::kAddr,
       [](const Flow& f, NetnsId) { return AddrPart(f.family, f.orig.src); }},
      {"dst", "dst", "original destination address", K::kAddr,
       [](const Flow& f, NetnsId) { return AddrPart(f.family, f.orig.dst); }},
      {"sport", "sport", "original source port", K::kNumber,
       [](const Flow& f, NetnsId) { return Port(f, f.orig, true); }},
      {"dport", "dport", "original destination port", K::kNumber,
       [](const Flow& f, NetnsId) { return Port(f, f.orig, false); }},
      {"reply-src", "reply_src", "reply source address", K::kAddr,
       [](const Flow& f, NetnsId) { return AddrPart(f.family, f.reply.src); }},
      {"reply-dst", "reply_dst", "reply destination address", K::kAddr,
       [](const Flow& f, NetnsId) { return AddrPart(f.family, f.reply.dst); }},
      {"reply-sport", "reply_sport", "reply source port", K::kNumber,
       [](const Flow& f, NetnsId) { return Port(f, f.reply, true); }},
      {"reply-dport", "reply_dport", "reply destination port", K::kNumber,
       [](const Flow& f, NetnsId) { return Port(f, f.reply, false); }},
      {"proto", "protocol", "layer-4 protocol", K::kProto,
       [](const Flow& f, NetnsId) { return Number(f.l4proto); }},
      {"state", "state", "protocol state", K::kState,
       [](const Flow& f, NetnsId) {
         return f.state ? Number(uint32_t{f.l4proto} << 8 | *f.state) : GroupPart();
       }},
      {"zone", "zone", "conntrack zone id", K::kNumber,
       [](const Flow& f, NetnsId) { return Number(f.zone.id); }},
      {"mark", "mark", "connection mark", K::kNumber,
       [](const Flow& f, NetnsId) { return f.mark ? Number(*f.mark) : GroupPart(); }},
      {"netns", "netns", "network namespace (--all-netns)", K::kNetns,
       [](const Flow&, NetnsId netns) { return netns == 0 ? GroupPart() : Number(netns); }},
  };
  return *kKeys;
}

absl::StatusOr<std::vector<const SummaryKey*>> ParseSummaryKeys(absl::string_view list) {
  std::vector<const SummaryKey*> out;
  for (absl::string_view name : absl::StrSplit(list, ',')) {
    const SummaryKey* found = nullptr;
    for (const SummaryKey& k : SummaryKeys()) {
      if (k.name == name) found = &k;
    }
    if (found == nullptr) {
      std::vector<absl::string_view> known;
      for (const SummaryKey& k : SummaryKeys()) known.push_back(k.name);
      return absl::InvalidArgumentError(absl::StrCat("--by: unknown key \"", name,
                                                     "\" (known: ", absl::StrJoin(known, ", "),
                                                     ")"));
    }
    for (const SummaryKey* k : out) {
      if (k == found) {
        return absl::InvalidArgumentError(absl::StrCat("--by: key \"", name, "\" given twice"));
      }
    }
    if (out.size() == kMaxSummaryKeys) {
      return absl::InvalidArgumentError(absl::StrCat("--by: at most ", kMaxSummaryKeys, " keys"));
    }
    out.push_back(found);
  }
  return out;
}

GroupValue MakeGroupValue(const std::vector<const SummaryKey*>& keys, const Flow& flow,
                          NetnsId netns) {
  GroupValue v;
  for (size_t i = 0; i < keys.size() && i < kMaxSummaryKeys; ++i) {
    v.parts[i] = keys[i]->get(flow, netns);
  }
  return v;
}

bool GroupsByNetns(const std::vector<const SummaryKey*>& keys) {
  for (const SummaryKey* k : keys) {
    if (k->kind == GroupPartKind::kNetns) return true;
  }
  return false;
}

std::string GroupPartText(const SummaryKey& key, const GroupPart& part,
                          absl::Span<const std::string> netns_names) {
  if (!part.present) return "-";
  switch (key.kind) {
    case GroupPartKind::kNetns:
      return NetnsIdText(part.num, netns_names);
    case GroupPartKind::kAddr: {
      char buf[kMaxAddrText];
      char* end = FormatAddr(part.family, part.addr, AddrStyle::kCompressed, buf);
      return std::string(buf, static_cast<size_t>(end - buf));
    }
    case GroupPartKind::kProto:
      return SummaryProtoName(static_cast<uint8_t>(part.num));
    case GroupPartKind::kState: {
      const uint8_t proto = static_cast<uint8_t>(part.num >> 8);
      return absl::StrCat(SummaryProtoName(proto), "/",
                          StateName(proto, static_cast<uint8_t>(part.num & 0xff)));
    }
    case GroupPartKind::kNumber:
      break;
  }
  return absl::StrCat(part.num);
}

}  // namespace ctdump
