#include "core/filter_options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/addr.h"
#include "core/kernel.h"
#include "core/protocols.h"

namespace ctdump {
namespace {

absl::Status Bad(absl::string_view msg) { return absl::InvalidArgumentError(msg); }

void FullMask(uint8_t family, Addr* mask) {
  *mask = Addr{};
  for (int i = 0; i < (family == kFamilyIPv4 ? 4 : 16); ++i) (*mask)[i] = 0xff;
}

bool ParseAnyAddr(absl::string_view text, uint8_t* family, Addr* out) {
  std::string s(text);
  struct in_addr v4;
  if (inet_aton(s.c_str(), &v4) == 1) {
    *out = Addr{};
    std::memcpy(out->data(), &v4, 4);
    *family = kFamilyIPv4;
    return true;
  }
  if (ParseIPv6(text, out)) {
    *family = kFamilyIPv6;
    return true;
  }
  return false;
}

// Digits of `base` only (no sign, space or prefix), at most 0xffffffffff.
bool ParseDigits(absl::string_view v, unsigned base, uint64_t* out) {
  if (v.empty()) return false;
  uint64_t n = 0;
  for (char c : v) {
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (base == 16 && absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      d = static_cast<unsigned>(absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    } else {
      return false;
    }
    if (d >= base) return false;
    n = n * base + d;
    if (n > 0xffffffffffull) return false;  // far above every option's maximum
  }
  *out = n;
  return true;
}

// A number as conntrack's strtoul(value, NULL, 0) reads it, but the whole value: decimal,
// 0x hex or 0 octal ("010" is 8).
bool ParseUnsigned(absl::string_view v, uint64_t* out) {
  if (absl::StartsWithIgnoreCase(v, "0x")) return ParseDigits(v.substr(2), 16, out);
  if (v.size() > 1 && v[0] == '0') return ParseDigits(v.substr(1), 8, out);
  return ParseDigits(v, 10, out);
}

}  // namespace

absl::StatusOr<AddrCondition> ParseAddrOption(absl::string_view option, absl::string_view value,
                                              bool allow_cidr) {
  absl::string_view addr = value;
  absl::string_view bits;
  size_t slash = value.find('/');
  if (slash != absl::string_view::npos) {
    if (!allow_cidr) return Bad(absl::StrCat("CIDR notation unavailable for `", option, "'"));
    addr = value.substr(0, slash);
    bits = value.substr(slash + 1);
  }
  AddrCondition c;
  if (!ParseAnyAddr(addr, &c.family, &c.addr)) {
    return Bad(absl::StrCat("Invalid IP address `", addr, "'"));
  }
  FullMask(c.family, &c.mask);
  if (slash != absl::string_view::npos) {
    unsigned n;
    unsigned max = c.family == kFamilyIPv4 ? 32 : 128;
    if (bits.empty() || !absl::c_all_of(bits, [](char ch) { return ch >= '0' && ch <= '9'; }) ||
        !absl::SimpleAtoi(bits, &n) || n > max) {
      return Bad(absl::StrCat("Invalid netmask `", bits, "'"));
    }
    c.mask = Addr{};
    for (unsigned i = 0; i < n; ++i) c.mask[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  }
  return c;
}

absl::Status ApplyMaskOption(absl::string_view value, AddrCondition* cond) {
  uint8_t family;
  Addr mask;
  if (!ParseAnyAddr(value, &family, &mask)) {
    return Bad(absl::StrCat("Invalid IP address `", value, "'"));
  }
  if (family != cond->family) return Bad("mismatched address family");
  cond->mask = mask;
  return absl::OkStatus();
}

absl::StatusOr<uint8_t> ParseProtoOption(absl::string_view value) {
  static constexpr uint8_t kKnown[] = {kProtoTCP,  kProtoUDP,  kProtoUDPLite, kProtoICMP,
                                       kProtoICMPv6, kProtoSCTP, kProtoGRE,     kProtoDCCP};
  for (uint8_t p : kKnown) {
    if (absl::EqualsIgnoreCase(value, ProtoName(p))) return p;
  }
  uint64_t n;
  if (ParseUnsigned(value, &n)) {
    if (n <= 255) return static_cast<uint8_t>(n);
  } else if (!absl::EqualsIgnoreCase(value, "unknown")) {
    absl::optional<uint8_t> number = LookupProtocolName(value);
    if (number.has_value()) return *number;
  }
  return Bad(absl::StrCat("`", value, "' unsupported protocol"));
}

absl::StatusOr<uint32_t> ParseNumberOption(absl::string_view option, absl::string_view value,
                                           uint32_t max) {
  uint64_t n;
  if (!ParseUnsigned(value, &n) || n > max) {
    return Bad(absl::StrCat("invalid value `", value, "' for ", option, " (want 0-", max,
                            ": decimal, 0x hex or 0 octal)"));
  }
  return static_cast<uint32_t>(n);
}

absl::StatusOr<uint32_t> ParseDecimalOption(absl::string_view option, absl::string_view value,
                                            uint32_t max) {
  uint64_t n;
  if (!ParseDigits(value, 10, &n) || n > max) {
    return Bad(absl::StrCat("invalid value `", value, "' for ", option, " (want a decimal number 0-",
                            max, ")"));
  }
  return static_cast<uint32_t>(n);
}

absl::Status ParseMarkOption(absl::string_view value, Filter* filter) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(value, absl::MaxSplits('/', 1));
  uint64_t v, m = 0xffffffff;
  if (!ParseUnsigned(parts.first, &v) || v > 0xffffffff ||
      (!parts.second.empty() && (!ParseUnsigned(parts.second, &m) || m > 0xffffffff)) ||
      (value.find('/') != absl::string_view::npos && parts.second.empty())) {
    return Bad(absl::StrCat("invalid mark `", value, "' (want VALUE[/MASK], 32-bit)"));
  }
  filter->mark_value = static_cast<uint32_t>(v);
  filter->mark_mask = static_cast<uint32_t>(m);
  return absl::OkStatus();
}

absl::Status ParseStatusOption(absl::string_view value, Filter* filter,
                               std::vector<std::string>* warnings) {
  struct Word {
    const char* name;
    uint32_t bits;
  };
  // conntrack's order: a word is matched as a case-insensitive prefix, NAT words first.
  static constexpr Word kWords[] = {
      {"ASSURED", kStatusAssured},        {"SEEN_REPLY", kStatusSeenReply},
      {"UNSET", 0},                       {"FIXED_TIMEOUT", kStatusFixedTimeout},
      {"EXPECTED", kStatusExpected},      {"OFFLOAD", kStatusOffload},
      {"HW_OFFLOAD", kStatusHwOffload},
  };
  for (absl::string_view word : absl::StrSplit(value, ',')) {
    bool negate = absl::ConsumePrefix(&word, "!");
    if (word.empty()) return Bad(absl::StrCat("Bad parameter `", value, "'"));
    if (word == "UNREPLIED") {
      // conntrack refuses `!UNREPLIED' (say `SEEN_REPLY' instead); so do we.
      if (negate) return Bad(absl::StrCat("Bad parameter `!", word, "' (use SEEN_REPLY)"));
      filter->status_clear |= kStatusSeenReply;
      continue;
    }
    bool nat = false;
    for (const char* n : {"SRC_NAT", "DST_NAT"}) {
      if (absl::StartsWithIgnoreCase(n, word)) {
        warnings->push_back(absl::StrCat("ignoring ", n, ", use --", n[0] == 'S' ? "src" : "dst",
                                         "-nat instead"));
        nat = true;
        break;
      }
    }
    if (nat) continue;
    const Word* match = nullptr;
    for (const Word& w : kWords) {
      if (absl::StartsWithIgnoreCase(w.name, word)) {
        match = &w;
        break;
      }
    }
    if (match == nullptr) return Bad(absl::StrCat("Bad parameter `", word, "'"));
    if (match->bits == 0) {
      // UNSET: none of the bits conntrack's status list knows; !UNSET: at least one.
      (negate ? filter->status_any : filter->status_clear) |=
          kStatusExpected | kStatusSeenReply | kStatusAssured | kStatusFixedTimeout;
      continue;
    }
    (negate ? filter->status_clear : filter->status_set) |= match->bits;
  }
  return absl::OkStatus();
}

absl::StatusOr<NatCondition> ParseNatOption(absl::string_view value, Filter* filter) {
  NatCondition c;
  absl::string_view addr = value;
  absl::string_view port;
  if (absl::ConsumePrefix(&addr, "[")) {
    size_t close = addr.find(']');
    if (close == absl::string_view::npos) return Bad("No closing ']' around IPv6 address");
    absl::string_view rest = addr.substr(close + 1);
    addr = addr.substr(0, close);
    if (!rest.empty()) {
      if (!absl::ConsumePrefix(&rest, ":")) return Bad(absl::StrCat("Invalid port `", rest, "'"));
      port = rest;
    }
  } else if (std::count(value.begin(), value.end(), ':') == 1) {
    size_t colon = value.find(':');
    addr = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  uint8_t family;
  Addr a;
  if (!ParseAnyAddr(addr, &family, &a)) return Bad(absl::StrCat("Invalid IP address `", addr, "'"));
  if (filter->family && *filter->family != family) return Bad("mismatched address family");
  filter->family = family;
  c.addr = a;
  if (!port.empty() || value.size() > addr.size() + (value[0] == '[' ? 2 : 0)) {
    uint64_t p;
    // Decimal, as conntrack reads it (it refuses `1.2.3.4:0x50').
    if (!ParseDigits(port, 10, &p) || p > 65535) {
      return Bad(absl::StrCat("Invalid port `", port, "' (want a decimal number 0-65535)"));
    }
    c.port = static_cast<uint16_t>(p);
  }
  return c;
}

absl::StatusOr<uint8_t> ParseFamilyOption(absl::string_view value) {
  // conntrack compares the first four characters, case-sensitively.
  if (absl::StartsWith(value, "ipv4")) return kFamilyIPv4;
  if (absl::StartsWith(value, "ipv6")) return kFamilyIPv6;
  return Bad(absl::StrCat("`", value, "' unsupported layer 3 protocol"));
}

}  // namespace ctdump
