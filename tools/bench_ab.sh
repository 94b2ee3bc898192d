#!/usr/bin/env bash
# tools/bench_ab.sh: ctdump before and after a change, in one run (issue 13; bench/README.md,
# "Before and after: tools/bench_ab.sh").
#
#   sudo tools/bench_ab.sh [--entries N] [--reps R] [--jobs J] REV_A REV_B
#   tools/bench_ab.sh --stats SAMPLES     (the statistics step alone, on a samples file)
#
# Builds //cli:ctdump of REV_A and of REV_B (-c opt) in one git worktree under a temporary
# directory, with a Bazel output base of its own there (the first build compiles
# everything: minutes; REV_B is then an incremental build), and //bench:kernel_floor and
# //tools/ctgen of REV_B. Then it creates a throwaway network namespace, fills its table
# with `ctgen --count N --mix mixed --v6-percent 10 --seed 1` (the end-to-end benchmark's
# table) and times, as whole processes with stdout on /dev/null:
#   floor     bench/kernel_floor (the kernel's own dump, decoding nothing)
#   L         ctdump -L
#   json      ctdump -L -o json
#   procfs    ctdump -L --backend procfs
#   filtered  ctdump -L -p tcp -s HOST --dport PORT (one IPv4 TCP entry of the table)
# A and B of each command run back to back; each repetition runs the whole set once, in an
# order rotated by one command per repetition, with A first in odd repetitions and B first
# in even ones. One untimed run of each comes first.
#
# Prints, per command, the medians of A and B (ms), A and B against the floor, and the
# ratio of medians B/A with a 95% interval from a paired bootstrap over repetitions (2000
# resamples, fixed seed): B/A < 1 means B is faster; an interval that holds 1 means no
# difference this run can see.
#
#   --entries N   table size (default 250000, or 95% of nf_conntrack_max when that is
#                 lower; nf_conntrack_max is a global sysctl that this script never raises)
#   --reps R      timed repetitions (default 11; at least 3)
#   --jobs J      Bazel's --jobs (default: Bazel's own)
#   --stats FILE  read samples ("COMMAND A|B REP MS" lines) and print the table; no root
#
# Needs root (ip netns), git, python3, bazel. Exits 0 after printing the table; 1 when a
# build, the table or a command fails; 2 on a usage error. On exit (also on error or ^C)
# it deletes the namespace, the worktree and the temporary directory, and stops the Bazel
# server of that output base. The caller's namespace, its table and sysctls are never
# touched.
set -euo pipefail

PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3

usage() {
  sed -n '4,6p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
  exit 2
}

# The statistics step: samples on stdin-file $1, table on stdout.
stats() {
  "$PY" - "$1" <<'PYEOF'
import random, statistics, sys

rows = {}
for n, line in enumerate(open(sys.argv[1]), 1):
    f = line.split()
    if not f or f[0].startswith("#"):
        continue
    if len(f) != 4 or f[1] not in ("A", "B"):
        sys.exit("bench_ab: %s:%d: want 'COMMAND A|B REP MS': %r" % (sys.argv[1], n, line))
    rows.setdefault(f[0], {}).setdefault(f[1], {})[int(f[2])] = float(f[3])

def med(xs):
    return statistics.median(xs)

order = ["floor", "L", "json", "procfs", "filtered"]
names = {"floor": "kernel floor", "L": "ctdump -L", "json": "ctdump -L -o json",
         "procfs": "ctdump -L --backend procfs", "filtered": "ctdump -L (filtered)"}
cmds = [c for c in order if c in rows] + sorted(c for c in rows if c not in order)
floor = med(rows["floor"]["A"].values()) if "floor" in rows else None
rng = random.Random(13)
print("%-28s %9s %9s %7s %7s %7s  %s" % ("command", "A ms", "B ms", "A/floor", "B/floor",
                                        "B/A", "95% CI of B/A"))
for c in cmds:
    a, b = rows[c].get("A", {}), rows[c].get("B", {})
    if c == "floor":
        print("%-28s %9.1f %9s" % (names[c], med(a.values()), "-"))
        continue
    reps = sorted(set(a) & set(b))
    if len(reps) < 2:
        sys.exit("bench_ab: %s: fewer than 2 repetitions with both A and B" % c)
    ma, mb = med(a[r] for r in reps), med(b[r] for r in reps)
    boots = []
    for _ in range(2000):
        pick = [rng.choice(reps) for _ in reps]
        boots.append(med(b[r] for r in pick) / med(a[r] for r in pick))
    boots.sort()
    lo, hi = boots[int(0.025 * len(boots))], boots[int(0.975 * len(boots)) - 1]
    fa = "%7.2f" % (ma / floor) if floor else "%7s" % "-"
    fb = "%7.2f" % (mb / floor) if floor else "%7s" % "-"
    print("%-28s %9.1f %9.1f %s %s %7.3f  [%.3f, %.3f]" % (names.get(c, c), ma, mb, fa, fb,
                                                         mb / ma, lo, hi))
PYEOF
}

