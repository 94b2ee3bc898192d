#include "backends/lookup.h"

#include <errno.h>

#include <memory>

#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "backends/netlink/get_entry.h"
#include "backends/netlink/transport.h"
#include "core/kernel.h"

namespace ctdump {
namespace {

// ErrnoToStatus(err, "") gives ": text"; keep only the text.
absl::Status Clean(absl::Status s) {
  absl::string_view m = s.message();
  if (absl::ConsumePrefix(&m, ": ")) return absl::Status(s.code(), m);
  return s;
}

// A FlowSink that stops at the entry looked for and passes it on.
class FirstMatch : public FlowSink {
 public:
  FirstMatch(const Filter& key, FlowSink& out) : key_(key), out_(out) {}
  bool OnFlow(const Flow& flow) override {
    if (!IsLookedUpEntry(key_, flow)) return true;
    found_ = true;
    (void)out_.OnFlow(flow);
    return false;
  }
  void OnSkipped(const absl::Status& why) override { out_.OnSkipped(why); }
  void OnNotice(const absl::Status& note) override { out_.OnNotice(note); }
  bool found() const { return found_; }

 private:
  const Filter& key_;
  FlowSink& out_;
  bool found_ = false;
};

absl::Status LookupByScan(absl::string_view spec, const Filter& key, FlowSink& sink,
                          const BackendLog& log) {
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(spec, log);
  if (!backend.ok()) return backend.status();
  if (log) log(absl::StrCat("looking the entry up by reading ", (*backend)->Name()));
  FirstMatch first(key, sink);
  DumpRequest request;
  request.family = key.family.value_or(0);
  absl::Status dumped = (*backend)->Dump(request, first);
  if (!dumped.ok()) return dumped;
  if (!first.found()) return netlink::GetEntryRefusal(ENOENT);
  return absl::OkStatus();
}

}  // namespace

bool IsLookedUpEntry(const Filter& key, const Flow& flow) {
  const bool orig = netlink::KeyNamesOriginalTuple(key);
  Filter exact;
  exact.family = key.family;
  exact.l4proto = key.l4proto;
  if (orig) {
    exact.orig_src = key.orig_src;
    exact.orig_dst = key.orig_dst;
    exact.orig_sport = key.orig_sport;
    exact.orig_dport = key.orig_dport;
    exact.orig_srckey = key.orig_srckey;
    exact.orig_dstkey = key.orig_dstkey;
    exact.icmp_type = key.icmp_type;
    exact.icmp_code = key.icmp_code;
    exact.icmp_id = key.icmp_id;
  } else {
    exact.reply_src = key.reply_src;
    exact.reply_dst = key.reply_dst;
    exact.reply_sport = key.reply_sport;
    exact.reply_dport = key.reply_dport;
    exact.reply_srckey = key.reply_srckey;
    exact.reply_dstkey = key.reply_dstkey;
  }
  // The kernel looks in the default zone: the entry's zone id in that direction (its
  // zone when the zone applies to that direction, else 0) must be 0.
  const uint8_t dir = orig ? kZoneDirOrig : kZoneDirReply;
  if ((flow.zone.dir & dir) != 0 && flow.zone.id != 0) return false;
  return Matches(exact, flow);
}

absl::Status LookupEntry(absl::string_view spec, const Filter& key, FlowSink& sink,
                         const BackendLog& log) {
  if (spec == "netlink" || spec == "auto") {
    absl::StatusOr<std::unique_ptr<netlink::Transport>> t = netlink::OpenCtnetlinkTransport();
    if (t.ok()) {
      if (log) log("looking the entry up with a ctnetlink CT_GET request");
      return Clean(netlink::GetEntry(**t, key, sink));
    }
    if (spec == "netlink" || t.status().code() != absl::StatusCode::kFailedPrecondition) {
      return t.status();
    }
    if (log) log(absl::StrCat("skipped ctnetlink: ", t.status().message()));
    return LookupByScan("procfs", key, sink, log);
  }
  return LookupByScan(spec, key, sink, log);
}

}  // namespace ctdump
