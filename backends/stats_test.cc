// Tests of backends/stats.h: the pure decoders (netlink messages built with MsgBuilder,
// /proc/net/stat/nf_conntrack fixture text), the exact `conntrack -S` line, and both
// sources of ReadTableCount() / ReadCpuStats() with the fake ctnetlink transport and a
// temporary /proc root.

#include "backends/stats.h"

#include <errno.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/netlink/ctnetlink.h"
#include "backends/netlink/request.h"
#include "backends/netlink/stats_query.h"
#include "backends/netlink/testing/fake_transport.h"
#include "backends/netlink/testing/nl_builder.h"
#include "core/testing/status_matchers.h"
#include "core/text_buffer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using netlink::testing::Concat;
using netlink::testing::DoneMsg;
using netlink::testing::ErrnoReply;
using netlink::testing::ErrorMsg;
using netlink::testing::FakeKernel;
using netlink::testing::MsgBuilder;
using netlink::testing::CpuStats618Reply;
namespace ctnl = netlink::ctnl;

constexpr uint16_t kStatsCpuType = 0x0104;
constexpr uint16_t kStatsType = 0x0105;

std::string Line(const CpuStats& s) {
  TextBuffer b;
  AppendCpuStatsLine(s, &b);
  return std::string(b.view());
}


// ------------------------------------------------------------------- the -S line --

TEST(CpuStatsLineTest, NamesByAttributeNumber) {
  const char* want[] = {"searched", "found", "new", "invalid", "ignore",
                        "delete", "delete_list", "insert", "insert_failed", "drop",
                        "early_drop", "error", "search_restart", "clash_resolve",
                        "chaintoolong"};
  for (int n = 1; n <= kCpuStatMax; ++n) EXPECT_EQ(CpuStatName(n), want[n - 1]) << n;
  EXPECT_EQ(CpuStatName(0), "");
  EXPECT_EQ(CpuStatName(16), "");
}

TEST(CpuStatsLineTest, ExactlyConntracksLine) {
  CpuStats s;
  ASSERT_THAT(netlink::DecodeCpuStatsMessage(CpuStats618Reply(0, 14), &s), IsOk());
  // docs/conntrack-compatibility.md 2.5, quoted from real output.
  EXPECT_EQ(Line(s),
            "cpu=0   \tfound=0 invalid=0 insert=14 insert_failed=0 drop=0 early_drop=0 "
            "error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n");
}

TEST(CpuStatsLineTest, WidthAttributeOrderAndEmpty) {
  CpuStats s;
  s.cpu = 12345;  // %-4u does not cut
  EXPECT_EQ(Line(s), "cpu=12345\t\n");
  s.cpu = 17;
  s.Set(15, 1);
  s.Set(1, 4294967295u);
  s.Set(3, 2);
  EXPECT_EQ(Line(s), "cpu=17  \tsearched=4294967295 new=2 chaintoolong=1 \n");
  s.Set(0, 9);   // out of range: ignored
  s.Set(16, 9);
  EXPECT_EQ(s.present, (1u << 1) | (1u << 3) | (1u << 15));
}

// ------------------------------------------------------- /proc/net/stat parsing --

// Linux 6.18, two CPUs (as read in a namespace after some inserts).
constexpr char kProc618[] =
    "entries  clashres found new invalid ignore delete chainlength insert insert_failed "
    "drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
    "00000018  00000001 00000002 00000000 00000003 00000000 00000000 00000004 0000000e "
    "00000005 00000006 00000007 00000008  00000009 0000000a 0000000b 0000000c\n"
    "00000018  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
    "00000000 00000000 00000000 00000000  00000000 00000000 00000000 ffffffff\n";

// The 4.x layout (before clash_resolve and chaintoolong).
constexpr char kProc4x[] =
    "entries  searched found new invalid ignore delete delete_list insert insert_failed "
    "drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
    "00000002  0000000a 00000001 00000002 00000003 00000004 00000005 00000006 00000007 "
    "00000008 00000009 0000000b 0000000c  00000000 00000000 00000000 0000000d\n";

