#include "core/output_format.h"

namespace ctdump {

void AppendReport(OutputFormat format, const ReportForms& forms, TextBuffer* out) {
  const std::function<void(TextBuffer*)>* form = &forms.text;
  switch (format) {
    case OutputFormat::kJson:
      if (forms.json) form = &forms.json;
      break;
    case OutputFormat::kPrometheus:
      if (forms.prometheus) form = &forms.prometheus;
      break;
    case OutputFormat::kText:
    case OutputFormat::kXml:
    case OutputFormat::kProc:
      break;
  }
  if (*form) (*form)(out);
}

bool ReportsReadFailures(OutputFormat format) { return format == OutputFormat::kPrometheus; }

bool CarriesKernelStats(OutputFormat format) { return format == OutputFormat::kPrometheus; }

bool MarksNetns(OutputFormat format) {
  return format == OutputFormat::kText || format == OutputFormat::kJson;
}

}  // namespace ctdump
