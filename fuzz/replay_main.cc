// File: fuzz/replay_main.cc (testonly)
//
// main() for the NAME_replay_test of every fuzz target (fuzz/fuzz.bzl): calls the
// target's LLVMFuzzerTestOneInput() once per input, so that the seeds and every
// regression input run in a plain `bazel test //...` built by gcc, with or without
// --config=asan/ubsan. Each input is copied to a heap buffer of exactly its size, so an
// over-read is caught by ASan.
//
//   NAME_replay_test PATH...            replay; exit 1 when no input was found
//   NAME_replay_test --export DIR PATH...  write each input to DIR/NNNNNN instead
//                                          (tools/fuzz/run.sh makes its seed corpus so)
//
// A PATH is expanded into inputs by what it is:
//   a directory    every regular file under it (sorted, recursively), README.md excepted
//   *.bin          a ctrecord recording (backends/netlink/recording.h): each datagram,
//                  and each netlink message of each datagram on its own
//   *.txt          a /proc text fixture: the whole file, and each line on its own
//   anything else  the file's bytes as one input (regression inputs)

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "backends/netlink/recording.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

struct Input {
  std::string origin;  // for messages: "file.bin datagram 3 message 2"
  std::string bytes;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

void ListFiles(const std::string& dir, std::vector<std::string>* out) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    const std::string p = dir + "/" + n;
    struct stat st;
    if (stat(p.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      ListFiles(p, out);
    } else if (S_ISREG(st.st_mode) && n != "README.md") {
      out->push_back(p);
    }
  }
}

// Appends the inputs that `path` (a file) stands for. False when it cannot be read.
bool Expand(const std::string& path, std::vector<Input>* out) {
  std::string bytes;
  if (!ReadFile(path, &bytes)) {
    std::cerr << "replay: cannot read " << path << "\n";
    return false;
  }
  if (absl::EndsWith(path, ".bin")) {
    auto datagrams = ctdump::netlink::ParseRecording(bytes);
    if (!datagrams.ok()) {
      std::cerr << "replay: " << path << ": " << datagrams.status() << "\n";
      return false;
    }
    for (size_t i = 0; i < datagrams->size(); ++i) {
      const std::vector<uint8_t>& d = (*datagrams)[i];
      out->push_back({absl::StrFormat("%s datagram %d", path, i + 1),
                      std::string(d.begin(), d.end())});
      size_t off = 0;
      for (int m = 1; d.size() - off >= 16; ++m) {
        uint32_t len;
        std::memcpy(&len, d.data() + off, 4);
        if (len < 16 || len > d.size() - off) break;
        out->push_back({absl::StrFormat("%s datagram %d message %d", path, i + 1, m),
                        std::string(d.begin() + off, d.begin() + off + len)});
        off += (len + 3u) & ~size_t{3};
      }
    }
    return true;
  }
  out->push_back({path, bytes});
  if (absl::EndsWith(path, ".txt")) {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(bytes, '\n')) {
      ++n;
      if (!line.empty()) out->push_back({absl::StrFormat("%s line %d", path, n),
                                         std::string(line)});
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string export_dir;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--export" && i + 1 < argc) {
      export_dir = argv[++i];
    } else {
      paths.push_back(a);
    }
  }
  std::vector<Input> inputs;
  for (const std::string& p : paths) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      std::cerr << "replay: no such file or directory: " << p << "\n";
      return 1;
    }
    std::vector<std::string> files;
    if (S_ISDIR(st.st_mode)) {
      ListFiles(p, &files);
    } else {
      files.push_back(p);
    }
    for (const std::string& f : files) {
      if (!Expand(f, &inputs)) return 1;
    }
  }
  if (inputs.empty()) {
    std::cerr << "replay: no inputs found in the paths given\n";
    return 1;
  }
  if (!export_dir.empty()) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string p = absl::StrFormat("%s/seed-%06d", export_dir, i);
      std::ofstream o(p, std::ios::binary);
      o.write(inputs[i].bytes.data(), static_cast<std::streamsize>(inputs[i].bytes.size()));
      if (!o) {
        std::cerr << "replay: cannot write " << p << "\n";
        return 1;
      }
    }
    std::cout << "exported " << inputs.size() << " inputs to " << export_dir << "\n";
    return 0;
  }
  for (const Input& in : inputs) {
    // An exact-size copy: one byte past the end is outside the allocation.
    std::unique_ptr<uint8_t[]> exact(new uint8_t[in.bytes.empty() ? 1 : in.bytes.size()]);
    std::memcpy(exact.get(), in.bytes.data(), in.bytes.size());
    std::cerr << "replay: " << in.origin << " (" << in.bytes.size() << " bytes)\n";
    LLVMFuzzerTestOneInput(exact.get(), in.bytes.size());
  }
  std::cout << "replayed " << inputs.size() << " inputs\n";
  return 0;
}
