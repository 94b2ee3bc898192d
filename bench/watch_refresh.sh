#!/bin/bash
# File: bench/watch_refresh.sh
#
# What one refresh of `ctdump --watch` costs next to one `ctdump -L`, on a table of N
# entries (default 250000) made by tools/ctgen in a throwaway namespace (root; the
# namespace is deleted again). CPU seconds (user + system, from /usr/bin/time) of:
#   L   ctdump -L >/dev/null
#   W1  ctdump --watch --batch --iterations 1 >/dev/null   (start-up + one refresh)
#   W6  ctdump --watch --batch --iterations 6 --interval 0.01
# run in alternation R times (default 7); prints each run and the medians, and the
# steady-state cost of one refresh, (W6 - W1) / 5, as a ratio to L.
#
#   bazel build -c opt //cli:ctdump //tools/ctgen
#   sudo bench/watch_refresh.sh bazel-bin/cli/ctdump bazel-bin/tools/ctgen/ctgen [N] [R]
set -euo pipefail
CTDUMP="$(realpath "$1")"
CTGEN="$(realpath "$2")"
N="${3:-250000}"
R="${4:-7}"
NS="ctdump-bench-watch-$$"
ip netns add "$NS"
trap 'ip netns del "$NS"' EXIT
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" "$CTGEN" --count "$N" --mix mixed --v6-percent 20 --seed 5 -q
echo "table: $(ip netns exec "$NS" conntrack -C) entries"
cpu() {
  local err
  err="$(mktemp)"
  /usr/bin/time -f "%U %S" ip netns exec "$NS" "$@" >/dev/null 2>"$err"
  tail -1 "$err" | awk '{printf "%.3f\n", $1 + $2}'
  rm -f "$err"
}
L=() W1=() W6=()
for ((i = 0; i < R; i++)); do
  L+=("$(cpu "$CTDUMP" -L)")
  W1+=("$(cpu "$CTDUMP" --watch --batch --iterations 1)")
  W6+=("$(cpu "$CTDUMP" --watch --batch --iterations 6 --interval 0.01)")
  echo "run $i: L ${L[-1]}  W1 ${W1[-1]}  W6 ${W6[-1]}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ml="$(median "${L[@]}")" m1="$(median "${W1[@]}")" m6="$(median "${W6[@]}")"
awk -v l="$ml" -v a="$m1" -v b="$m6" 'BEGIN {
  r = (b - a) / 5
  printf "median CPU s: -L %.3f, --watch 1 screen %.3f, 6 screens %.3f\n", l, a, b
  printf "one steady refresh: %.3f s = %.2fx one -L; first screen (with start-up) %.2fx\n", r, r / l, a / l
}'
