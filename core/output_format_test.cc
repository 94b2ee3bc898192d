#include "core/output_format.h"

#include <string>

#include "core/text_buffer.h"
#include "gtest/gtest.h"

namespace ctdump {
namespace {

std::string Report(OutputFormat format, bool with_prometheus) {
  ReportForms forms;
  forms.text = [](TextBuffer* out) { out->Append("text"); };
  forms.json = [](TextBuffer* out) { out->Append("json"); };
  if (with_prometheus) forms.prometheus = [](TextBuffer* out) { out->Append("prom"); };
  TextBuffer out;
  AppendReport(format, forms, &out);
  return std::string(out.view());
}

TEST(AppendReport, EachFormatPicksItsForm) {
  EXPECT_EQ(Report(OutputFormat::kText, true), "text");
  EXPECT_EQ(Report(OutputFormat::kJson, true), "json");
  EXPECT_EQ(Report(OutputFormat::kPrometheus, true), "prom");
  // No report form of their own: the text.
  EXPECT_EQ(Report(OutputFormat::kXml, true), "text");
  EXPECT_EQ(Report(OutputFormat::kProc, true), "text");
  EXPECT_EQ(Report(OutputFormat::kPrometheus, false), "text");
}

TEST(AppendReport, NoTextFormWritesNothing) {
  ReportForms forms;
  forms.json = [](TextBuffer* out) { out->Append("json"); };
  TextBuffer out;
  AppendReport(OutputFormat::kText, forms, &out);
  EXPECT_EQ(out.view(), "");
  AppendReport(OutputFormat::kJson, forms, &out);
  EXPECT_EQ(out.view(), "json");
}

TEST(ReportsReadFailures, OnlyPrometheus) {
  EXPECT_TRUE(ReportsReadFailures(OutputFormat::kPrometheus));
  EXPECT_FALSE(ReportsReadFailures(OutputFormat::kJson));
  EXPECT_FALSE(ReportsReadFailures(OutputFormat::kText));
}

}  // namespace
}  // namespace ctdump