TEST(ParseProcStatConntrackTest, Linux618MapsToTheNetlinkCounters) {
  absl::StatusOr<std::vector<CpuStats>> cpus = ParseProcStatConntrack(kProc618);
  ASSERT_THAT(cpus, IsOk());
  ASSERT_EQ(cpus->size(), 2u);
  EXPECT_EQ((*cpus)[0].source, CpuStatsSource::kProcStat);
  EXPECT_EQ((*cpus)[1].cpu, 1u);
  // The same counters as 6.18's ctnetlink (new/ignore/delete are placeholders there).
  CpuStats nl;
  ASSERT_THAT(netlink::DecodeCpuStatsMessage(CpuStats618Reply(0, 0), &nl), IsOk());
  EXPECT_EQ((*cpus)[0].present, nl.present);
  EXPECT_EQ(Line((*cpus)[0]),
            "cpu=0   \tfound=2 invalid=3 insert=14 insert_failed=5 drop=6 early_drop=7 "
            "error=8 search_restart=12 clash_resolve=1 chaintoolong=4 \n");
  EXPECT_EQ((*cpus)[1].value[13], 0xffffffffu);
}

TEST(ParseProcStatConntrackTest, OlderLayoutKeepsEveryCounter) {
  absl::StatusOr<std::vector<CpuStats>> cpus = ParseProcStatConntrack(kProc4x);
  ASSERT_THAT(cpus, IsOk());
  ASSERT_EQ(cpus->size(), 1u);
  EXPECT_EQ(Line((*cpus)[0]),
            "cpu=0   \tsearched=10 found=1 new=2 invalid=3 ignore=4 delete=5 delete_list=6 "
            "insert=7 insert_failed=8 drop=9 early_drop=11 error=12 search_restart=13 \n");
}

TEST(ParseProcStatConntrackTest, ByNameNotPosition) {
  absl::StatusOr<std::vector<CpuStats>> cpus =
      ParseProcStatConntrack("drop found some_future_counter entries\n1 2 3 4\n");
  ASSERT_THAT(cpus, IsOk());
  EXPECT_EQ(Line((*cpus)[0]), "cpu=0   \tfound=2 drop=1 \n");
}

TEST(ParseProcStatConntrackTest, Errors) {
  EXPECT_THAT(ParseProcStatConntrack(""), StatusIs(absl::StatusCode::kDataLoss, "empty file"));
  EXPECT_THAT(ParseProcStatConntrack("entries found\n1 2 3\n"),
              StatusIs(absl::StatusCode::kDataLoss, "line 2 has 3 values, the header names 2"));
  EXPECT_THAT(ParseProcStatConntrack("entries found\n1 00zz\n"),
              StatusIs(absl::StatusCode::kDataLoss,
                       "line 2, column \"found\": \"00zz\" is not hex"));
  EXPECT_THAT(ParseProcStatConntrack("entries found\n1 100000000\n"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("is not hex")));
  // A header alone: no CPU lines, no error.
  EXPECT_THAT(ParseProcStatConntrack("entries found\n"), IsOkAndHolds(ElementsAre()));
}

TEST(ParseSysctlNumberTest, Values) {
  EXPECT_THAT(ParseSysctlNumber("262144\n"), IsOkAndHolds(262144u));
  EXPECT_THAT(ParseSysctlNumber("0"), IsOkAndHolds(0u));
  EXPECT_THAT(ParseSysctlNumber(""), StatusIs(absl::StatusCode::kDataLoss, "not a number: \"\""));
  EXPECT_THAT(ParseSysctlNumber("abc\n"), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("abc")));
  EXPECT_THAT(ParseSysctlNumber("-1\n"), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("-1")));
}

// ------------------------------------------------------------------------ the I/O --

class StatsIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = absl::StrCat(tmp ? tmp : "/tmp", "/proc-",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    kernel_ = std::make_shared<FakeKernel>();
    sources_.open_netlink = kernel_->Opener();
    sources_.proc_root = root_;
  }

  void Write(const std::string& rel, const std::string& content) {
    const std::string path = root_ + rel;
    for (size_t i = 1; i < path.size(); ++i) {
      if (path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
    }
    std::ofstream(path) << content;
  }

  // The one request sent, as it must be.
  void ExpectRequest(netlink::CtRequest kind) {
    ASSERT_EQ(kernel_->requests.size(), 1u);
    const std::vector<uint8_t>& sent = kernel_->requests[0];
    uint32_t seq;
    std::memcpy(&seq, sent.data() + 8, 4);
    const netlink::CtRequestBytes want = netlink::BuildCtRequest(kind, 0, seq);
    EXPECT_EQ(sent, std::vector<uint8_t>(want.data.begin(), want.data.begin() + want.size));
  }

  std::string root_;
  std::shared_ptr<FakeKernel> kernel_;
  StatsSources sources_;
};

std::vector<uint8_t> GlobalStats(uint32_t entries, std::optional<uint32_t> max) {
  MsgBuilder b(kStatsType, ctnl::kNlmFMulti);
  b.Nfgen(0).Be32(ctnl::kCtaStatsGlobalEntries, entries);
  if (max) b.Be32(ctnl::kCtaStatsGlobalMaxEntries, *max);
  return b.Build();
}

TEST_F(StatsIoTest, CountFromNetlink) {
  kernel_->Script({{GlobalStats(24, 262144)}});
  absl::StatusOr<TableCount> c = ReadTableCount(sources_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->count, 24u);
  EXPECT_EQ(c->max, 262144u);
  EXPECT_EQ(c->source, CountSource::kNetlink);
  EXPECT_EQ(c->source_name, "ctnetlink CT_GET_STATS");
  EXPECT_EQ(c->fallback_reason, "");
  ExpectRequest(netlink::CtRequest::kGetStats);
  EXPECT_EQ(kernel_->transports_closed, 1);  // one socket per call
}

TEST_F(StatsIoTest, CountWithoutMaxAttributeTakesTheSysctl) {
  Write("/sys/net/netfilter/nf_conntrack_max", "65536\n");
  kernel_->Script({{GlobalStats(3, std::nullopt)}});  // before 4.18
  absl::StatusOr<TableCount> c = ReadTableCount(sources_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->count, 3u);
  EXPECT_EQ(c->max, 65536u);
  EXPECT_EQ(c->source, CountSource::kNetlink);
}

TEST_F(StatsIoTest, EpermFallsBackToTheSysctlAndSaysWhy) {
  Write("/sys/net/netfilter/nf_conntrack_count", "7\n");
  Write("/sys/net/netfilter/nf_conntrack_max", "262144\n");
  kernel_->Script({{ErrorMsg(0, 0, EPERM)}});
  absl::StatusOr<TableCount> c = ReadTableCount(sources_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->count, 7u);
  EXPECT_EQ(c->max, 262144u);
  EXPECT_EQ(c->source, CountSource::kSysctl);
  EXPECT_EQ(c->source_name, root_ + "/sys/net/netfilter/nf_conntrack_count");
  EXPECT_EQ(c->fallback_reason,
            "ctnetlink CT_GET_STATS refused (EPERM): needs CAP_NET_ADMIN in this network "
            "namespace");
}

TEST_F(StatsIoTest, LegacyIpConntrackFiles) {
  Write("/sys/net/ipv4/netfilter/ip_conntrack_count", "5\n");
  Write("/sys/net/ipv4/netfilter/ip_conntrack_max", "8192\n");
  sources_.open_netlink = nullptr;
  absl::StatusOr<TableCount> c = ReadTableCount(sources_);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->count, 5u);
  EXPECT_EQ(c->max, 8192u);
  EXPECT_EQ(c->source, CountSource::kSysctlLegacy);
  EXPECT_TRUE(kernel_->requests.empty());
}

