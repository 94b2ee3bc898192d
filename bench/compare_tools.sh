#!/bin/bash
# File: bench/compare_tools.sh
#
# ctdump next to the other ways of reading the conntrack table, on one table, in one run
# (issue 15 item 8: the README's "Why ctdump" figures). Root only: the table lives in a
# fresh throwaway network namespace (ctdump-cmp-<pid>), filled by tools/ctgen and deleted
# on exit; nothing outside it is touched (no sysctl, no module, the root namespace's table
# is only walked by the kernel as part of every dump, as always).
#
#   bazel build -c opt //cli:ctdump_static //tools/ctgen
#   sudo bench/compare_tools.sh                         # 250,000 entries, 5 repetitions
#   sudo bench/compare_tools.sh --count 20000 --reps 3 --out /tmp/cmp.md
#
# Listing every entry (stdout to /dev/null):
#   ctdump -L, ctdump -L -o json            this project
#   conntrack -L                            conntrack-tools (libnetfilter_conntrack)
#   pyroute2                                Python: sum(1 for _ in Conntrack(nfgen_family=
#                                           AF_UNSPEC).dump_entries()), i.e. decode every
#                                           entry of both families into objects and count
#                                           them; it prints nothing, so it is the cheapest
#                                           thing a pyroute2 script can do with a dump
# Metrics for Prometheus (what each scrape/run gives, and what it costs):
#   ctdump --summary -o prometheus          one dump: per family/protocol/state/zone counts,
#                                           top talkers, count/max, self-metrics
#   node_exporter --collector.conntrack     no dump: count, max and the per-CPU statistics
#                                           (/proc/sys/net/netfilter, /proc/net/stat); timed
#                                           as one `curl /metrics` of a node_exporter
#                                           started once in the namespace (only that
#                                           collector enabled), its CPU from /proc/PID/stat
#
# Each repetition runs every command once, in an order rotated per repetition; each run
# is timed by /usr/bin/time (wall, user, sys, max RSS). The table reports medians over
# the repetitions, per column. Load from other processes skews every figure: the load
# average is printed at start and end, and user+sys CPU moves less than wall time.
#
# Options:
#   --ctdump PATH     the ctdump binary (default bazel-bin/cli/ctdump_static, else
#                     bazel-bin/cli/ctdump)
#   --ctgen PATH      the generator (default bazel-bin/tools/ctgen/ctgen)
#   --count N         entries (default 250000; nf_conntrack_max, a global sysctl this
#                     script never raises, bounds it)
#   --reps N          repetitions (default 5)
#   --port P          node_exporter's port inside the namespace (default 19100)
#   --out FILE        also write the Markdown table to FILE
#   --no-node-exporter, --no-pyroute2   skip that tool
#
# Output: one `RUN tool=T rep=R wall_s=W user_s=U sys_s=S maxrss_kb=M` line per run, then
# `MEDIAN ...` lines and a Markdown table. Exit 0 on success, 1 when a tool failed or a
# listing did not show N entries, 2 on usage errors.
set -euo pipefail

die() { echo "compare_tools.sh: $*" >&2; exit 1; }
usage() { echo "compare_tools.sh: $*" >&2; echo "see the header of bench/compare_tools.sh" >&2; exit 2; }

cd "$(dirname "$0")/.."
ctdump=""
ctgen=bazel-bin/tools/ctgen/ctgen
count=250000
reps=5
port=19100
out=""
with_ne=1
with_py=1
while [ $# -gt 0 ]; do
  case "$1" in
    --ctdump) ctdump="${2:?}"; shift 2 ;;
    --ctgen) ctgen="${2:?}"; shift 2 ;;
    --count) count="${2:?}"; shift 2 ;;
    --reps) reps="${2:?}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --no-node-exporter) with_ne=0; shift ;;
    --no-pyroute2) with_py=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) usage "unknown argument '$1'" ;;
  esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] || usage "--count wants a positive number, got '$count'"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || usage "--reps wants a positive number, got '$reps'"
if [ -z "$ctdump" ]; then
  if [ -x bazel-bin/cli/ctdump_static ]; then ctdump=bazel-bin/cli/ctdump_static; else ctdump=bazel-bin/cli/ctdump; fi
