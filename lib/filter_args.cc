#include "lib/filter_args.h"

#include "absl/strings/str_cat.h"
#include "cli/options.h"

namespace ctdump {

absl::StatusOr<Filter> ParseFilterArgs(const std::vector<std::string>& args) {
  std::vector<std::string> words = {"ctdump", "-L"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  absl::StatusOr<Options> opts = ParseOptions(static_cast<int>(words.size()), argv.data());
  if (!opts.ok()) return absl::InvalidArgumentError(opts.status().message());
  // Anything but filters leaves its mark on Options: compare with a parse of nothing.
  static char* const kNone[] = {const_cast<char*>("ctdump"), const_cast<char*>("-L"), nullptr};
  absl::StatusOr<Options> none = ParseOptions(2, const_cast<char**>(kNone));
  if (!none.ok()) return none.status();
  const Options& o = *opts;
  const Options& d = *none;
  std::string other;
  if (o.command != d.command) other = "a command";
  if (o.format != d.format || o.out_extended || o.out_id || o.out_ktimestamp ||
      o.out_labels) {
    other = "-o";
  }
  if (o.backend != d.backend) other = "--backend";
  if (!o.input.empty()) other = "--input";
  if (!o.netns.empty() || o.all_netns) other = "--netns/--all-netns";
  if (o.verbose) other = "-v";
  if (!o.label_filter.empty()) other = "-l (set Filter::labels from connlabel.conf instead)";
  if (!other.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(other, " is not a filter option (ParseFilterArgs takes filters only)"));
  }
  return o.filter;
}

}  // namespace ctdump
