#include "backends/netlink/netlink_backend.h"

#include <errno.h>

#include <atomic>
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
#include "backends/netlink/filter_probe.h"
#include "backends/netlink/kernel_filter.h"
#include "backends/netlink/request.h"
#include "core/kernel.h"
#include "io/read_ahead.h"
#include "core/status_macros.h"
#include "io/errno_text.h"

namespace ctdump {
namespace netlink {
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

std::string KernelText(absl::string_view ext_ack) {
  return ext_ack.empty() ? std::string() : absl::StrCat(" (kernel: ", ext_ack, ")");
}

bool IsRefusal(int err) { return err == EINVAL || err == EOPNOTSUPP; }

absl::Status EpermError() {
  return absl::PermissionDeniedError(
      "ctnetlink dump refused (EPERM): needs CAP_NET_ADMIN in this network namespace; "
      "run as root");
}

// Datagrams received ahead of the decoder: 4 x 64 KiB, about 120 entries each.
constexpr int kReadAheadDepth = 4;

class NetlinkBackend final : public Backend {
 public:
  NetlinkBackend(std::unique_ptr<Transport> transport, TransportOpener reopen)
      : transport_(std::move(transport)),
        reopen_(std::move(reopen)),
        buf_(new uint8_t[netlink::kRecvBufferSize]),
        recent_(kDedupWindow),
        seq_(static_cast<uint32_t>(std::time(nullptr))) {}

  std::string Name() const override { return "netlink"; }
  absl::Status Dump(const DumpRequest& request, FlowSink& sink) override;

  const NetlinkDumpCounters& counters() const { return counters_; }
  const netlink::NetlinkFilterSupport& support() const { return support_; }

 private:
  // One request of a dump: the family, what it carries, and what came back so far.
  struct Request {
    uint8_t family = 0;
    netlink::DumpFilter filter;
    bool filtered = false;
    uint32_t seq = 0;
    uint32_t port_id = 0;
    uint64_t entries = 0;   // entries received for this request
    bool refused = false;   // the kernel refused the filtered request (EINVAL/EOPNOTSUPP)
  };

  absl::Status Run(const DumpRequest& request, netlink::DumpFamilies families,
                   FlowSink& sink);
  absl::Status EnsureTransport();
  // One probe dump for filter_probe.h, on the backend's transport.
  absl::StatusOr<netlink::ProbeResult> Probe(uint8_t family, const netlink::DumpFilter& filter);
  absl::Status DumpFamily(Request& req, FlowSink& sink);
  // Decodes the datagrams of the reply to `req` as `ahead` delivers them.
  absl::Status ReceiveReply(ReadAhead& ahead, Request& req, FlowSink& sink,
                            bool* interrupted);
  // Handles one message of the reply to `req`. Sets *done at the end of the reply.
  absl::Status HandleItem(const NlItem& item, Request& req, FlowSink& sink, bool* done);

