#include "fuzz/flow_invariants.h"

#include <string>

#include "core/format.h"
#include "core/json.h"
#include "core/json_reader.h"
#include "core/proc_format.h"
#include "core/text_buffer.h"
#include "core/xml.h"
#include "fuzz/fuzz_check.h"

namespace ctdump {
namespace fuzz {

bool IsOneLine(absl::string_view text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

void CheckFormatsOf(const Flow& flow) {
  static const LabelNames* const kNames = [] {
    auto* names = new LabelNames;
    names->by_bit.resize(128);
    names->by_bit[0] = "zero";
    names->by_bit[1] = "one \"quoted\" <&>";
    names->by_bit[127] = "last";
    return names;
  }();

  for (int variant = 0; variant < 4; ++variant) {
    ConntrackStyle style;
    style.extended = variant & 1;
    style.show_id = variant & 2;
    style.ktimestamp = variant == 3;
    style.labels = variant >= 2 ? kNames : nullptr;
    TextBuffer out;
    AppendConntrackLine(flow, style, kNowNs, &out);
    FUZZ_CHECK(!out.view().empty() && out.view().back() == '\n')
        << "conntrack line does not end in a newline: " << DebugString(flow);
  }

  {
    TextBuffer out;
    AppendProcLine(flow, kNowNs, &out);
    FUZZ_CHECK(!out.view().empty() && out.view().back() == '\n')
        << "-o proc line does not end in a newline: " << DebugString(flow);
  }

  {
    TextBuffer out;
    XmlWriter xml(XmlStyle{true, kNames});
    xml.AddFlow(flow, kNowNs, &out);
    xml.End(&out);
  }

  TextBuffer json;
  AppendJsonLine(flow, JsonStyle{kNames}, kNowNs, &json);
  const std::string line(json.view());
  FUZZ_CHECK(IsOneLine(line)) << "-o json is not one line: " << line;
  Flow back;
  const absl::Status parsed = ParseJsonLine(line, &back);
  FUZZ_CHECK(parsed.ok()) << "-o json does not parse back: " << parsed << "\n  line: " << line;
  FUZZ_CHECK(DebugString(back) == DebugString(flow))
      << "-o json round trip changed the record\n  line: " << line
      << "\n  want: " << DebugString(flow) << "\n  got:  " << DebugString(back);
  FUZZ_CHECK(back.secctx == flow.secctx && back.helper == flow.helper)
      << "-o json round trip changed a string\n  line: " << line;
  TextBuffer again;
  AppendJsonLine(back, JsonStyle{kNames}, kNowNs, &again);
  FUZZ_CHECK(again.view() == json.view())
      << "-o json is not stable\n  first:  " << json.view() << "  second: " << again.view();
}

}  // namespace fuzz
}  // namespace ctdump
