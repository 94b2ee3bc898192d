#include "core/event.h"

namespace ctdump {

absl::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kNew: return "NEW";
    case EventType::kUpdate: return "UPDATE";
    case EventType::kDestroy: return "DESTROY";
    case EventType::kResync: return "RESYNC";
  }
  return "UNKNOWN";
}

}  // namespace ctdump
