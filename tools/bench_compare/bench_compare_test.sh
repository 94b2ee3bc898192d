#!/usr/bin/env bash
# Table-driven test of bench_compare over the fixtures in testdata/bench (see its README).
set -uo pipefail
B=tools/bench_compare/bench_compare.sh
T=testdata/bench
fail=0

# expect RC GREP_PATTERN ARGS...: runs bench_compare ARGS, checks the exit status and that
# the combined output has a line matching GREP_PATTERN (extended regex).
expect() {
  local want_rc=$1 pattern=$2
  shift 2
  local out rc
  out=$("$B" "$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want_rc" ]; then
    echo "FAIL: bench_compare $* exited $rc, want $want_rc"; echo "$out"; fail=1; return
  fi
  if ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: bench_compare $*: no line matches /$pattern/"; echo "$out"; fail=1; return
  fi
  echo "ok: bench_compare $* -> $rc, /$pattern/"
}

# Within the default 10%: slower by 5%, faster by 25% across time units, e2e in seconds.
expect 0 '^BM_Parse/proc +100 +105 +5% +ok$' $T/baseline.json $T/within_threshold.json
expect 0 '^BM_Format/json +2000 +1500 +-25% +faster$' $T/baseline.json $T/within_threshold.json
expect 0 '^E2E/ctdump_L/250000 +300000000 +310000000 +3.3% +ok$' \
  $T/baseline.json $T/within_threshold.json
expect 0 '^BM_New .* new$' $T/baseline.json $T/within_threshold.json
expect 0 '^BM_Removed .* gone$' $T/baseline.json $T/within_threshold.json
expect 0 'no regression beyond 10% \(real_time\) in 5 benchmarks' \
  $T/baseline.json $T/within_threshold.json
# A tighter threshold turns the 5% into a regression.
expect 1 '^BM_Parse/proc .* REGRESSION$' --threshold 4 $T/baseline.json $T/within_threshold.json
expect 0 'beyond 5.5%' --threshold=5.5 $T/baseline.json $T/within_threshold.json
# 25% slower, and a benchmark that errored, both fail.
expect 1 '^BM_Parse/proc +100 +125 +25% +REGRESSION$' $T/baseline.json $T/regressed.json
expect 1 '^E2E/ctdump_L/250000 .* ERROR$' $T/baseline.json $T/regressed.json
expect 1 '2 of 4 benchmarks regressed' $T/baseline.json $T/regressed.json
# Rates: lower is worse.
expect 1 '^BM_Parse/proc +10000000 +8000000 +25% +REGRESSION$' \
  --metric items_per_second $T/baseline.json $T/regressed.json
expect 0 '^BM_Format/json +500000 +660000 +-24.2% +faster$' \
  --metric items_per_second $T/baseline.json $T/within_threshold.json
# A counter (peak RSS of the e2e runs).
expect 0 '^E2E/ctdump_L/250000 +5000 +5100 +2% +ok$' --metric rss_kb \
  $T/baseline.json $T/within_threshold.json
# Aggregates: the median is compared, not the mean or a single repetition.
expect 0 '^BM_Parse/proc +100 +101 +1% +ok$' $T/baseline.json $T/aggregates.json
# The same file against itself never regresses.
expect 0 "no regression" $T/within_threshold.json $T/within_threshold.json
# Usage and input errors: exit 2 with a message.
expect 2 'not a Google Benchmark JSON file' $T/baseline.json $T/not_benchmark.json
expect 2 'cannot read' $T/baseline.json $T/missing.json
expect 2 'wants a percentage' --threshold x $T/baseline.json $T/baseline.json
expect 2 'usage: bench_compare' $T/baseline.json
expect 2 'unknown option --bogus' --bogus $T/baseline.json $T/baseline.json

exit $fail
