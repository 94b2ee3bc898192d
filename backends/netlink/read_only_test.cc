// Read-only, proven at the system-call boundary (issue 7): this test binary defines
// sendto(), sendmsg(), sendmmsg(), send(), write() and writev() itself, so that every
// byte the library hands to a netlink socket, through libmnl or otherwise, passes
// through Inspect() before it reaches the kernel. Then it drives every product path that
// talks to ctnetlink: dumps through MakeNetlinkBackend() with every kind of filter the
// kernel can be asked to apply (which also runs the support probes), an early stop,
// MakeBackend("auto"/"netlink"), ReadTableCount() (conntrack -C), ReadCpuStats()
// (conntrack -S), Diagnose() (--doctor) and LookupEntry() (-G).
//
// Every message must be one of
//   IPCTNL_MSG_CT_GET            0x0101  NLM_F_REQUEST|NLM_F_DUMP   with only dump-filter
//                                        attributes (request.h)
//   IPCTNL_MSG_CT_GET            0x0101  NLM_F_REQUEST|NLM_F_ACK    (-G: one entry) with
//                                        only CTA_TUPLE_ORIG / CTA_TUPLE_REPLY
//   IPCTNL_MSG_CT_GET_STATS_CPU  0x0104  NLM_F_REQUEST|NLM_F_DUMP   no attributes
//   IPCTNL_MSG_CT_GET_STATS      0x0105  NLM_F_REQUEST              no attributes
// Anything else (CT_NEW, CT_DELETE, CT_GET_CTRZERO, another subsystem, NLM_F_CREATE or
// NLM_F_ACK, ...) is recorded as a violation and NOT sent: the call fails with EPERM.
//
// As root the test first moves itself into a fresh network namespace
// (unshare(CLONE_NEWNET)) and fills it with //tools/ctgen, so that dumps and probes see
// entries; without root it runs where it is (the kernel answers EPERM, and the requests
// are checked all the same).

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/doctor.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/netlink_backend.h"
#include "backends/netlink/socket.h"
#include "backends/lookup.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "core/addr.h"
#include "core/backend.h"
#include "core/filter.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/test_filters.h"
#include "gtest/gtest.h"

namespace {

struct Seen {
  std::mutex mu;
  std::map<std::string, int> messages;  // "type 0x0101 flags 0x0301 attrs 8,..." -> count
  std::vector<std::string> violations;
  int netlink_sends = 0;
};
Seen& seen() {
  static Seen* s = new Seen;
  return *s;
}

bool IsNetlinkSocket(int fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_NETLINK;
}

// Checks one buffer bound for a netlink socket; false (and a recorded violation) when
// any message in it is not an allowed request.
bool Inspect(const void* data, size_t n) {
  namespace ctnl = ctdump::netlink::ctnl;
  const auto* p = static_cast<const uint8_t*>(data);
  std::lock_guard<std::mutex> lock(seen().mu);
  ++seen().netlink_sends;
  bool ok = n >= ctnl::kNlmsgHdrLen;
  std::string why = ok ? "" : absl::StrCat("a send of ", n, " bytes");
  for (size_t off = 0; ok && n - off >= ctnl::kNlmsgHdrLen;) {
    uint32_t len;
    uint16_t type, flags;
    std::memcpy(&len, p + off, 4);
    std::memcpy(&type, p + off + 4, 2);
    std::memcpy(&flags, p + off + 6, 2);
    if (len < ctnl::kNlmsgHdrLen + 4 || len > n - off) {
      ok = false;
      why = absl::StrFormat("malformed message (nlmsg_len %u of %u bytes)", len, n - off);
      break;
    }
    std::string attrs;
    std::vector<uint16_t> top;
    for (size_t a = off + 20; a + 4 <= off + len;) {
      uint16_t nla_len, nla_type;
      std::memcpy(&nla_len, p + a, 2);
      std::memcpy(&nla_type, p + a + 2, 2);
      if (nla_len < 4) break;
      top.push_back(nla_type & ctnl::kNlaTypeMask);
      absl::StrAppend(&attrs, attrs.empty() ? "" : ",", nla_type & ctnl::kNlaTypeMask);
      a += ctnl::Align4(nla_len);
    }
    const std::string key =
        absl::StrFormat("type 0x%04x flags 0x%04x attrs [%s]", type, flags, attrs);
    ++seen().messages[key];
    const uint16_t dump = ctnl::kNlmFRequest | ctnl::kNlmFDump;
    bool allowed = false;
    if (type == ctnl::CtType(ctnl::kMsgCtGet) && flags == dump) {
      allowed = true;
      for (uint16_t t : top) {
        allowed = allowed && (t == ctnl::kCtaTupleOrig || t == ctnl::kCtaTupleReply ||
                              t == ctnl::kCtaStatus || t == ctnl::kCtaMark ||
                              t == ctnl::kCtaZone || t == ctnl::kCtaMarkMask ||
                              t == ctnl::kCtaFilter || t == ctnl::kCtaStatusMask);
      }
    } else if (type == ctnl::CtType(ctnl::kMsgCtGet) &&
               flags == (ctnl::kNlmFRequest | ctnl::kNlmFAck)) {
      allowed = !top.empty();
      for (uint16_t t : top) {
        allowed = allowed && (t == ctnl::kCtaTupleOrig || t == ctnl::kCtaTupleReply);
      }
    } else if (type == ctnl::CtType(ctnl::kMsgCtGetStatsCpu) && flags == dump) {
      allowed = top.empty();
    } else if (type == ctnl::CtType(ctnl::kMsgCtGetStats) && flags == ctnl::kNlmFRequest) {
      allowed = top.empty();
    }
    if (!allowed) {
      ok = false;
      why = key;
    }
    off += ctnl::Align4(len);
  }
  if (!ok) seen().violations.push_back(why);
  return ok;
}

template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

bool InspectIov(const struct iovec* iov, size_t n) {
  std::string all;
  for (size_t i = 0; i < n; ++i) all.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return Inspect(all.data(), all.size());
}

}  // namespace