fi
[ "$(id -u)" = 0 ] || die "needs root (it creates a network namespace); run it with sudo"
[ -x "$ctdump" ] || die "no ctdump at '$ctdump': run 'bazel build -c opt //cli:ctdump_static' or pass --ctdump"
[ -x "$ctgen" ] || die "no ctgen at '$ctgen': run 'bazel build -c opt //tools/ctgen' or pass --ctgen"
command -v conntrack >/dev/null || die "conntrack not found: apt-get install conntrack"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: apt-get install time"
pybin=/usr/bin/python3
if [ "$with_py" = 1 ] && ! "$pybin" -c 'import pyroute2' 2>/dev/null; then
  die "pyroute2 not importable by $pybin: apt-get install python3-pyroute2, or pass --no-pyroute2"
fi
ne=/usr/bin/prometheus-node-exporter
if [ "$with_ne" = 1 ] && [ ! -x "$ne" ]; then
  die "no $ne: apt-get install prometheus-node-exporter, or pass --no-node-exporter"
fi

ns="ctdump-cmp-$$"
work="$(mktemp -d)"
ne_pid=""
cleanup() {
  if [ -n "$ne_pid" ]; then kill "$ne_pid" 2>/dev/null || true; wait "$ne_pid" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; kernel $(uname -r)"
echo "ctdump: $ctdump"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$ctgen" --count "$count" --mix mixed --v6-percent 10 --seed 1 -q
have="$(ip netns exec "$ns" "$ctdump" -C)"
[ "$have" = "$count" ] || die "namespace holds $have entries after ctgen --count $count"

cat > "$work/pyroute2_count.py" <<'EOF'
# Decode every entry of one ctnetlink dump (both families: AF_UNSPEC) into pyroute2 objects; count.
import socket
from pyroute2 import Conntrack
ct = Conntrack(nfgen_family=socket.AF_UNSPEC)  # the default, AF_INET, lists IPv4 only
n = sum(1 for _ in ct.dump_entries())
ct.close()
print(n)
EOF

# One timed run inside the namespace (the time excludes `ip netns exec` itself): tool
# name, repetition, then the command; stdout to $work/out.$tool.
timed() {
  local tool="$1" rep="$2"; shift 2
  if ! ip netns exec "$ns" /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" \
      > "$work/out.$tool" 2> "$work/err.$tool"; then
    cat "$work/err.$tool" >&2
    die "$tool failed: $*"
  fi
  read -r w u s m < <(tail -1 "$work/time")
  echo "RUN tool=$tool rep=$rep wall_s=$w user_s=$u sys_s=$s maxrss_kb=$m" | tee -a "$work/runs"
}

# node_exporter's CPU (user, sys seconds) from /proc/PID/stat.
ne_cpu() {
  local hz; hz="$(getconf CLK_TCK)"
  awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%.2f %.2f\n", $12 / hz, $13 / hz }' "/proc/$ne_pid/stat"
}
scrape() {
  local rep="$1" u0 s0 u1 s1 t0 t1
  read -r u0 s0 < <(ne_cpu)
  t0="$(date +%s.%N)"
  ip netns exec "$ns" curl -sf "http://127.0.0.1:$port/metrics" > "$work/out.node_exporter" ||
    die "curl of node_exporter's /metrics failed"
  t1="$(date +%s.%N)"
  read -r u1 s1 < <(ne_cpu)
  local rss; rss="$(awk '/^VmHWM/ { print $2 }' "/proc/$ne_pid/status")"
  echo "RUN tool=node_exporter rep=$rep wall_s=$(printf '%.3f' "$(echo "$t1 - $t0" | bc -l)") user_s=$(printf '%.2f' "$(echo "$u1 - $u0" | bc -l)") sys_s=$(printf '%.2f' "$(echo "$s1 - $s0" | bc -l)") maxrss_kb=$rss" |
    tee -a "$work/runs"
}

if [ "$with_ne" = 1 ]; then
  ip netns exec "$ns" "$ne" --collector.disable-defaults --collector.conntrack \
    --web.listen-address="127.0.0.1:$port" > "$work/ne.log" 2>&1 &
  ne_pid=$!
  for _ in $(seq 50); do
    ip netns exec "$ns" curl -sf "http://127.0.0.1:$port/metrics" > /dev/null 2>&1 && break
    sleep 0.1
  done
  ip netns exec "$ns" curl -sf "http://127.0.0.1:$port/metrics" > /dev/null ||
    { cat "$work/ne.log" >&2; die "node_exporter did not answer on 127.0.0.1:$port in $ns"; }
fi

tools=(ctdump_L ctdump_L_json conntrack_L)
[ "$with_py" = 1 ] && tools+=(pyroute2)
tools+=(ctdump_summary_prom)
[ "$with_ne" = 1 ] && tools+=(node_exporter)

run_one() {
  local tool="$1" rep="$2"
  case "$tool" in
    ctdump_L) timed "$tool" "$rep" "$ctdump" -L ;;
    ctdump_L_json) timed "$tool" "$rep" "$ctdump" -L -o json ;;
    conntrack_L) timed "$tool" "$rep" conntrack -L ;;
    pyroute2) timed "$tool" "$rep" "$pybin" "$work/pyroute2_count.py" ;;
    ctdump_summary_prom) timed "$tool" "$rep" "$ctdump" --summary -o prometheus ;;
    node_exporter) scrape "$rep" ;;
  esac
}

