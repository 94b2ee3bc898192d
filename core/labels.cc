#include "core/labels.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctdump {

namespace {

// libnetfilter_conntrack reads the file with fgets() into a 1024-byte buffer: a "line"
// is at most 1023 bytes (a longer line goes on as the next one) and ends at its first NUL
// for every string function that follows.
constexpr size_t kLineBuffer = 1024;

// Only letters, digits, '-' and ' ' (C locale), like libnetfilter_conntrack.
bool ValidName(absl::string_view name) {
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != ' ') return false;
  }
  return true;
}

// One fgets() line: the bit (strtoul(line, &end, 0): leading space, a sign and 0x / 0
// prefixes included), then the name: the rest, up to '\n', without leading and trailing
// white space. Returns false for a line that defines nothing.
bool ParseLine(std::string line, unsigned* bit, std::string* name) {
  if (line.empty() || line[0] == '#') return false;
  const char* start = line.c_str();  // stops at the first NUL, as C does
  char* end = nullptr;
  errno = 0;
  const unsigned long value = std::strtoul(start, &end, 0);
  if (value == 0 && end == start) return false;
  if (value >= kLabelMapBits) return false;
  absl::string_view rest(end);
  size_t i = 0;
  while (i < rest.size() && absl::ascii_isspace(static_cast<unsigned char>(rest[i]))) ++i;
  rest.remove_prefix(i);
  rest = rest.substr(0, rest.find('\n'));
  while (!rest.empty() && absl::ascii_isspace(static_cast<unsigned char>(rest.back()))) {
    rest.remove_suffix(1);
  }
  if (rest.empty() || !ValidName(rest)) return false;
  *bit = static_cast<unsigned>(value);
  *name = std::string(rest);
  return true;
}

}  // namespace

LabelNames ParseLabelNames(absl::string_view text) {
  LabelNames names;
  std::vector<bool> seen(kLabelMapBits, false);
  size_t pos = 0;
  while (pos < text.size()) {
    // fgets(): up to and including '\n', at most kLineBuffer - 1 bytes.
    size_t len = std::min(text.size() - pos, kLineBuffer - 1);
    const size_t nl = text.substr(pos, len).find('\n');
    if (nl != absl::string_view::npos) len = nl + 1;
    const std::string line(text.substr(pos, len));
    pos += len;
    unsigned bit;
    std::string name;
    if (!ParseLine(line, &bit, &name) || seen[bit]) continue;  // the first definition wins
    if (LabelBit(names, name) >= 0) continue;  // of a name too
    seen[bit] = true;
    if (names.by_bit.size() <= bit) names.by_bit.resize(bit + 1);
    names.by_bit[bit] = std::move(name);
  }
  return names;
}

absl::StatusOr<LabelNames> LoadLabelNames(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return absl::ErrnoToStatus(err, absl::StrCat("read ", path));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1 << 20)) break;  // a label file is tiny; do not read a device
  }
  close(fd);
  return ParseLabelNames(text);
}

int LabelBit(const LabelNames& names, absl::string_view name) {
  for (size_t i = 0; i < names.by_bit.size(); ++i) {
    if (names.by_bit[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace ctdump
