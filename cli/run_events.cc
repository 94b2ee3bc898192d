#include "cli/run_events.h"

#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "backends/netlink/events.h"
#include "backends/netlink/port_owner.h"
#include "backends/select.h"
#include "backends/stats.h"
#include "cli/cli_util.h"
#include "cli/stop_signal.h"
#include "core/backend.h"
#include "core/event.h"
#include "core/event_format.h"
#include "core/filter.h"
#include "core/table_diff.h"
#include "io/fd_writer.h"

namespace ctdump {
namespace {

// Appended to a loss count that is only a lower bound (one per ENOBUFS).
constexpr absl::string_view kNoDropCounter =
    " (only a lower bound: this kernel has no drop counter, SO_MEMINFO needs 4.12+)";

// Filters and prints events; reports skipped records and losses on stderr as they come.
class EventPrinter : public EventSink {
 public:
  EventPrinter(const Filter& filter, OutputFormat format, const EventTextStyle& style)
      : gate_(filter),
        format_(format),
        style_(style),
        json_(JsonStyle{style.line.labels}),
        xml_(XmlStyle{style.line.ktimestamp, style.line.labels}, style.timestamp),
        out_(STDOUT_FILENO) {}

  bool OnEvent(const FlowEvent& ev, const Flow& flow) override {
    if (!write_status_.ok()) return false;
    switch (gate_.Check(flow)) {
      case FilterGate::kCannotJudge: return false;  // Finish() reports it
      case FilterGate::kNoMatch: return true;
      case FilterGate::kMatch: break;
    }
    const uint64_t now = WallClockNs();
    switch (format_) {
      case OutputFormat::kJson: json_.Append(ev, flow, now, &out_.buffer()); break;
      case OutputFormat::kXml: xml_.Append(ev, flow, now, &out_.buffer()); break;
      default: AppendEventLine(ev, flow, style_, now, &out_.buffer()); break;
    }
    ++shown_;
    write_status_ = out_.MaybeFlush();
    return write_status_.ok();
  }

  void OnSkipped(const absl::Status& why) override {
    ++skipped_;
    OnIdle();
    PrintErr(why.message());
  }

  void OnLost(const EventLoss& loss) override {
    OnIdle();
    PrintErr(absl::StrCat(
        "WARNING: the kernel dropped events (ENOBUFS, receive buffer overrun ", loss.overruns,
        "): ",
        loss.lost_known ? absl::StrCat(loss.lost, " events lost so far")
                        : absl::StrCat("at least ", loss.overruns, " events lost so far",
                                       kNoDropCounter),
        "; receive buffer now ", loss.rcvbuf, " bytes"));
  }

  void OnIdle() override {
    if (write_status_.ok()) write_status_ = out_.Flush();
  }

  // Ends the XML document (if one was started) and writes what is buffered.
  absl::Status Finish() {
    if (write_status_.ok()) xml_.End(&out_.buffer());
    OnIdle();
    return write_status_;
  }

  const absl::Status& judge_status() const { return gate_.status(); }
  uint64_t shown() const { return shown_; }
  uint64_t skipped() const { return skipped_; }

 private:
  FilterGate gate_;
  OutputFormat format_;
  EventTextStyle style_;
  EventJsonWriter json_;
  EventXmlWriter xml_;
  FdWriter out_;
  absl::Status write_status_;
  uint64_t shown_ = 0;
  uint64_t skipped_ = 0;
};

// Hands a dump's flows to an EventSink as RESYNC events.
class ResyncAdapter : public FlowSink {
 public:
  explicit ResyncAdapter(EventSink& out) : out_(out) { ev_.type = EventType::kResync; }
  bool OnFlow(const Flow& flow) override {
    ev_.time_ns = WallClockNs();
    return out_.OnEvent(ev_, flow);
  }
  void OnSkipped(const absl::Status& why) override { out_.OnSkipped(why); }

