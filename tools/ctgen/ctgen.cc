// File: tools/ctgen/ctgen.cc
//
// ctgen: fills the conntrack table of the CURRENT network namespace with synthetic
// entries through ctnetlink (libnetfilter_conntrack objects, libmnl batches). It writes
// to the kernel, so it is meant to run only inside a throwaway namespace:
//
//   unshare -n bash -c 'ctgen --diverse && conntrack -L'
//   ip netns exec ctdump-test-123 ctgen --count 250000 --mix mixed --v6-percent 30
//
// Modes (exactly one):
//   --diverse     the fixed, documented set of tools/ctgen/diverse.h (about 90 entries,
//                 one CT_NEW + ACK each). Optional entries the kernel refuses (TCP/SCTP
//                 state NONE, protocol 0, helper) are skipped with a note on stderr.
//                 Labels stick only if a ruleset in the namespace uses `ct label`;
//                 otherwise the kernel drops them silently and ctgen says so on stderr.
//   --count N     N distinct synthetic entries (tools/ctgen/synthetic.h), batched many per
//                 sendmsg() without per-message ACKs. Options: --mix tcp|udp|mixed
//                 (default mixed), --v6-percent P (0..100, default 0), --seed S (default 1).
//                 Refuses to start if N plus the current count exceeds nf_conntrack_max,
//                 because a full table early-drops unassured entries silently.
//                 --rate R paces the creations at R entries per second (default: as fast
//                 as the kernel takes them; a batch is sent whenever ctgen is ahead of
//                 the schedule). --delete deletes every entry again right after creating
//                 it (in the same batch): two events per entry (NEW, DESTROY), the table
//                 stays empty and nf_conntrack_max does not bound N. With --rate, a flood
//                 of 2R events per second for N/R seconds (bench/events_benchmark.sh).
//                 --linger S keeps the process, and its netlink socket, alive S seconds
//                 after the last entry, so that an event listener can still name the
//                 process that caused the events (ctdump -E's progname= tests).
// Other options: -q/--quiet (no summary), --batch-bytes B (bytes per sendmsg, default
// 98304), --dry-run (check the options and the namespace guard below, then exit 0
// without touching the kernel), -h/--help.
//
// Safety: ctgen refuses to run in the initial network namespace (recognised by its fixed
// inode on recent kernels) or in PID 1's, so a mistyped command cannot fill the host's
// table; --allow-init-netns overrides that.
//
// Output: nothing on stdout. On success one summary line on stderr (unless -q), e.g.
//   ctgen: created 250000 entries in 0.91 s (274000 entries/s, 410 sendmsg calls)
// Exit status: 0 success; 1 the kernel refused an entry or netlink failed (the message
// names the entry and the errno, e.g. "File exists" when the table already holds it);
// 2 usage error.

#include <arpa/inet.h>
#include <getopt.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "tools/ctgen/ct_sender.h"
#include "tools/ctgen/diverse.h"
#include "tools/ctgen/entry.h"
#include "tools/ctgen/synthetic.h"

