#include "cli/label_setup.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/messages.h"
#include "core/labels.h"

namespace ctdump {

int SetupLabels(const Options& opts, Filter* filter, LabelNames* label_names,
                const LabelNames** style_labels) {
  if (!opts.out_labels && opts.label_filter.empty()) return 0;
  absl::StatusOr<LabelNames> names = LoadLabelNames(kConnlabelConfPath);
  if (!names.ok() && !opts.label_filter.empty()) {
    PrintErr(absl::StrCat(names.status().message(), "; -l needs label names"));
    return 1;
  }
  if (names.ok()) {
    *label_names = *std::move(names);
    *style_labels = label_names;  // -l also turns on labels= output, as in conntrack
  } else {
    PrintErr(absl::StrCat(names.status().message(), "; labels are not printed"));
  }
  if (!opts.label_filter.empty()) {
    filter->labels = Labels{};
    for (const std::string& name : opts.label_filter) {
      int bit = LabelBit(*label_names, name);
      if (bit < 0) {
        PrintErr(absl::StrCat("unknown label '", name, "' (not in ", kConnlabelConfPath, ")"));
        PrintErr("Try `ctdump -h' or 'ctdump --help' for more information.");
        return 2;
      }
      filter->labels->Set(static_cast<unsigned>(bit));
    }
  }
  return 0;
}

}  // namespace ctdump
