// File: core/xml.h
//
// `-o xml`: conntrack's XML document (docs/conntrack-compatibility.md, section 2.2;
// __snprintf_conntrack_xml() in libnetfilter_conntrack 1.0.9 src/conntrack/snprintf_xml.c).
//
//   XmlWriter xml(XmlStyle{});
//   for (const Flow& f : flows) xml.AddFlow(f, WallClockNs(), &buffer);
//   xml.End(&buffer);
//
// The document is the header line `<?xml version="1.0" encoding="utf-8"?>`, `<conntrack>`,
// one `<flow>...</flow>` line per flow and `</conntrack>`, each line ending in '\n'. The
// header is written with the first flow, so no flows give empty output, as with conntrack.
//
// One flow, with no whitespace between elements:
//   <flow>
//   <meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>A</src>
//     <dst>A</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>P</sport>
//     <dport>P</dport></layer4>[<zone>Z</zone>][<counters><packets>N</packets>
//     <bytes>N</bytes></counters>]</meta>
//   <meta direction="reply">... the same ...</meta>
//   [<meta direction="independent">[<state>S</state>][<timeout>T</timeout>][<mark>M</mark>]
//     [<labels><label>NAME</label>...</labels>][<secmark>N</secmark>][<secctx>CTX</secctx>]
//     [<zone>Z</zone>][<use>U</use>][<id>I</id>][<assured/>][<unreplied/>]
//     [<timestamp><start>NS</start><stop>NS</stop></timestamp>][<deltatime>S</deltatime>]
//   </meta>]
//   [<helper>NAME</helper>]
//   </flow>
//
//  * layer3/layer4: numbers and lowercase names as conntrack prints them; addresses as
//    inet_ntop() writes them (IPv6 compressed). Layer-4 content by protocol number:
//    sport/dport for tcp, udp, udplite, sctp and dccp (0 when the source gave no ports,
//    as conntrack prints DCCP on 6.17+), srckey/dstkey in "0x%x" hex for gre, nothing
//    for icmp, icmpv6 and other protocols.
//  * A direction's <zone> is printed for a non-zero zone of that direction; the
//    independent <zone> for a non-zero zone that applies to both directions.
//  * The independent block is opened when the record has any attribute that conntrack
//    opens it for (state, timeout, mark, secmark, both-direction zone, use, status, id,
//    labels, timestamps), or a secctx or /proc delta-time.
//  * <assured/> and <unreplied/> need the bit to be known (Flow::status_known): records
//    without status show neither, as conntrack does for entries without CTA_STATUS.
//    Offload is not shown (conntrack does not show it).
//  * <labels> only with XmlStyle::labels: the names of the set bits that have one,
//    `<labels></labels>` when none does.
//  * <timestamp> only with XmlStyle::ktimestamp (raw nanoseconds).
//  * <deltatime>: with start and stop, (stop - start) / 10^9; with start only,
//    now_ns / 10^9 - start_ns / 10^9, as conntrack computes them; both clamped at 0.
//    Without timestamps, a /proc record's delta-time.
//  * <timeout>: a negative timeout (pre-4.7 /proc) prints 0, as in the -L output.
//  * <use> and <id> as the source reported them (id only from ctnetlink).
//
// Deliberate differences from conntrack 1.4.7 (its bugs,
// docs/conntrack-compatibility.md section 5):
//  * SCTP and DCCP states are named from their own tables (conntrack uses TCP's, so SCTP
//    ESTABLISHED shows as FIN_WAIT).
//  * Strings (secctx, helper, label names) are escaped, so the document is always
//    well-formed XML 1.0: & < > " ' become &amp; &lt; &gt; &quot; &apos;, tab, LF and CR
//    become &#9; &#10; &#13; (the document keeps one line per flow), and what XML 1.0
//    cannot hold at all (other control characters, bytes that are not valid UTF-8) is
//    replaced by U+FFFD.
//  * A deltatime that would be negative (clock steps) prints 0, not 2^64 - n.

#ifndef CTDUMP_CORE_XML_H_
#define CTDUMP_CORE_XML_H_

#include <cstdint>
#include <ctime>

#include "absl/strings/string_view.h"
#include "core/flow.h"
#include "core/format.h"
#include "core/text_buffer.h"

namespace ctdump {

struct XmlStyle {
  bool ktimestamp = false;  // -o ktimestamp: <timestamp><start>..</start>..</timestamp>
  // -o labels or -l: <labels> with names from here (nullptr: no <labels>).
  const LabelNames* labels = nullptr;
};

inline constexpr absl::string_view kXmlHeader =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n";
inline constexpr absl::string_view kXmlFooter = "</conntrack>\n";

// Appends one `<flow>...</flow>` line of `flow`, ending in '\n'. `now_ns` (wall clock,
// ns since the epoch) is used for <deltatime> when the record has a start timestamp but
// no stop. Never fails.
void AppendXmlFlow(const Flow& flow, const XmlStyle& style, uint64_t now_ns, TextBuffer* out);

// What an event adds to its <flow> line (`-E -o xml`; core/event_format.h):
//   <flow type="TYPE"[ polled="yes"]>, and with `when` (-o timestamp), just before
//   <helper>: <when><hour>H</hour><min>MM</min><sec>SS</sec><wday>1-7</wday><day>D</day>
//   <month>1-12</month><year>YYYY</year></when> (libnetfilter_conntrack's
//   __snprintf_localtime_xml(): minutes and seconds two digits, wday counts from Sunday=1).
struct XmlEventParts {
  absl::string_view type;        // "new", "update", "destroy" (ctdump: "resync")
  bool polled = false;           // ctdump's polled events (core/event.h)
  const std::tm* when = nullptr;  // local time of the event, or no <when>
};

// AppendXmlFlow() for an event's line.
void AppendXmlEventFlow(const Flow& flow, const XmlStyle& style, uint64_t now_ns,
                        const XmlEventParts& event, TextBuffer* out);

// Appends `s` with XML escaping as described above (for element content and attribute
// values).
void AppendXmlEscaped(absl::string_view s, TextBuffer* out);

// The whole document: header with the first flow, footer at the end.
class XmlWriter {
 public:
  explicit XmlWriter(const XmlStyle& style) : style_(style) {}

  // Appends kXmlHeader before the first flow, then the flow's line.
  void AddFlow(const Flow& flow, uint64_t now_ns, TextBuffer* out);
  // The same for an event's line (AppendXmlEventFlow()).
  void AddEventFlow(const Flow& flow, uint64_t now_ns, const XmlEventParts& event,
                    TextBuffer* out);
  // Appends kXmlFooter if a flow was written since the start (or the last End()), and
  // returns to the start: another AddFlow() begins a new document.
  void End(TextBuffer* out);

  // A header was written and no footer yet.
  bool started() const { return started_; }

 private:
  void Start(TextBuffer* out);  // the header, unless written already

  XmlStyle style_;
  bool started_ = false;
};

}  // namespace ctdump

#endif  // CTDUMP_CORE_XML_H_
