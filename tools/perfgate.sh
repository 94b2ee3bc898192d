#!/usr/bin/env bash
# tools/perfgate.sh: the instruction-count performance gate (issue 13; bench/README.md,
# "Instruction-count gate").
#
#   tools/perfgate.sh [--baseline FILE] [--update] [--threshold PCT]
#                     [--driver FILE] [--json-out FILE] [--jobs N]
#
# Runs every workload of //bench/perfgate:workloads (`workloads --list`: /proc parsing,
# ctnetlink decoding of testdata/netlink, the formats default, extended+id, json, xml and
# proc, three filters, the summary) under callgrind, counting only the instructions of the
# workload's measured function (--collect-atstart=no --toggle-collect=perfgate_NAME, no
# cache or branch simulation), and divides that count (Ir) by the entries it handled.
# Prints one row per workload: workload, baseline, now, change.
#
#   --baseline FILE  the baseline, a flat JSON object {"workload": instructions per entry}
#                    (default bench/perfgate-baseline.json)
#   --update         write the measured figures to the baseline file (exit 0 unless a
#                    workload failed to run); do this when a slowdown is intended, and say
#                    why in the commit message
#   --threshold PCT  allowed growth per workload in percent (default 2)
#   --driver FILE    the workloads binary to run; default: `bazel build -c opt
#                    //bench/perfgate:workloads` in this tree (tests pass their own)
#   --json-out FILE  also write the measured figures there (same format as the baseline)
#   --jobs N         workloads run at once (default: the number of CPUs)
#
# Exit status: 0 when no workload is more than PCT percent above its baseline; 1 when one
# is; 2 on a usage error, a missing baseline or tool, or a workload that failed to run.
# A workload missing from the baseline is shown as "new" and a baseline entry without a
# workload as "gone"; neither fails the gate (run --update to record them).
#
# What the numbers are for: bench/perfgate-baseline.json holds figures for the default
# driver, i.e. `bazel build -c opt` with the copts of .bazelrc, Debian 12's g++ 12 and
# libabsl, valgrind 3.19, x86-64. Instruction counts do not depend on load or clock speed,
# so any machine of that kind gives the same figures (to within 0.1%: absl's hash seeds
# vary per process); another compiler, -c mode or C library (whose memcpy variant follows
# the CPU) gives other figures, so compare only like with like and --update after such a
# change. Needs valgrind (tools/setup.sh installs it) and awk.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
baseline="$root/bench/perfgate-baseline.json"
update=0
threshold=2
driver=""
json_out=""
jobs="$(nproc 2>/dev/null || echo 2)"

