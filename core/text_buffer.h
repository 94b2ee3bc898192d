// File: core/text_buffer.h
//
// A growable byte buffer with fast decimal/hex appends (no snprintf, no iostreams).
// io/fd_writer.h sends one to a file descriptor in large writes.
//
//   TextBuffer out;
//   out.Append("use=");
//   out.AppendU64(1);
//   Use(out.view());

#ifndef CTDUMP_CORE_TEXT_BUFFER_H_
#define CTDUMP_CORE_TEXT_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/strings/string_view.h"

namespace ctdump {

class TextBuffer {
 public:
  explicit TextBuffer(size_t initial_capacity = 4096);
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  // Makes room for `n` more bytes and returns where they go; call Commit() after writing.
  char* Reserve(size_t n) {
    if (cap_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  void Commit(char* end) { size_ = static_cast<size_t>(end - data_.get()); }

  void Append(absl::string_view s) {
    char* p = Reserve(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    size_ += s.size();
  }
  void Append(char c) {
    *Reserve(1) = c;
    ++size_;
  }
  void AppendU64(uint64_t v) { Commit(PutU64(v, Reserve(20))); }
  void AppendI64(int64_t v) {
    char* p = Reserve(21);
    if (v < 0) {
      *p++ = '-';
      v = -(v + 1);  // avoid overflow on INT64_MIN
      Commit(PutU64(static_cast<uint64_t>(v) + 1, p));
      return;
    }
    Commit(PutU64(static_cast<uint64_t>(v), p));
  }
  // Lowercase hex, no prefix, no padding.
  void AppendHex(uint64_t v);

  // Writes the decimal digits of v at p and returns the end (at most 20 bytes).
  static char* PutU64(uint64_t v, char* p);

  absl::string_view view() const { return absl::string_view(data_.get(), size_); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  // Drops everything after the first n bytes.
  void Truncate(size_t n) {
    if (n < size_) size_ = n;
  }
  // Removes the first n bytes.
  void Consume(size_t n);

 private:
  void Grow(size_t n);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// Raw writers for formatters that Reserve() a bound once and then write without checks:
// each writes at `p` (which must have room) and returns the end.
namespace text {

template <size_t N>
inline char* Put(char* p, const char (&lit)[N]) {
  std::memcpy(p, lit, N - 1);
  return p + N - 1;
}
inline char* Put(char* p, absl::string_view s) {
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
inline char* PutU(char* p, uint64_t v) { return TextBuffer::PutU64(v, p); }
inline char* PutI(char* p, int64_t v) {
  if (v >= 0) return TextBuffer::PutU64(static_cast<uint64_t>(v), p);
  *p++ = '-';
  return TextBuffer::PutU64(static_cast<uint64_t>(-(v + 1)) + 1, p);
}
// Lowercase hex without prefix or padding (at most 8 digits).
inline char* PutHex(char* p, uint32_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char tmp[8];
  char* t = tmp + sizeof tmp;
  do {
    *--t = kHex[v & 0xf];
    v >>= 4;
  } while (v != 0);
  const size_t n = static_cast<size_t>(tmp + sizeof tmp - t);
  std::memcpy(p, t, n);
  return p + n;
}

}  // namespace text

}  // namespace ctdump

#endif  // CTDUMP_CORE_TEXT_BUFFER_H_
