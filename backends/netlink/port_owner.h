// File: backends/netlink/port_owner.h
//
// Which process owns a netlink port id: what `conntrack -E` appends as
// " progname=NAME" after " [USERSPACE] portid=N" (conntrack-tools 1.4.7 get_progname()).
//
//   PortOwnerNames names;                      // "/proc" of the current namespaces
//   std::string who = names.Lookup(3414919298);   // "conntrack", or "" when not found
//
// The same search as conntrack: find the socket's inode in /proc/net/netlink (protocol
// NETLINK_NETFILTER, that port id), then the process holding "socket:[INODE]" among its
// file descriptors, trying the pid equal to the port id first (the first netlink socket
// of a process usually gets its pid), then every process; the name is the comm of
// /proc/PID/stat. /proc/net/netlink is per network namespace: call it in the namespace
// the events come from.
//
// The cache (why a flood of events from one process costs no /proc access per event):
//  * Answers are kept per port id in an LRU of PortOwnerOptions::capacity entries (4096
//    by default; the least recently used port is forgotten first), so memory is bounded
//    however many processes come and go.
//  * A port id seen for the first time (or forgotten) is searched as above.
//  * A cached answer younger than PortOwnerOptions::revalidate_ns (200 ms) is returned
//    without touching /proc: a hit is a hash lookup.
//  * An older one is revalidated: /proc/net/netlink is read once more and the socket's
//    inode compared. The same inode keeps the name (the socket, hence its owner's
//    descriptor, is the same; conntrack caches by (port id, inode) the same way); another
//    inode, or none, means the port changed hands, and it is searched again. So a
//    long-lived owner costs one read of /proc/net/netlink per port every 200 ms.
//  * A "not found" answer (the owner had exited when its event was read) is cached for
//    the same time.
//
// RESIDUAL RACE, documented and accepted: within the validation window a cached name is
// trusted. If the owning process closes its socket and another process binds the same
// port id within 200 ms of the last validation (port ids are pids for a process's first
// netlink socket, so this needs the pid to be reused, or a kernel-chosen negative id to
// be handed out again), events of the newcomer are named after the old owner until the
// entry is revalidated. Likewise an owner that exited less than 200 ms ago is still
// named, where conntrack (which looks up every event) prints the port id alone. For an
// owner that lives throughout, the name equals conntrack's. conntrack's own lookup is
// racy too: it reads /proc when it handles the event, not when the event happened.
//
// Why not NETLINK_SOCK_DIAG: netlink_diag (3.10+) only answers dumps (a request without
// NLM_F_DUMP gets EOPNOTSUPP; ndiag_ino of the request is not a filter), so it cannot
// ask for one socket either: it would replace one /proc read per port and 200 ms by one
// dump of the namespace's NETLINK_NETFILTER sockets, which is not measurable next to the
// cache, and would add a second request path to the read-only audit.

#ifndef CTDUMP_BACKENDS_NETLINK_PORT_OWNER_H_
#define CTDUMP_BACKENDS_NETLINK_PORT_OWNER_H_

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/strings/string_view.h"

namespace ctdump {
namespace netlink {

// Pure: the inode of the socket with `protocol` and `port_id` in the text of
// /proc/net/netlink (columns sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode), or
// nullopt.
std::optional<uint64_t> FindNetlinkInode(absl::string_view proc_net_netlink, int protocol,
                                         uint32_t port_id);
// Pure: the command name of a /proc/PID/stat text ("1234 (conntrack) S ..." gives
// "conntrack"), or "" when the text has no "(...)" part.
std::string CommFromStat(absl::string_view stat);

struct PortOwnerOptions {
  std::string proc_root = "/proc";
  uint64_t revalidate_ns = 200000000;  // 200 ms: how long a cached answer is trusted
  size_t capacity = 4096;              // ports remembered (LRU)
  // Monotonic clock in ns. Null: CLOCK_MONOTONIC.
  std::function<uint64_t()> clock;
};

// What the cache did, for tests and -v.
struct PortOwnerCounters {
  uint64_t lookups = 0;
  uint64_t hits = 0;         // answered from the cache, /proc untouched
  uint64_t revalidated = 0;  // same inode after a re-read of /proc/net/netlink
  uint64_t searches = 0;     // full searches (new port, or the port changed hands)
  uint64_t netlink_reads = 0;  // reads of /proc/net/netlink
  uint64_t evictions = 0;
};

class PortOwnerNames {
 public:
  explicit PortOwnerNames(std::string proc_root = "/proc");
  explicit PortOwnerNames(PortOwnerOptions options);
  // The command name of the process owning netlink port `port_id`, or "".
  // The reference stays valid until the next call.
  const std::string& Lookup(uint32_t port_id);

  const PortOwnerCounters& counters() const { return counters_; }
  size_t size() const { return index_.size(); }

 private:
  struct Entry {
    uint32_t port = 0;
    uint64_t inode = 0;  // 0: the socket was not found
    uint64_t checked_ns = 0;
    std::string name;
  };
  uint64_t Now() const;
  std::string NameOfHolder(uint64_t pid, uint64_t inode) const;
  std::string Search(uint32_t port_id, uint64_t inode) const;
  std::optional<uint64_t> InodeOf(uint32_t port_id);

  PortOwnerOptions options_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<uint32_t, std::list<Entry>::iterator> index_;
  PortOwnerCounters counters_;
  std::string table_;  // scratch for /proc/net/netlink
};

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_PORT_OWNER_H_
