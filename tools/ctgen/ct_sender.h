// File: tools/ctgen/ct_sender.h
//
// CtSender creates conntrack entries in the CURRENT network namespace through ctnetlink:
// one IPCTNL_MSG_CT_NEW message (NLM_F_REQUEST|NLM_F_CREATE|NLM_F_EXCL) per entry, built
// from a libnetfilter_conntrack object with nfct_nlmsg_build(). It is a test tool: it
// WRITES to the kernel table, so only ever run it inside a throwaway network namespace.
//
//   absl::StatusOr<std::unique_ptr<CtSender>> s = CtSender::Open();
//   (*s)->Queue(ct, /*tag=*/i);        // batched: many messages per sendmsg()
//   (*s)->Flush();                      // sends what is queued; first kernel error, if any
//   (*s)->CreateNow(ct);                // one entry, waits for its ACK (for probing)
//
// Batching and error checking: queued messages carry no NLM_F_ACK except the last one of
// each sendmsg(), which is a sync point. The kernel processes the whole datagram inside
// sendmsg() and answers only failed messages (NLMSG_ERROR with a negative errno) plus
// that one ACK, so reading until the ACK of the last sequence number collects every
// error of the batch. NETLINK_CAP_ACK keeps error messages small; NETLINK_EXT_ACK adds
// the kernel's error string where it has one.

#ifndef CTDUMP_TOOLS_CTGEN_CT_SENDER_H_
#define CTDUMP_TOOLS_CTGEN_CT_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct mnl_socket;
struct nlmsghdr;
struct nf_conntrack;

namespace ctgen {

class CtSender {
 public:
  // Describes the entry queued with `tag` in error messages (optional).
  using Describer = std::function<std::string(uint64_t tag)>;

  // CtSender::Open(batch_bytes)
  // Opens and binds a NETLINK_NETFILTER socket in the current network namespace.
  // `batch_bytes` bounds one sendmsg() (it is also raised into SO_SNDBUF).
  // Errors: kUnavailable when netlink/nfnetlink is missing (socket or bind fails),
  // other errno-derived codes otherwise.
  static absl::StatusOr<std::unique_ptr<CtSender>> Open(size_t batch_bytes = 96 * 1024);

  ~CtSender();
  CtSender(const CtSender&) = delete;
  CtSender& operator=(const CtSender&) = delete;

  void set_describer(Describer d) { describer_ = std::move(d); }

  // CtSender::Queue(ct, tag)
  // Appends a CT_NEW for `ct` (family from its ATTR_L3PROTO). Sends the batch first when
  // it is full, so it may return the error of an earlier entry. Errors name the entry by
  // tag (and the describer's text) and carry the kernel's errno as the status code
  // (e.g. kAlreadyExists for EEXIST, kPermissionDenied for EPERM).
  absl::Status Queue(const nf_conntrack* ct, uint64_t tag);

  // CtSender::QueueDelete(ct, tag)
  // Appends a CT_DELETE of the entry with ct's original tuple, batched like Queue().
  // created() counts every message the kernel accepted, deletions included.
  absl::Status QueueDelete(const nf_conntrack* ct, uint64_t tag);

  // CtSender::Flush()
  // Sends everything queued and waits for the sync ACK. Returns the first error.
  absl::Status Flush();

  // CtSender::CreateNow(ct, tag)
  // Flushes, then creates `ct` alone with NLM_F_ACK and returns the kernel's verdict.
  // The returned status' raw errno is available through last_errno() for callers that
  // tolerate specific refusals.
  absl::Status CreateNow(const nf_conntrack* ct, uint64_t tag = 0);
  int last_errno() const { return last_errno_; }

  // CtSender::HasLabels(ct)
  // Looks the entry with ct's original tuple (and zone) up with CT_GET and says whether
  // the kernel holds labels for it. The kernel accepts CTA_LABELS on create but silently
  // drops them when the namespace has no label space (no ruleset uses `ct label`).
  // Errors: the kernel's errno (kNotFound for ENOENT).
  absl::StatusOr<bool> HasLabels(const nf_conntrack* ct);

  uint64_t created() const { return created_; }
  uint64_t sendmsg_calls() const { return sendmsg_calls_; }

 private:
  CtSender(mnl_socket* nl, size_t batch_bytes);
  absl::Status Append(const nf_conntrack* ct, uint64_t tag, bool ack,
                      uint16_t msg_type = 0 /* IPCTNL_MSG_CT_NEW */);
  // Sends the queued messages; hands every non-error reply message to `on_reply`.
  absl::Status SendAndCheck(const std::function<void(const nlmsghdr*)>& on_reply = nullptr);
  std::string Describe(uint64_t tag) const;

  mnl_socket* nl_;
  uint32_t portid_;
  size_t batch_bytes_;
  std::vector<char> buf_;   // batch_bytes_ + headroom for one message
  size_t used_ = 0;         // bytes queued in buf_
  uint32_t first_seq_ = 0;  // sequence number of the first queued message
  uint32_t next_seq_;
  std::vector<uint64_t> tags_;  // tag per queued message, index = seq - first_seq_
  std::vector<char> rbuf_;
  Describer describer_;
  const char* op_ = "CT_NEW";  // message name for errors
  int last_errno_ = 0;
  uint64_t created_ = 0;
  uint64_t sendmsg_calls_ = 0;
};

}  // namespace ctgen

#endif  // CTDUMP_TOOLS_CTGEN_CT_SENDER_H_
