#!/usr/bin/env bash
# examples/list_flows over every testdata/procfs fixture: its stdout is the fixture's
# expected.conntrack and what `ctdump -L --input FILE` prints; a malformed file lists its
# good entries and fails (exit 1) naming the skipped records.
set -euo pipefail
cd "${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}"
tmp="${TEST_TMPDIR:?}"
fail=0
for dir in testdata/procfs/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  rc=0
  examples/list_flows "$dir/input.txt" >"$tmp/got" 2>"$tmp/err" || rc=$?
  cli/ctdump -L --input "$dir/input.txt" >"$tmp/ctdump" 2>/dev/null || true
  want_rc=0
  [ -f "$dir/expected.errors" ] && want_rc=1
  if [ "$rc" != "$want_rc" ]; then
    echo "FAIL: $name: exit $rc, want $want_rc; stderr: $(head -3 "$tmp/err")"
    fail=1
  fi
  if ! cmp -s "$tmp/got" "$dir/expected.conntrack"; then
    echo "FAIL: $name: differs from expected.conntrack:"
    diff -u "$dir/expected.conntrack" "$tmp/got" | head -20
    fail=1
  fi
  if ! cmp -s "$tmp/got" "$tmp/ctdump"; then
    echo "FAIL: $name: differs from ctdump -L --input:"
    diff -u "$tmp/ctdump" "$tmp/got" | head -20
    fail=1
  fi
  if [ "$want_rc" = 1 ] && ! grep -q "malformed record(s) skipped" "$tmp/err"; then
    echo "FAIL: $name: stderr does not name the skipped records: $(cat "$tmp/err")"
    fail=1
  fi
done
rc=0
examples/list_flows /nonexistent/ctdump-list-flows 2>"$tmp/err" >/dev/null || rc=$?
if [ "$rc" != 1 ] || ! grep -q "^list_flows: .*nonexistent" "$tmp/err"; then
  echo "FAIL: a missing file: exit $rc, stderr: $(cat "$tmp/err")"
  fail=1
fi
[ "$fail" = 0 ] && echo PASS
exit "$fail"
