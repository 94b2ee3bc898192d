#!/usr/bin/env bash
# The cheap parts of tools/bench_ab.sh (no root, no build): its argument checks (exit 2
# before anything is built) and its statistics step (--stats) on made-up samples with
# known answers: B = A/2 exactly gives B/A 0.500 and the interval [0.500, 0.500]; equal
# samples give 1.000; a noisy command's interval holds its ratio of medians; a malformed
# samples line fails.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
ab=tools/bench_ab.sh
t="${TEST_TMPDIR:-$(mktemp -d)}"

expect_usage() {
  local rc=0
  "$ab" "$@" >/dev/null 2>"$t/err" || rc=$?
  [[ "$rc" == 2 ]] || { cat "$t/err" >&2; fail "bench_ab $* exited $rc, want 2"; }
}
expect_usage
expect_usage HEAD
expect_usage HEAD~1 HEAD HEAD~2
expect_usage --reps 2 HEAD~1 HEAD
expect_usage --entries abc HEAD~1 HEAD
expect_usage --entries 0 HEAD~1 HEAD
expect_usage --jobs x HEAD~1 HEAD
expect_usage --bogus HEAD~1 HEAD

{
  echo "# COMMAND VARIANT REP MS"
  for r in 1 2 3 4 5 6 7; do
    echo "floor A $r $((100 + r))"
    echo "L A $r $((200 + 2 * r))"
    echo "L B $r $((100 + r))"
    echo "json A $r 150"
    echo "json B $r 150"
    echo "procfs A $r $((300 + (r * 37) % 11))"
    echo "procfs B $r $((310 + (r * 53) % 13))"
  done
} >"$t/samples.txt"
"$ab" --stats "$t/samples.txt" >"$t/out.txt"
cat "$t/out.txt"
grep -qE '^kernel floor +104\.0 +-$' "$t/out.txt" || fail "floor median is not 104.0"
grep -qE '^ctdump -L +208\.0 +104\.0 +2\.00 +1\.00 +0\.500  \[0\.500, 0\.500\]$' "$t/out.txt" ||
  fail "B = A/2 is not reported as 0.500 [0.500, 0.500]"
grep -qE '^ctdump -L -o json +150\.0 +150\.0 .* 1\.000  \[1\.000, 1\.000\]$' "$t/out.txt" ||
  fail "equal samples are not reported as 1.000 [1.000, 1.000]"
read -r ratio lo hi < <(sed -nE 's/^ctdump -L --backend procfs .* ([0-9.]+)  \[([0-9.]+), ([0-9.]+)\]$/\1 \2 \3/p' "$t/out.txt")
[[ -n "${hi:-}" ]] || fail "no procfs row"
awk -v r="$ratio" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo <= r && r <= hi && lo < hi) }' ||
  fail "procfs interval [$lo, $hi] does not hold its ratio $ratio"

echo "L A 1" >"$t/bad.txt"
rc=0; "$ab" --stats "$t/bad.txt" >/dev/null 2>&1 || rc=$?
[[ "$rc" != 0 ]] || fail "a malformed samples line was accepted"
echo "PASS: bench_ab argument checks and statistics"
