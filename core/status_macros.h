// File: core/status_macros.h
//
// Abseil 20220623 (Debian 12) has no RETURN_IF_ERROR / ASSIGN_OR_RETURN; these are ours.
//
//   CTDUMP_RETURN_IF_ERROR(sock.Send(req));
//   CTDUMP_ASSIGN_OR_RETURN(std::unique_ptr<Backend> b, MakeBackend("procfs"));

#ifndef CTDUMP_CORE_STATUS_MACROS_H_
#define CTDUMP_CORE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CTDUMP_RETURN_IF_ERROR(expr)                  \
  do {                                                \
    ::absl::Status ctdump_status_ = (expr);           \
    if (!ctdump_status_.ok()) return ctdump_status_;  \
  } while (0)

#define CTDUMP_STATUS_CONCAT_INNER_(a, b) a##b
#define CTDUMP_STATUS_CONCAT_(a, b) CTDUMP_STATUS_CONCAT_INNER_(a, b)

#define CTDUMP_ASSIGN_OR_RETURN(lhs, expr) \
  CTDUMP_ASSIGN_OR_RETURN_IMPL_(CTDUMP_STATUS_CONCAT_(ctdump_statusor_, __LINE__), lhs, expr)

#define CTDUMP_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                  \
  if (!var.ok()) return std::move(var).status();      \
  lhs = std::move(var).value()

#endif  // CTDUMP_CORE_STATUS_MACROS_H_
