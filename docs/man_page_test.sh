#!/bin/bash
# File: docs/man_page_test.sh
#
# Contract: docs/ctdump.1 renders with man-db (`MANWIDTH=80 man --warnings -l`, groff
# with all warnings) without a single warning, and `mandoc -T lint` reports nothing (not
# even STYLE messages). The rendered page has every section of the plan: NAME, SYNOPSIS,
# DESCRIPTION, COMMANDS, OPTIONS, FILTERS, OUTPUT, EVENTS, SUMMARIES, ENVIRONMENT, FILES,
# EXIT STATUS, DIFFERENCES FROM CONNTRACK, EXAMPLES, SEE ALSO (with conntrack(8)).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
page="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/docs/ctdump.1"
[[ -f "$page" ]] || page="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ctdump.1"
[[ -f "$page" ]] || fail "docs/ctdump.1 not found"
command -v man >/dev/null || fail "man is not installed"
command -v mandoc >/dev/null || fail "mandoc is not installed (tools/setup.sh installs it)"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/man_page.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

rc=0
MANWIDTH=80 man --warnings -l "$page" >"$TMP/page.txt" 2>"$TMP/man.err" || rc=$?
[[ "$rc" == 0 ]] || { cat "$TMP/man.err" >&2; fail "man -l exited $rc"; }
[[ ! -s "$TMP/man.err" ]] || { cat "$TMP/man.err" >&2; fail "man --warnings -l printed warnings"; }
[[ "$(wc -l <"$TMP/page.txt")" -gt 100 ]] || fail "man -l rendered only $(wc -l <"$TMP/page.txt") lines"
echo "ok: man --warnings -l: $(wc -l <"$TMP/page.txt") lines, no warning"

rc=0
mandoc -T lint "$page" >"$TMP/lint" 2>&1 || rc=$?
[[ "$rc" == 0 && ! -s "$TMP/lint" ]] || { cat "$TMP/lint" >&2; fail "mandoc -T lint: exit $rc"; }
echo "ok: mandoc -T lint: clean"

for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS FILTERS OUTPUT EVENTS SUMMARIES \
  ENVIRONMENT FILES "EXIT STATUS" "DIFFERENCES FROM CONNTRACK" EXAMPLES "SEE ALSO"; do
  grep -qx "$s" "$TMP/page.txt" || fail "no section $s"
done
grep -q 'conntrack(8)' "$TMP/page.txt" || fail "SEE ALSO does not name conntrack(8)"
grep -q 'docs/conntrack-compatibility.md' "$TMP/page.txt" ||
  fail "DIFFERENCES FROM CONNTRACK does not point to docs/conntrack-compatibility.md"
for f in /etc/xtables/connlabel.conf /proc/net/nf_conntrack /proc/net/ip_conntrack; do
  grep -q -- "$f" "$TMP/page.txt" || fail "FILES does not name $f"
done
echo "ok: every section"
echo PASS