for rep in $(seq "$reps"); do
  n=${#tools[@]}
  for i in $(seq 0 $((n - 1))); do
    run_one "${tools[$(( (i + rep - 1) % n ))]}" "$rep"
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# What each tool gave (from the last repetition).
lines() { wc -l < "$1"; }
what_ctdump_L="$(lines "$work/out.ctdump_L") lines"
what_json="$(lines "$work/out.ctdump_L_json") objects"
what_conntrack="$(lines "$work/out.conntrack_L") lines"
for f in ctdump_L ctdump_L_json conntrack_L; do
  [ "$(lines "$work/out.$f")" = "$count" ] || die "$f printed $(lines "$work/out.$f") lines, not $count"
done
what_py=""
if [ "$with_py" = 1 ]; then
  what_py="$(cat "$work/out.pyroute2") entries counted"
  [ "$(cat "$work/out.pyroute2")" = "$count" ] || die "pyroute2 counted $(cat "$work/out.pyroute2"), not $count"
fi
series() { grep -c -v '^#' "$1" || true; }
what_summary="$(series "$work/out.ctdump_summary_prom") series ($(grep -c '^ctdump_entries_by_' "$work/out.ctdump_summary_prom" || true) per family/protocol/state/zone, $(grep -cE '^ctdump_top_[a-z_]*_entries' "$work/out.ctdump_summary_prom" || true) top-talker)"
what_ne=""
if [ "$with_ne" = 1 ]; then
  what_ne="$(grep -c '^node_nf_conntrack' "$work/out.node_exporter" || true) node_nf_conntrack_* series: count, max, per-CPU-summed stats; no per-entry data"
fi

# median [FMT]: the median of the numbers on stdin (the mean of the middle two for an
# even count), printed with FMT (default %.3f).
median() {
  sort -g | awk -v fmt="${1:-%.3f}" '{ a[NR] = $1 }
    END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf fmt "\n", m }'
}
col() { grep " tool=$1 " "$work/runs" | sed -n "s/.* $2=\([0-9.]*\).*/\1/p"; }
{
  echo "| tool ($count entries, medians of $reps) | wall s | user s | sys s | user+sys s | max RSS KiB | gives |"
  echo "|---|---|---|---|---|---|---|"
  for t in "${tools[@]}"; do
    w="$(col "$t" wall_s | median)"; u="$(col "$t" user_s | median)"; s="$(col "$t" sys_s | median)"
    c="$(paste -d' ' <(col "$t" user_s) <(col "$t" sys_s) | awk '{ printf "%.2f\n", $1 + $2 }' | median)"
    m="$(col "$t" maxrss_kb | median %d)"
    case "$t" in
      ctdump_L) label='`ctdump -L`'; what="$what_ctdump_L" ;;
      ctdump_L_json) label='`ctdump -L -o json`'; what="$what_json" ;;
      conntrack_L) label='`conntrack -L`'; what="$what_conntrack" ;;
      pyroute2) label='pyroute2 `dump_entries()`, counted'; what="$what_py" ;;
      ctdump_summary_prom) label='`ctdump --summary -o prometheus`'; what="$what_summary" ;;
      node_exporter) label='node_exporter conntrack collector, one scrape (server CPU, server peak RSS)'; what="$what_ne" ;;
    esac
    echo "MEDIAN tool=$t wall_s=$w user_s=$u sys_s=$s cpu_s=$c maxrss_kb=$m" >&2
    echo "| $label | $w | $u | $s | $c | $m | $what |"
  done
} > "$work/table.md"
cat "$work/table.md"
if [ -n "$out" ]; then cp "$work/table.md" "$out"; fi