// The interposed calls (exported: linkopts -rdynamic in BUILD.bazel).
extern "C" {

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to,
               socklen_t tolen) {
  static auto real = Real<ssize_t (*)(int, const void*, size_t, int, const struct sockaddr*,
                                      socklen_t)>("sendto");
  if (IsNetlinkSocket(fd) && !Inspect(buf, n)) {
    errno = EPERM;
    return -1;
  }
  return real(fd, buf, n, flags, to, tolen);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
  return sendto(fd, buf, n, flags, nullptr, 0);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  static auto real = Real<ssize_t (*)(int, const struct msghdr*, int)>("sendmsg");
  if (IsNetlinkSocket(fd) && !InspectIov(msg->msg_iov, msg->msg_iovlen)) {
    errno = EPERM;
    return -1;
  }
  return real(fd, msg, flags);
}

int sendmmsg(int fd, struct mmsghdr* msgs, unsigned int vlen, int flags) {
  static auto real = Real<int (*)(int, struct mmsghdr*, unsigned int, int)>("sendmmsg");
  if (IsNetlinkSocket(fd)) {
    for (unsigned int i = 0; i < vlen; ++i) {
      if (!InspectIov(msgs[i].msg_hdr.msg_iov, msgs[i].msg_hdr.msg_iovlen)) {
        errno = EPERM;
        return -1;
      }
    }
  }
  return real(fd, msgs, vlen, flags);
}

ssize_t write(int fd, const void* buf, size_t n) {
  static auto real = Real<ssize_t (*)(int, const void*, size_t)>("write");
  if (fd > 2 && IsNetlinkSocket(fd) && !Inspect(buf, n)) {
    errno = EPERM;
    return -1;
  }
  return real(fd, buf, n);
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  static auto real = Real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  if (fd > 2 && IsNetlinkSocket(fd) && !InspectIov(iov, static_cast<size_t>(n))) {
    errno = EPERM;
    return -1;
  }
  return real(fd, iov, n);
}

}  // extern "C"

namespace ctdump {
namespace netlink {
namespace {

std::string Runfile(const std::string& path) {
  const char* dir = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(dir ? dir : ".", "/", ws ? ws : "ctdump", "/", path);
}

class Count : public FlowSink {
 public:
  explicit Count(size_t stop_after = 0) : stop_after_(stop_after) {}
  bool OnFlow(const Flow&) override { return ++flows != stop_after_; }
  void OnSkipped(const absl::Status&) override {}
  size_t flows = 0;

