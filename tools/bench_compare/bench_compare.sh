#!/usr/bin/env bash
# bench_compare: compares two Google Benchmark JSON result files (--benchmark_out) and
# fails when a benchmark got slower than the baseline by more than a threshold.
#
#   bench_compare [--threshold PCT] [--metric NAME] BASELINE.json CURRENT.json
#
# For every benchmark of CURRENT that BASELINE also has (matched by name), it compares one
# number:
#   * with --metric real_time (the default) or cpu_time: the time per iteration, converted
#     to nanoseconds from each entry's time_unit; lower is better;
#   * with --metric NAME ending in "_per_second" (items_per_second, bytes_per_second):
#     a rate; higher is better;
#   * with any other --metric NAME: that user counter, as a time (lower is better).
# When a file holds aggregates (--benchmark_repetitions), the "median" aggregate of each
# benchmark is used; otherwise each plain run (run_type "iteration").
# slowdown = current/baseline for times, baseline/current for rates; a benchmark regresses
# when slowdown > 1 + PCT/100 (PCT defaults to 10).
#
# Prints one line per benchmark: name, baseline, current, change, verdict (ok, faster,
# REGRESSION, new: only in CURRENT, gone: only in BASELINE), then a summary line.
# Exit status: 0 no regression, 1 at least one regression (or a benchmark that errored in
# CURRENT), 2 usage or input errors (missing file, not benchmark JSON).
set -euo pipefail

usage() {
  echo "usage: bench_compare [--threshold PCT] [--metric NAME] BASELINE.json CURRENT.json" >&2
  exit 2
}

threshold=10
metric=real_time
while [ $# -gt 0 ]; do
  case "$1" in
    --threshold) [ $# -ge 2 ] || usage; threshold=$2; shift 2 ;;
    --threshold=*) threshold=${1#*=}; shift ;;
    --metric) [ $# -ge 2 ] || usage; metric=$2; shift 2 ;;
    --metric=*) metric=${1#*=}; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "bench_compare: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || usage
if ! [[ "$threshold" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "bench_compare: --threshold wants a percentage such as 10 or 2.5, not '$threshold'" >&2
  exit 2
fi
if ! command -v jq >/dev/null 2>&1; then
  echo "bench_compare: jq is not installed (tools/setup.sh installs it)" >&2
  exit 2
fi
for f in "$1" "$2"; do
  if [ ! -r "$f" ]; then
    echo "bench_compare: cannot read $f" >&2
    exit 2
  fi
  if ! jq -e '(.benchmarks | type) == "array"' "$f" >/dev/null 2>&1; then
    echo "bench_compare: $f is not a Google Benchmark JSON file (no \"benchmarks\" array;" \
         "write one with --benchmark_out=FILE --benchmark_out_format=json)" >&2
    exit 2
  fi
done

# name -> {value, error} for the chosen metric, from one file.
extract='
  def ns(u): {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[u // "ns"];
  def pick:
    if any(.benchmarks[]; .run_type == "aggregate")
    then [.benchmarks[] | select(.run_type == "aggregate" and .aggregate_name == "median")]
    else [.benchmarks[] | select((.run_type // "iteration") == "iteration")]
    end;
  pick | map({key: (.run_name // .name | sub("_median$"; "")),
              value: {error: (.error_occurred // false),
                      v: (if $m == "real_time" or $m == "cpu_time"
                          then (if .[$m] == null then null else .[$m] * ns(.time_unit) end)
                          else .[$m] end)}})
       | from_entries'

jq -n -r --arg m "$metric" --argjson t "$threshold" \
  --slurpfile base "$1" --slurpfile cur "$2" "
  def table(f): f | $extract;
  (table(\$base[0])) as \$b | (table(\$cur[0])) as \$c |
  (\$m | test(\"_per_second\$\")) as \$rate |
  def fmt: if . == null then \"-\" elif . >= 100 then (. * 10 | round / 10 | tostring)
           else (. * 1000 | round / 1000 | tostring) end;
  ([\$c | keys_unsorted[] as \$k | {k: \$k, b: \$b[\$k], c: \$c[\$k]}] +
   [\$b | keys_unsorted[] as \$k | select(\$c[\$k] == null) | {k: \$k, b: \$b[\$k], c: null}])
  | map(. + (
      if .c == null then {verdict: \"gone\", change: null}
      elif .c.error then {verdict: \"ERROR\", change: null}
      elif .b == null then {verdict: \"new\", change: null}
      elif .b.v == null or .c.v == null then {verdict: \"no-metric\", change: null}
      elif .b.v == 0 or .c.v == 0 then {verdict: \"no-metric\", change: null}
      else
        ((if \$rate then .b.v / .c.v else .c.v / .b.v end)) as \$slow |
        {change: ((\$slow - 1) * 100),
         verdict: (if \$slow > 1 + \$t / 100 then \"REGRESSION\"
                   elif \$slow < 1 - \$t / 100 then \"faster\" else \"ok\" end)}
      end))
  | (.[] | [.k, (.b.v | fmt), (.c.v | fmt),
            (if .change == null then \"-\" else ((.change * 10 | round / 10 | tostring) + \"%\") end),
            .verdict] | @tsv),
    \"SUMMARY\t\(map(select(.verdict == \"REGRESSION\" or .verdict == \"ERROR\")) | length)\t\(length)\"
" > "${TMPDIR:-/tmp}/bench_compare.$$" || {
  rm -f "${TMPDIR:-/tmp}/bench_compare.$$"
  echo "bench_compare: could not compare $1 and $2 (jq failed)" >&2
  exit 2
}
out="${TMPDIR:-/tmp}/bench_compare.$$"
trap 'rm -f "$out"' EXIT

unit=""
case "$metric" in real_time|cpu_time) unit=", ns" ;; esac
printf '%-56s %14s %14s %9s  %s\n' "benchmark ($metric$unit)" baseline current change verdict
bad=0
total=0
while IFS=$'\t' read -r name b c change verdict; do
  if [ "$name" = SUMMARY ]; then
    bad=$b
    total=$c
    continue
  fi
  printf '%-56s %14s %14s %9s  %s\n' "$name" "$b" "$c" "$change" "$verdict"
done < "$out"
if [ "$bad" -gt 0 ]; then
  echo "bench_compare: $bad of $total benchmarks regressed by more than $threshold% ($metric) or failed"
  exit 1
fi
echo "bench_compare: no regression beyond $threshold% ($metric) in $total benchmarks"
