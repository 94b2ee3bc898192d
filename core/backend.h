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

#include <cstdint>
#include <string>

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
