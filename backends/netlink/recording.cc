#include "backends/netlink/recording.h"

#include <errno.h>

#include <cstdio>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ctdump {
namespace netlink {

void AppendDatagram(absl::Span<const uint8_t> datagram, std::string* out) {
  const uint32_t n = static_cast<uint32_t>(datagram.size());
  const char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                       static_cast<char>((n >> 16) & 0xff), static_cast<char>(n >> 24)};
  out->append(len, 4);
  out->append(reinterpret_cast<const char*>(datagram.data()), datagram.size());
}

absl::StatusOr<std::vector<std::vector<uint8_t>>> ParseRecording(absl::string_view data) {
  std::vector<std::vector<uint8_t>> out;
  size_t off = 0;
  while (off < data.size()) {
    if (data.size() - off < 4) {
      return absl::DataLossError(absl::StrCat("recording truncated: ", data.size() - off,
                                              " stray bytes at offset ", off));
    }
    const auto* p = reinterpret_cast<const uint8_t*>(data.data() + off);
    const uint32_t n = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 |
                       uint32_t{p[3]} << 24;
    if (n > data.size() - off - 4) {
      return absl::DataLossError(absl::StrCat("recording truncated: record ", out.size(),
                                              " at offset ", off, " wants ", n, " bytes, ",
                                              data.size() - off - 4, " left"));
    }
    out.emplace_back(p + 4, p + 4 + n);
    off += 4 + size_t{n};
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<uint8_t>>> ReadRecordingFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  std::string data;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) data.append(buf, n);
  if (std::ferror(f.get())) return absl::ErrnoToStatus(errno, absl::StrCat("read ", path));
  absl::StatusOr<std::vector<std::vector<uint8_t>>> r = ParseRecording(data);
  if (!r.ok()) {
    return absl::Status(r.status().code(), absl::StrCat(path, ": ", r.status().message()));
  }
  return r;
}

}  // namespace netlink
}  // namespace ctdump
