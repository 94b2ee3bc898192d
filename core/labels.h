// File: core/labels.h
//
// Connection label names, from the file conntrack and nft read:
// /etc/xtables/connlabel.conf, lines of "BIT NAME" (BIT 0-127), '#' comments.
//
//   CTDUMP_ASSIGN_OR_RETURN(LabelNames names, LoadLabelNames(kConnlabelConfPath));

#ifndef CTDUMP_CORE_LABELS_H_
#define CTDUMP_CORE_LABELS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/format.h"

namespace ctdump {

inline constexpr char kConnlabelConfPath[] = "/etc/xtables/connlabel.conf";

// Parses the file's text. Lines that do not start with a bit number are ignored, as
// libnetfilter_conntrack does; a bit over 127 is ignored.
LabelNames ParseLabelNames(absl::string_view text);

// Reads and parses `path`. Errors: kNotFound / kPermissionDenied / kUnavailable naming
// the path and the errno text.
absl::StatusOr<LabelNames> LoadLabelNames(const char* path);

// The bit of `name`, or -1.
int LabelBit(const LabelNames& names, absl::string_view name);

}  // namespace ctdump

#endif  // CTDUMP_CORE_LABELS_H_
