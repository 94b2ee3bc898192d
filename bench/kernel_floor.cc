// kernel_floor: the kernel's own cost of a ctnetlink table dump, the floor that ctdump is
// measured against in bench/e2e_benchmark.cc.
//
//   kernel_floor [--family unspec|inet|inet6|both]
//
// It sends an IPCTNL_MSG_CT_GET dump request (by default one for AF_UNSPEC, which the
// kernel answers with every entry of the table in one walk; "both" sends one per family,
// AF_INET then AF_INET6), with the netlink backend's 64 KiB receive buffer and 1 MiB
// SO_RCVBUF, and reads every datagram until NLMSG_DONE. It decodes nothing beyond the
// netlink header walk needed to find NLMSG_DONE and NLMSG_ERROR, and prints one line to
// stdout: "<messages> <bytes>". Exit 1 with a message on any error (needs CAP_NET_ADMIN).
//
// Written against libmnl's public API only; not part of the product.

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <vector>

namespace {

constexpr size_t kRecvBufferSize = 64 * 1024;  // as backends/netlink/transport.h

int Fail(const char* what, int err) {
  fprintf(stderr, "kernel_floor: %s: %s\n", what, strerror(err));
  return 1;
}

// Dumps one family; adds to *messages and *bytes. Returns 0 or an errno.
int DumpFamily(mnl_socket* nl, uint8_t family, uint32_t seq, std::vector<char>& buf,
               unsigned long long* messages, unsigned long long* bytes) {
  char req_buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = mnl_nlmsg_put_header(req_buf);
  nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
  nfg->nfgen_family = family;
  nfg->version = NFNETLINK_V0;
  nfg->res_id = 0;
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) return errno;
  for (;;) {
    ssize_t n = recv(mnl_socket_get_fd(nl), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    *bytes += static_cast<unsigned long long>(n);
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); mnl_nlmsg_ok(h, len);
         h = mnl_nlmsg_next(h, &len)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        auto* e = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(h));
        return e->error == 0 ? 0 : -e->error;
      }
      ++*messages;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint8_t> families = {AF_UNSPEC};
  if (argc == 3 && strcmp(argv[1], "--family") == 0) {
    const char* f = argv[2];
    if (strcmp(f, "inet") == 0) families = {AF_INET};
    else if (strcmp(f, "inet6") == 0) families = {AF_INET6};
    else if (strcmp(f, "both") == 0) families = {AF_INET, AF_INET6};
    else if (strcmp(f, "unspec") != 0) argc = 0;
  }
  if (argc != 1 && argc != 3) {
    fprintf(stderr, "usage: kernel_floor [--family unspec|inet|inet6|both]\n");
    return 2;
  }
  mnl_socket* nl = mnl_socket_open(NETLINK_NETFILTER);
  if (nl == nullptr) return Fail("netlink socket", errno);
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) return Fail("netlink bind", errno);
  int rcvbuf = 1 << 20;
  (void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  std::vector<char> buf(kRecvBufferSize);
  unsigned long long messages = 0, bytes = 0;
  uint32_t seq = static_cast<uint32_t>(time(nullptr));
  for (uint8_t family : families) {
    int err = DumpFamily(nl, family, seq++, buf, &messages, &bytes);
    if (err != 0) return Fail("ctnetlink dump", err);
  }
  mnl_socket_close(nl);
  printf("%llu %llu\n", messages, bytes);
  return 0;
}