 private:
  size_t stop_after_;
};

// One filter of every part the kernel can apply (kernel_filter.h), and some it cannot.
std::vector<Filter> Filters() {
  std::vector<Filter> out(1);  // none
  Filter f;
  f.family = kFamilyIPv4;
  out.push_back(f);
  f = Filter();
  f.family = kFamilyIPv6;
  out.push_back(f);
  f = Filter();
  f.mark_value = 16;
  out.push_back(f);
  f = Filter();
  f.status_set = kStatusAssured;
  f.status_clear = kStatusSeenReply;
  out.push_back(f);
  f = Filter();
  f.zone = 7;
  out.push_back(f);
  f = Filter();
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  f.orig_src = TestExactAddr(kFamilyIPv4, "10.0.0.1");
  f.reply_src = TestExactAddr(kFamilyIPv4, "10.0.0.2");
  f.orig_dport = 80;
  f.reply_sport = 80;
  out.push_back(f);
  f = Filter();
  f.family = kFamilyIPv4;
  f.l4proto = kProtoICMP;
  f.icmp_type = 8;
  f.icmp_code = 0;
  f.icmp_id = 1;
  out.push_back(f);
  f = Filter();
  f.family = kFamilyIPv6;
  f.l4proto = kProtoICMPv6;
  f.icmp_type = 128;
  f.orig_dst = TestExactAddr(kFamilyIPv6, "::1");  // user space only
  out.push_back(f);
  f = Filter();
  f.l4proto = kProtoUDP;
  f.mark_value = 16;
  f.status_set = kStatusSeenReply;
  f.zone = 0;
  out.push_back(f);
  return out;
}

class ReadOnlyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) {
      std::cout << "not root: running in this namespace, the kernel answers EPERM\n";
      return;
    }
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET): " << std::strerror(errno);
    // Entries to dump, made by ctgen in this fresh namespace (a child inherits it).
    const std::string ctgen = Runfile("tools/ctgen/ctgen");
    const pid_t pid = fork();
    if (pid == 0) {
      execl(ctgen.c_str(), ctgen.c_str(), "--count", "300", "--mix", "mixed",
            "--v6-percent", "30", "--seed", "5", "-q", static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ctgen << " failed";
    in_fresh_netns_ = true;
  }

  static bool in_fresh_netns_;
};
bool ReadOnlyTest::in_fresh_netns_ = false;

TEST_F(ReadOnlyTest, EveryProductPathSendsOnlyReadRequests) {
  // Dumps with every filter, twice each on one backend (probes, then known support), and
  // once more on a fresh backend with an early stop.
  for (const Filter& f : Filters()) {
    auto backend = MakeNetlinkBackend();
    ASSERT_TRUE(backend.ok()) << backend.status();
    for (int round = 0; round < 2; ++round) {
      DumpRequest req;
      req.family = f.family.value_or(0);
      if (!f.empty()) req.filter = &f;
      Count sink;
      const absl::Status s = (*backend)->Dump(req, sink);
      if (in_fresh_netns_) {
        EXPECT_TRUE(s.ok()) << s;
      }
    }
    Count stop(1);
    (void)(*backend)->Dump(DumpRequest{}, stop);
    (void)(*backend)->Dump(DumpRequest{}, stop);  // after the early stop: a new socket
  }
  for (const char* spec : {"auto", "netlink"}) {
    auto backend = MakeBackend(spec, nullptr);
    ASSERT_TRUE(backend.ok()) << backend.status();
    Count sink;
    const absl::Status s = (*backend)->Dump(DumpRequest{}, sink);
    if (in_fresh_netns_) {
      EXPECT_TRUE(s.ok()) << s;
      EXPECT_EQ(sink.flows, 300u);
    }
  }
  (void)ReadTableCount();
  (void)ReadCpuStats();
  (void)Diagnose(DoctorEnv{});
  // -G: two lookups (CT_GET with NLM_F_ACK and a tuple).
  for (uint16_t sport : {uint16_t{0}, uint16_t{1}}) {
    Filter key;
    key.family = kFamilyIPv4;
    key.l4proto = kProtoTCP;
    for (auto* c : {&key.orig_src, &key.orig_dst}) {
      *c = AddrCondition{};
      (*c)->family = kFamilyIPv4;
      (*c)->mask.fill(0xff);
    }
    key.orig_sport = sport;
    key.orig_dport = 0;
    Count sink;
    (void)LookupEntry("netlink", key, sink);
  }

  Seen& s = seen();
  std::lock_guard<std::mutex> lock(s.mu);
  for (const auto& [key, n] : s.messages) std::cout << n << " x " << key << "\n";
  EXPECT_TRUE(s.violations.empty()) << "first forbidden request: " << s.violations[0];
  // The interposition worked, and every kind of request was made.
  EXPECT_GT(s.netlink_sends, 50);
  int dumps = 0, filtered = 0, stats = 0, stats_cpu = 0, lookups = 0;
  for (const auto& [key, n] : s.messages) {
    if (key.rfind("type 0x0101 flags 0x0005 ", 0) == 0) {
      lookups += n;
    } else if (key.rfind("type 0x0101 ", 0) == 0) {
      dumps += n;
      if (key.find("attrs []") == std::string::npos) filtered += n;
    }
    if (key.rfind("type 0x0105 ", 0) == 0) stats += n;
    if (key.rfind("type 0x0104 ", 0) == 0) stats_cpu += n;
  }
  EXPECT_GT(dumps, 20);
  if (in_fresh_netns_) {
    EXPECT_GT(filtered, 10);  // without root no probe gets an answer
  }
  EXPECT_GE(stats, 1);
  EXPECT_GE(stats_cpu, 1);
  EXPECT_EQ(lookups, 2);
}

// The interposer itself: a CT_DELETE and a CT_NEW with NLM_F_CREATE handed to a netlink
// socket are refused before they reach the kernel.
TEST_F(ReadOnlyTest, TheInterposerRefusesWritingRequests) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, ctnl::kNetlinkNetfilter);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  struct sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  // A CT_DELETE with the lookup's flags (REQUEST|ACK) is refused like the others.
  for (uint16_t type : {ctnl::CtType(ctnl::kMsgCtDelete), ctnl::CtType(ctnl::kMsgCtNew),
                        ctnl::CtType(ctnl::kMsgCtDelete)}) {
    static int round = 0;
    uint8_t msg[20] = {};
    const uint32_t len = sizeof msg;
    const uint16_t flags = round++ == 2 ? ctnl::kNlmFRequest | ctnl::kNlmFAck
                                        : ctnl::kNlmFRequest | 0x400 /* NLM_F_CREATE */;
    std::memcpy(msg, &len, 4);
    std::memcpy(msg + 4, &type, 2);
    std::memcpy(msg + 6, &flags, 2);
    msg[16] = AF_INET;
    errno = 0;
    EXPECT_EQ(sendto(fd, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel),
                     sizeof kernel),
              -1);
    EXPECT_EQ(errno, EPERM);
    EXPECT_EQ(write(fd, msg, sizeof msg), -1);
  }
  close(fd);
  std::lock_guard<std::mutex> lock(seen().mu);
  EXPECT_EQ(seen().violations.size(), 6u);
  seen().violations.clear();  // expected ones; not the product's
}

