// File: backends/procfs/parallel_read.h
//
// Decodes a large saved copy of /proc/net/nf_conntrack or ip_conntrack (a regular file
// of known size) on several threads, for ProcReader::ReadFd() (reader.h). Internal to
// backends/procfs.
//
// The file is cut into chunks of about `parallel_chunk_bytes` at line starts (a chunk
// holds the lines that start in its byte range; the boundaries are found in order, so a
// long line is scanned once). Each worker thread preads its chunk and runs the same
// sequential ProcReader::Read() over it, handing the flows to a FlowShard of the sink
// and keeping the skipped lines with their place among the shard's results. The calling
// thread takes the finished shards back in file order (FlowSink::CommitShard()), with
// each skip's line number made absolute ("line 17: ..."), so that the sink sees exactly
// what a sequential read would have given it. When the sink asks to stop, later chunks
// are dropped and the call returns OK, as a sequential read does.
//
// Memory: at most 2 * workers + 2 chunks have a shard at a time (the calling thread
// makes a shard for a new chunk only when it takes one back), plus one ProcReader buffer
// per worker.
//
// Errors: a failing pread() ends the read after the flows of the lines before it, with
// absl::DataLossError("read NAME: <errno text> (after line N)"), as ReadFd() does.

#ifndef CTDUMP_BACKENDS_PROCFS_PARALLEL_READ_H_
#define CTDUMP_BACKENDS_PROCFS_PARALLEL_READ_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "backends/procfs/reader.h"
#include "core/backend.h"

namespace ctdump {

// Reads `fd` (a regular file of `size` bytes; not closed) with `workers` >= 2 threads.
// `first_shard` is the sink's shard for the first chunk (the caller asked NewShard() to
// learn whether the sink takes shards). Returns nullopt, having consumed nothing, when
// no worker thread could be started (the caller then reads sequentially).
absl::optional<absl::Status> ReadInParallel(int fd, uint64_t size, absl::string_view name,
                                            const ProcReaderOptions& options, int workers,
                                            std::unique_ptr<FlowShard> first_shard,
                                            FlowSink& sink);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_PROCFS_PARALLEL_READ_H_
