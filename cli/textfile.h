// File: cli/textfile.h
//
// `ctdump --textfile PATH`: publishes a file for node_exporter's textfile collector
// atomically. The text goes to a temporary file in PATH's directory (".NAME.XXXXXX",
// which the collector ignores: it reads *.prom only), mode 0644, fsync()ed, then
// rename()d over PATH, and the directory is fsync()ed. Readers see the old file or the new
// one, never a part. On any failure the temporary file is removed; SIGINT, SIGTERM and
// SIGHUP are held back while it exists, so that they cannot leave it behind either.

#ifndef CTDUMP_CLI_TEXTFILE_H_
#define CTDUMP_CLI_TEXTFILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctdump {

// Errors name the step and the path, with the errno text.
absl::Status PublishTextfile(const std::string& path, absl::string_view text);

}  // namespace ctdump

#endif  // CTDUMP_CLI_TEXTFILE_H_
