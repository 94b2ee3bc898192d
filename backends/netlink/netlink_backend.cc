#include "backends/netlink/netlink_backend.h"

#include <errno.h>

#include <cstring>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/decode.h"
#include "backends/netlink/request.h"
#include "core/kernel.h"
#include "core/status_macros.h"

namespace ctdump {
namespace {

using netlink::CtRequest;
using netlink::DumpBufferReader;
using netlink::NlItem;
using netlink::NlKind;
using netlink::Transport;

// The last `capacity` distinct keys, in a ring plus a hash set: O(1) per entry, memory
// fixed at construction.
class RecentKeys {
 public:
  explicit RecentKeys(size_t capacity) : ring_(capacity) { set_.reserve(capacity); }

  void Clear() {
    set_.clear();
    next_ = 0;
    size_ = 0;
  }

  // True when `key` is among the remembered keys; otherwise remembers it (forgetting the
  // oldest key once full) and returns false.
  bool SeenOrInsert(uint64_t key) {
    if (set_.contains(key)) return true;
    if (size_ == ring_.size()) {
      set_.erase(ring_[next_]);
    } else {
      ++size_;
    }
    ring_[next_] = key;
    next_ = next_ + 1 == ring_.size() ? 0 : next_ + 1;
    set_.insert(key);
    return false;
  }

 private:
  std::vector<uint64_t> ring_;
  size_t next_ = 0;
  size_t size_ = 0;
  absl::flat_hash_set<uint64_t> set_;
};

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

// De-duplication key: the kernel's entry id in the high half, a hash of everything that
// identifies the original direction in the low half (the id alone is a 32-bit hash that
// the kernel does not promise to be unique).
uint64_t DedupKey(const Flow& f) {
  uint64_t a, b, c, d;
  std::memcpy(&a, f.orig.src.data(), 8);
  std::memcpy(&b, f.orig.src.data() + 8, 8);
  std::memcpy(&c, f.orig.dst.data(), 8);
  std::memcpy(&d, f.orig.dst.data() + 8, 8);
  uint64_t h = Mix(Mix(Mix(Mix(f.family, a), b), c), d);
  h = Mix(h, uint64_t{f.l4proto} << 56 | uint64_t{f.orig.sport} << 40 |
                 uint64_t{f.orig.dport} << 24 | uint64_t{f.orig.icmp_type} << 16 |
                 uint64_t{f.orig.icmp_code} << 8);
  h = Mix(h, uint64_t{f.orig.icmp_id} << 32 | uint64_t{f.zone.id} << 8 | f.zone.dir);
  return uint64_t{*f.id} << 32 | (h >> 32);
}

const char* FamilyText(uint8_t family) {
  return family == kFamilyIPv4 ? "AF_INET" : family == kFamilyIPv6 ? "AF_INET6" : "AF_UNSPEC";
}

std::string ErrnoName(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case ENOMEM: return "ENOMEM";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EAGAIN: return "EAGAIN";
    case ENOBUFS: return "ENOBUFS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    default: return absl::StrCat("errno ", err);
  }
}

std::string KernelText(absl::string_view ext_ack) {
  return ext_ack.empty() ? std::string() : absl::StrCat(" (kernel: ", ext_ack, ")");
}

using TransportOpener = absl::StatusOr<std::unique_ptr<Transport>> (*)();

class NetlinkBackend final : public Backend {
 public:
  NetlinkBackend(std::unique_ptr<Transport> transport, TransportOpener reopen)
      : transport_(std::move(transport)),
        reopen_(reopen),
        buf_(new uint8_t[netlink::kRecvBufferSize]),
        recent_(kDedupWindow),
        seq_(static_cast<uint32_t>(std::time(nullptr))) {}

  std::string Name() const override { return "netlink"; }
  absl::Status Dump(const DumpRequest& request, FlowSink& sink) override;

  const NetlinkDumpStats& stats() const { return stats_; }