namespace ctgen {
namespace {

constexpr char kUsage[] =
    "usage: ctgen --diverse [-q]\n"
    "       ctgen --count N [--mix tcp|udp|mixed] [--v6-percent P] [--seed S]\n"
    "                       [--rate R] [--delete] [--linger S] [--batch-bytes B] [-q]\n"
    "       (either form also takes --allow-init-netns and --dry-run)\n"
    "Creates conntrack entries in the CURRENT network namespace (run it only inside a\n"
    "throwaway namespace, e.g. `unshare -n ctgen --diverse`). See tools/ctgen/ctgen.cc.\n";

struct Options {
  bool diverse = false;
  bool count_given = false;
  uint64_t count = 0;
  SyntheticOptions synth;
  size_t batch_bytes = 96 * 1024;
  double rate = 0;  // entries per second; 0: as fast as possible
  bool delete_again = false;
  double linger = 0;  // seconds to stay alive after the last entry
  bool quiet = false;
  bool allow_init_netns = false;
  bool dry_run = false;
};

[[noreturn]] void UsageError(const std::string& msg) {
  fprintf(stderr, "ctgen: %s\n%s", msg.c_str(), kUsage);
  exit(2);
}

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Reads a /proc/sys integer; -1 when unreadable.
long long ReadSysctl(const char* path) {
  std::ifstream in(path);
  long long v = -1;
  if (!(in >> v)) return -1;
  return v;
}

Options ParseArgs(int argc, char** argv) {
  enum {
    kCount = 256, kMix, kV6, kSeed, kBatch, kDiverse, kAllowInit, kDryRun, kRate, kDelete,
    kLinger
  };
  static const option kLong[] = {
      {"diverse", no_argument, nullptr, kDiverse},
      {"count", required_argument, nullptr, kCount},
      {"mix", required_argument, nullptr, kMix},
      {"v6-percent", required_argument, nullptr, kV6},
      {"seed", required_argument, nullptr, kSeed},
      {"batch-bytes", required_argument, nullptr, kBatch},
      {"rate", required_argument, nullptr, kRate},
      {"delete", no_argument, nullptr, kDelete},
      {"linger", required_argument, nullptr, kLinger},
      {"allow-init-netns", no_argument, nullptr, kAllowInit},
      {"dry-run", no_argument, nullptr, kDryRun},
      {"quiet", no_argument, nullptr, 'q'},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0},
  };
  Options o;
  bool mix_given = false, v6_given = false, seed_given = false;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "qh", kLong, nullptr)) != -1) {
    switch (c) {
      case kDiverse:
        o.diverse = true;
        break;
      case kCount:
        if (!absl::SimpleAtoi(optarg, &o.count) || o.count == 0 || o.count > kMaxSyntheticEntries) {
          UsageError(
              absl::StrFormat("--count wants 1..%d, got '%s'", kMaxSyntheticEntries, optarg));
        }
        o.count_given = true;
        break;
      case kMix: {
        std::string m = optarg;
        if (m == "tcp")
          o.synth.mix = Mix::kTcp;
        else if (m == "udp")
          o.synth.mix = Mix::kUdp;
        else if (m == "mixed")
          o.synth.mix = Mix::kMixed;
        else
          UsageError("--mix wants tcp, udp or mixed, got '" + m + "'");
        mix_given = true;
        break;
      }
      case kV6:
        if (!absl::SimpleAtoi(optarg, &o.synth.v6_percent) || o.synth.v6_percent < 0 ||
            o.synth.v6_percent > 100) {
          UsageError(absl::StrFormat("--v6-percent wants 0..100, got '%s'", optarg));
        }
        v6_given = true;
        break;
      case kSeed:
        if (!absl::SimpleAtoi(optarg, &o.synth.seed)) {
          UsageError(absl::StrFormat("--seed wants an unsigned number, got '%s'", optarg));
        }
        seed_given = true;
        break;
      case kBatch:
        if (!absl::SimpleAtoi(optarg, &o.batch_bytes) || o.batch_bytes < 4096 ||
            o.batch_bytes > (64u << 20)) {
          UsageError(absl::StrFormat("--batch-bytes wants 4096..%d, got '%s'", 64 << 20, optarg));
        }
        break;
      case kRate:
        if (!absl::SimpleAtod(optarg, &o.rate) || !(o.rate > 0) || o.rate > 1e9) {
          UsageError(absl::StrFormat("--rate wants entries per second > 0, got '%s'", optarg));
        }
        break;
      case kDelete:
        o.delete_again = true;
        break;
      case kLinger:
        if (!absl::SimpleAtod(optarg, &o.linger) || !(o.linger >= 0) || o.linger > 3600) {
          UsageError(absl::StrFormat("--linger wants 0..3600 seconds, got '%s'", optarg));
        }
        break;
      case kDryRun:
        o.dry_run = true;
        break;
      case kAllowInit:
        o.allow_init_netns = true;
        break;
      case 'q':
        o.quiet = true;
        break;
      case 'h':
        fputs(kUsage, stdout);
        exit(0);
      default:
        UsageError(absl::StrFormat("unknown or incomplete option '%s'", argv[optind - 1]));
    }
  }
  if (optind < argc) UsageError(absl::StrFormat("unexpected argument '%s'", argv[optind]));
  if (o.diverse == o.count_given) UsageError("give exactly one of --diverse or --count N");
  if (o.diverse && (mix_given || v6_given || seed_given)) {
    UsageError("--mix, --v6-percent and --seed only apply to --count");
  }
  if (o.diverse && (o.rate > 0 || o.delete_again || o.linger > 0)) {
    UsageError("--rate, --delete and --linger only apply to --count");
  }
  return o;
}

