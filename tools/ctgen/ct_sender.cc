// File: tools/ctgen/ct_sender.cc
//
// See ct_sender.h for the contract. Wire format: nlmsghdr + nfgenmsg + CTA_* attributes,
// the attributes written by libnetfilter_conntrack's nfct_nlmsg_build().

#include "tools/ctgen/ct_sender.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ctgen {
namespace {

// Room for the largest CT_NEW ctgen builds (two IPv6 tuples with zones, protoinfo, NAT,
// labels and mask): about 600 bytes; nfct_nlmsg_build() does no bounds checking.
constexpr size_t kMessageHeadroom = 4096;
// Large enough for a batch's worth of capped NLMSG_ERRORs (36 bytes + ext-ack text each).
constexpr int kRcvBuf = 8 << 20;

std::string ErrnoText(int err) { return err > 0 ? strerror(err) : "unknown error"; }

// Extracts NLMSGERR_ATTR_MSG from an extended ACK, if present.
std::string ExtAckMessage(const nlmsghdr* nlh) {
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  size_t off = sizeof(nlmsgerr);
  // Without NLM_F_CAPPED the whole original request follows the header.
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) off += err->msg.nlmsg_len - sizeof(nlmsghdr);
  const char* base = static_cast<const char*>(mnl_nlmsg_get_payload(nlh));
  size_t total = mnl_nlmsg_get_payload_len(nlh);
  if (off >= total) return "";
  const nlattr* attr = reinterpret_cast<const nlattr*>(base + MNL_ALIGN(off));
  int left = static_cast<int>(total - MNL_ALIGN(off));
  for (; mnl_attr_ok(attr, left); attr = mnl_attr_next(attr)) {
    left -= MNL_ALIGN(attr->nla_len);
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
      return mnl_attr_get_str(attr);
    }
  }
  return "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<CtSender>> CtSender::Open(size_t batch_bytes) {
  mnl_socket* nl = mnl_socket_open(NETLINK_NETFILTER);
  if (nl == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("ctgen: socket(AF_NETLINK, NETLINK_NETFILTER): ", ErrnoText(errno)));
  }
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int err = errno;
    mnl_socket_close(nl);
    return absl::UnavailableError(absl::StrCat("ctgen: bind netlink socket: ", ErrnoText(err)));
  }
  int one = 1;
  // Best effort: older kernels lack these; errors are still reported without them.
  mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
  mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
  int fd = mnl_socket_get_fd(nl);
  int snd = static_cast<int>(batch_bytes + kMessageHeadroom + 4096);
  // SO_*BUFFORCE need CAP_NET_ADMIN (which ctgen needs anyway); fall back to the capped ones.
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
  }
  int rcv = kRcvBuf;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
  }
  return std::unique_ptr<CtSender>(new CtSender(nl, batch_bytes));
}

CtSender::CtSender(mnl_socket* nl, size_t batch_bytes)
    : nl_(nl),
      portid_(mnl_socket_get_portid(nl)),
      batch_bytes_(batch_bytes),
      buf_(batch_bytes + kMessageHeadroom),
      next_seq_(static_cast<uint32_t>(time(nullptr))),
      rbuf_(64 * 1024) {}

CtSender::~CtSender() { mnl_socket_close(nl_); }

std::string CtSender::Describe(uint64_t tag) const {
  std::string d = absl::StrCat("entry #", tag);
  if (describer_) absl::StrAppend(&d, " (", describer_(tag), ")");
  return d;
}

absl::Status CtSender::Append(const nf_conntrack* ct, uint64_t tag, bool ack, uint16_t msg_type) {
  if (used_ == 0) {
    first_seq_ = next_seq_;
    tags_.clear();
  }
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf_.data() + used_);
  nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | msg_type;
  op_ = msg_type == IPCTNL_MSG_CT_GET      ? "CT_GET"
        : msg_type == IPCTNL_MSG_CT_DELETE ? "CT_DELETE"
                                           : "CT_NEW";
  nlh->nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
  if (msg_type == IPCTNL_MSG_CT_NEW) nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  nlh->nlmsg_seq = next_seq_++;
  auto* nfh = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
  nfh->nfgen_family = nfct_get_attr_u8(ct, ATTR_L3PROTO);
  nfh->version = NFNETLINK_V0;
  nfh->res_id = 0;
  if (nfct_nlmsg_build(nlh, ct) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ctgen: cannot build CT_NEW for ", Describe(tag), ": ", ErrnoText(errno)));
  }
  if (nlh->nlmsg_len > kMessageHeadroom) {
    // Cannot happen with ctgen's entries; the buffer would already be overrun.
    return absl::InternalError(absl::StrCat("ctgen: CT_NEW for ", Describe(tag), " is larger than ",
                                            kMessageHeadroom, " bytes"));
  }
  used_ += NLMSG_ALIGN(nlh->nlmsg_len);
  tags_.push_back(tag);
  return absl::OkStatus();
}

