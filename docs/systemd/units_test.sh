#!/bin/bash
# File: docs/systemd/units_test.sh
#
# The shipped units pass `systemd-analyze verify`. The service's ExecStart names
# /usr/bin/ctdump, where packages install it; here it is pointed at the built binary
# (verify checks that the program exists). Skips only when systemd-analyze is absent
# (tools/setup.sh installs systemd).
set -euo pipefail

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed"
  exit 0
fi
here="${TEST_SRCDIR:-}/${TEST_WORKSPACE:-}/docs/systemd"
[[ -f "$here/ctdump-textfile.service" ]] || here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ctdump="${TEST_SRCDIR:-}/${TEST_WORKSPACE:-}/cli/ctdump"
[[ -x "$ctdump" ]] || { echo "FAIL: cli/ctdump is not built" >&2; exit 1; }
tmp="$(mktemp -d "${TEST_TMPDIR:-/tmp}/units.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
grep -q '^ExecStart=/usr/bin/ctdump --textfile ' "$here/ctdump-textfile.service" ||
  { echo "FAIL: the service does not run ctdump --textfile" >&2; exit 1; }
sed "s|^ExecStart=/usr/bin/ctdump |ExecStart=$ctdump |" "$here/ctdump-textfile.service" \
  >"$tmp/ctdump-textfile.service"
cp "$here/ctdump-textfile.timer" "$tmp/"
if ! out="$(cd "$tmp" && systemd-analyze verify ./ctdump-textfile.service ./ctdump-textfile.timer 2>&1)"; then
  echo "FAIL: systemd-analyze verify:" >&2
  echo "$out" >&2
  exit 1
fi
if [[ -n "$out" ]]; then
  echo "FAIL: systemd-analyze verify printed warnings:" >&2
  echo "$out" >&2
  exit 1
fi
echo "PASS: systemd-analyze verify accepts ctdump-textfile.service and .timer"
