// File: core/output_format.h
//
// The output formats (-o xml, json, proc, prometheus, or conntrack's text), and how a
// one-object report picks its form by format.
//
// Records (flows, events) are formatted by core/flow_formatter.h. Reports (-C's count,
// -S's statistics, --doctor, --summary) are one object each, with a text form, a JSON
// form and perhaps a Prometheus form:
//
//   ReportForms forms;
//   forms.text = [&](TextBuffer* out) { out->AppendU64(count); out->Append('\n'); };
//   forms.json = [&](TextBuffer* out) { AppendCountJson(count, out); };
//   AppendReport(format, forms, &buffer);

#ifndef CTDUMP_CORE_OUTPUT_FORMAT_H_
#define CTDUMP_CORE_OUTPUT_FORMAT_H_

#include <functional>

#include "core/text_buffer.h"

namespace ctdump {

enum class OutputFormat {
  kText,  // conntrack -L lines (default)
  kXml,   // -o xml: conntrack's XML document
  kJson,  // -o json: one JSON object per line (core/json.h, schema v1)
  kProc,  // -o proc: the line /proc/net/nf_conntrack prints (core/proc_format.h)
  kPrometheus,  // -o prometheus: the summary as Prometheus text (core/prometheus.h)
};

// A report's forms. A missing form falls back to `text`; a missing `text` writes nothing
// (reports that exist in JSON only, such as an error object).
struct ReportForms {
  std::function<void(TextBuffer*)> text;
  std::function<void(TextBuffer*)> json;        // -o json
  std::function<void(TextBuffer*)> prometheus;  // -o prometheus
};

// Appends the form of `format`: json for kJson, prometheus for kPrometheus, text for the
// others (xml and proc have no report form; the CLI refuses them with reports).
void AppendReport(OutputFormat format, const ReportForms& forms, TextBuffer* out);

// Whether `format` is a metrics format (kPrometheus): its report is written even when the
// table could not be read, since it carries the failure itself (core/prometheus.h).
bool ReportsReadFailures(OutputFormat format);

// Whether `format`'s summary carries the kernel's conntrack statistics (kPrometheus:
// ctdump_stat_*), so that they are worth reading (core/prometheus.h).
bool CarriesKernelStats(OutputFormat format);

// Whether a listing in `format` can mark each entry's network namespace (OutputStyle::
// netns, core/flow_formatter.h): text ("# netns NAME" lines) and JSON ("netns" keys);
// XML and the /proc format have no place for it.
bool MarksNetns(OutputFormat format);

}  // namespace ctdump

#endif  // CTDUMP_CORE_OUTPUT_FORMAT_H_
