#include "core/text_buffer.h"

#include <algorithm>

namespace ctdump {

TextBuffer::TextBuffer(size_t initial_capacity)
    : data_(new char[std::max<size_t>(initial_capacity, 64)]),
      cap_(std::max<size_t>(initial_capacity, 64)) {}

void TextBuffer::Grow(size_t n) {
  size_t want = std::max(cap_ * 2, size_ + n);
  std::unique_ptr<char[]> bigger(new char[want]);
  if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  cap_ = want;
}

void TextBuffer::Consume(size_t n) {
  if (n >= size_) {
    size_ = 0;
    return;
  }
  std::memmove(data_.get(), data_.get() + n, size_ - n);
  size_ -= n;
}

char* TextBuffer::PutU64(uint64_t v, char* p) {
  static constexpr char kDigits[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char tmp[20];
  char* t = tmp + 20;
  while (v >= 100) {
    unsigned idx = static_cast<unsigned>(v % 100) * 2;
    v /= 100;
    *--t = kDigits[idx + 1];
    *--t = kDigits[idx];
  }
  if (v >= 10) {
    unsigned idx = static_cast<unsigned>(v) * 2;
    *--t = kDigits[idx + 1];
    *--t = kDigits[idx];
  } else {
    *--t = static_cast<char>('0' + v);
  }
  size_t n = static_cast<size_t>(tmp + 20 - t);
  std::memcpy(p, t, n);
  return p + n;
}

void TextBuffer::AppendHex(uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char tmp[16];
  char* t = tmp + 16;
  do {
    *--t = kHex[v & 0xf];
    v >>= 4;
  } while (v != 0);
  Append(absl::string_view(t, static_cast<size_t>(tmp + 16 - t)));
}

}  // namespace ctdump