entries=""
reps=11
jobs=""
revs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --entries) [[ $# -ge 2 ]] || usage; entries="$2"; shift 2 ;;
    --reps) [[ $# -ge 2 ]] || usage; reps="$2"; shift 2 ;;
    --jobs) [[ $# -ge 2 ]] || usage; jobs="$2"; shift 2 ;;
    --stats) [[ $# -eq 2 ]] || usage; stats "$2"; exit 0 ;;
    -h|--help) usage ;;
    -*) echo "bench_ab: unknown option '$1'" >&2; usage ;;
    *) revs+=("$1"); shift ;;
  esac
done
[[ ${#revs[@]} -eq 2 ]] || { echo "bench_ab: want two revisions, got ${#revs[@]}" >&2; usage; }
[[ -z "$entries" || "$entries" =~ ^[1-9][0-9]*$ ]] || { echo "bench_ab: bad --entries '$entries'" >&2; exit 2; }
[[ "$reps" =~ ^[1-9][0-9]*$ && "$reps" -ge 3 ]] || { echo "bench_ab: --reps must be 3 or more" >&2; exit 2; }
[[ -z "$jobs" || "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "bench_ab: bad --jobs '$jobs'" >&2; exit 2; }

log() { printf '[bench_ab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "needs root (ip netns); run with sudo"
for t in git ip bazel; do command -v "$t" >/dev/null 2>&1 || die "$t is not installed"; done
repo="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
sha_a="$(git -C "$repo" rev-parse --verify --quiet "${revs[0]}^{commit}")" || die "no revision ${revs[0]}"
sha_b="$(git -C "$repo" rev-parse --verify --quiet "${revs[1]}^{commit}")" || die "no revision ${revs[1]}"

max="$(cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null || echo 0)"
if [[ -z "$entries" ]]; then
  entries=250000
  if [[ "$max" -gt 0 && $((max * 95 / 100)) -lt "$entries" ]]; then entries=$((max * 95 / 100)); fi
elif [[ "$max" -gt 0 && "$entries" -gt "$max" ]]; then
  die "--entries $entries is above nf_conntrack_max ($max), a global sysctl this script does not raise"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/bench_ab.XXXXXX")"
src="$tmp/src"
ob="$tmp/output_base"
ns=""
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n "$ns" ]]; then
    local pid
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null && log "deleted namespace $ns"
  fi
  if [[ -d "$src" ]]; then
    # The Bazel server of our own output base (never the caller's).
    (cd "$src" && bazel --output_base="$ob" shutdown >/dev/null 2>&1)
    git -C "$repo" worktree remove --force "$src" 2>/dev/null
    git -C "$repo" worktree prune 2>/dev/null
    log "removed worktree $src"
  fi
  chmod -R u+w "$tmp" 2>/dev/null
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- builds -------------------------------------------------------------------------------
bazel_build() {
  local what="$1"
  shift
  local start=$SECONDS
  log "building $what: bazel build -c opt $* (output base $ob)"
  (cd "$src" && bazel --output_base="$ob" --max_idle_secs=600 build -c opt \
     ${jobs:+--jobs="$jobs"} --curses=no --show_progress_rate_limit=30 "$@") \
    >"$tmp/build.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30
    kill -0 "$pid" 2>/dev/null || break
    log "  ... $((SECONDS - start)) s: $(grep -E '^\[[0-9,]+ / [0-9,]+\]' "$tmp/build.log" | tail -n 1 | cut -c1-90)"
  done
  wait "$pid" || { tail -n 30 "$tmp/build.log" >&2; die "build of $what failed"; }
  log "built $what in $((SECONDS - start)) s"
}

git -C "$repo" worktree add --quiet --detach "$src" "$sha_a" || die "git worktree add failed"
mkdir -p "$tmp/A" "$tmp/B"
bazel_build "A ${sha_a:0:12} (${revs[0]})" //cli:ctdump
cp "$src/bazel-bin/cli/ctdump" "$tmp/A/ctdump"
git -C "$src" checkout --quiet --detach "$sha_b" || die "git checkout $sha_b failed"
bazel_build "B ${sha_b:0:12} (${revs[1]}), kernel_floor, ctgen" \
  //cli:ctdump //bench:kernel_floor //tools/ctgen
cp "$src/bazel-bin/cli/ctdump" "$tmp/B/ctdump"
cp "$src/bazel-bin/bench/kernel_floor" "$src/bazel-bin/tools/ctgen/ctgen" "$tmp/"

# ---- the table ----------------------------------------------------------------------------
ns="ctdump-ab-$$"
while [[ -e "/run/netns/$ns" ]]; do ns="ctdump-ab-$$-$RANDOM"; done
ip netns add "$ns" || { ns=""; die "ip netns add failed"; }
ip -n "$ns" link set lo up
log "filling $ns with $entries entries (ctgen --count $entries --mix mixed --v6-percent 10 --seed 1)"
ip netns exec "$ns" "$tmp/ctgen" --count "$entries" --mix mixed --v6-percent 10 --seed 1 -q ||
  die "ctgen failed"
for v in A B; do
  n="$(ip netns exec "$ns" "$tmp/$v/ctdump" -L 2>/dev/null | wc -l)"
  [[ "$n" == "$entries" ]] || die "ctdump $v -L listed $n entries, want $entries"
done
# The filtered listing asks for one IPv4 TCP entry of the table, as the e2e benchmark does.
ip netns exec "$ns" "$tmp/B/ctdump" -L -p tcp >"$tmp/tcp.txt" 2>/dev/null || die "ctdump -L -p tcp failed"
first="$(grep -m 1 -E ' src=[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ ' "$tmp/tcp.txt" || true)"
rm -f "$tmp/tcp.txt"
host="$(grep -oE 'src=[0-9.]+' <<<"$first" | head -n 1 | cut -d= -f2 || true)"
port="$(grep -oE 'dport=[0-9]+' <<<"$first" | head -n 1 | cut -d= -f2 || true)"
[[ -n "$host" && -n "$port" ]] || die "no IPv4 TCP entry for the filtered listing"
log "filtered listing: -p tcp -s $host --dport $port"

# ---- timing (inside the namespace) --------------------------------------------------------
cat >"$tmp/run.sh" <<'EOF'
# Runs in the namespace: bash run.sh DIR REPS HOST PORT > samples
set -euo pipefail
dir="$1" reps="$2" host="$3" port="$4"
declare -A args=(
  [L]="-L"
  [json]="-L -o json"
  [procfs]="-L --backend procfs"
  [filtered]="-L -p tcp -s $host --dport $port"
)
kinds=(floor L json procfs filtered)
# One timed run: prints "KIND VARIANT REP MS".
timed() {
  local kind="$1" v="$2" rep="$3" t0 t1 cmd
  if [[ "$kind" == floor ]]; then cmd=("$dir/kernel_floor"); else
    # shellcheck disable=SC2206  # the arguments are split on purpose
    cmd=("$dir/$v/ctdump" ${args[$kind]})
  fi
  t0=$EPOCHREALTIME
  "${cmd[@]}" >/dev/null 2>"$dir/last.err" || { cat "$dir/last.err" >&2; echo "FAILED: ${cmd[*]}" >&2; exit 1; }
  t1=$EPOCHREALTIME
  if [[ "$rep" -gt 0 ]]; then
    awk -v k="$kind" -v v="$v" -v r="$rep" -v a="$t0" -v b="$t1" \
      'BEGIN { printf "%s %s %d %.3f\n", k, v, r, (b - a) * 1000 }'
  fi
}
for ((rep = 0; rep <= reps; rep++)); do  # rep 0: the untimed warm-up
  for ((i = 0; i < ${#kinds[@]}; i++)); do
    kind="${kinds[$(((i + rep) % ${#kinds[@]}))]}"
    if [[ "$kind" == floor ]]; then timed floor A "$rep"; continue; fi
    if ((rep % 2 == 1)); then timed "$kind" A "$rep"; timed "$kind" B "$rep"
    else timed "$kind" B "$rep"; timed "$kind" A "$rep"; fi
  done
  [[ "$rep" == 0 ]] || echo "[bench_ab $(date +%T)] repetition $rep of $reps done" >&2
done
EOF
log "timing $reps repetitions of 9 commands"
ip netns exec "$ns" bash "$tmp/run.sh" "$tmp" "$reps" "$host" "$port" >"$tmp/samples.txt" ||
  die "a timed command failed"

echo "bench_ab: A = ${sha_a:0:12} (${revs[0]}), B = ${sha_b:0:12} (${revs[1]});" \
  "$entries entries, $reps repetitions, medians of whole-process wall time"
stats "$tmp/samples.txt"
