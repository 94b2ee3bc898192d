// File: lib/filter_args.h
//
// A Filter (core/filter.h) from conntrack-style filter arguments, parsed exactly as the
// `ctdump` command parses them (the same option table, cli/options.h), so that an
// embedder accepts what `conntrack -L` and `ctdump -L` accept:
//
//   absl::StatusOr<ctdump::Filter> f =
//       ctdump::ParseFilterArgs({"-p", "tcp", "--dport", "443", "-s", "10.0.0.0/8"});
//   if (!f.ok()) ...  // kInvalidArgument, the message ctdump prints for exit status 2
//
// Only filters are taken: -s/-d/-r/-q (with /N or --mask-*), -p and its protocol options
// (--sport, --dport, --state, ICMP and GRE keys, ...), -f, -m, -u, -w, --orig-zone,
// --reply-zone, -n/-g/-j and -c, as `ctdump -L` takes them. A command (-E, -C, ...), an
// output or source option (-o, --backend, --input, --netns, ...) or -l (label names need
// connlabel.conf: set Filter::labels with core/labels.h instead) is an error naming it.
// Pure: reads no file.

#ifndef CTDUMP_LIB_FILTER_ARGS_H_
#define CTDUMP_LIB_FILTER_ARGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/filter.h"

namespace ctdump {

absl::StatusOr<Filter> ParseFilterArgs(const std::vector<std::string>& args);

}  // namespace ctdump

#endif  // CTDUMP_LIB_FILTER_ARGS_H_
