// File: core/backend.h
//
// The seam between the sources of conntrack entries (ctnetlink, the /proc text files,
// a saved copy of them) and everything that consumes flows. Backends stream: they hand
// each decoded flow to a sink and never hold the table in memory.
//
//   class Printer : public FlowSink { ... };
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, MakeBackend("procfs"));
//   Printer p;
//   CTDUMP_RETURN_IF_ERROR(b->Dump(DumpRequest{}, p));
//
// Concrete backends live in backends/ and expose only a factory.

#ifndef CTDUMP_CORE_BACKEND_H_
#define CTDUMP_CORE_BACKEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {

struct Filter;  // core/filter.h

// What to dump. Backends may use these to avoid work (kernel-side filtering); callers
// must still filter in user space, because a backend or kernel may ignore a field.
struct DumpRequest {
  uint8_t family = 0;  // 0: every family; kFamilyIPv4 or kFamilyIPv6 to restrict
  // A HINT, not a contract: the user-space filter the caller will apply. A backend may
  // push the parts it can into the kernel (the netlink backend sends mark, status, zone and
  // exact-tuple conditions as dump attributes where the kernel supports them), and only
  // ever in a way that drops entries the filter would drop too. It may also ignore it
  // entirely, so the caller MUST still run Matches() on every flow it receives. Not
  // owned; must outlive the Dump() call. Null: no filter.
  const Filter* filter = nullptr;
};

// One part of a FlowSink, for decoding on several threads at once (optional; see
// FlowSink::NewShard()). A backend that decodes independent chunks of its input in
// parallel (the procfs backend, on large saved files) gives each chunk its own shard,
// which receives that chunk's flows on a worker thread and keeps what it makes of them
// (formatted text, say) to itself until the sink takes it back in input order.
class FlowShard {
 public:
  virtual ~FlowShard() = default;
  // As FlowSink::OnFlow(), on the worker thread that owns the shard. Return false to end
  // the dump after this shard's chunk.
  virtual bool OnFlow(const Flow& flow) = 0;
  // Where, among the results of this shard so far, a record skipped now belongs: handed
  // back with the skip in FlowSink::CommitShard().
  virtual size_t Position() const = 0;
};

// A record skipped inside a shard's chunk: FlowSink::OnSkipped()'s argument, and the
// shard's Position() when it was skipped.
struct ShardSkip {
  size_t position = 0;
  absl::Status why;
};

// Receives what a backend decodes. Not thread-safe; called on the dumping thread.
class FlowSink {
 public:
  virtual ~FlowSink() = default;
  // One decoded entry. `flow` is valid only during the call (the backend reuses it).
  // Return false to end the dump early; Dump() then returns OK.
  virtual bool OnFlow(const Flow& flow) = 0;
  // An entry the backend could not decode (malformed line or message) and skipped; the
  // dump goes on. `why` names the record (for example "line 17") and what was wrong.
  // A caller that gets any of these must not present the listing as complete.
  virtual void OnSkipped(const absl::Status& why) = 0;
  // Something about the source a person should know that does not make the listing
  // incomplete, for example "line 3: unknown flag [FASTPATH] skipped" (a vendor kernel's
  // /proc field). Each distinct notice comes once per dump. Default: ignored.
  virtual void OnNotice(const absl::Status& note) {}
  // The network namespace the following flows were listed from, when the source records
  // it: a saved `-o json --all-netns` file, whose objects carry "netns". Called when it
  // changes ("" when lines without one follow lines with one), before the first of those
  // flows. Default: ignored.
  virtual void OnNetns(absl::string_view name) {}

  // Parallel decoding, optional. A sink that can take flows on several threads returns
  // a new, empty shard for one chunk of the input (called on the dumping thread); the
  // default, nullptr, means flows come one at a time through OnFlow(), in order.
  virtual std::unique_ptr<FlowShard> NewShard() { return nullptr; }
  // Takes back, on the dumping thread and in input order, a finished shard made by this
  // sink's NewShard(), with the records skipped in its chunk in order. The sink must end
  // up as if the chunk's flows and skips had come through OnFlow() and OnSkipped()
  // interleaved as their positions say. Returns false to end the dump, as OnFlow().
  virtual bool CommitShard(std::unique_ptr<FlowShard> shard, std::vector<ShardSkip> skipped) {
    return false;
  }
};

class Backend {
 public:
  virtual ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // A short description of the source, for -v and error messages, for example
  // "netlink" or "procfs /proc/net/nf_conntrack".
  virtual std::string Name() const = 0;

  // Streams every entry of the table to `sink`.
  // Errors (the message always says what was tried and what to do):
  //   kPermissionDenied    the source needs CAP_NET_ADMIN / root
  //   kFailedPrecondition  the source does not exist here (module, file, feature)
  //   kDataLoss            the source broke off mid-stream (flows already delivered stand)
  //   kUnavailable, ...    other I/O errors, with the errno text
  virtual absl::Status Dump(const DumpRequest& request, FlowSink& sink) = 0;

 protected:
  Backend() = default;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_BACKEND_H_
