#include "core/addr.h"

#include <array>
#include <cstring>

#include "core/kernel.h"

namespace ctdump {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// The decimal digits of every byte value, for PutDec8().
struct Dec8 {
  char digits[3];
  uint8_t len;
};
constexpr std::array<Dec8, 256> MakeDec8Table() {
  std::array<Dec8, 256> t{};
  for (int v = 0; v < 256; ++v) {
    Dec8& d = t[static_cast<size_t>(v)];
    if (v >= 100) {
      d = {{static_cast<char>('0' + v / 100), static_cast<char>('0' + v / 10 % 10),
            static_cast<char>('0' + v % 10)}, 3};
    } else if (v >= 10) {
      d = {{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10), 0}, 2};
    } else {
      d = {{static_cast<char>('0' + v), 0, 0}, 1};
    }
  }
  return t;
}
constexpr std::array<Dec8, 256> kDec8 = MakeDec8Table();

// Writes v in decimal. Always stores 3 bytes (up to 2 past the digits): callers have
// kMaxAddrText bytes of room for at most 15 characters of an IPv4 address.
char* PutDec8(uint8_t v, char* out) {
  const Dec8& d = kDec8[v];
  std::memcpy(out, d.digits, 3);
  return out + d.len;
}

char* PutIPv4(const uint8_t* b, char* out) {
  out = PutDec8(b[0], out);
  *out++ = '.';
  out = PutDec8(b[1], out);
  *out++ = '.';
  out = PutDec8(b[2], out);
  *out++ = '.';
  return PutDec8(b[3], out);
}

// Lowercase hex without leading zeros (inet_ntop's "%x").
char* PutHex16(uint16_t v, char* out) {
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned nib = (v >> shift) & 0xf;
    if (nib != 0 || started || shift == 0) {
      *out++ = kHex[nib];
      started = true;
    }
  }
  return out;
}

// Mirrors glibc resolv/inet_ntop.c:inet_ntop6.
char* PutIPv6Compressed(const Addr& a, char* out) {
  uint16_t words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<uint16_t>(a[2 * i] << 8 | a[2 * i + 1]);
  int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
  for (int i = 0; i < 8; ++i) {
    if (words[i] == 0) {
      if (cur_base == -1) {
        cur_base = i;
        cur_len = 1;
      } else {
        ++cur_len;
      }
    } else if (cur_base != -1) {
      if (best_base == -1 || cur_len > best_len) {
        best_base = cur_base;
        best_len = cur_len;
      }
      cur_base = -1;
    }
  }
  if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) {
    best_base = cur_base;
    best_len = cur_len;
  }
  if (best_base != -1 && best_len < 2) best_base = -1;

  for (int i = 0; i < 8; ++i) {
    if (best_base != -1 && i >= best_base && i < best_base + best_len) {
      if (i == best_base) *out++ = ':';
      continue;
    }
    if (i != 0) *out++ = ':';
    if (i == 6 && best_base == 0 &&
        (best_len == 6 || (best_len == 7 && words[7] != 0x0001) ||
         (best_len == 5 && words[5] == 0xffff))) {
      return PutIPv4(a.data() + 12, out);
    }
    out = PutHex16(words[i], out);
  }
  if (best_base != -1 && best_base + best_len == 8) *out++ = ':';
  return out;
}

char* PutIPv6Expanded(const Addr& a, char* out) {
  for (int i = 0; i < 16; i += 2) {
    if (i != 0) *out++ = ':';
    *out++ = kHex[a[i] >> 4];
    *out++ = kHex[a[i] & 0xf];
    *out++ = kHex[a[i + 1] >> 4];
    *out++ = kHex[a[i + 1] & 0xf];
  }
  return out;
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

char* FormatAddr(uint8_t family, const Addr& addr, AddrStyle style, char* out) {
  if (family == kFamilyIPv4) return PutIPv4(addr.data(), out);
  if (family != kFamilyIPv6) return out;
  return style == AddrStyle::kExpanded ? PutIPv6Expanded(addr, out)
                                       : PutIPv6Compressed(addr, out);
}

bool ParseIPv6(absl::string_view text, Addr* out) {
  uint16_t words[8] = {};
  int n = 0;           // words written
  int gap = -1;        // index in words where "::" stands
  size_t i = 0;
  if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
    gap = 0;
    i = 2;
    if (i == text.size()) {
      *out = Addr{};
      return true;
    }
  } else if (!text.empty() && text[0] == ':') {
    return false;
  }
  while (i < text.size()) {
    if (n >= 8) return false;
    // Embedded IPv4 in the last 32 bits.
    size_t end = text.find(':', i);
    absl::string_view part = text.substr(i, end == absl::string_view::npos ? absl::string_view::npos : end - i);
    if (end == absl::string_view::npos && part.find('.') != absl::string_view::npos) {
      Addr v4;
      if (n > 6 || !ParseIPv4(part, &v4)) return false;
      words[n++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      words[n++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      i = text.size();
      break;
    }
    if (part.empty() || part.size() > 4) return false;
    unsigned v = 0;
    for (char c : part) {
      int h = HexVal(c);
      if (h < 0) return false;
      v = v << 4 | static_cast<unsigned>(h);
    }
    words[n++] = static_cast<uint16_t>(v);
    if (end == absl::string_view::npos) {
      i = text.size();
      break;
    }
    i = end + 1;
    if (i < text.size() && text[i] == ':') {
      if (gap != -1) return false;
      gap = n;
      ++i;
    } else if (i == text.size()) {
      return false;  // trailing single ':'
    }
  }
  if (gap == -1 && n != 8) return false;
  if (gap != -1 && n > 7) return false;
  Addr a{};
  int tail = gap == -1 ? 0 : n - gap;
  int head = gap == -1 ? n : gap;
  for (int k = 0; k < head; ++k) {
    a[2 * k] = static_cast<uint8_t>(words[k] >> 8);
    a[2 * k + 1] = static_cast<uint8_t>(words[k]);
  }
  for (int k = 0; k < tail; ++k) {
    int dst = 8 - tail + k;
    a[2 * dst] = static_cast<uint8_t>(words[head + k] >> 8);
    a[2 * dst + 1] = static_cast<uint8_t>(words[head + k]);
  }
  *out = a;
  return true;
}

}  // namespace ctdump