// `ctdump -L >&-` (issue 12, item 2): with fd 1 closed, socket() would hand out fd 1 and
// the listing written to "stdout" would reach the kernel as netlink requests. With stdout
// closed, a dump whose sink writes each entry's line to fd 1 must send nothing but read
// requests, and no netlink socket may be fd 0, 1 or 2. (cli/main.cc also refuses a
// closed stdout before any socket is opened; this checks the library on its own.)
class WritesToStdout : public FlowSink {
 public:
  bool OnFlow(const Flow&) override {
    static constexpr char kLine[] =
        "tcp      6 117 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] "
        "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1\n";
    ++flows;
    if (write(STDOUT_FILENO, kLine, sizeof kLine - 1) < 0 && errno == EBADF) ++ebadf;
    return true;
  }
  void OnSkipped(const absl::Status&) override {}
  size_t flows = 0;
  size_t ebadf = 0;
};

TEST_F(ReadOnlyTest, AClosedStdoutNeverBecomesANetlinkSocket) {
  size_t violations_before;
  {
    std::lock_guard<std::mutex> lock(seen().mu);
    violations_before = seen().violations.size();
  }
  std::cout.flush();
  const int saved = dup(STDOUT_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(close(STDOUT_FILENO), 0);
  bool stdout_was_netlink = false;
  WritesToStdout sink;
  absl::Status dumped;
  for (const char* spec : {"netlink", "auto"}) {
    auto backend = MakeBackend(spec, nullptr);
    if (!backend.ok()) continue;
    dumped = (*backend)->Dump(DumpRequest{}, sink);
    stdout_was_netlink = stdout_was_netlink || IsNetlinkSocket(STDOUT_FILENO);
  }
  (void)ReadTableCount();
  (void)ReadCpuStats();
  {
    auto sock = netlink::NetlinkSocket::Open(ctnl::kNetlinkNetfilter);
    if (sock.ok()) stdout_was_netlink = stdout_was_netlink || sock->fd() <= STDERR_FILENO;
  }
  ASSERT_EQ(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
  close(saved);
  EXPECT_FALSE(stdout_was_netlink) << "a netlink socket got fd 0, 1 or 2";
  if (in_fresh_netns_) {
    EXPECT_TRUE(dumped.ok()) << dumped;
    EXPECT_EQ(sink.flows, 600u);
    EXPECT_EQ(sink.ebadf, sink.flows) << "lines written to a closed stdout went somewhere";
  }
  std::lock_guard<std::mutex> lock(seen().mu);
  EXPECT_EQ(seen().violations.size(), violations_before)
      << "the listing reached the kernel: " << seen().violations.back();
  seen().violations.resize(violations_before);
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
