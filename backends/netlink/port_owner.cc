#include "backends/netlink/port_owner.h"

#include <dirent.h>
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
  const std::string fd_dir = absl::StrCat(proc_, "/", pid, "/fd");
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
  if (!found || !ReadFile(absl::StrCat(proc_, "/", pid, "/stat"), &stat)) return "";
  return CommFromStat(stat);
}

std::string PortOwnerNames::Lookup(uint32_t port_id) {
  std::string table;
  if (!ReadFile(absl::StrCat(proc_, "/net/netlink"), &table)) return "";
  std::optional<uint64_t> inode = FindNetlinkInode(table, ctnl::kNetlinkNetfilter, port_id);
  if (!inode) return "";
  if (port_id == last_port_ && *inode == last_inode_) return last_name_;
  std::string name = NameOfHolder(port_id, *inode);
  if (name.empty()) {
    DIR* dir = opendir(proc_.c_str());
    if (dir != nullptr) {
      while (struct dirent* ent = readdir(dir)) {
        uint64_t pid = 0;
        if (!absl::SimpleAtoi(ent->d_name, &pid) || pid <= 1 || pid == port_id) continue;
        name = NameOfHolder(pid, *inode);
        if (!name.empty()) break;
      }
      closedir(dir);
    }
  }
  last_port_ = port_id;
  last_inode_ = *inode;
  last_name_ = name;
  return name;
}

}  // namespace netlink
}  // namespace ctdump
