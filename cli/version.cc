#include "cli/version.h"

#include "absl/strings/str_cat.h"
#include "backends/select.h"

// Set by cli/BUILD.bazel from --define=ctdump_version / ctdump_commit (see version.h).
#ifndef CTDUMP_VERSION
#define CTDUMP_VERSION
#endif
#ifndef CTDUMP_COMMIT
#define CTDUMP_COMMIT unknown
#endif
#define CTDUMP_STRINGIFY_(x) #x
#define CTDUMP_STRINGIFY(x) CTDUMP_STRINGIFY_(x)

namespace ctdump {

std::string VersionLine() {
  const char* version = CTDUMP_STRINGIFY(CTDUMP_VERSION);
  const char* commit = CTDUMP_STRINGIFY(CTDUMP_COMMIT);
  return absl::StrCat("ctdump ", *version != '\0' ? version : kVersion,
                      " commit=", *commit != '\0' ? commit : "unknown",
                      " flavour=", kBuildFlavour, " backends=", kCompiledBackends);
}

}  // namespace ctdump
