#include "core/backend.h"

namespace ctdump {

Backend::~Backend() = default;

}  // namespace ctdump
