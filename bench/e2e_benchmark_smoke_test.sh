#!/usr/bin/env bash
# CI's short run of the end-to-end benchmarks: a 2,000-entry table, one run per command,
# in a throwaway namespace the benchmark creates and deletes. Checks that every command
# ran, listed the whole table (the benchmark verifies ctdump -L and conntrack -L line
# counts itself), and that the JSON and the targets table were written. No timing is
# asserted. Needs root (skips without it, fails instead under CTDUMP_REQUIRE_KERNEL=1).
set -euo pipefail
source tools/testing/netns.sh
ct_require_root_or_skip
out="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}"
name="ctdump-bench-test-$$"
cleanup() { ip netns del "$name-2000" 2>/dev/null || true; }
trap cleanup EXIT
bench/e2e_benchmark --sizes=2000 --reps=1 --netns-name="$name" --input_mb=20 \
  --targets_out="$out/e2e_targets.md" --benchmark_out="$out/e2e_benchmark.json" \
  --benchmark_out_format=json >"$out/e2e_stdout.txt" 2>&1 ||
  ct_fail "e2e_benchmark failed: $(tail -20 "$out/e2e_stdout.txt")"
errors=$(jq -r '.benchmarks[] | select(.error_occurred == true) | "\(.name): \(.error_message)"' \
  "$out/e2e_benchmark.json")
[ -z "$errors" ] || ct_fail "benchmarks reported errors: $errors"
for cmd in kernel_floor ctdump_L ctdump_L_json ctdump_L_procfs cat_proc conntrack_L \
           ctdump_filtered input_L input_filtered; do
  jq -e --arg n "E2E/$cmd/2000" 'any(.benchmarks[]; .name | startswith($n))' \
    "$out/e2e_benchmark.json" >/dev/null || ct_fail "no E2E/$cmd/2000 result"
done
jq -e '[.benchmarks[] | select(.name | startswith("E2E/ctdump_L/")) | .x_kernel_floor] |
       all(. > 0)' "$out/e2e_benchmark.json" >/dev/null ||
  ct_fail "E2E/ctdump_L has no x_kernel_floor ratio"
grep -q '| `ctdump -L` / kernel floor |' "$out/e2e_targets.md" ||
  ct_fail "targets table missing the kernel-floor line"
grep -q '| `ctdump -L --input FILE` / `wc -l FILE` |' "$out/e2e_targets.md" ||
  ct_fail "targets table missing the --input line"
[ ! -e "/run/netns/$name-2000" ] || ct_fail "the benchmark left its namespace behind"
! ls "${TEST_TMPDIR:-/tmp}"/ctdump-bench-input-* >/dev/null 2>&1 ||
  ct_fail "the benchmark left its --input file behind"
tools/bench_compare/bench_compare.sh "$out/e2e_benchmark.json" "$out/e2e_benchmark.json" \
  >/dev/null || ct_fail "bench_compare rejected the e2e output"
echo "PASS: e2e benchmarks ran at 2000 entries"
