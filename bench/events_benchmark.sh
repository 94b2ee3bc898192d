#!/bin/bash
# File: bench/events_benchmark.sh
#
# How many conntrack events per second `ctdump -E` (default text and -o json) shows
# without loss at its default settings, next to `conntrack -E` on the same flood
# (issue 13 item 4, issue 17). Root only: every run gets a fresh throwaway network
# namespace (ctdump-evbench-<pid>-<n>), deleted again; nothing outside it is touched.
#
#   sudo bench/events_benchmark.sh                    # default steps and flood
#   sudo bench/events_benchmark.sh --rates 10000,50000 --seconds 2 --flood 200000
#
# Two measurements, each tool running ALONE in its namespace with stdout to a file:
#  * flood: `ctgen --count N` inserts N entries through ctnetlink as fast as the kernel
#    takes them (NEW events only). Reported: events shown, events lost (ctdump: its own
#    count from the kernel's drop counter, checked: shown + lost = N; conntrack: N - shown),
#    the tool's CPU time (from /proc/PID/schedstat, in ns, or utime + stime of
#    /proc/PID/stat, once the output has stopped growing) and CPU per shown event.
#  * steps: for each rate R, `ctgen --count R*S --rate R --delete` creates R entries per
#    second for S seconds and deletes each right after creating it, so 2R events per
#    second (NEW + DESTROY) reach the listener while the table stays empty. The event
#    rate reported is the one ctgen achieved (2 x its entries/s), which falls short of 2R
#    when ctgen itself cannot go faster. A step is lossless when the tool showed all 2RS
#    events; the tool's figure is the highest achieved rate of a lossless step below its
#    first lossy one (steps after a loss are still run, for the table).
#
# Options:
#   --ctdump PATH      the ctdump binary (default: bazel-bin/cli/ctdump, or runfiles)
#   --ctgen PATH       the ctgen binary (default: bazel-bin/tools/ctgen/ctgen, or runfiles)
#   --rates LIST       comma-separated entry rates for the steps (default
#                      5000,10000,20000,40000,80000,160000); "" skips the steps
#   --seconds S        length of each step (default 2)
#   --flood N          entries of the flood (default 200000; 0 skips it; nf_conntrack_max
#                      bounds it)
#   --tools LIST       any of ctdump,ctdump-json,conntrack (default all three)
#   --out FILE         also write the Markdown tables to FILE
#
# Output: one line per run on stdout,
#   RESULT kind=flood|step tool=T rate=R expected=E shown=S lost=L exact=yes|no|n/a
#          cpu_s=C ev_per_s=A
# (exact: ctdump's shown + lost equals expected; A: the achieved event rate of a step, or
# the flood's insert rate), then Markdown tables. Exit status 0, or 1 when a run failed
# (a tool died, ctgen failed, or ctdump's loss accounting was not exact).
#
# Load matters: run it on an otherwise idle machine, and say how loaded it was (the
# script prints the load average at start and end). //bench:events_benchmark_smoke_test
# runs it on a tiny flood and one slow step to keep it working.
set -euo pipefail

CTDUMP="" CTGEN="" RATES="5000,10000,20000,40000,80000,160000" SECONDS_PER_STEP=2
FLOOD=200000 TOOLS="ctdump,ctdump-json,conntrack" OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ctdump) CTDUMP="$2"; shift 2 ;;
    --ctgen) CTGEN="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --seconds) SECONDS_PER_STEP="$2"; shift 2 ;;
    --flood) FLOOD="$2"; shift 2 ;;
    --tools) TOOLS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h | --help) sed -n '2,45p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "events_benchmark: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ "$(id -u)" != 0 ]]; then
  echo "events_benchmark: needs root (network namespaces, ctnetlink)" >&2
  exit 2
fi

find_bin() {  # find_bin WORKSPACE_PATH
  local c
  for c in "${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/$1" \
    "${RUNFILES_DIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/$1" "$0.runfiles/ctdump/$1" \
    "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bazel-bin/$1"; do
    if [[ -x "$c" ]]; then echo "$c"; return 0; fi
  done
  echo "events_benchmark: $1 is not built (bazel build -c opt //cli:ctdump //tools/ctgen:ctgen)" >&2
  return 1
}
[[ -n "$CTDUMP" ]] || CTDUMP="$(find_bin cli/ctdump)"
[[ -n "$CTGEN" ]] || CTGEN="$(find_bin tools/ctgen/ctgen)"
command -v conntrack >/dev/null || { echo "events_benchmark: conntrack is not installed" >&2; exit 2; }

TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/evbench.XXXXXX")"
NS="" PID="" SEQ=0
cleanup() {
  [[ -n "$PID" ]] && kill -KILL "$PID" 2>/dev/null || true
  [[ -n "$NS" ]] && ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
CLK_TCK="$(getconf CLK_TCK)"
FAILED=0
declare -a ROWS_FLOOD=() ROWS_STEP=()

tool_cmd() {  # tool_cmd TOOL: the command line of TOOL (array TOOL_CMD)
  case "$1" in
    ctdump) TOOL_CMD=("$CTDUMP" -E) ;;
    ctdump-json) TOOL_CMD=("$CTDUMP" -E -o json) ;;
    conntrack) TOOL_CMD=(conntrack -E) ;;
    *) echo "events_benchmark: unknown tool '$1'" >&2; exit 2 ;;
  esac
}

cpu_seconds() {  # cpu_seconds PID: time on a CPU in seconds (schedstat: ns; else ticks)
  if [[ -r "/proc/$1/schedstat" ]]; then
    awk '{ printf "%.3f", $1 / 1e9 }' "/proc/$1/schedstat"
    return
  fi
  awk -v tck="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tck }' "/proc/$1/stat"
}

# run_one KIND TOOL RATE CTGEN_ARGS...: one run in a fresh namespace; prints a RESULT line.
run_one() {
  local kind="$1" tool="$2" rate="$3" i size last=-1 stable=0
  shift 3
  SEQ=$((SEQ + 1))
  NS="ctdump-evbench-$$-$SEQ"
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  tool_cmd "$tool"
  ip netns exec "$NS" "${TOOL_CMD[@]}" >"$TMP/out" 2>"$TMP/err" &
  PID=$!
  sleep 0.5  # subscribed (conntrack prints nothing when it is)
  if ! ip netns exec "$NS" "$CTGEN" "$@" 2>"$TMP/gen"; then
    echo "events_benchmark: ctgen $* failed: $(cat "$TMP/gen")" >&2
    FAILED=1
  fi
  # Wait until the output has stopped growing for 0.5 s (at most 60 s).
  for i in $(seq 1 600); do
    size="$(stat -c %s "$TMP/out")"
    if [[ "$size" == "$last" ]]; then
      stable=$((stable + 1))
      [[ "$stable" -ge 5 ]] && break
    else
      stable=0
      last="$size"
    fi
    sleep 0.1
  done
  local cpu rc=0
  cpu="$(cpu_seconds "$PID" 2>/dev/null || echo 0)"
  kill -INT "$PID" 2>/dev/null || true
  wait "$PID" || rc=$?
  PID=""
  ip netns del "$NS"
  NS=""
  local expected shown lost exact ev_rate entries secs
  entries="$(sed -nE 's/^ctgen: created ([0-9]+) entries.*/\1/p' "$TMP/gen")"
  secs="$(sed -nE 's/^ctgen: created .* in ([0-9.]+) s .*/\1/p' "$TMP/gen")"
  if [[ "$kind" == step ]]; then
    expected=$((entries * 2))
  else
    expected="$entries"
  fi
  ev_rate="$(awk -v e="$expected" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? e / s : 0) }')"
  shown="$(sed -nE 's/.* ([0-9]+) flow events have been shown\.$/\1/p' "$TMP/err" | tail -1)"
  if [[ -z "$shown" ]]; then
    echo "events_benchmark: $tool printed no summary (exit $rc): $(tail -3 "$TMP/err")" >&2
    FAILED=1
    shown=0
  fi
  if [[ "$tool" == conntrack ]]; then
    lost=$((expected - shown))
    exact="n/a"
  else
    lost="$(sed -nE 's/^ctdump: ([0-9]+) events were lost.*/\1/p' "$TMP/err")"
    lost="${lost:-0}"
    if [[ $((shown + lost)) == "$expected" ]]; then exact=yes; else exact=no; FAILED=1; fi
    if [[ "$rc" != 0 && "$lost" == 0 ]]; then
      echo "events_benchmark: $tool exited $rc without a loss: $(tail -3 "$TMP/err")" >&2
      FAILED=1
    fi
  fi
  echo "RESULT kind=$kind tool=$tool rate=$rate expected=$expected shown=$shown lost=$lost exact=$exact cpu_s=$cpu ev_per_s=$ev_rate" |
    tee -a "$RESULTS"
}