TEST_F(StatsIoTest, CountErrorsAreHonest) {
  kernel_->Script({{ErrorMsg(0, 0, EPERM)}});
  EXPECT_THAT(ReadTableCount(sources_),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       ::testing::AllOf(HasSubstr("needs CAP_NET_ADMIN"),
                                        HasSubstr("nf_conntrack_count"),
                                        HasSubstr("ip_conntrack_count"))));
  kernel_->Script({{ErrorMsg(0, 0, EOPNOTSUPP)}});
  EXPECT_THAT(ReadTableCount(sources_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("EOPNOTSUPP")));
  Write("/sys/net/netfilter/nf_conntrack_count", "lots\n");
  kernel_->Script({{ErrorMsg(0, 0, EINVAL)}});
  EXPECT_THAT(ReadTableCount(sources_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a number: \"lots\"")));
  // A malformed reply is not papered over by the sysctl... it is reported with it.
  kernel_->Script({{MsgBuilder(kStatsType, ctnl::kNlmFMulti).Nfgen(0).Build()}});
  EXPECT_THAT(ReadTableCount(sources_),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("CTA_STATS_GLOBAL_ENTRIES missing")));
}

TEST_F(StatsIoTest, CpuStatsFromNetlink) {
  kernel_->Script({{Concat({CpuStats618Reply(0, 14), CpuStats618Reply(1, 2)})}, {DoneMsg()}});
  absl::StatusOr<std::vector<CpuStats>> cpus = ReadCpuStats(sources_);
  ASSERT_THAT(cpus, IsOk());
  ASSERT_EQ(cpus->size(), 2u);
  EXPECT_EQ((*cpus)[1].cpu, 1u);
  EXPECT_EQ((*cpus)[1].value[ctnl::kCtaStatsInsert], 2u);
  EXPECT_EQ((*cpus)[0].source, CpuStatsSource::kNetlink);
  ExpectRequest(netlink::CtRequest::kDumpStatsCpu);
}

TEST_F(StatsIoTest, CpuStatsFallBackToProcOnEperm) {
  Write("/net/stat/nf_conntrack", kProc618);
  kernel_->Script({{ErrorMsg(0, 0, EPERM)}});
  absl::StatusOr<std::vector<CpuStats>> cpus = ReadCpuStats(sources_);
  ASSERT_THAT(cpus, IsOk());
  ASSERT_EQ(cpus->size(), 2u);
  EXPECT_EQ((*cpus)[0].source, CpuStatsSource::kProcStat);
}

TEST_F(StatsIoTest, CpuStatsFallBackWhenTheDumpBreaksOff) {
  Write("/net/stat/nf_conntrack", kProc4x);
  kernel_->Script({{CpuStats618Reply(0, 1)}, ErrnoReply(ENOBUFS)});
  absl::StatusOr<std::vector<CpuStats>> cpus = ReadCpuStats(sources_);
  ASSERT_THAT(cpus, IsOk());
  ASSERT_EQ(cpus->size(), 1u);
  EXPECT_EQ((*cpus)[0].source, CpuStatsSource::kProcStat);
}

TEST_F(StatsIoTest, CpuStatsErrorsAreHonest) {
  kernel_->Script({{ErrorMsg(0, 0, EPERM)}});
  EXPECT_THAT(ReadCpuStats(sources_),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       ::testing::AllOf(HasSubstr("CT_GET_STATS_CPU refused (EPERM): needs "
                                                  "CAP_NET_ADMIN"),
                                        HasSubstr("net/stat/nf_conntrack"))));
  kernel_->Script({{Concat({CpuStats618Reply(0, 1), DoneMsg(0, 0, ENOMEM)})}});
  EXPECT_THAT(ReadCpuStats(sources_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("failed part-way with ENOMEM")));
  sources_.open_netlink = nullptr;
  EXPECT_THAT(ReadCpuStats(sources_), StatusIs(absl::StatusCode::kFailedPrecondition,
                                               HasSubstr("ctnetlink not tried")));
  Write("/net/stat/nf_conntrack", "entries found\n1\n");
  EXPECT_THAT(ReadCpuStats(sources_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("line 2 has 1 values")));
}

}  // namespace
}  // namespace ctdump
