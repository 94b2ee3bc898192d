// File: cli/label_setup.h
//
// Label names for -o labels and -l (connlabel.conf, core/labels.h).

#ifndef CTDUMP_CLI_LABEL_SETUP_H_
#define CTDUMP_CLI_LABEL_SETUP_H_

#include "cli/options.h"
#include "core/filter.h"
#include "core/format.h"

namespace ctdump {

// Loads label names when -o labels or -l needs them, and adds the -l bits to `filter`.
// `*style_labels` is set to `names` when labels are to be printed. Returns 0 on success,
// else the exit code (after printing why): 1 when -l cannot get names, 2 for an unknown
// label name.
int SetupLabels(const Options& opts, Filter* filter, LabelNames* names,
                const LabelNames** style_labels);

}  // namespace ctdump

#endif  // CTDUMP_CLI_LABEL_SETUP_H_
