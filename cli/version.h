// File: cli/version.h
//
// ctdump's version (tools/release.sh and tools/release/version.sh read it from here).

#ifndef CTDUMP_CLI_VERSION_H_
#define CTDUMP_CLI_VERSION_H_

namespace ctdump {

inline constexpr char kVersion[] = "0.1.0";

}  // namespace ctdump

#endif  // CTDUMP_CLI_VERSION_H_
