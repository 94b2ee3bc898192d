// File: cli/netns_option.h
//
// --netns for every command: entered before any socket or file is opened (both keep the
// namespace they were opened in).

#ifndef CTDUMP_CLI_NETNS_OPTION_H_
#define CTDUMP_CLI_NETNS_OPTION_H_

#include <memory>

#include "backends/netns.h"
#include "backends/select.h"
#include "cli/options.h"

namespace ctdump {

// Enters --netns when given. Returns false (after printing why) on failure.
bool EnterNetns(const Options& opts, const BackendLog& log, std::unique_ptr<ScopedNetns>* out);

}  // namespace ctdump

#endif  // CTDUMP_CLI_NETNS_OPTION_H_
