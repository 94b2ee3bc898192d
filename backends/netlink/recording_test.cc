#include "backends/netlink/recording.h"

#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace netlink {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RecordingTest, RoundTrip) {
  std::string file;
  const std::vector<uint8_t> a = {1, 2, 3};
  const std::vector<uint8_t> b(300, 7);
  AppendDatagram(a, &file);
  AppendDatagram({}, &file);
  AppendDatagram(b, &file);
  EXPECT_EQ(file.size(), 4 + 3 + 4 + 4 + 300u);
  EXPECT_EQ(file.substr(0, 4), std::string("\x03\x00\x00\x00", 4));  // little-endian
  EXPECT_EQ(file.substr(11, 4), std::string("\x2c\x01\x00\x00", 4));
  EXPECT_THAT(ParseRecording(file), IsOkAndHolds(ElementsAre(a, std::vector<uint8_t>{}, b)));
}

TEST(RecordingTest, Truncated) {
  std::string file;
  AppendDatagram(std::vector<uint8_t>(10, 1), &file);
  EXPECT_THAT(ParseRecording(file.substr(0, 12)),
              StatusIs(absl::StatusCode::kDataLoss,
                       "recording truncated: record 0 at offset 0 wants 10 bytes, 8 left"));
  EXPECT_THAT(ParseRecording(file + "ab"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("2 stray bytes at offset 14")));
}

TEST(RecordingTest, MissingFile) {
  EXPECT_THAT(ReadRecordingFile("/nonexistent/x.bin"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/x.bin")));
}

}  // namespace
}  // namespace netlink
}  // namespace ctdump