// Errnos with which a kernel says "I do not support this" (as opposed to EEXIST, EPERM,
// ENOMEM...). Only these let ctgen --diverse skip an optional entry.
bool IsFeatureRefusal(int err) {
  return err == EINVAL || err == EOPNOTSUPP || err == ENOENT || err == ENOSPC ||
         err == EPROTONOSUPPORT || err == EAFNOSUPPORT;
}

int RunDiverse(const Options& o) {
  absl::StatusOr<std::vector<EntrySpec>> entries = DiverseEntries();
  if (!entries.ok()) {
    fprintf(stderr, "ctgen: internal error: %s\n", std::string(entries.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<CtSender>> sender = CtSender::Open(o.batch_bytes);
  if (!sender.ok()) {
    fprintf(stderr, "%s\n", std::string(sender.status().message()).c_str());
    return 1;
  }
  const double t0 = Now();
  int created = 0, skipped = 0, labels_dropped = 0;
  for (size_t i = 0; i < entries->size(); ++i) {
    const EntrySpec& e = (*entries)[i];
    (*sender)->set_describer([&e](uint64_t) { return e.name; });
    absl::StatusOr<CtPtr> ct = BuildConntrack(e);
    absl::Status s = ct.ok() ? (*sender)->CreateNow(ct->get(), i) : ct.status();
    if (s.ok()) {
      ++created;
      if (!e.label_bits.empty()) {
        absl::StatusOr<bool> kept = (*sender)->HasLabels(ct->get());
        if (!kept.ok() || !*kept) {
          ++labels_dropped;
          fprintf(stderr,
                  "ctgen: note: entry '%s' was created but the kernel dropped its labels "
                  "(%s)\n",
                  e.name.c_str(),
                  kept.ok() ? "no label space: no ruleset in this namespace uses `ct label`"
                            : std::string(kept.status().message()).c_str());
        }
      }
    } else if (e.optional && IsFeatureRefusal((*sender)->last_errno())) {
      ++skipped;
      fprintf(stderr, "ctgen: note: kernel refused optional entry '%s' (%s); skipped\n",
              e.name.c_str(), strerror((*sender)->last_errno()));
    } else {
      fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      if ((*sender)->last_errno() == EPERM) {
        fprintf(stderr, "ctgen: creating entries needs CAP_NET_ADMIN in this namespace\n");
      }
      return 1;
    }
  }
  if (!o.quiet) {
    fprintf(stderr,
            "ctgen: created %d diverse entries (%d optional skipped, %d without their labels) "
            "in %.3f s\n",
            created, skipped, labels_dropped, Now() - t0);
  }
  return 0;
}

int RunCount(const Options& o) {
  const long long max = ReadSysctl("/proc/sys/net/netfilter/nf_conntrack_max");
  const long long now = ReadSysctl("/proc/sys/net/netfilter/nf_conntrack_count");
  if (!o.delete_again && max > 0 && now >= 0 && static_cast<long long>(o.count) + now > max) {
    fprintf(stderr,
            "ctgen: --count %llu plus the %lld entries already present exceeds "
            "nf_conntrack_max (%lld); a full table silently early-drops entries\n",
            static_cast<unsigned long long>(o.count), now, max);
    return 1;
  }
  absl::StatusOr<std::unique_ptr<CtSender>> sender = CtSender::Open(o.batch_bytes);
  if (!sender.ok()) {
    fprintf(stderr, "%s\n", std::string(sender.status().message()).c_str());
    return 1;
  }
  const SyntheticOptions synth = o.synth;
  (*sender)->set_describer([synth](uint64_t i) {
    EntrySpec e = SyntheticEntry(i, synth);
    char src[64] = "?";
    inet_ntop(e.family, e.src.data(), src, sizeof(src));
    return absl::StrFormat("synthetic proto %d from %s sport/id %d", e.proto, src,
                           e.proto == kIcmp || e.proto == kIcmpV6 ? e.icmp_id : e.sport);
  });
  const double t0 = Now();
  absl::Status s;
  for (uint64_t i = 0; i < o.count && s.ok(); ++i) {
    if (o.rate > 0) {
      // Ahead of the schedule: send what is queued, then wait for entry i's time.
      const double due = t0 + static_cast<double>(i) / o.rate;
      if (due > Now()) {
        s = (*sender)->Flush();
        if (!s.ok()) break;
        const double wait = due - Now();
        if (wait > 0) {
          timespec ts = {static_cast<time_t>(wait), static_cast<long>((wait - static_cast<time_t>(wait)) * 1e9)};
          nanosleep(&ts, nullptr);
        }
      }
    }
    absl::StatusOr<CtPtr> ct = BuildConntrack(SyntheticEntry(i, o.synth));
    s = ct.ok() ? (*sender)->Queue(ct->get(), i) : ct.status();
    if (s.ok() && o.delete_again) s = (*sender)->QueueDelete(ct->get(), i);
  }
  if (s.ok()) s = (*sender)->Flush();
  const double dt = Now() - t0;
  if (!s.ok()) {
    fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    if ((*sender)->last_errno() == EPERM) {
      fprintf(stderr, "ctgen: creating entries needs CAP_NET_ADMIN in this namespace\n");
    }
    return 1;
  }
  if (!o.quiet) {
    const uint64_t created = o.delete_again ? o.count : (*sender)->created();
    fprintf(stderr, "ctgen: created %llu entries%s in %.3f s (%.0f entries/s, %llu sendmsg calls)\n",
            static_cast<unsigned long long>(created),
            o.delete_again ? " and deleted them again" : "", dt, dt > 0 ? created / dt : 0.0,
            static_cast<unsigned long long>((*sender)->sendmsg_calls()));
  }
  if (o.linger > 0) {  // the sender, and so its socket, lives on meanwhile
    timespec ts = {static_cast<time_t>(o.linger),
                   static_cast<long>((o.linger - static_cast<time_t>(o.linger)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
  }
  return 0;
}

// True when this process is in the initial network namespace, or in PID 1's.
//  * Recent kernels give init_net the fixed inode PROC_NET_INIT_INO (0xEFFFFFF9,
//    include/linux/proc_ns.h), which is readable without privileges.
//  * Otherwise (older kernels, or a container whose root namespace is not init_net),
//    compare with /proc/1/ns/net when that is readable.
bool InInitNetns() {
  constexpr ino_t kProcNetInitIno = 0xEFFFFFF9u;
  struct stat self, init;
  if (stat("/proc/self/ns/net", &self) != 0) return false;
  if (self.st_ino == kProcNetInitIno) return true;
  if (stat("/proc/1/ns/net", &init) != 0) return false;
  return self.st_dev == init.st_dev && self.st_ino == init.st_ino;
}

}  // namespace
}  // namespace ctgen

int main(int argc, char** argv) {
  ctgen::Options o = ctgen::ParseArgs(argc, argv);
  if (!o.allow_init_netns && ctgen::InInitNetns()) {
    fprintf(stderr,
            "ctgen: refusing to write the conntrack table of the initial (host) network namespace; "
            "run "
            "me inside a test namespace (unshare -n, ip netns exec) or pass "
            "--allow-init-netns\n");
    return 1;
  }
  if (o.dry_run) {
    if (!o.quiet) fprintf(stderr, "ctgen: dry run: options and namespace are fine\n");
    return 0;
  }
  return o.diverse ? ctgen::RunDiverse(o) : ctgen::RunCount(o);
}
