// File: backends/stats.h
//
// The numbers behind `conntrack -C` (how many entries, out of how many) and `conntrack -S`
// (per-CPU counters), read from ctnetlink and, where that is not possible, from the
// world-readable files under /proc. Read-only: only CT_GET_STATS and CT_GET_STATS_CPU
// are sent (backends/netlink/stats_query.h), and nothing is ever written.
//
//   CTDUMP_ASSIGN_OR_RETURN(TableCount c, ReadTableCount());
//   printf("%llu\n", c.count);                         // conntrack -C
//
//   CTDUMP_ASSIGN_OR_RETURN(std::vector<CpuStats> cpus, ReadCpuStats());
//   TextBuffer out;
//   for (const CpuStats& s : cpus) AppendCpuStatsLine(s, &out);   // conntrack -S
//
// Both read the CALLER's network namespace (counters and counts are per namespace).
// Privileges: ctnetlink needs CAP_NET_ADMIN in the namespace (docs/ctnetlink.md
// section 9); the /proc fallbacks are world-readable, so an unprivileged
// caller gets its answer from /proc, and the result says so.
//
// The ctnetlink requests are backends/netlink/stats_query.h; the records and the -S line
// are core/cpu_stats.h. Pure parts (ParseProcStatConntrack, ParseSysctlNumber) are
// separate from the I/O so that tests feed them bytes directly; the I/O takes a
// StatsSources so that tests can replace the socket and the /proc root.

#ifndef CTDUMP_BACKENDS_STATS_H_
#define CTDUMP_BACKENDS_STATS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "backends/netlink/transport.h"
#include "core/cpu_stats.h"
#include "core/text_buffer.h"

namespace ctdump {

// Where the answers come from. The defaults are the real ones.
struct StatsSources {
  // Opens the ctnetlink socket; null skips ctnetlink and goes to /proc at once.
  std::function<absl::StatusOr<std::unique_ptr<netlink::Transport>>()> open_netlink =
      &netlink::OpenCtnetlinkTransport;
  // The procfs mount to read sys/net/... and net/stat/... under.
  std::string proc_root = "/proc";
};

// ------------------------------------------------------------------ conntrack -C --

enum class CountSource : uint8_t {
  kNetlink,       // ctnetlink CT_GET_STATS: CTA_STATS_GLOBAL_ENTRIES / _MAX_ENTRIES
  kSysctl,        // /proc/sys/net/netfilter/nf_conntrack_count (and nf_conntrack_max)
  kSysctlLegacy,  // /proc/sys/net/ipv4/netfilter/ip_conntrack_count (and _max): the
                  // ip_conntrack era (RHEL 5)
};

struct TableCount {
  // Entries in the table (nf_conntrack_count: this also counts unconfirmed and dying
  // entries, so it need not equal the number of lines a dump lists).
  uint64_t count = 0;
  // The table's limit (nf_conntrack_max). From CTA_STATS_GLOBAL_MAX_ENTRIES (4.18+), else
  // from the sysctl; absent when neither could be read.
  std::optional<uint64_t> max;
  CountSource source = CountSource::kNetlink;
  // What answered, for -v: "ctnetlink CT_GET_STATS" or the path of the count file.
  std::string source_name;
  // Why ctnetlink did not answer (empty when it did), e.g. "ctnetlink CT_GET_STATS
  // refused (EPERM): needs CAP_NET_ADMIN in this network namespace".
  std::string fallback_reason;
};

// ReadTableCount() asks ctnetlink (one CT_GET_STATS request, what `conntrack -C` does)
// and falls back to nf_conntrack_count, then ip_conntrack_count.
// Errors (only when every source failed; the message lists each source and why):
//   kPermissionDenied    ctnetlink refused with EPERM (needs CAP_NET_ADMIN) and no count
//                        file could be read
//   kFailedPrecondition  no source exists here (no ctnetlink, no count file)
//   kDataLoss            a source answered with something malformed
absl::StatusOr<TableCount> ReadTableCount(const StatsSources& sources = StatsSources());

// ------------------------------------------------------------------ conntrack -S --

// ReadCpuStats() dumps CT_GET_STATS_CPU (one record per possible CPU, in the kernel's
// order) and, when ctnetlink fails in any way (refused, absent, or broken off part-way),
// reads /proc/net/stat/nf_conntrack instead; CpuStats::source says which answered.
// Errors (only when both failed; the message says why for each):
//   kPermissionDenied    ctnetlink refused with EPERM (needs CAP_NET_ADMIN) and the file
//                        is absent (NF_CONNTRACK_PROCFS off) or unreadable
//   kDataLoss            the ctnetlink dump broke off part-way (NLMSG_DONE with an error,
//                        ENOBUFS, a malformed message) and the file is absent, or the
//                        file is malformed
//   kFailedPrecondition  neither source exists here
absl::StatusOr<std::vector<CpuStats>> ReadCpuStats(const StatsSources& sources = StatsSources());

// ParseProcStatConntrack() parses /proc/net/stat/nf_conntrack: a header line of column
// names, then one line per possible CPU of 8-digit hex values. Columns are found by
// NAME, not position (they differ between kernels), and mapped to counter numbers:
//   searched -> 1 searched     found -> 2          new -> 3           invalid -> 4
//   ignore -> 5                delete -> 6         delete_list -> 7   insert -> 8
//   insert_failed -> 9         drop -> 10          early_drop -> 11
//   icmp_error -> 12 error     search_restart -> 13
//   clashres -> 14 clash_resolve (5.9+: it took the place of "searched")
//   chainlength -> 15 chaintoolong (5.15+: it took the place of "delete_list")
// Not counters of conntrack -S: "entries" (the global count, repeated on every line) and
// expect_new / expect_create / expect_delete (expectation statistics); unknown names are
// skipped too. In the 5.15+ layout (a "chainlength" column) the kernel prints new,
// ignore and delete as constant 0 placeholders for counters it no longer has, and its
// ctnetlink does not report them; they are left out there, so both sources give the same
// line. Older layouts keep every column, since those counters may be live.
// The CPU of a record is its line index (the file lists possible CPUs in order, which
// equals the CPU number unless the possible CPUs have holes).
// Errors: kDataLoss ("empty file", "line 3 has 16 values, the header names 17",
// "line 2, column \"found\": \"00zz\" is not hex").
absl::StatusOr<std::vector<CpuStats>> ParseProcStatConntrack(absl::string_view text);

// ParseSysctlNumber() parses a sysctl file's content: a decimal number and a newline.
// Errors: kDataLoss ("not a number: \"abc\"").
absl::StatusOr<uint64_t> ParseSysctlNumber(absl::string_view text);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_STATS_H_
