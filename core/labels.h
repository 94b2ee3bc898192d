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

// Bits a label map can name (libnetfilter_conntrack's limit; entries carry 128).
inline constexpr unsigned kLabelMapBits = 1024;

// Parses the file's text exactly as libnetfilter_conntrack's nfct_labelmap_new() does
// (checked against it by core:labels_libnfct_crosscheck_test):
//  * lines as fgets() reads them into 1024 bytes (longer lines continue as the next
//    "line"), each cut at its first NUL;
//  * a line starting with '#' is a comment;
//  * the bit is read with strtoul(line, &end, 0): leading white space, a sign, "0x5" and
//    "013" (octal, 11) work; a line without a number, or a bit of kLabelMapBits or more,
//    defines nothing;
//  * the name is the rest of the line without its leading and trailing white space, and
//    must be non-empty and only letters, digits, '-' and ' ';
//  * the first definition of a bit wins, and so does the first use of a name (a line
//    that names a second bit with it defines nothing).
// (libnetfilter_conntrack gives no map at all for a file that defines nothing; that is an
// empty LabelNames here.)
LabelNames ParseLabelNames(absl::string_view text);

// Reads and parses `path`. Errors: kNotFound / kPermissionDenied / kUnavailable naming
// the path and the errno text.
absl::StatusOr<LabelNames> LoadLabelNames(const char* path);

// The lowest bit named `name`, or -1.
int LabelBit(const LabelNames& names, absl::string_view name);

}  // namespace ctdump

#endif  // CTDUMP_CORE_LABELS_H_