 private:
  EventSink& out_;
  FlowEvent ev_;
};

std::string MaskText(uint32_t mask) {
  std::vector<std::string> words;
  if (mask & EventBit(EventType::kNew)) words.push_back("NEW");
  if (mask & EventBit(EventType::kUpdate)) words.push_back("UPDATE");
  if (mask & EventBit(EventType::kDestroy)) words.push_back("DESTROY");
  return absl::StrJoin(words, ",");
}

// The end of a run: the summary line, then what went wrong. Returns the exit code.
// Whatever ended the run (a signal, a reader that went away, an error), events the kernel
// dropped or that were queued and not shown are reported and make the exit status 1.
int Finish(EventPrinter& printer, const absl::Status& ran, uint64_t lost, bool lost_known,
           uint64_t overruns, uint64_t unshown = 0) {
  absl::Status written = printer.Finish();
  int rc = 0;
  if (written.code() == absl::StatusCode::kCancelled) {
    // The reader went away (`| head`): no summary line, as for -L, but see below.
  } else if (!printer.judge_status().ok()) {
    PrintErr(printer.judge_status().message());
    rc = 1;
  } else if (!written.ok()) {
    // No "N flow events have been shown": the count would include events that were
    // formatted but never reached the output.
    PrintErr(absl::StrCat("cannot write the events: ", written.message()));
    rc = 1;
  } else {
    PrintSummaryLine(absl::StrCat(printer.shown(), " flow events have been shown."));
  }
  if (!ran.ok()) {
    PrintErr(absl::StrCat("listening stopped: ", ran.message()));
    rc = 1;
  }
  if (overruns > 0 || lost > 0) {
    PrintErr(absl::StrCat(
        lost_known ? absl::StrCat(lost) : absl::StrCat("at least ", overruns),
        " events were lost: the kernel dropped them when the receive buffer overflowed (",
        overruns, " ENOBUFS", lost_known ? "" : kNoDropCounter,
        "); the event stream is incomplete"));
    rc = 1;
  }
  if (unshown > 0) {
    PrintErr(absl::StrCat(unshown, unshown == 1 ? " event was" : " events were",
                          " queued and not shown: the stop came before they could be "
                          "written (drained for 1 s)"));
    rc = 1;
  }
  if (printer.skipped() > 0) {
    PrintErr(absl::StrCat(printer.skipped(), " malformed ",
                          printer.skipped() == 1 ? "event was" : "events were", " skipped"));
    rc = 1;
  }
  return rc;
}

int ListenNetlink(const Options& opts, const Filter& filter, EventPrinter& printer,
                  const StopSignal& stop, const BackendLog& log) {
  absl::StatusOr<std::unique_ptr<netlink::EventSocket>> sock = netlink::OpenEventSocket();
  if (!sock.ok()) {
    PrintErr(sock.status().message());
    return 1;
  }
  netlink::EventListenerOptions lo;
  lo.mask = opts.event_mask;
  if (opts.rcvbuf != 0) lo.rcvbuf = opts.rcvbuf;
  if (opts.rcvbuf_max != 0) lo.rcvbuf_max = opts.rcvbuf_max;
  if (lo.rcvbuf_max < lo.rcvbuf) lo.rcvbuf_max = lo.rcvbuf;
  std::shared_ptr<netlink::PortOwnerNames> owners;
  if (!opts.no_progname) {
    owners = std::make_shared<netlink::PortOwnerNames>();
    lo.port_owner = [owners](uint32_t port) { return owners->Lookup(port); };
  }
  if (opts.resync) {
    lo.resync = [&filter](EventSink& sink) -> absl::Status {
      absl::StatusOr<std::unique_ptr<Backend>> b = MakeBackend("netlink");
      if (!b.ok()) return b.status();
      DumpRequest req;
      req.family = filter.family.value_or(0);
      if (!filter.empty()) req.filter = &filter;
      ResyncAdapter adapter(sink);
      return (*b)->Dump(req, adapter);
    };
  }
  absl::StatusOr<std::unique_ptr<netlink::EventListener>> listener =
      netlink::EventListener::Start(*std::move(sock), std::move(lo));
  if (!listener.ok()) {
    PrintErr(listener.status().message());
    return 1;
  }
  const netlink::EventListenerStats& st = (*listener)->stats();
  if (log) {
    log(absl::StrCat("listening for ", MaskText(opts.event_mask),
                     " events (ctnetlink); receive buffer ", st.rcvbuf, " bytes (",
                     st.rcvbuf_forced ? "SO_RCVBUFFORCE" : st.rcvbuf_note, "); ",
                     st.drop_counter_note.empty()
                         ? std::string("lost events are counted exactly (SO_MEMINFO)")
                         : absl::StrCat("lost events cannot be counted exactly: ",
                                        st.drop_counter_note)));
  }
  absl::Status ran = (*listener)->Run(printer, stop.fd());
  (*listener)->RefreshLoss();
  if (log) {
    log(absl::StrCat("received ", st.events, " events (", st.news, " new, ", st.updates,
                     " update, ", st.destroys, " destroy) in ", st.datagrams,
                     " datagrams; ", st.overruns, " overruns",
                     st.silent_overruns
                         ? absl::StrCat(" (+", st.silent_overruns, " without ENOBUFS)")
                         : std::string(),
                     ", ",
                     st.lost_known ? absl::StrCat(st.lost) : std::string("unknown"),
                     " lost; ", st.unshown, " queued and not shown; ", st.resyncs,
                     " resync dumps; receive buffer ", st.rcvbuf, " bytes"));
  }
  if (log && owners) {
    const netlink::PortOwnerStats& os = owners->stats();
    log(absl::StrCat("progname lookups: ", os.lookups, " (", os.hits, " from the cache, ",
                     os.revalidated, " revalidated, ", os.searches, " searched; ",
                     os.netlink_reads, " reads of /proc/net/netlink)"));
  }
  return Finish(printer, ran, st.lost, st.lost_known, st.overruns, st.unshown);
}

// Passes flows on to `inner` and ends the dump early once a stop was requested: a read
// of a large table takes seconds, and SIGINT must not wait for it. Looks every 256 flows
// (a poll() on the signal pipe each time: next to nothing per flow).
class StopCheckingSink : public FlowSink {
 public:
  StopCheckingSink(FlowSink& inner, const StopSignal& stop) : inner_(inner), stop_(stop) {}
  bool OnFlow(const Flow& flow) override {
    if ((++flows_ & 255) == 0 && stop_.requested()) {
      stopped_ = true;
      return false;
    }
    return inner_.OnFlow(flow);
  }
  void OnSkipped(const absl::Status& why) override { inner_.OnSkipped(why); }
  void OnNotice(const absl::Status& note) override { inner_.OnNotice(note); }
  bool stopped() const { return stopped_; }
  uint64_t flows() const { return flows_; }

