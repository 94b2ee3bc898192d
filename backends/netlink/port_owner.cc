#include "backends/netlink/port_owner.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/netlink/ctnetlink.h"

namespace ctdump {
namespace netlink {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

std::optional<uint64_t> FindNetlinkInode(absl::string_view text, int protocol,
                                         uint32_t port_id) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 10) continue;
    int proto = 0;
    uint32_t port = 0;
    uint64_t inode = 0;
    if (!absl::SimpleAtoi(f[1], &proto) || !absl::SimpleAtoi(f[2], &port) ||
        !absl::SimpleAtoi(f[9], &inode)) {
      continue;  // the header line
    }
    if (proto == protocol && port == port_id) return inode;
  }
  return std::nullopt;
}

std::string CommFromStat(absl::string_view stat) {
  size_t open = stat.find('(');
  if (open == absl::string_view::npos) return "";
  size_t close = stat.find(')', open + 1);
  if (close == absl::string_view::npos) return "";
  return std::string(stat.substr(open + 1, close - open - 1));
}

std::string PortOwnerNames::NameOfHolder(uint64_t pid, uint64_t inode) const {
  const std::string fd_dir = absl::StrCat(options_.proc_root, "/", pid, "/fd");
  DIR* dir = opendir(fd_dir.c_str());
  if (dir == nullptr) return "";
  const std::string want = absl::StrCat("socket:[", inode, "]");
  bool found = false;
  while (struct dirent* ent = readdir(dir)) {
    if (ent->d_name[0] == '.') continue;
    char target[128];
    const std::string link = absl::StrCat(fd_dir, "/", ent->d_name);
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n > 0 && absl::string_view(target, static_cast<size_t>(n)) == want) {
      found = true;
      break;
    }
  }
  closedir(dir);
  std::string stat;
  if (!found || !ReadFile(absl::StrCat(options_.proc_root, "/", pid, "/stat"), &stat)) return "";
  return CommFromStat(stat);
}

PortOwnerNames::PortOwnerNames(std::string proc_root) {
  options_.proc_root = std::move(proc_root);
}

PortOwnerNames::PortOwnerNames(PortOwnerOptions options) : options_(std::move(options)) {
  if (options_.capacity == 0) options_.capacity = 1;
}

uint64_t PortOwnerNames::Now() const {
  if (options_.clock) return options_.clock();
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

std::optional<uint64_t> PortOwnerNames::InodeOf(uint32_t port_id) {
  ++counters_.netlink_reads;
  if (!ReadFile(absl::StrCat(options_.proc_root, "/net/netlink"), &table_)) return std::nullopt;
  return FindNetlinkInode(table_, ctnl::kNetlinkNetfilter, port_id);
}

std::string PortOwnerNames::Search(uint32_t port_id, uint64_t inode) const {
  std::string name = NameOfHolder(port_id, inode);
  if (!name.empty()) return name;
  DIR* dir = opendir(options_.proc_root.c_str());
  if (dir == nullptr) return name;
  while (struct dirent* ent = readdir(dir)) {
    uint64_t pid = 0;
    if (!absl::SimpleAtoi(ent->d_name, &pid) || pid <= 1 || pid == port_id) continue;
    name = NameOfHolder(pid, inode);
    if (!name.empty()) break;
  }
  closedir(dir);
  return name;
}

const std::string& PortOwnerNames::Lookup(uint32_t port_id) {
  ++counters_.lookups;
  const uint64_t now = Now();
  auto it = index_.find(port_id);
  if (it != index_.end()) {
    Entry& e = *it->second;
    if (it->second != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second);
    if (now - e.checked_ns < options_.revalidate_ns) {
      ++counters_.hits;
      return e.name;
    }
    const uint64_t inode = InodeOf(port_id).value_or(0);
    e.checked_ns = now;
    if (inode != 0 && inode == e.inode) {
      ++counters_.revalidated;
      return e.name;
    }
    ++counters_.searches;
    e.inode = inode;
    e.name = inode != 0 ? Search(port_id, inode) : std::string();
    return e.name;
  }
  Entry e;
  e.port = port_id;
  e.inode = InodeOf(port_id).value_or(0);
  e.checked_ns = now;
  ++counters_.searches;
  if (e.inode != 0) e.name = Search(port_id, e.inode);
  if (index_.size() >= options_.capacity) {
    index_.erase(lru_.back().port);
    lru_.pop_back();
    ++counters_.evictions;
  }
  lru_.push_front(std::move(e));
  index_[port_id] = lru_.begin();
  return lru_.front().name;
}

}  // namespace netlink
}  // namespace ctdump
