#include "core/table_diff.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/kernel.h"
#include "core/testing/test_flows.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

Flow Udp(uint16_t sport, uint16_t zone = 0) {
  Flow f;
  f.source = Source::kProcNfConntrack;
  f.family = kFamilyIPv4;
  f.l4proto = kProtoUDP;
  f.orig.src = TestAddr("10.0.0.1");
  f.orig.dst = TestAddr("10.0.0.2");
  f.orig.sport = sport;
  f.orig.dport = 53;
  f.orig.has_l4 = true;
  f.reply = f.orig;
  std::swap(f.reply.src, f.reply.dst);
  std::swap(f.reply.sport, f.reply.dport);
  f.zone.id = zone;
  f.timeout = 30;
  f.use = 2;
  return f;
}

// Records every event as "TYPE sport[ polled]".
class Recorder : public EventSink {
 public:
  bool OnEvent(const FlowEvent& ev, const Flow& flow) override {
    log.push_back(absl::StrCat(EventTypeName(ev.type), " ", flow.orig.sport, " zone ",
                               flow.zone.id, ev.polled ? " polled" : "",
                               flow.use ? " use" : "", " t=", ev.time_ns));
    return --stop_after != 0;
  }
  void OnSkipped(const absl::Status& why) override { log.push_back(std::string(why.message())); }
  void OnLost(const EventLoss&) override { log.push_back("lost"); }
  std::vector<std::string> log;
  int stop_after = -1;
};

void Snapshot(TableDiff& d, const std::vector<Flow>& flows) {
  d.BeginSnapshot();
  for (const Flow& f : flows) d.OnFlow(f);
}

TEST(TableDiff, FirstSnapshotIsTheBaseline) {
  TableDiff d;
  Recorder r;
  Snapshot(d, {Udp(1), Udp(2)});
  EXPECT_TRUE(d.EndSnapshot(10, r));
  EXPECT_TRUE(r.log.empty());
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.snapshots(), 1u);
}

TEST(TableDiff, DestroysThenNewsInSnapshotOrder) {
  TableDiff d;
  Recorder r;
  Snapshot(d, {Udp(1), Udp(2), Udp(3)});
  d.EndSnapshot(10, r);
  Flow changed = Udp(2);
  changed.timeout = 5;  // same key, other values: not an event
  Snapshot(d, {Udp(5), changed, Udp(4), Udp(4)});  // a dump duplicate counts once
  EXPECT_TRUE(d.EndSnapshot(20, r));
  EXPECT_EQ(r.log, (std::vector<std::string>{"DESTROY 1 zone 0 polled t=20",
                                             "DESTROY 3 zone 0 polled t=20",
                                             "NEW 5 zone 0 polled t=20",
                                             "NEW 4 zone 0 polled t=20"}));
  EXPECT_EQ(d.size(), 3u);
}

TEST(TableDiff, ZoneIsPartOfTheKey) {
  TableDiff d;
  Recorder r;
  Snapshot(d, {Udp(1, 0)});
  d.EndSnapshot(1, r);
  Snapshot(d, {Udp(1, 7)});
  d.EndSnapshot(2, r);
  EXPECT_EQ(r.log, (std::vector<std::string>{"DESTROY 1 zone 0 polled t=2",
                                             "NEW 1 zone 7 polled t=2"}));
}

TEST(TableDiff, AbandonedSnapshotKeepsTheBaseline) {
  TableDiff d;
  Recorder r;
  Snapshot(d, {Udp(1), Udp(2)});
  d.EndSnapshot(1, r);
  Snapshot(d, {Udp(1)});  // the read failed half-way
  d.OnSkipped(absl::DataLossError("line 2: bad"));
  d.AbandonSnapshot();
  Snapshot(d, {Udp(1), Udp(2)});
  d.EndSnapshot(3, r);
  EXPECT_TRUE(r.log.empty());
}

TEST(TableDiff, SkippedRecordsAreForwardedAndStopIsHonoured) {
  TableDiff d;
  Recorder r;
  Snapshot(d, {});
  d.EndSnapshot(1, r);
  Snapshot(d, {Udp(1), Udp(2)});
  d.OnSkipped(absl::DataLossError("line 3: bad"));
  r.stop_after = 1;
  EXPECT_FALSE(d.EndSnapshot(2, r));
  EXPECT_EQ(r.log, (std::vector<std::string>{"line 3: bad", "NEW 1 zone 0 polled t=2"}));
  // The baseline is the new snapshot even though the sink stopped.
  EXPECT_EQ(d.size(), 2u);
}

// A stop requested while two large snapshots are compared ends the comparison within a
// few thousand entries (SIGINT in -E's polled mode must not wait for all of it); the
// changes not yet reported are dropped, and EndSnapshot() says to stop.
TEST(TableDiff, StopRequestedDuringTheComparisonEndsIt) {
  TableDiff d;
  Recorder r;
  std::vector<Flow> old_table, new_table;
  for (uint16_t p = 1; p <= 30000; ++p) old_table.push_back(Udp(p));
  for (uint16_t p = 1; p <= 30000; ++p) new_table.push_back(Udp(p, 1));  // all different
  Snapshot(d, old_table);
  ASSERT_TRUE(d.EndSnapshot(1, r));
  d.BeginSnapshot(new_table.size());
  for (const Flow& f : new_table) d.OnFlow(f);
  int asked = 0;
  EXPECT_FALSE(d.EndSnapshot(2, r, [&asked] { return ++asked >= 2; }));
  EXPECT_EQ(asked, 2);
  EXPECT_GT(r.log.size(), 0u);
  EXPECT_LT(r.log.size(), 10000u);
  // Without a stop, every change is reported.
  TableDiff full;
  Recorder all;
  Snapshot(full, old_table);
  ASSERT_TRUE(full.EndSnapshot(1, all));
  Snapshot(full, new_table);
  EXPECT_TRUE(full.EndSnapshot(2, all, [] { return false; }));
  EXPECT_EQ(all.log.size(), 60000u);
}

}  // namespace
}  // namespace ctdump