absl::Status CtSender::Queue(const nf_conntrack* ct, uint64_t tag) {
  absl::Status s = Append(ct, tag, /*ack=*/false);
  if (!s.ok()) return s;
  if (used_ >= batch_bytes_) return Flush();
  return absl::OkStatus();
}

absl::Status CtSender::QueueDelete(const nf_conntrack* ct, uint64_t tag) {
  absl::Status s = Append(ct, tag, /*ack=*/false, IPCTNL_MSG_CT_DELETE);
  if (!s.ok()) return s;
  if (used_ >= batch_bytes_) return Flush();
  return absl::OkStatus();
}

absl::Status CtSender::Flush() {
  if (used_ == 0) return absl::OkStatus();
  // Turn the last queued message into the sync point.
  size_t off = 0;
  nlmsghdr* last = nullptr;
  while (off < used_) {
    last = reinterpret_cast<nlmsghdr*>(buf_.data() + off);
    off += NLMSG_ALIGN(last->nlmsg_len);
  }
  last->nlmsg_flags |= NLM_F_ACK;
  return SendAndCheck();
}

absl::Status CtSender::CreateNow(const nf_conntrack* ct, uint64_t tag) {
  // Created entries are counted in SendAndCheck.
  last_errno_ = 0;
  absl::Status s = Flush();
  if (!s.ok()) return s;
  s = Append(ct, tag, /*ack=*/true);
  if (!s.ok()) return s;
  return SendAndCheck();
}

absl::StatusOr<bool> CtSender::HasLabels(const nf_conntrack* ct) {
  last_errno_ = 0;
  absl::Status s = Flush();
  if (!s.ok()) return s;
  // CT_GET uses only the tuple and zone attributes of the request.
  s = Append(ct, 0, /*ack=*/true, IPCTNL_MSG_CT_GET);
  if (!s.ok()) return s;
  bool labels = false;
  const uint64_t created_before = created_;  // a GET creates nothing
  const uint16_t reply_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
  s = SendAndCheck([&labels, reply_type](const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != reply_type) return;
    nf_conntrack* got = nfct_new();
    if (got == nullptr) return;
    if (nfct_nlmsg_parse(nlh, got) >= 0 && nfct_attr_is_set(got, ATTR_CONNLABELS) > 0) {
      labels = true;
    }
    nfct_destroy(got);
  });
  created_ = created_before;
  if (!s.ok()) return s;
  return labels;
}

absl::Status CtSender::SendAndCheck(const std::function<void(const nlmsghdr*)>& on_reply) {
  const uint32_t first = first_seq_;
  const uint32_t last = next_seq_ - 1;
  const size_t count = tags_.size();
  const size_t len = used_;
  used_ = 0;
  ++sendmsg_calls_;
  ssize_t sent = mnl_socket_sendto(nl_, buf_.data(), len);
  if (sent < 0) {
    last_errno_ = errno;
    return absl::ErrnoToStatus(last_errno_, absl::StrCat("ctgen: sendmsg of ", count, " ", op_,
                                                         " messages (", len, " bytes)"));
  }
  // The kernel handled every message inside sendmsg(); read until the sync ACK.
  absl::Status first_error = absl::OkStatus();
  size_t failed = 0;
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl_, rbuf_.data(), rbuf_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      last_errno_ = errno;
      return absl::ErrnoToStatus(errno, absl::StrCat("ctgen: recvmsg of ", op_, " replies"));
    }
    int left = static_cast<int>(n);
    for (const nlmsghdr* nlh = reinterpret_cast<const nlmsghdr*>(rbuf_.data());
         mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
      if (nlh->nlmsg_pid != 0 && nlh->nlmsg_pid != portid_) continue;
      if (nlh->nlmsg_type != NLMSG_ERROR) {
        if (on_reply) on_reply(nlh);
        continue;
      }
      if (mnl_nlmsg_get_payload_len(nlh) < sizeof(nlmsgerr)) {
        return absl::DataLossError("ctgen: truncated NLMSG_ERROR from the kernel");
      }
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      const uint32_t seq = nlh->nlmsg_seq;
      const bool ours = seq - first <= last - first;  // wrap-safe range check
      if (!ours) continue;
      if (err->error != 0) {
        ++failed;
        if (first_error.ok()) {
          last_errno_ = -err->error;
          uint64_t tag = tags_[seq - first];
          std::string ext = ExtAckMessage(nlh);
          first_error = absl::ErrnoToStatus(
              -err->error, absl::StrCat("ctgen: kernel refused ", op_, " for ", Describe(tag),
                                        ext.empty() ? "" : absl::StrCat(" [", ext, "]")));
        }
      }
      if (seq == last) {
        // The sync point: acknowledged (error 0) or refused (counted above).
        created_ += count - failed;
        if (!first_error.ok() && failed > 1) {
          return absl::Status(first_error.code(),
                              absl::StrFormat("%s (and %d more in the same batch)",
                                              first_error.message(), failed - 1));
        }
        return first_error;
      }
    }
  }
}

}  // namespace ctgen
