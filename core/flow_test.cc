#include "core/flow.h"

#include "core/kernel.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

// Every field set, so that Clear() and DebugString() are checked against each one.
Flow Full() {
  Flow f;
  f.source = Source::kNetlink;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoTCP;
  f.orig = {TestAddr("10.0.0.1"), TestAddr("10.0.0.2"), 1, 2, 3, 4, 5, true};
  f.reply = f.orig;
  f.zone = {7, kZoneDirOrig};
  f.status = kStatusAssured;
  f.status_known = ~0u;
  f.timeout = 9;
  f.state = 3;
  f.tcp = TcpInfo{1, 2, 3, 4};
  f.sctp = SctpInfo{1, 2};
  f.dccp = DccpInfo{1, 2};
  f.gre = GreInfo{1, 2};
  f.mark = 1;
  f.secmark = 2;
  f.secctx = "ctx";
  f.orig_counters = Counters{1, 2};
  f.reply_counters = Counters{3, 4};
  f.start_ns = 1;
  f.stop_ns = 2;
  f.delta_time = 3;
  f.use = 4;
  f.id = 5;
  f.labels = Labels{};
  f.helper = "ftp";
  f.master = f.orig;
  f.seqadj_orig = SeqAdj{1, 2, 3};
  f.seqadj_reply = SeqAdj{4, 5, 6};
  f.synproxy = Synproxy{7, 8, 9};
  return f;
}

TEST(Flow, ClearResetsEveryField) {
  // A new field must be added to Clear(), DebugString() and Full() above.
  static_assert(sizeof(Flow) == 496, "Flow changed: update Clear(), DebugString(), Full()");
  Flow f = Full();
  std::string full = DebugString(f);
  for (const char* part : {"ctx", "helper=ftp", "master=", "seqadj_orig=", "seqadj_reply=",
                           "synproxy=", "labels=", "id=5", "use=4", "delta=3", "stop=2",
                           "start=1", "reply_counters=3/4", "orig_counters=1/2", "secmark=2",
                           "mark=1", "gre=1/2", "dccp=", "vtags=1/2", "tcp=", "state=",
                           "timeout=9", "zone=7/orig"}) {
    EXPECT_NE(full.find(part), std::string::npos) << part << " missing in " << full;
  }
  f.Clear();
  EXPECT_EQ(DebugString(f), DebugString(Flow()));
  EXPECT_TRUE(f.secctx.empty());
  EXPECT_TRUE(f.helper.empty());
}

}  // namespace
}  // namespace ctdump