echo "events_benchmark: $(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "events_benchmark: ctdump=$CTDUMP ctgen=$CTGEN"
IFS=, read -r -a TOOL_LIST <<<"$TOOLS"
IFS=, read -r -a RATE_LIST <<<"$RATES"
RESULTS="$TMP/results"
: >"$RESULTS"
if [[ "$FLOOD" -gt 0 ]]; then
  for tool in "${TOOL_LIST[@]}"; do
    run_one flood "$tool" 0 --count "$FLOOD"
  done
fi
for rate in "${RATE_LIST[@]}"; do
  [[ -n "$rate" ]] || continue
  count="$(awk -v r="$rate" -v s="$SECONDS_PER_STEP" 'BEGIN { printf "%d", r * s }')"
  for tool in "${TOOL_LIST[@]}"; do
    run_one step "$tool" "$rate" --count "$count" --rate "$rate" --delete
  done
done
echo "events_benchmark: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# The Markdown tables.
{
  if [[ "$FLOOD" -gt 0 ]]; then
    echo
    echo "Flood of $FLOOD entries inserted by \`ctgen --count $FLOOD\` (NEW events), each tool alone:"
    echo
    echo "| tool | shown | lost | shown + lost = inserted | CPU | CPU per shown event |"
    echo "|---|---|---|---|---|---|"
    grep '^RESULT kind=flood' "$RESULTS" | sed 's/^RESULT //' | awk '
      { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        per = v["shown"] > 0 ? v["cpu_s"] * 1e6 / v["shown"] : 0
        printf "| %s | %d | %d | %s | %.2f s | %.1f us |\n", v["tool"], v["shown"], v["lost"],
          v["exact"], v["cpu_s"], per }'
  fi
  if [[ -n "$RATES" ]]; then
    echo
    echo "Steps of ${SECONDS_PER_STEP} s, \`ctgen --rate R --delete\` (2 events per entry): events shown / sent at the event rate ctgen achieved in that run:"
    echo
    printf '| entries/s asked | events/s asked |'
    for tool in "${TOOL_LIST[@]}"; do printf ' %s |' "$tool"; done
    echo
    printf '|---|---|'
    for tool in "${TOOL_LIST[@]}"; do printf -- '---|'; done
    echo
    for rate in "${RATE_LIST[@]}"; do
      [[ -n "$rate" ]] || continue
      awk -v rate="$rate" -v tools="$TOOLS" '
        /^RESULT kind=step/ { delete v
          for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
          if (v["rate"] != rate) next
          cell[v["tool"]] = v["shown"] "/" v["expected"] " at " v["ev_per_s"] "/s" }
        END { n = split(tools, t, ",")
          printf "| %d | %d |", rate, 2 * rate
          for (i = 1; i <= n; i++) printf " %s |", cell[t[i]]
          printf "\n" }' "$RESULTS"
    done
    echo
    echo "Highest lossless event rate (achieved events/s of the last lossless step before the first loss):"
    echo
    for tool in "${TOOL_LIST[@]}"; do
      awk -v tool="$tool" '
        /^RESULT kind=step/ { delete v
          for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
          if (v["tool"] != tool || lossy) next
          if (v["shown"] != v["expected"]) lossy = 1
          else if (v["ev_per_s"] + 0 > best + 0) best = v["ev_per_s"] }
        END { printf "* %s: %s\n", tool, (best == "" ? "none (lost events at the slowest step)" : \
                best " events/s" (lossy ? "" : " (no step lost events: at least this)")) }' "$RESULTS"
    done
  fi
} | tee "$TMP/tables"
[[ -z "$OUT" ]] || cp "$TMP/tables" "$OUT"
exit "$FAILED"
