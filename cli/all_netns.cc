#include "cli/all_netns.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/messages.h"

namespace ctdump {

int ForEachNetns(const BackendLog& log,
                 const std::function<int(const NetnsInfo& ns, bool* stop)>& body,
                 const NetnsReport& to) {
  const NetnsReport report = to ? to : [](const std::string& m, bool) { PrintErr(m); };
  absl::StatusOr<NetnsList> list = ListNetworkNamespaces();
  if (!list.ok()) {
    report(
        absl::StrCat("--all-netns cannot list the network namespaces: ", list.status().message()),
        false);
    return 1;
  }
  int rc = 0;
  for (const std::string& problem : list->problems) {
    report(absl::StrCat("network namespace skipped: cannot examine ", problem), false);
    rc = 1;
  }
  for (const std::string& path : list->not_namespaces) {
    report(absl::StrCat(path,
                        " is not a network namespace (no namespace is mounted on it: "
                        "one being added or deleted, or a leftover); skipped"),
           false);
  }
  if (log) log(absl::StrCat(list->namespaces.size(), " network namespaces found"));
  for (const NetnsInfo& ns : list->namespaces) {
    absl::StatusOr<std::unique_ptr<ScopedNetns>> entered =
        ScopedNetns::EnterListed(ns.path, ns.dev, ns.ino);
    if (!entered.ok()) {
      if (entered.status().code() == absl::StatusCode::kNotFound) {
        report(absl::StrCat("network namespace ", ns.name, " vanished before it was listed (",
                            entered.status().message(), "); skipped"),
               false);
      } else {
        report(
            absl::StrCat("network namespace ", ns.name, " skipped: ", entered.status().message()),
            false);
        rc = 1;
      }
      continue;
    }
    if (log) log(absl::StrCat("in network namespace ", ns.name, " (", ns.path, ")"));
    bool stop = false;
    rc = std::max(rc, body(ns, &stop));
    absl::Status left = (*entered)->Leave();
    if (!left.ok()) {
      report(absl::StrCat("cannot return from network namespace ", ns.name, ": ", left.message(),
                          "; stopping"),
             true);
      return 1;
    }
    if (stop) break;
  }
  return rc;
}

void AddBackendName(absl::string_view name, std::string* names) {
  if (name.empty()) return;
  for (absl::string_view known : absl::StrSplit(*names, ',', absl::SkipEmpty())) {
    if (known == name) return;
  }
  absl::StrAppend(names, names->empty() ? "" : ",", name);
}

}  // namespace ctdump
