#!/bin/bash
# File: testdata/summary/promtool_test.sh
# Contract: the golden -o prometheus outputs (summary.prom, summary_by.prom) pass `promtool check metrics` (its parser
# and its lint rules: names, HELP/TYPE, suffixes). Fails when promtool is missing, since
# tools/setup.sh installs it (Debian's prometheus package).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v promtool >/dev/null ||
  { echo "FAIL: promtool is not installed (tools/setup.sh installs Debian's prometheus)" >&2; exit 1; }
for name in summary.prom summary_by.prom; do
  prom="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/testdata/summary/$name"
  [[ -f "$prom" ]] || prom="$dir/$name"
  out="$(promtool check metrics <"$prom" 2>&1)" || {
    echo "FAIL: promtool check metrics rejected $prom:" >&2
    echo "$out" >&2
    exit 1
  }
  if [[ -n "$out" ]]; then
    echo "FAIL: promtool check metrics found problems in $prom:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "PASS: promtool check metrics $name: $(grep -c '^ctdump_' "$prom") samples"
done
