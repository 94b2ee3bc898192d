// File: backends/procfs/procfs_backend.h
//
// Backends that read the conntrack table as text: the live /proc files, or a saved copy
// of one (`ctdump --input FILE`).
//
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, MakeProcBackend(kNfConntrackPath));
//   CTDUMP_RETURN_IF_ERROR(b->Dump(DumpRequest{}, sink));
//
// Both decode every line with ParseProcLine() (backends/procfs/parse.h) through a
// ProcReader (backends/procfs/reader.h): malformed lines reach FlowSink::OnSkipped() as
// "line N: ..." and the dump goes on. DumpRequest::family drops lines of the other family.
//
// Which file exists (docs/procfs-format.md 1): /proc/net/nf_conntrack on kernels with
// CONFIG_NF_CONNTRACK_PROCFS (CentOS/RHEL 6 to 9, Debian; not on any stock Ubuntu LTS)
// once nf_conntrack is loaded; /proc/net/ip_conntrack on 2.6.18-era kernels (CentOS 5)
// and on kernels before 4.9 built with CONFIG_NF_CONNTRACK_PROC_COMPAT. Both are mode
// 0440, readable only by root of the network namespace. ctnetlink is the better source
// wherever it exists: it is complete (ids, helpers, labels, every status bit) and, before
// 6.16, much faster on large tables.

#ifndef CTDUMP_BACKENDS_PROCFS_PROCFS_BACKEND_H_
#define CTDUMP_BACKENDS_PROCFS_PROCFS_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/backend.h"

namespace ctdump {

inline constexpr char kNfConntrackPath[] = "/proc/net/nf_conntrack";
inline constexpr char kIpConntrackPath[] = "/proc/net/ip_conntrack";

// A backend over one /proc conntrack file, normally kNfConntrackPath or kIpConntrackPath.
// The file is opened here, so a missing or unreadable file is reported at once; each
// Dump() reads it again from the start. Name(): "procfs PATH".
// Errors, here or from Dump():
//   kFailedPrecondition  the file does not exist (the message says why that happens and
//                        to use the netlink backend instead)
//   kPermissionDenied    not readable: the file is mode 0440, root of this network
//                        namespace only
//   kDataLoss            (Dump) read() failed mid-file; flows already delivered stand
//   others               other open() failures, with the errno text
absl::StatusOr<std::unique_ptr<Backend>> MakeProcBackend(std::string path);

// A backend over a saved copy of either /proc file, or of ctdump's own `-o json` lines
// (a support bundle from `ctdump -L -o json`; recognised per line, reader.h); "-" reads
// standard input (once: a second Dump() fails with kFailedPrecondition). Lines starting
// with '#' are comments.
// Name(): "input PATH".
// Errors: kNotFound (no such file), kPermissionDenied, kInvalidArgument (a directory),
// kDataLoss (Dump: read() failed), others with the errno text.
absl::StatusOr<std::unique_ptr<Backend>> MakeProcInputBackend(std::string path);

}  // namespace ctdump

#endif  // CTDUMP_BACKENDS_PROCFS_PROCFS_BACKEND_H_
