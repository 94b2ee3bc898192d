#!/usr/bin/env bash
# Tests tools/perfgate.sh end to end with the workloads binary of this build (whatever
# its -c mode: the figures are compared only with figures of the same binary):
#  1. --update writes a flat JSON baseline with every workload (at least 8, the ones
#     issue 13 names among them);
#  2. a second run against it passes, and its figures equal the first run's to within
#     0.1% (instruction counts are deterministic);
#  3. against that baseline lowered by 10% (one entry dropped, one unknown entry added) it
#     exits 1, marks every lowered workload as a REGRESSION and shows "new" and "gone";
#  4. usage errors and a missing baseline exit 2.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }

gate=tools/perfgate.sh
driver=bench/perfgate/workloads
t="${TEST_TMPDIR:-$(mktemp -d)}"
# One copy of each run's output where a CI job can read it.
keep="${TEST_UNDECLARED_OUTPUTS_DIR:-$t}"

# --- 4. errors before any measurement (cheap) ---
rc=0; "$gate" --bogus >/dev/null 2>&1 || rc=$?
[[ "$rc" == 2 ]] || fail "an unknown option exited $rc, want 2"
rc=0; "$gate" --threshold x --driver "$driver" >/dev/null 2>&1 || rc=$?
[[ "$rc" == 2 ]] || fail "--threshold x exited $rc, want 2"
rc=0; "$gate" --driver "$driver" --baseline "$t/none.json" >/dev/null 2>&1 || rc=$?
[[ "$rc" == 2 ]] || fail "a missing baseline exited $rc, want 2"
rc=0; "$driver" no_such_workload >/dev/null 2>&1 || rc=$?
[[ "$rc" == 1 ]] || fail "the driver with an unknown workload exited $rc, want 1"

# --- 1. --update ---
"$gate" --driver "$driver" --jobs 2 --baseline "$t/a.json" --update >"$keep/update.txt" ||
  fail "--update exited $?"
cat "$keep/update.txt"
# A flat object of "name": number.
if ! grep -qE '^\{$' "$t/a.json" || ! grep -qE '^\}$' "$t/a.json"; then
  fail "a.json is not an object"
fi
n="$(grep -cE '^  "[a-z0-9_]+": [0-9]+\.[0-9]+,?$' "$t/a.json")"
[[ "$n" == "$(($(wc -l <"$t/a.json") - 2))" ]] || fail "a.json has lines that are not \"name\": number"
[[ "$n" -ge 8 ]] || fail "only $n workloads, want at least 8"
for w in proc_parse netlink_decode format_default format_extended_id format_json format_xml \
         format_proc filter_tcp_host_dport summary; do
  grep -q "\"$w\": " "$t/a.json" || fail "workload $w missing from the baseline"
done

# --- 2. pass, and the same figures to within 0.1% ---
rc=0
"$gate" --driver "$driver" --jobs 2 --baseline "$t/a.json" --json-out "$t/b.json" \
  >"$keep/pass.txt" || rc=$?
cat "$keep/pass.txt"
[[ "$rc" == 0 ]] || fail "the gate against its own fresh baseline exited $rc, want 0"
grep -q "^perfgate: PASS" "$keep/pass.txt" || fail "no PASS line"
awk 'function pairs(file, into,   line, k, v) {
       while ((getline line < file) > 0) {
         if (match(line, /"[^"]+": [0-9.]+/)) {
           k = line; sub(/^ *"/, "", k); sub(/".*/, "", k)
           v = line; sub(/.*": /, "", v); sub(/,$/, "", v)
           into[k] = v + 0
         }
       }
     }
     BEGIN {
       pairs(ARGV[1], a); pairs(ARGV[2], b); bad = 0; n = 0
       for (k in a) {
         n++
         if (!(k in b)) { print "missing in the second run: " k; bad = 1; continue }
         d = (b[k] - a[k]) / a[k]; if (d < 0) d = -d
         printf "%-26s %12.2f %12.2f %.5f%%\n", k, a[k], b[k], d * 100
         if (d > 0.001) { print "  differs by more than 0.1%"; bad = 1 }
       }
       if (n < 8) bad = 1
       exit bad
     }' "$t/a.json" "$t/b.json" >"$keep/determinism.txt" || {
  cat "$keep/determinism.txt" >&2
  fail "two runs differ by more than 0.1%"
}
echo "--- run 1 vs run 2 (relative difference):"
cat "$keep/determinism.txt"

# --- 3. a baseline 10% lower fails ---
{
  echo "{"
  grep -E '^  "' "$t/a.json" | grep -v '"summary"' |
    awk '{ v = $2; sub(/,$/, "", v); printf "  %s %.2f,\n", $1, v * 0.9 }'
  echo '  "retired_workload": 100.0'
  echo "}"
} >"$t/low.json"
rc=0
"$gate" --driver "$driver" --jobs 2 --baseline "$t/low.json" >"$keep/fail.txt" || rc=$?
cat "$keep/fail.txt"
[[ "$rc" == 1 ]] || fail "the gate against a baseline lowered by 10% exited $rc, want 1"
grep -q "^perfgate: FAIL" "$keep/fail.txt" || fail "no FAIL line"
lowered="$(grep -c '^  "' "$t/low.json")"
regressions="$(grep -c 'REGRESSION$' "$keep/fail.txt" || true)"
[[ "$regressions" == "$((lowered - 1))" ]] ||
  fail "$regressions workloads marked REGRESSION, want $((lowered - 1))"
grep -qE '^summary +- +[0-9.]+ +new$' "$keep/fail.txt" || fail "summary is not shown as new"
grep -qE '^retired_workload +100\.00 +- +gone$' "$keep/fail.txt" || fail "no gone row"
grep -qE '^format_json +[0-9.]+ +[0-9.]+ +\+11\.1[0-9]%  REGRESSION$' "$keep/fail.txt" ||
  fail "format_json is not shown 11.1% above the lowered baseline"
echo "PASS: perfgate is deterministic and fails against a baseline lowered by 10%"
