#!/usr/bin/env bash
# CI's short run of the fixture benchmarks: every benchmark must build, run without
# error, and write Google Benchmark JSON that tools/bench_compare accepts. Timings are
# not checked here (speed lives in the benchmarks themselves, never in tests); the JSON is
# left in the test's undeclared outputs (bazel-testlogs/bench/.../outputs.zip) so a CI
# job can keep it as the next baseline.
set -euo pipefail
out="${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}/fixture_benchmark.json"
bench/fixture_benchmark --benchmark_min_time=0.01 --benchmark_out="$out" \
  --benchmark_out_format=json >/dev/null
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -s "$out" ] || fail "no JSON written to $out"
n=$(jq '[.benchmarks[] | select(.run_type == "iteration")] | length' "$out")
errors=$(jq -r '.benchmarks[] | select(.error_occurred == true) | "\(.name): \(.error_message)"' "$out")
[ -z "$errors" ] || fail "benchmarks reported errors:"$'\n'"$errors"
# Every family of benchmarks is there.
for family in BM_ProcReader/ BM_ProcParseLine/ BM_NetlinkDecode/ BM_Format/ BM_Filter/ BM_ParseJson; do
  jq -e --arg f "$family" 'any(.benchmarks[]; .name | startswith($f))' "$out" >/dev/null ||
    fail "no $family benchmark in $out"
done
[ "$n" -ge 16 ] || fail "only $n benchmarks ran, want at least 16"
# Every benchmark counted what it processed.
missing=$(jq -r '.benchmarks[] | select((.items_per_second // 0) <= 0) | .name' "$out")
[ -z "$missing" ] || fail "benchmarks without items_per_second: $missing"
# The regression checker reads it (a file against itself never regresses).
tools/bench_compare/bench_compare.sh "$out" "$out" >/dev/null ||
  fail "bench_compare rejected the benchmark output"
tools/bench_compare/bench_compare.sh --metric items_per_second "$out" "$out" >/dev/null ||
  fail "bench_compare rejected the benchmark output (items_per_second)"
echo "PASS: $n fixture benchmarks ran; JSON at $out"
