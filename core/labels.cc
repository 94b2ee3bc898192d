#include "core/labels.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctdump {

LabelNames ParseLabelNames(absl::string_view text) {
  LabelNames names;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    if (sp == absl::string_view::npos) continue;
    unsigned bit;
    if (!absl::SimpleAtoi(line.substr(0, sp), &bit) || bit > 127) continue;
    absl::string_view name = absl::StripAsciiWhitespace(line.substr(sp));
    if (name.empty()) continue;
    if (names.by_bit.size() <= bit) names.by_bit.resize(bit + 1);
    names.by_bit[bit] = std::string(name);
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
