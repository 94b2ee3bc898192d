// File: core/format.h
//
// Text output of flows.
//
//   ConntrackStyle style;           // plain `conntrack -L`
//   style.extended = true;          // `-o extended`
//   AppendConntrackLine(flow, style, NowNs(), &buffer);
//
// AppendConntrackLine() reproduces conntrack-tools 1.4.7 (libnetfilter_conntrack 1.0.9)
// `-L` lines byte for byte: a field is printed when the record has it, in conntrack's
// order (docs/conntrack-compatibility.md, section 1). Records from /proc print as
// conntrack would print the same entry, except for what /proc does not carry (id, helper,
// labels, absolute timestamps) and `use=`, which is printed as the source reported it.
// Unlike conntrack, long lines are not cut at 4095 bytes.

#ifndef CTDUMP_CORE_FORMAT_H_
#define CTDUMP_CORE_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/flow.h"
#include "core/text_buffer.h"

namespace ctdump {

// Names of label bits, from /etc/xtables/connlabel.conf ("bit name" lines).
struct LabelNames {
  std::vector<std::string> by_bit;  // index = bit number; empty = unnamed
};

struct ConntrackStyle {
  bool extended = false;    // -o extended: "ipv4     2 " prefix
  bool show_id = false;     // -o id: "id=N" after use=
  bool ktimestamp = false;  // -o ktimestamp: "[start=ctime]" "[stop=ctime]"
  // -o labels or -l: print "labels=" with names from here (nullptr: no labels field).
  const LabelNames* labels = nullptr;
};

// Appends one `conntrack -L` line, ending in '\n'. `now_ns` (wall clock, ns since the
// epoch) is used for delta-time when the entry has a start but no stop timestamp.
void AppendConntrackLine(const Flow& flow, const ConntrackStyle& style, uint64_t now_ns,
                         TextBuffer* out);

// The wall clock in ns since the epoch (CLOCK_REALTIME).
uint64_t WallClockNs();

}  // namespace ctdump

#endif  // CTDUMP_CORE_FORMAT_H_
