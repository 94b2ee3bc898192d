// The real transport opens without privilege (nothing is sent: this test must not touch
// any conntrack table), and errno statuses round-trip.

#include "backends/netlink/transport.h"

#include <errno.h>

#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using ::testing::HasSubstr;

TEST(TransportTest, ErrnoRoundTrips) {
  for (int err : {EINTR, ENOBUFS, ENOSPC, EPERM, EAGAIN}) {
    absl::Status s = TransportError(err, "netlink recv");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(TransportErrno(s), err);
    EXPECT_EQ(s.code(), absl::ErrnoToStatus(err, "").code());
    EXPECT_THAT(s.message(), HasSubstr("netlink recv"));
  }
  EXPECT_EQ(TransportErrno(absl::OkStatus()), 0);
  EXPECT_EQ(TransportErrno(absl::UnavailableError("no errno")), 0);
}

TEST(TransportTest, OpensAndBindsWithAKernelAssignedPortId) {
  absl::StatusOr<std::unique_ptr<Transport>> t = OpenCtnetlinkTransport();
  if (!t.ok() && t.status().code() == absl::StatusCode::kFailedPrecondition) {
    GTEST_SKIP() << "no nfnetlink here: " << t.status();
  }
  ASSERT_THAT(t, IsOk());
  EXPECT_NE((*t)->PortId(), 0u);
  absl::StatusOr<std::unique_ptr<Transport>> t2 = OpenCtnetlinkTransport();
  ASSERT_THAT(t2, IsOk());
  EXPECT_NE((*t2)->PortId(), (*t)->PortId());
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
