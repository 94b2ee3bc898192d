#!/usr/bin/env bash
# CI's short run of the events benchmark (bench/events_benchmark.sh): a 2,000-entry flood
# and one 0.3 s step at 1,000 entries/s, for ctdump -E, ctdump -E -o json and
# conntrack -E, each in a throwaway namespace the script creates and deletes. Checks
# that every run reported, that ctdump's loss accounting was exact, that ctdump showed
# every event of this small flood (it fits the 8 MiB default buffer), and that the tables
# were written. No timing is asserted. Needs root (skips without it, fails instead under
# CTDUMP_REQUIRE_KERNEL=1).
set -euo pipefail
source tools/testing/netns.sh
ct_require_root_or_skip
out="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}"
bench/events_benchmark.sh --ctdump cli/ctdump --ctgen tools/ctgen/ctgen --flood 2000 \
  --rates 1000 --seconds 0.3 --out "$out/events_tables.md" >"$out/events_stdout.txt" 2>&1 ||
  ct_fail "events_benchmark failed: $(tail -20 "$out/events_stdout.txt")"
r="$out/events_stdout.txt"
[[ "$(grep -c '^RESULT ' "$r")" == 6 ]] || ct_fail "want 6 RESULT lines: $(cat "$r")"
for tool in ctdump ctdump-json; do
  grep -q "^RESULT kind=flood tool=$tool rate=0 expected=2000 shown=2000 lost=0 exact=yes " "$r" ||
    ct_fail "$tool did not show the 2000 events of the flood: $(grep "tool=$tool " "$r")"
  grep -q "^RESULT kind=step tool=$tool rate=1000 expected=600 shown=600 lost=0 exact=yes " "$r" ||
    ct_fail "$tool did not show the 600 events of the step: $(grep "tool=$tool " "$r")"
done
grep -q '^RESULT kind=flood tool=conntrack rate=0 expected=2000 ' "$r" ||
  ct_fail "no conntrack flood result"
grep -q '^| ctdump | 2000 | 0 | yes |' "$out/events_tables.md" || ct_fail "flood table missing"
grep -q '^\* conntrack: ' "$out/events_tables.md" || ct_fail "lossless-rate list missing"
echo PASS