 private:
  FlowSink& inner_;
  const StopSignal& stop_;
  uint64_t flows_ = 0;
  bool stopped_ = false;
};

int Poll(const Options& opts, const Filter& filter, EventPrinter& printer,
         const StopSignal& stop, const BackendLog& log) {
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(opts.backend, log);
  if (!backend.ok()) return BackendFailure(backend.status());
  DumpRequest req;
  req.family = filter.family.value_or(0);
  if (!filter.empty()) req.filter = &filter;
  TableDiff diff;
  absl::Status last_error;
  uint64_t failed_polls = 0;
  for (;;) {
    // Before the baseline, the kernel's count sizes the snapshot (a cheap read; none for
    // a saved file, whose size says nothing of the table's).
    size_t hint = 0;
    if (diff.snapshots() == 0 && opts.input.empty()) {
      absl::StatusOr<TableCount> count = ReadTableCount();
      if (count.ok()) hint = count->count;
    }
    diff.BeginSnapshot(hint);
    StopCheckingSink checked(diff, stop);
    absl::Status s = (*backend)->Dump(req, checked);
    if (checked.stopped()) {
      // A partial snapshot would look like mass destruction: drop it.
      diff.AbandonSnapshot();
      if (log) {
        log(absl::StrCat("stop requested during a read of the table: read abandoned after ",
                         checked.flows() - 1, " entries"));
      }
      break;
    }
    if (!s.ok()) {
      diff.AbandonSnapshot();
      if (diff.snapshots() == 0) {
        PrintErr(s.message());
        return 1;
      }
      ++failed_polls;
      last_error = s;
      PrintErr(absl::StrCat("poll failed, trying again in ", opts.interval, " s: ", s.message()));
    } else {
      const bool first = diff.snapshots() == 0;
      const bool go_on =
          diff.EndSnapshot(WallClockNs(), printer, [&stop] { return stop.requested(); });
      if (first && log) {
        log(absl::StrCat("polling ", (*backend)->Name(), " every ", opts.interval,
                         " s; baseline of ", diff.size(), " entries taken"));
      }
      if (!go_on) break;
    }
    printer.OnIdle();
    if (stop.WaitFor(opts.interval)) break;
  }
  absl::Status ran;
  if (failed_polls > 0) {
    ran = absl::Status(last_error.code(), absl::StrCat(failed_polls, " polls failed, the last: ",
                                                       last_error.message()));
  }
  return Finish(printer, ran, 0, true, 0);
}

}  // namespace

int RunEvents(const Options& opts) {
  for (const std::string& w : opts.warnings) PrintErr(absl::StrCat("WARNING: ", w));
  EventTextStyle style;
  style.line.extended = opts.out_extended;
  style.line.show_id = opts.out_id;
  style.line.ktimestamp = opts.out_ktimestamp;
  style.timestamp = opts.out_timestamp;
  Filter filter = opts.filter;
  LabelNames label_names;
  if (int rc = SetupLabels(opts, &filter, &label_names, &style.line.labels); rc != 0) return rc;

  BackendLog log = VerboseLog(opts);
  std::unique_ptr<ScopedNetns> netns;
  if (!EnterNetns(opts, log, &netns)) return 1;
  absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Install();
  if (!stop.ok()) {
    PrintErr(stop.status().message());
    return 1;
  }
  EventPrinter printer(filter, opts.format, style);
  if (opts.interval > 0) return Poll(opts, filter, printer, **stop, log);
  return ListenNetlink(opts, filter, printer, **stop, log);
}

}  // namespace ctdump
