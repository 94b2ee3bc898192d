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
// /proc/PID/stat. RACY by nature: the process may have exited when the event is read,
// and then the name is "" (conntrack then prints the port id alone, as ctdump does).
// The last answer is cached by (port id, inode), like conntrack. /proc/net/netlink is
// per network namespace: call it in the namespace the events come from.

#ifndef CTDUMP_BACKENDS_NETLINK_PORT_OWNER_H_
#define CTDUMP_BACKENDS_NETLINK_PORT_OWNER_H_

#include <cstdint>
#include <optional>
#include <string>

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

class PortOwnerNames {
 public:
  explicit PortOwnerNames(std::string proc_root = "/proc") : proc_(std::move(proc_root)) {}
  // The command name of the process owning netlink port `port_id`, or "".
  std::string Lookup(uint32_t port_id);

 private:
  std::string NameOfHolder(uint64_t pid, uint64_t inode) const;
  std::string proc_;
  uint32_t last_port_ = 0;
  uint64_t last_inode_ = 0;
  std::string last_name_;
};

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_PORT_OWNER_H_
