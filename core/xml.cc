#include "core/xml.h"

#include <cstring>

#include "core/addr.h"
#include "core/kernel.h"
#include "core/utf8.h"

namespace ctdump {
namespace {

// Everything but the strings: two tuple blocks and the independent block at their
// widest come to about 1.3 KB.
constexpr size_t kFixedBound = 2048;
// Worst growth of one escaped byte ('"' becomes &quot;).
constexpr size_t kEscapeGrowth = 6;

using text::Put;
using text::PutU;

using text::PutHex;

// Writes `s` escaped; at most kEscapeGrowth * s.size() bytes.
char* PutEscaped(char* p, absl::string_view s) {
  const unsigned char* i = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = i + s.size();
  while (i < end) {
    const unsigned c = *i;
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(i, end);
      // U+FFFE and U+FFFF are not XML characters either.
      if (n == 0 || (n == 3 && c == 0xef && i[1] == 0xbf && i[2] >= 0xbe)) {
        p = Put(p, "\xef\xbf\xbd");  // U+FFFD
        i += n == 0 ? 1 : n;
      } else {
        std::memcpy(p, i, n);
        p += n;
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '&': p = Put(p, "&amp;"); break;
      case '<': p = Put(p, "&lt;"); break;
      case '>': p = Put(p, "&gt;"); break;
      case '"': p = Put(p, "&quot;"); break;
      case '\'': p = Put(p, "&apos;"); break;
      case '\t': p = Put(p, "&#9;"); break;
      case '\n': p = Put(p, "&#10;"); break;
      case '\r': p = Put(p, "&#13;"); break;
      default:
        if (c < 0x20) {
          p = Put(p, "\xef\xbf\xbd");
        } else {
          *p++ = static_cast<char>(c);
        }
        break;
    }
  }
  return p;
}

// "<tag>N</tag>" for a literal "<tag>" and "</tag>".
template <size_t N, size_t M>
inline char* PutElement(char* p, const char (&open)[N], uint64_t v, const char (&close)[M]) {
  p = Put(p, open);
  p = PutU(p, v);
  return Put(p, close);
}

char* PutAddr(char* p, uint8_t family, const Addr& a) {
  // Other families print nothing between the tags, as libnetfilter_conntrack does.
  return FormatAddr(family, a, AddrStyle::kCompressed, p);
}

// __snprintf_tuple_xml(): one <meta direction="original|reply"> block.
char* PutDirection(char* p, const Flow& f, const Tuple& t, bool original,
                   const std::optional<Counters>& counters) {
  p = Put(p, original ? "<meta direction=\"original\">" : "<meta direction=\"reply\">");
  p = Put(p, "<layer3 protonum=\"");
  p = PutU(p, f.family);
  p = Put(p, "\" protoname=\"");
  p = Put(p, FamilyName(f.family));
  p = Put(p, "\"><src>");
  p = PutAddr(p, f.family, t.src);
  p = Put(p, "</src><dst>");
  p = PutAddr(p, f.family, t.dst);
  p = Put(p, "</dst></layer3><layer4 protonum=\"");
  p = PutU(p, f.l4proto);
  p = Put(p, "\" protoname=\"");
  p = Put(p, ProtoName(f.l4proto));
  p = Put(p, "\">");
  if (ProtoHasPorts(f.l4proto)) {
    p = PutElement(p, "<sport>", t.has_l4 ? t.sport : 0, "</sport>");
    p = PutElement(p, "<dport>", t.has_l4 ? t.dport : 0, "</dport>");
  } else if (f.l4proto == kProtoGRE) {
    p = Put(p, "<srckey>0x");
    p = PutHex(p, t.has_l4 ? t.sport : 0);
    p = Put(p, "</srckey><dstkey>0x");
    p = PutHex(p, t.has_l4 ? t.dport : 0);
    p = Put(p, "</dstkey>");
  }
  p = Put(p, "</layer4>");
  const uint8_t dir = original ? kZoneDirOrig : kZoneDirReply;
  if (f.zone.dir == dir && f.zone.id != 0) p = PutElement(p, "<zone>", f.zone.id, "</zone>");
  if (counters) {
    p = PutElement(p, "<counters><packets>", counters->packets, "</packets>");
    p = PutElement(p, "<bytes>", counters->bytes, "</bytes></counters>");
  }
  return Put(p, "</meta>");
}

}  // namespace

void AppendXmlEscaped(absl::string_view s, TextBuffer* out) {
  out->Commit(PutEscaped(out->Reserve(kEscapeGrowth * s.size()), s));
}

namespace {

// "<tag>NN</tag>": at least two digits.
template <size_t N, size_t M>
inline char* PutElement2(char* p, const char (&open)[N], uint64_t v, const char (&close)[M]) {
  p = Put(p, open);
  if (v < 10) *p++ = '0';
  p = PutU(p, v);
  return Put(p, close);
}

// The fields of a tm from localtime_r() are all non-negative.
char* PutWhen(char* p, const std::tm& tm) {
  auto u = [](int v) { return static_cast<uint64_t>(v); };
  p = PutElement(p, "<when><hour>", u(tm.tm_hour), "</hour>");
  p = PutElement2(p, "<min>", u(tm.tm_min), "</min>");
  p = PutElement2(p, "<sec>", u(tm.tm_sec), "</sec>");
  p = PutElement(p, "<wday>", u(tm.tm_wday + 1), "</wday>");
  p = PutElement(p, "<day>", u(tm.tm_mday), "</day>");
  p = PutElement(p, "<month>", u(tm.tm_mon + 1), "</month>");
  p = PutElement(p, "<year>", u(1900 + tm.tm_year), "</year></when>");
  return p;
}

// <when> at its widest (seven ints of up to 11 characters and the tags).
constexpr size_t kWhenBound = 256;

void PutXmlFlow(const Flow& f, const XmlStyle& style, uint64_t now_ns,
                const XmlEventParts* event, TextBuffer* out) {
  const bool labels = style.labels != nullptr && f.labels.has_value();
  size_t need = kFixedBound + kEscapeGrowth * (f.secctx.size() + f.helper.size());
  if (labels) {
    const auto& names = style.labels->by_bit;
    for (unsigned bit = 0; bit < 128 && bit < names.size(); ++bit) {
      if (f.labels->Test(bit)) need += kEscapeGrowth * names[bit].size() + 15;
    }
  }
  if (event != nullptr) need += kWhenBound + 32 + event->type.size();
  char* p = out->Reserve(need);

  if (event == nullptr) {
    p = Put(p, "<flow>");
  } else {
    p = Put(p, "<flow type=\"");
    p = Put(p, event->type);
    p = Put(p, event->polled ? "\" polled=\"yes\">" : "\">");
  }
  p = PutDirection(p, f, f.orig, true, f.orig_counters);
  p = PutDirection(p, f, f.reply, false, f.reply_counters);

  const bool zone_both = f.zone.dir == kZoneDirBoth && f.zone.id != 0;
  const bool independent = f.state || f.timeout || f.mark || f.secmark || zone_both || f.use ||
                           f.status_known != 0 || f.id || f.labels || f.start_ns ||
                           f.stop_ns || !f.secctx.empty() || f.delta_time;
  if (independent) p = Put(p, "<meta direction=\"independent\">");
  if (f.state) {
    p = Put(p, "<state>");
    p = Put(p, StateName(f.l4proto, *f.state));
    p = Put(p, "</state>");
  }
  if (f.timeout) {
    p = PutElement(p, "<timeout>", *f.timeout < 0 ? 0 : static_cast<uint64_t>(*f.timeout),
                   "</timeout>");
  }
  if (f.mark) p = PutElement(p, "<mark>", *f.mark, "</mark>");
  if (labels) {
    p = Put(p, "<labels>");
    const auto& names = style.labels->by_bit;
    for (unsigned bit = 0; bit < 128 && bit < names.size(); ++bit) {
      if (!f.labels->Test(bit) || names[bit].empty()) continue;
      p = Put(p, "<label>");
      p = PutEscaped(p, names[bit]);
      p = Put(p, "</label>");
    }
    p = Put(p, "</labels>");
  }
  if (f.secmark) p = PutElement(p, "<secmark>", *f.secmark, "</secmark>");
  if (!f.secctx.empty()) {
    p = Put(p, "<secctx>");
    p = PutEscaped(p, f.secctx);
    p = Put(p, "</secctx>");
  }
  if (zone_both) p = PutElement(p, "<zone>", f.zone.id, "</zone>");
  if (f.use) p = PutElement(p, "<use>", *f.use, "</use>");
  if (f.id) p = PutElement(p, "<id>", *f.id, "</id>");
  if ((f.status_known & kStatusAssured) && (f.status & kStatusAssured)) {
    p = Put(p, "<assured/>");
  }
  if ((f.status_known & kStatusSeenReply) && !(f.status & kStatusSeenReply)) {
    p = Put(p, "<unreplied/>");
  }
  if (style.ktimestamp && (f.start_ns || f.stop_ns)) {
    p = Put(p, "<timestamp>");
    if (f.start_ns) p = PutElement(p, "<start>", *f.start_ns, "</start>");
    if (f.stop_ns) p = PutElement(p, "<stop>", *f.stop_ns, "</stop>");
    p = Put(p, "</timestamp>");
  }
  if (f.start_ns) {
    uint64_t delta;
    if (f.stop_ns) {
      delta = *f.stop_ns > *f.start_ns ? (*f.stop_ns - *f.start_ns) / 1000000000u : 0;
    } else {
      const uint64_t now_s = now_ns / 1000000000u;
      const uint64_t start_s = *f.start_ns / 1000000000u;
      delta = now_s > start_s ? now_s - start_s : 0;
    }
    p = PutElement(p, "<deltatime>", delta, "</deltatime>");
  } else if (f.delta_time) {
    p = PutElement(p, "<deltatime>", *f.delta_time, "</deltatime>");
  }
  if (independent) p = Put(p, "</meta>");
  if (event != nullptr && event->when != nullptr) p = PutWhen(p, *event->when);
  if (!f.helper.empty()) {
    p = Put(p, "<helper>");
    p = PutEscaped(p, f.helper);
    p = Put(p, "</helper>");
  }
  p = Put(p, "</flow>\n");
  out->Commit(p);
}

}  // namespace

void AppendXmlFlow(const Flow& flow, const XmlStyle& style, uint64_t now_ns, TextBuffer* out) {
  PutXmlFlow(flow, style, now_ns, nullptr, out);
}

void AppendXmlEventFlow(const Flow& flow, const XmlStyle& style, uint64_t now_ns,
                        const XmlEventParts& event, TextBuffer* out) {
  PutXmlFlow(flow, style, now_ns, &event, out);
}

void XmlWriter::AddFlow(const Flow& flow, uint64_t now_ns, TextBuffer* out) {
  Start(out);
  AppendXmlFlow(flow, style_, now_ns, out);
}

void XmlWriter::AddEventFlow(const Flow& flow, uint64_t now_ns, const XmlEventParts& event,
                             TextBuffer* out) {
  Start(out);
  AppendXmlEventFlow(flow, style_, now_ns, event, out);
}

void XmlWriter::Start(TextBuffer* out) {
  if (!started_) {
    out->Append(kXmlHeader);
    started_ = true;
  }
}

void XmlWriter::End(TextBuffer* out) {
  if (started_) out->Append(kXmlFooter);
  started_ = false;
}

}  // namespace ctdump
