// File: core/testing/status_matchers.h (testonly)
//
// gMock matchers for absl::Status / absl::StatusOr, which Abseil 20220623 lacks.
//
//   EXPECT_THAT(ParseProcLine(line, &flow), IsOk());
//   EXPECT_THAT(MakeBackend("x"), StatusIs(absl::StatusCode::kInvalidArgument,
//                                          HasSubstr("unknown backend")));
//   EXPECT_THAT(ParseCount("3"), IsOkAndHolds(3));

#ifndef CTDUMP_CORE_TESTING_STATUS_MATCHERS_H_
#define CTDUMP_CORE_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace ctdump {
namespace testing_internal {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace testing_internal

MATCHER(IsOk, "is OK") {
  const absl::Status& s = testing_internal::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(IsOkAndHolds, m, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(m, *arg, result_listener);
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const absl::Status& s = testing_internal::GetStatus(arg);
  if (s.code() != code) {
    *result_listener << "status is " << s;
    return false;
  }
  return ::testing::ExplainMatchResult(message_matcher, std::string(s.message()),
                                       result_listener);
}

}  // namespace ctdump

#endif  // CTDUMP_CORE_TESTING_STATUS_MATCHERS_H_
