// File: tools/oldkernel/probe.cc
//
// probe: makes one named system call and prints how it ended, for the harness's tests:
// "OK" on success, else the errno's name ("ENOSYS", "EINVAL", ...). Exit status 0
// either way; 2 for an unknown probe name. Each probe is harmless: it uses invalid
// arguments where a success would change something.
//
//   probe setns          setns(-1, 0): EBADF on a kernel that has it, ENOSYS otherwise
//   probe getrandom      getrandom(buf, 1, GRND_NONBLOCK)
//   probe clone3         clone3(NULL, 0): EINVAL (or EFAULT) when it exists
//   probe statx          statx(AT_FDCWD, "/", 0, 0, &buf)
//   probe socket_cloexec / socket_nonblock / socket_plain
//                        socket(AF_UNIX, SOCK_DGRAM [| SOCK_CLOEXEC | SOCK_NONBLOCK], 0)
//   probe so_meminfo     getsockopt(SOL_SOCKET, SO_MEMINFO) on an AF_UNIX socket
//   probe netlink_ext_ack
//                        setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1) on a NETLINK_ROUTE
//                        socket (always built in)
//   probe netlink_netfilter
//                        socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER) (may make the
//                        kernel load nfnetlink if it is a module: callers check first)
//   probe fcntl_dupfd_cloexec
//                        fcntl(0, F_DUPFD_CLOEXEC, 0)

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace {

constexpr int kSoMeminfo = 55;       // SO_MEMINFO, <asm-generic/socket.h>
constexpr int kSolNetlink = 270;     // SOL_NETLINK
constexpr int kNetlinkExtAck = 11;   // NETLINK_EXT_ACK
constexpr int kNetlinkNetfilter = 12;

// Returns 0 on success or the errno of the failed call.
using Probe = std::function<int()>;

int Result(long rc) { return rc < 0 ? errno : 0; }

int WithSocket(int domain, int type, int protocol, const std::function<long(int)>& use) {
  int fd = socket(domain, type, protocol);
  if (fd < 0) return errno;
  long rc = use(fd);
  int err = rc < 0 ? errno : 0;
  close(fd);
  return err;
}

const std::map<std::string, Probe>& Probes() {
  static const auto* probes = new std::map<std::string, Probe>{
      {"setns", [] { return Result(syscall(SYS_setns, -1, 0)); }},
      {"getrandom",
       [] {
         unsigned char b;
         return Result(syscall(SYS_getrandom, &b, 1, 1 /* GRND_NONBLOCK */));
       }},
      {"clone3", [] { return Result(syscall(435 /* SYS_clone3 */, nullptr, 0)); }},
      {"statx",
       [] {
         unsigned char buf[256];
         return Result(syscall(332 /* SYS_statx */, AT_FDCWD, "/", 0, 0, buf));
       }},
      {"socket_cloexec",
       [] { return WithSocket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, [](int) { return 0L; }); }},
      {"socket_nonblock",
       [] { return WithSocket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, [](int) { return 0L; }); }},
      {"socket_plain", [] { return WithSocket(AF_UNIX, SOCK_DGRAM, 0, [](int) { return 0L; }); }},
      {"so_meminfo",
       [] {
         return WithSocket(AF_UNIX, SOCK_DGRAM, 0, [](int fd) {
           uint32_t mem[16];
           socklen_t len = sizeof(mem);
           return static_cast<long>(getsockopt(fd, SOL_SOCKET, kSoMeminfo, mem, &len));
         });
       }},
      {"netlink_ext_ack",
       [] {
         return WithSocket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, [](int fd) {
           int one = 1;
           return static_cast<long>(
               setsockopt(fd, kSolNetlink, kNetlinkExtAck, &one, sizeof(one)));
         });
       }},
      {"netlink_netfilter",
       [] { return WithSocket(AF_NETLINK, SOCK_RAW, kNetlinkNetfilter, [](int) { return 0L; }); }},
      {"fcntl_dupfd_cloexec",
       [] {
         int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
         if (fd < 0) return errno;
         close(fd);
         return 0;
       }},
  };
  return *probes;
}

}  // namespace

int main(int argc, char** argv) {
  auto it = argc == 2 ? Probes().find(argv[1]) : Probes().end();
  if (it == Probes().end()) {
    fprintf(stderr, "usage: probe NAME; names:");
    for (const auto& [name, unused] : Probes()) fprintf(stderr, " %s", name.c_str());
    fprintf(stderr, "\n");
    return 2;
  }
  int err = it->second();
  if (err == 0) {
    printf("OK\n");
  } else {
    const char* name = strerrorname_np(err);
    printf("%s\n", name != nullptr ? name : "E?");
  }
  return 0;
}
