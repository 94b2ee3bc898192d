// kBuildFlavour (cli/version.h): CTDUMP_FLAVOUR is set by the :flavour_* target that
// compiles this file.
#include "cli/version.h"

#define CTDUMP_STRINGIFY_(x) #x
#define CTDUMP_STRINGIFY(x) CTDUMP_STRINGIFY_(x)

namespace ctdump {

const char kBuildFlavour[] = CTDUMP_STRINGIFY(CTDUMP_FLAVOUR);

}  // namespace ctdump
