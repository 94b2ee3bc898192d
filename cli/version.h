// File: cli/version.h
//
// `ctdump --version` / `-V`: one line that scripts can split on blanks and `=`:
//
//   ctdump 0.1.0+g1a2b3c4d5e6f commit=1a2b3c4d5e6f flavour=static backends=netlink,procfs
//
//   VERSION   the release version tools/release.sh computed (tools/release/version.sh),
//             or kVersion (below) in builds that were not made by release.sh;
//   commit=   the git commit release.sh built (12 hex digits, "-dirty" for a modified
//             tree), "unknown" in other builds;
//   flavour=  "static" (//cli:ctdump_static, fully static) or "dynamic" (//cli:ctdump, and
//             ctdump_static under the sanitizer configurations, which link dynamically);
//   backends= the backends compiled in (backends/select.h, kCompiledBackends).
//
// VERSION and commit come from --define=ctdump_version=... and --define=ctdump_commit=...
// (.bazelrc sets the dev defaults, "" and "unknown"; release.sh passes the real ones), not
// from Bazel's volatile stamping: the same commit always gives the same bytes, and only
// cli/version.cc is compiled again when they change.

#ifndef CTDUMP_CLI_VERSION_H_
#define CTDUMP_CLI_VERSION_H_

#include <string>

namespace ctdump {

// The version of this source tree (tools/release.sh and tools/release/version.sh read it
// from here).
inline constexpr char kVersion[] = "0.1.0";

// The line above, without the newline.
std::string VersionLine();

// "static" or "dynamic": defined by :flavour_static or :flavour_dynamic (cli/flavour.cc),
// whichever the binary links.
extern const char kBuildFlavour[];

}  // namespace ctdump

#endif  // CTDUMP_CLI_VERSION_H_