  std::unique_ptr<Transport> transport_;
  TransportOpener reopen_;  // null: the transport cannot be replaced (tests)
  bool read_ahead_ = true;  // receive on a second thread (io/read_ahead.h)
  bool unspec_refused_ = false;  // the kernel refused an AF_UNSPEC dump once
  std::unique_ptr<uint8_t[]> buf_;
  Flow flow_;
  RecentKeys recent_;
  uint32_t seq_;
  NetlinkDumpCounters counters_;
  netlink::NetlinkFilterSupport support_;
};

absl::Status NetlinkBackend::Dump(const DumpRequest& request, FlowSink& sink) {
  counters_ = NetlinkDumpCounters();
  if (request.family != 0 && request.family != kFamilyIPv4 && request.family != kFamilyIPv6) {
    return absl::InvalidArgumentError(absl::StrCat(
        "netlink dump: family ", request.family, " is neither AF_INET (2) nor AF_INET6 (10)"));
  }
  netlink::DumpFamilies families = netlink::FamiliesToDump(request.family, request.filter);
  if (request.filter != nullptr) {
    for (size_t i = 0; i < families.count; ++i) {
      uint32_t used = 0;
      netlink::DeriveDumpFilter(*request.filter, families.family[i],
                                netlink::kAllKernelFilterParts, &used);
      counters_.filter_wanted |= used;
    }
  }
  if (families.count == 2 && (counters_.filter_wanted & netlink::kKernelFilterTuple) == 0 &&
      !unspec_refused_) {
    // Both families and no tuple condition (the only part that needs one): a single
    // AF_UNSPEC request, so the kernel walks the table once instead of twice. A kernel
    // that refuses it gets one request per family instead (Run()).
    families.family[0] = 0;
    families.count = 1;
  }
  recent_.Clear();
  absl::Status s = Run(request, families, sink);
  if (!s.ok() || counters_.stopped_early) {
    // Closing the socket discards whatever the kernel still has for this dump.
    transport_.reset();
  }
  return s;
}

absl::Status NetlinkBackend::Run(const DumpRequest& request,
                                 netlink::DumpFamilies families, FlowSink& sink) {
  CTDUMP_RETURN_IF_ERROR(EnsureTransport());
  if (families.count > 0 && counters_.filter_wanted != 0) {
    CTDUMP_RETURN_IF_ERROR(netlink::ProbeFilterSupport(
        counters_.filter_wanted, families.family[0],
        [this](uint8_t family, const netlink::DumpFilter& filter) {
          return Probe(family, filter);
        },
        &support_));
  }
  for (size_t i = 0; i < families.count; ++i) {
    uint32_t allowed = netlink::AllowedFilterParts(support_);
    for (;;) {
      Request req;
      req.family = families.family[i];
      uint32_t used = 0;
      if (request.filter != nullptr) {
        req.filter = netlink::DeriveDumpFilter(*request.filter, req.family, allowed, &used);
      }
      req.filtered = !req.filter.empty();
      CTDUMP_RETURN_IF_ERROR(DumpFamily(req, sink));
      if (counters_.stopped_early) return absl::OkStatus();
      if (!req.refused) {
        counters_.filter_pushed |= used;
        break;
      }
      if (req.family == 0 && !req.filtered) {
        // The kernel refused a plain AF_UNSPEC dump (4.4-era kernels, docs/ctnetlink.md
        // section 5): ask per family, now and in every later Dump().
        unspec_refused_ = true;
        families = netlink::DumpFamilies{{kFamilyIPv4, kFamilyIPv6}, 2};
        i = static_cast<size_t>(-1);
        break;
      }
      // Refused before any entry: drop the parts that no probe vouched for (all of them
      // if every part was vouched for) and ask again. Each round drops at least one part,
      // and an unfiltered request cannot be "refused" this way.
      const uint32_t blame = netlink::BlameRefusal(used, &support_);
      counters_.filter_rejected |= blame;
      allowed &= ~blame;
    }
  }
  return absl::OkStatus();
}

absl::Status NetlinkBackend::EnsureTransport() {
  if (transport_ != nullptr) return absl::OkStatus();
  if (!reopen_) {
    return absl::FailedPreconditionError(
        "netlink dump: the transport was closed after an early stop or an error and "
        "this backend cannot reopen it");
  }
  CTDUMP_ASSIGN_OR_RETURN(transport_, reopen_());
  return absl::OkStatus();
}

absl::StatusOr<netlink::ProbeResult> NetlinkBackend::Probe(
    uint8_t family, const netlink::DumpFilter& filter) {
  CTDUMP_RETURN_IF_ERROR(EnsureTransport());
  CTDUMP_ASSIGN_OR_RETURN(
      netlink::ProbeResult result,
      netlink::RunProbeDump(*transport_, family, filter, ++seq_,
                            absl::MakeSpan(buf_.get(), netlink::kRecvBufferSize), &flow_,
                            &counters_.probe_requests));
  if (result.error == EPERM) return EpermError();
  if (result.close_transport) transport_.reset();
  return result;
}

absl::Status NetlinkBackend::DumpFamily(Request& req, FlowSink& sink) {
  CTDUMP_RETURN_IF_ERROR(EnsureTransport());
  const uint8_t family = req.family;
  req.seq = ++seq_;
  const netlink::CtRequestBytes bytes =
      netlink::BuildCtRequest(CtRequest::kDumpTable, family, req.seq, &req.filter);
  if (bytes.size == 0) {
    return absl::InternalError(absl::StrCat("netlink dump: cannot build a ", FamilyText(family),
                                            " request with filter ",
                                            netlink::DumpFilterText(req.filter, family)));
  }
  CTDUMP_RETURN_IF_ERROR(transport_->Send(bytes.span()));
  ++counters_.requests;
  const std::string text =
      absl::StrCat(FamilyText(family), "{", netlink::DumpFilterText(req.filter, family), "}");
  counters_.kernel_filter =
      counters_.kernel_filter.empty() ? text : absl::StrCat(counters_.kernel_filter, " ", text);
  req.port_id = transport_->PortId();
  bool interrupted = false;  // NLM_F_DUMP_INTR seen (never set by ctnetlink so far)
  // The kernel runs the dump inside recvmsg(): a second thread receives the next datagram
  // while this one decodes and hands out the last (io/read_ahead.h). Receiving stops at
  // the datagram that carries NLMSG_DONE or NLMSG_ERROR, the end of a dump reply, so the
  // reader never blocks on a socket with nothing more to come.
  std::atomic<uint64_t> eintr{0};
  Transport* const transport = transport_.get();
  ReadAhead ahead(
      ReadAhead::Options{netlink::kRecvBufferSize, kReadAheadDepth, read_ahead_},
      [transport, &eintr](absl::Span<uint8_t> buf) -> absl::StatusOr<size_t> {
        for (;;) {
          absl::StatusOr<size_t> got = transport->Recv(buf);
          if (!got.ok() && netlink::TransportErrno(got.status()) == EINTR) {
            eintr.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          if (got.ok() && *got == 0) {
            return absl::DataLossError("netlink recv: empty datagram");
          }
          return got;
        }
      },
      [](absl::Span<const uint8_t> datagram) { return netlink::EndsDumpReply(datagram); });
  absl::Status status = ReceiveReply(ahead, req, sink, &interrupted);
  counters_.eintr += eintr.load(std::memory_order_relaxed);
  CTDUMP_RETURN_IF_ERROR(status);
  if (interrupted) {
    return absl::DataLossError(absl::StrCat(
        "ctnetlink ", FamilyText(family),
        " dump was interrupted (NLM_F_DUMP_INTR): the table changed while it was read, "
        "entries may be missing"));
  }
  return absl::OkStatus();
}

absl::Status NetlinkBackend::ReceiveReply(ReadAhead& ahead, Request& req, FlowSink& sink,
                                          bool* interrupted) {
  const uint8_t family = req.family;
  for (;;) {
    absl::StatusOr<absl::Span<const uint8_t>> got = ahead.Next();
    if (!got.ok()) {
      const int err = netlink::TransportErrno(got.status());
      if (err == ENOBUFS) {
        return absl::DataLossError(absl::StrCat(
            "dump lost messages (ENOBUFS): the kernel could not queue part of the ",
            FamilyText(family), " dump; the ", counters_.flows,
            " entries already listed stand, but the listing is incomplete"));
      }
      if (err == ENOSPC) {
        return absl::DataLossError(absl::StrCat(got.status().message(),
                                                ": a dump message was cut, the listing is "
                                                "incomplete"));
      }
      if (err == 0 && absl::IsDataLoss(got.status())) {
        return absl::DataLossError(
            absl::StrCat(got.status().message(), " in the ", FamilyText(family), " dump"));
      }
      return got.status();
    }
    if (got->empty()) {
      // The reader stopped without NLMSG_DONE: only a transport that ran dry does that.
      return absl::DataLossError(absl::StrCat("netlink recv: the ", FamilyText(family),
                                              " dump ended without NLMSG_DONE"));
    }
    ++counters_.datagrams;
    counters_.bytes += got->size();
    DumpBufferReader reader(*got, &flow_);
    NlItem item;
    bool done = false;
    while (!done && reader.Next(&item)) {
      ++counters_.messages;
      if (item.flags & ctnl::kNlmFDumpIntr) *interrupted = true;
      CTDUMP_RETURN_IF_ERROR(HandleItem(item, req, sink, &done));
      if (counters_.stopped_early) return absl::OkStatus();
    }
    if (!reader.status().ok()) {
      return absl::DataLossError(absl::StrCat("ctnetlink ", FamilyText(family),
                                              " dump: ", reader.status().message()));
    }
    if (done) return absl::OkStatus();
  }
}

absl::Status NetlinkBackend::HandleItem(const NlItem& item, Request& req, FlowSink& sink,
                                        bool* done) {
  const uint8_t family = req.family;
  if (item.seq != req.seq || item.port_id != req.port_id) {
    return absl::DataLossError(absl::StrFormat(
        "ctnetlink %s dump: reply (nlmsg_type 0x%04x) does not match the request: seq %u "
        "port id %u, want seq %u port id %u",
        FamilyText(family), item.type, item.seq, item.port_id, req.seq, req.port_id));
  }
  switch (item.kind) {
    case NlKind::kFlow: {
      ++req.entries;
      if (flow_.id.has_value() && recent_.SeenOrInsert(DedupKey(flow_))) {
        ++counters_.duplicates;
        return absl::OkStatus();
      }
      uint32_t failed = 0;
      if (req.filtered && !netlink::KernelKeeps(req.filter, family, flow_, &failed)) {
        // Crossed although the request filters it out: the kernel ignored `failed`.
        ++counters_.filter_misses;
        counters_.filter_not_applied |= failed;
      }
      ++counters_.flows;
      if (!sink.OnFlow(flow_)) counters_.stopped_early = true;
      return absl::OkStatus();
    }
    case NlKind::kBadFlow:
      ++req.entries;
      ++counters_.skipped;
      sink.OnSkipped(absl::DataLossError(absl::StrCat(
          "ctnetlink ", FamilyText(family), " dump, datagram ", counters_.datagrams, " ",
          item.status.message())));
      return absl::OkStatus();
    case NlKind::kDone:
      *done = true;
      if (item.error != 0) {
        return absl::DataLossError(absl::StrCat(
            "dump failed part-way: the kernel ended the ", FamilyText(family), " dump with ",
            ErrnoName(item.error), " (", std::strerror(item.error), ")",
            KernelText(item.ext_ack), " after ", counters_.flows,
            " entries; the listing is incomplete"));
      }
      return absl::OkStatus();
    case NlKind::kError:
      if (item.error == 0) return absl::OkStatus();  // an ACK
      if (item.error == EPERM) return EpermError();
      if (req.filtered && req.entries == 0 && IsRefusal(item.error)) {
        // The kernel refused the filter before dumping anything (no NLMSG_DONE follows):
        // the caller asks again with less.
        req.refused = true;
        *done = true;
        return absl::OkStatus();
      }
      if (req.family == 0 && !req.filtered && req.entries == 0 && IsRefusal(item.error)) {
        req.refused = true;  // Run() asks per family instead
        *done = true;
        return absl::OkStatus();
      }
      if (item.error == EINVAL && !req.filtered) {
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

absl::StatusOr<std::unique_ptr<Backend>> MakeReopeningNetlinkBackend(TransportOpener open) {
  if (!open) return absl::InvalidArgumentError("MakeReopeningNetlinkBackend: null opener");
  CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Transport> transport, open());
  return std::unique_ptr<Backend>(new NetlinkBackend(std::move(transport), std::move(open)));
}

const NetlinkDumpCounters* NetlinkDumpCountersOf(const Backend& backend) {
  const auto* nb = dynamic_cast<const NetlinkBackend*>(&backend);
  return nb == nullptr ? nullptr : &nb->counters();
}

const netlink::NetlinkFilterSupport* NetlinkSupport(const Backend& backend) {
  const auto* nb = dynamic_cast<const NetlinkBackend*>(&backend);
  return nb == nullptr ? nullptr : &nb->support();
}

}  // namespace netlink
}  // namespace ctdump
