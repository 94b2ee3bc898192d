// File: core/utf8.h
//
// UTF-8 validation for the output formats that must escape strings (core/json.cc,
// core/xml.cc). RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above
// U+10FFFF.
//
//   size_t n = Utf8SequenceLength(p, end);   // 2-4 for a valid sequence at p, else 0

#ifndef CTDUMP_CORE_UTF8_H_
#define CTDUMP_CORE_UTF8_H_

#include <cstddef>

namespace ctdump {

// Length of the valid multi-byte UTF-8 sequence that starts at s (s < end, *s >= 0x80),
// or 0 when the byte there does not start one (a stray continuation byte, an overlong
// or surrogate form, a sequence cut short by `end`).
inline size_t Utf8SequenceLength(const unsigned char* s, const unsigned char* end) {
  const unsigned c = s[0];
  const size_t left = static_cast<size_t>(end - s);
  auto cont = [&](size_t i) { return i < left && (s[i] & 0xc0) == 0x80; };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xe0 && s[1] < 0xa0) return 0;  // overlong
    if (c == 0xed && s[1] > 0x9f) return 0;  // UTF-16 surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xf0 && s[1] < 0x90) return 0;  // overlong
    if (c == 0xf4 && s[1] > 0x8f) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace ctdump

#endif  // CTDUMP_CORE_UTF8_H_
