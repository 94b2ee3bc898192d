// File: backends/netlink/recording.h
//
// The on-disk format of ctnetlink recordings (tools/ctrecord writes them, tests replay
// them; testdata/netlink/README.md): the datagrams that recvmsg() returned, in order, each
// as a 4-byte little-endian length followed by that many bytes. No header, no padding.
//
//   std::string file;
//   AppendDatagram(absl::MakeConstSpan(buf, n), &file);
//   CTDUMP_ASSIGN_OR_RETURN(std::vector<std::vector<uint8_t>> datagrams,
//                           ParseRecording(file));

#ifndef CTDUMP_BACKENDS_NETLINK_RECORDING_H_
#define CTDUMP_BACKENDS_NETLINK_RECORDING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ctdump {
namespace netlink {

// Appends one record (length + bytes) to `out`.
void AppendDatagram(absl::Span<const uint8_t> datagram, std::string* out);

// Splits a recording into its datagrams.
// Errors: kDataLoss "recording truncated: record 3 at offset 4100 wants 8192 bytes, 12 left".
absl::StatusOr<std::vector<std::vector<uint8_t>>> ParseRecording(absl::string_view data);

// Reads and parses a recording file. Errors: kNotFound / ErrnoToStatus for the read,
// then those of ParseRecording().
absl::StatusOr<std::vector<std::vector<uint8_t>>> ReadRecordingFile(const std::string& path);

}  // namespace netlink
}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_NETLINK_RECORDING_H_