 private:
  absl::Status DumpFamily(uint8_t family, FlowSink& sink);
  // Handles one message of the reply to request `seq`. Sets *done at the end of the dump.
  absl::Status HandleItem(const NlItem& item, uint8_t family, uint32_t seq, uint32_t port_id,
                          FlowSink& sink, bool* done);

  std::unique_ptr<Transport> transport_;
  TransportOpener reopen_;  // null: the transport cannot be replaced (tests)
  std::unique_ptr<uint8_t[]> buf_;
  Flow flow_;
  RecentKeys recent_;
  uint32_t seq_;
  NetlinkDumpStats stats_;
};

absl::Status NetlinkBackend::Dump(const DumpRequest& request, FlowSink& sink) {
  stats_ = NetlinkDumpStats();
  uint8_t families[2];
  size_t n = 0;
  if (request.family == 0) {
    families[n++] = kFamilyIPv4;
    families[n++] = kFamilyIPv6;
  } else if (request.family == kFamilyIPv4 || request.family == kFamilyIPv6) {
    families[n++] = request.family;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "netlink dump: family ", request.family, " is neither AF_INET (2) nor AF_INET6 (10)"));
  }
  if (transport_ == nullptr) {
    if (reopen_ == nullptr) {
      return absl::FailedPreconditionError(
          "netlink dump: the transport was closed after an early stop or an error and "
          "this backend cannot reopen it");
    }
    CTDUMP_ASSIGN_OR_RETURN(transport_, reopen_());
  }
  recent_.Clear();
  for (size_t i = 0; i < n; ++i) {
    absl::Status s = DumpFamily(families[i], sink);
    if (!s.ok() || stats_.stopped_early) {
      // Closing the socket discards whatever the kernel still has for this dump.
      transport_.reset();
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status NetlinkBackend::DumpFamily(uint8_t family, FlowSink& sink) {
  const uint32_t seq = ++seq_;
  const netlink::CtRequestBytes req = netlink::BuildCtRequest(CtRequest::kDumpTable, family, seq);
  CTDUMP_RETURN_IF_ERROR(transport_->Send(req.span()));
  ++stats_.requests;
  const uint32_t port_id = transport_->PortId();
  bool interrupted = false;  // NLM_F_DUMP_INTR seen (never set by ctnetlink so far)
  for (;;) {
    absl::StatusOr<size_t> got =
        transport_->Recv(absl::MakeSpan(buf_.get(), netlink::kRecvBufferSize));
    if (!got.ok()) {
      const int err = netlink::TransportErrno(got.status());
      if (err == EINTR) {
        ++stats_.eintr;
        continue;
      }
      if (err == ENOBUFS) {
        return absl::DataLossError(absl::StrCat(
            "dump lost messages (ENOBUFS): the kernel could not queue part of the ",
            FamilyText(family), " dump; the ", stats_.flows,
            " entries already listed stand, but the listing is incomplete"));
      }
      if (err == ENOSPC) {
        return absl::DataLossError(absl::StrCat(got.status().message(),
                                                ": a dump message was cut, the listing is "
                                                "incomplete"));
      }
      return got.status();
    }
    if (*got == 0) {
      return absl::DataLossError(absl::StrCat("netlink recv: empty datagram in the ",
                                              FamilyText(family), " dump"));
    }
    ++stats_.datagrams;
    stats_.bytes += *got;
    DumpBufferReader reader(absl::MakeConstSpan(buf_.get(), *got), &flow_);
    NlItem item;
    bool done = false;
    while (!done && reader.Next(&item)) {
      ++stats_.messages;
      if (item.flags & ctnl::kNlmFDumpIntr) interrupted = true;
      CTDUMP_RETURN_IF_ERROR(HandleItem(item, family, seq, port_id, sink, &done));
      if (stats_.stopped_early) return absl::OkStatus();
    }
    if (!reader.status().ok()) {
      return absl::DataLossError(absl::StrCat("ctnetlink ", FamilyText(family),
                                              " dump: ", reader.status().message()));
    }
    if (done) break;
  }
  if (interrupted) {
    return absl::DataLossError(absl::StrCat(
        "ctnetlink ", FamilyText(family),
        " dump was interrupted (NLM_F_DUMP_INTR): the table changed while it was read, "
        "entries may be missing"));
  }
  return absl::OkStatus();
}

absl::Status NetlinkBackend::HandleItem(const NlItem& item, uint8_t family, uint32_t seq,
                                        uint32_t port_id, FlowSink& sink, bool* done) {
  if (item.seq != seq || item.port_id != port_id) {
    return absl::DataLossError(absl::StrFormat(
        "ctnetlink %s dump: reply (nlmsg_type 0x%04x) does not match the request: seq %u "
        "port id %u, want seq %u port id %u",
        FamilyText(family), item.type, item.seq, item.port_id, seq, port_id));
  }
  switch (item.kind) {
    case NlKind::kFlow:
      if (flow_.id.has_value() && recent_.SeenOrInsert(DedupKey(flow_))) {
        ++stats_.duplicates;
        return absl::OkStatus();
      }
      ++stats_.flows;
      if (!sink.OnFlow(flow_)) stats_.stopped_early = true;
      return absl::OkStatus();
    case NlKind::kBadFlow:
      ++stats_.skipped;
      sink.OnSkipped(absl::DataLossError(absl::StrCat(
          "ctnetlink ", FamilyText(family), " dump, datagram ", stats_.datagrams, " ",
          item.status.message())));
      return absl::OkStatus();
    case NlKind::kDone:
      *done = true;
      if (item.error != 0) {
        return absl::DataLossError(absl::StrCat(
            "dump failed part-way: the kernel ended the ", FamilyText(family), " dump with ",
            ErrnoName(item.error), " (", std::strerror(item.error), ")",
            KernelText(item.ext_ack), " after ", stats_.flows,
            " entries; the listing is incomplete"));
      }
      return absl::OkStatus();
    case NlKind::kError:
      if (item.error == 0) return absl::OkStatus();  // an ACK
      if (item.error == EPERM) {
        return absl::PermissionDeniedError(
            "ctnetlink dump refused (EPERM): needs CAP_NET_ADMIN in this network namespace; "
            "run as root");
      }
      if (item.error == EINVAL) {
        // The request carries no attributes, so nothing in it can be invalid: nfnetlink
        // answers EINVAL when no conntrack subsystem is registered.
        return absl::FailedPreconditionError(absl::StrCat(
            "ctnetlink refused a plain ", FamilyText(family),
            " dump request (EINVAL)", KernelText(item.ext_ack),
            ": the nf_conntrack_netlink module is probably not loaded; load it "
            "(modprobe nf_conntrack_netlink) or use the procfs backend"));
      }
      return absl::ErrnoToStatus(
          item.error, absl::StrCat("ctnetlink ", FamilyText(family), " dump request",
                                   KernelText(item.ext_ack)));
    case NlKind::kOther:
      return absl::OkStatus();  // NLMSG_NOOP and anything a dump does not produce
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> MakeNetlinkBackend() {
  CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Transport> transport,
                          netlink::OpenCtnetlinkTransport());
  return std::unique_ptr<Backend>(
      new NetlinkBackend(std::move(transport), &netlink::OpenCtnetlinkTransport));
}

absl::StatusOr<std::unique_ptr<Backend>> MakeNetlinkBackend(
    std::unique_ptr<Transport> transport) {
  if (transport == nullptr) {
    return absl::InvalidArgumentError("MakeNetlinkBackend: null transport");
  }
  return std::unique_ptr<Backend>(new NetlinkBackend(std::move(transport), nullptr));
}

const NetlinkDumpStats* NetlinkStats(const Backend& backend) {
  const auto* nb = dynamic_cast<const NetlinkBackend*>(&backend);
  return nb == nullptr ? nullptr : &nb->stats();
}

}  // namespace ctdump
