// File: core/json_reader.h
//
// ParseJsonLine(): reads back one line of `-o json` (schema version 1, core/json.h) into a
// Flow. The inverse of AppendJsonLine(): `ctdump --input` reads saved `-o json` lines
// with it (backends/procfs/reader.h), and so do tests, fuzzers and programs that consume
// ctdump's JSON. -E -o json event lines read as the flows they carry (the event keys are
// skipped as unknown keys).
//
//   Flow back;
//   CTDUMP_RETURN_IF_ERROR(ParseJsonLine(line, &back));

#ifndef CTDUMP_CORE_JSON_READER_H_
#define CTDUMP_CORE_JSON_READER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/flow.h"

namespace ctdump {

// Parses one object as AppendJsonLine() writes it into `*flow` (cleared first). `line`
// may end in '\n'. Accepts any JSON text that means the same object: other key order,
// whitespace between tokens, escaped characters in strings. Unknown keys, at any level,
// are skipped (later additions to version 1 are new keys). "label_names" is ignored.
// `netns`, when given, gets the object's "netns" string (the namespace --all-netns
// listed it from; a string, else an error), or is cleared when there is none.
//
// Errors: kInvalidArgument (the Flow is then unspecified), with a message that names the
// byte offset or the key and what is wrong, for example
//   byte 17: expected ':' after an object key
//   "orig"."sport": 70000 is out of range (0-65535)
//   missing key "reply"
//   duplicate key "mark"
//   unsupported schema version 2 (this reader knows 1)
//   "proto" is "udp" but "protonum" 6 is "tcp"
// Rejected: text that is not one JSON object (trailing bytes, invalid UTF-8, raw control
// characters in strings, lone surrogates, nesting deeper than 32); a key that
// AppendJsonLine() always writes missing; a known key twice; a value of the wrong type
// or out of its range; names that disagree with their numbers (family, proto, state,
// status); an address that does not parse for the family; L4 keys that do not belong to
// the protocol, or only some of them; "packets" without "bytes" or the reverse.
absl::Status ParseJsonLine(absl::string_view line, Flow* flow, std::string* netns = nullptr);

}  // namespace ctdump

#endif  // CTDUMP_CORE_JSON_READER_H_