usage() {
  sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) [[ $# -ge 2 ]] || usage; baseline="$2"; shift 2 ;;
    --update) update=1; shift ;;
    --threshold) [[ $# -ge 2 ]] || usage; threshold="$2"; shift 2 ;;
    --driver) [[ $# -ge 2 ]] || usage; driver="$2"; shift 2 ;;
    --json-out) [[ $# -ge 2 ]] || usage; json_out="$2"; shift 2 ;;
    --jobs) [[ $# -ge 2 ]] || usage; jobs="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "perfgate: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ "$threshold" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "perfgate: bad --threshold '$threshold'" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "perfgate: bad --jobs '$jobs'" >&2; exit 2; }
command -v valgrind >/dev/null 2>&1 ||
  { echo "perfgate: valgrind is not installed (run tools/setup.sh)" >&2; exit 2; }
if [[ "$update" == 0 && ! -f "$baseline" ]]; then
  echo "perfgate: no baseline $baseline (make one with --update)" >&2
  exit 2
fi

if [[ -z "$driver" ]]; then
  echo "perfgate: bazel build -c opt //bench/perfgate:workloads" >&2
  (cd "$root" && bazel build -c opt //bench/perfgate:workloads >&2)
  driver="$(cd "$root" && bazel info -c opt bazel-bin 2>/dev/null)/bench/perfgate/workloads"
fi
[[ -x "$driver" ]] || { echo "perfgate: driver $driver is not executable" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/perfgate.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

mapfile -t workloads < <("$driver" --list)
[[ ${#workloads[@]} -gt 0 ]] || { echo "perfgate: $driver lists no workloads" >&2; exit 2; }

# One workload under callgrind: $tmp/NAME.out (entries=E check=C), $tmp/NAME.cg (counts).
run_one() {
  local w="$1"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$w.cg" \
    --collect-atstart=no --toggle-collect="perfgate_$w" \
    --cache-sim=no --branch-sim=no \
    "$driver" --root "$root" "$w" >"$tmp/$w.out" 2>"$tmp/$w.err"
}

echo "perfgate: ${#workloads[@]} workloads under callgrind, $jobs at a time" >&2
pids=()
names=()
for w in "${workloads[@]}"; do
  while [[ $(jobs -rp | wc -l) -ge "$jobs" ]]; do wait -n || true; done
  run_one "$w" &
  pids+=("$!")
  names+=("$w")
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "perfgate: workload ${names[$i]} failed; its stderr:" >&2
    tail -n 20 "$tmp/${names[$i]}.err" >&2
    failed=1
  fi
done
[[ "$failed" == 0 ]] || exit 2

# Measured figures, in the driver's order: "NAME IR ENTRIES".
: >"$tmp/now.txt"
for w in "${workloads[@]}"; do
  ir="$(awk '$1 == "totals:" { print $2 }' "$tmp/$w.cg")"
  entries="$(sed -nE 's/^entries=([0-9]+) .*/\1/p' "$tmp/$w.out")"
  if [[ -z "$ir" || -z "$entries" || "$entries" == 0 || "$ir" == 0 ]]; then
    echo "perfgate: workload $w: no count (Ir '$ir', entries '$entries')" >&2
    exit 2
  fi
  echo "$w $ir $entries" >>"$tmp/now.txt"
done

# The flat JSON of the measured figures.
awk '{ printf "%s  \"%s\": %.2f", (NR > 1 ? ",\n" : "{\n"), $1, $2 / $3 }
     END { print "\n}" }' "$tmp/now.txt" >"$tmp/now.json"
[[ -z "$json_out" ]] || cp "$tmp/now.json" "$json_out"

# The baseline as "NAME VALUE" lines (our own flat JSON: one "name": number per pair).
: >"$tmp/base.txt"
if [[ -f "$baseline" ]]; then
  grep -oE '"[^"]+"[[:space:]]*:[[:space:]]*-?[0-9][0-9.eE+-]*' "$baseline" |
    sed -E 's/^"([^"]+)"[[:space:]]*:[[:space:]]*/\1 /' >"$tmp/base.txt" || true
  if [[ "$update" == 0 && ! -s "$tmp/base.txt" ]]; then
    echo "perfgate: $baseline holds no \"workload\": number pairs" >&2
    exit 2
  fi
fi

rc=0
awk -v threshold="$threshold" -v update="$update" '
  FILENAME == ARGV[1] { base[$1] = $2; order_b[++nb] = $1; next }
  { now[$1] = $2 / $3; order_n[++nn] = $1 }
  END {
    printf "%-26s %12s %12s %9s\n", "workload", "baseline", "now", "change"
    bad = ""
    for (i = 1; i <= nn; i++) {
      w = order_n[i]
      if (!(w in base)) {
        printf "%-26s %12s %12.2f %9s\n", w, "-", now[w], "new"
        continue
      }
      change = base[w] > 0 ? (now[w] - base[w]) * 100 / base[w] : 0
      mark = ""
      if (change > threshold + 0) { mark = "  REGRESSION"; bad = bad " " w }
      printf "%-26s %12.2f %12.2f %+8.2f%%%s\n", w, base[w], now[w], change, mark
    }
    for (i = 1; i <= nb; i++) {
      w = order_b[i]
      if (!(w in now)) printf "%-26s %12.2f %12s %9s\n", w, base[w], "-", "gone"
    }
    printf "(instructions per entry: callgrind Ir of the measured function / entries)\n"
    if (bad != "" && !update) {
      printf "perfgate: FAIL: more than %s%% above the baseline:%s\n", threshold, bad
      exit 1
    }
  }' "$tmp/base.txt" "$tmp/now.txt" || rc=$?

if [[ "$update" == 1 ]]; then
  cp "$tmp/now.json" "$baseline"
  echo "perfgate: wrote $baseline"
  exit 0
fi
if [[ "$rc" == 0 ]]; then
  echo "perfgate: PASS (no workload more than $threshold% above the baseline)"
fi
exit "$rc"
