#!/bin/bash
# File: cli/fleet_tests/oldkernel_test.sh
#
# Contract: //cli:ctdump_static behaves on older kernels, simulated by //tools/oldkernel
# (a seccomp filter answering as that upstream kernel would: newer system calls ENOSYS,
# newer flags EINVAL, newer socket options ENOPROTOOPT; uname 2.6.N for 2.6). For each
# profile 2.6.32 (CentOS 6), 3.10 (CentOS 7), 4.4 (Ubuntu 16.04), 4.15 (Ubuntu 18.04),
# 4.18 (RHEL 8), 5.4 (Ubuntu 20.04), 5.14 (RHEL 9), 5.15 (Ubuntu 22.04) and 6.8
# (Ubuntu 24.04), in a throwaway namespace filled by ctgen:
#   * with ctnetlink: -L equals conntrack -L (ticking fields aside) and -v names the
#     netlink backend; -C equals conntrack -C; -E shows the NEW and the DESTROY of an
#     entry inserted and deleted with conntrack -I/-D, and -v says whether lost events can
#     be counted exactly (SO_MEMINFO's drop counter, 4.12+); --doctor reports and exits 0;
#     from the root namespace, --netns NAME -C equals conntrack -C on 3.0+, and before
#     3.0 fails (exit 1) saying that --netns needs Linux 3.0;
#   * without ctnetlink (--no-ctnetlink: socket(AF_NETLINK, NETLINK_NETFILTER) fails with
#     EPROTONOSUPPORT): -L falls back to /proc/net/nf_conntrack, says so with -v, and
#     equals conntrack -L (helper= aside: /proc never shows it); -C equals conntrack -C
#     (from nf_conntrack_count); -E exits 1 saying to poll with --interval; --doctor
#     reports ctnetlink as unavailable.
# And under 4.4 (no SO_MEMINFO), a flood into a 4 KiB event buffer: -E reports the
# overrun, calls its count a lower bound and exits 1.
# No run may die of a signal. Skips: not root / no namespaces, no seccomp.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
STATIC="$(ct_runfile cli/ctdump_static)" || ct_fail "cli/ctdump_static is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
OLDKERNEL="$(ct_runfile tools/oldkernel/oldkernel)" || ct_fail "tools/oldkernel is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/oldkernel.XXXXXX")"
ct_on_exit rm -rf "$TMP"
"$OLDKERNEL" --kernel 6.8 -- true || ct_skip "cannot load a seccomp filter here"

PROFILES=(2.6.32 3.10 4.4 4.15 4.18 5.4 5.14 5.15 6.8)

ct_netns_create NS
X=(ip netns exec "$NS")
ct_enable_acct_tstamp "$NS"
"${X[@]}" "$CTGEN" --count 200 --mix mixed --v6-percent 30 --seed 5 -q
"${X[@]}" "$CTGEN" --diverse -q
"${X[@]}" conntrack -L 2>/dev/null | ct_normalize >"$TMP/want.netlink"
ct_normalize --drop helper <"$TMP/want.netlink" >"$TMP/want.procfs"
"${X[@]}" conntrack -C >"$TMP/want.count"
[[ -s "$TMP/want.netlink" ]] || ct_fail "conntrack -L listed nothing"

# sim VERSION MODE OUT ERR ARGS...: ctdump ARGS in the namespace under the profile
# (MODE netlink or procfs, i.e. --no-ctnetlink); returns ctdump's exit code and fails the
# test if it died of a signal.
sim() {
  local version="$1" mode="$2" out="$3" err="$4" rc=0 flag=()
  shift 4
  [[ "$mode" == procfs ]] && flag=(--no-ctnetlink)
  timeout 60 "${X[@]}" "$OLDKERNEL" --kernel "$version" "${flag[@]}" -- "$STATIC" "$@" \
    >"$out" 2>"$err" || rc=$?
  (( rc < 124 )) || { cat "$err" >&2; ct_fail "$version/$mode: ctdump $* ended with $rc"; }
  return "$rc"
}

# before A B: true when kernel version A is older than B.
before() { [[ "$1" != "$2" && "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" == "$1" ]]; }

list_and_count() {
  local v="$1" mode="$2" d="$TMP/$1-$2"
  mkdir -p "$d"
  sim "$v" "$mode" "$d/l.out" "$d/l.err" -L -v || ct_fail "$v/$mode: -L exited $?: $(head -n 3 "$d/l.err")"
  ct_check_summary "$v/$mode -L" "$d/l.out" "$d/l.err"
  local want="$TMP/want.netlink"
  [[ "$mode" == procfs ]] && want="$TMP/want.procfs"
  ct_normalize --drop helper <"$d/l.out" >"$d/l.norm.procfs"
  ct_normalize <"$d/l.out" >"$d/l.norm.netlink"
  ct_compare "conntrack -L" "$want" "$v/$mode ctdump -L" "$d/l.norm.$mode" ||
    ct_fail "$v/$mode: -L differs from conntrack -L"
  if [[ "$mode" == netlink ]]; then
    grep -q "using backend netlink" "$d/l.err" || ct_fail "$v/$mode: -v: $(head -n 2 "$d/l.err")"
  else
    grep -q "using backend procfs" "$d/l.err" && grep -q "EPROTONOSUPPORT" "$d/l.err" ||
      ct_fail "$v/$mode: -v does not say it fell back to /proc and why: $(head -n 3 "$d/l.err")"
  fi
  sim "$v" "$mode" "$d/c.out" "$d/c.err" -C || ct_fail "$v/$mode: -C exited $?: $(head -n 2 "$d/c.err")"
  ct_compare "conntrack -C" "$TMP/want.count" "$v/$mode ctdump -C" "$d/c.out" ||
    ct_fail "$v/$mode: -C differs"
  echo "ok: $v/$mode: -L == conntrack -L ($(wc -l <"$want") entries), -C == conntrack -C"
}

events() {
  local v="$1" mode="$2" d="$TMP/$1-$2" rc=0 i
  mkdir -p "$d"
  if [[ "$mode" == procfs ]]; then
    sim "$v" "$mode" "$d/e.out" "$d/e.err" -E || rc=$?
    [[ "$rc" == 1 ]] || ct_fail "$v/$mode: -E exited $rc, want 1"
    grep -q -- "--interval" "$d/e.err" || ct_fail "$v/$mode: -E does not point to --interval: $(cat "$d/e.err")"
    echo "ok: $v/$mode: -E without ctnetlink exits 1 and points to --interval"
    return 0
  fi
  "${X[@]}" "$OLDKERNEL" --kernel "$v" -- "$STATIC" -E -v >"$d/e.out" 2>"$d/e.err" &
  local pid=$!
  for i in $(seq 1 100); do
    grep -q "listening for" "$d/e.err" && break
    kill -0 "$pid" 2>/dev/null || { cat "$d/e.err" >&2; ct_fail "$v: -E exited early"; }
    sleep 0.1
  done
  grep -q "listening for" "$d/e.err" || { kill "$pid"; ct_fail "$v: -E never started listening"; }
  "${X[@]}" conntrack -I -p udp -s 10.254.0.1 -d 10.254.0.2 --sport 4242 --dport 4343 \
    -t 100 >/dev/null 2>&1 || ct_fail "conntrack -I failed"
  "${X[@]}" conntrack -D -p udp -s 10.254.0.1 -d 10.254.0.2 >/dev/null 2>&1 ||
    ct_fail "conntrack -D failed"
  for i in $(seq 1 100); do
    grep -q 'DESTROY.*src=10.254.0.1 dst=10.254.0.2 sport=4242' "$d/e.out" && break
    sleep 0.1
  done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  [[ "$rc" == 0 ]] || { cat "$d/e.err" >&2; ct_fail "$v: -E exited $rc after SIGINT"; }
  grep -qE '^ +\[NEW\] udp +17 100 src=10.254.0.1 dst=10.254.0.2 sport=4242 dport=4343' "$d/e.out" ||
    ct_fail "$v: no [NEW] line for the inserted entry: $(cat "$d/e.out")"
  grep -qE '^\[DESTROY\] udp +17 ([0-9]+ )?src=10.254.0.1 dst=10.254.0.2 sport=4242 dport=4343' "$d/e.out" ||
    ct_fail "$v: no [DESTROY] line for the deleted entry: $(cat "$d/e.out")"
  if before "$v" 4.12; then
    grep -q "lost events cannot be counted exactly" "$d/e.err" ||
      ct_fail "$v: -E -v does not say that losses cannot be counted: $(head -n 1 "$d/e.err")"
  else
    grep -q "lost events are counted exactly" "$d/e.err" ||
      ct_fail "$v: -E -v: $(head -n 1 "$d/e.err")"
  fi
  echo "ok: $v/$mode: -E shows NEW and DESTROY of the inserted entry"
}

doctor() {
  local v="$1" mode="$2" d="$TMP/$1-$2" rc=0
  sim "$v" "$mode" "$d/d.out" "$d/d.err" --doctor || rc=$?
  [[ "$rc" == 0 ]] || { cat "$d/d.out" "$d/d.err" >&2; ct_fail "$v/$mode: --doctor exited $rc"; }
  grep -q '^\[info\] kernel: ' "$d/d.out" || ct_fail "$v/$mode: --doctor names no kernel"
  if [[ "$mode" == netlink ]]; then
    grep -q '^\[ok\] ctnetlink' "$d/d.out" || ct_fail "$v/$mode: --doctor: $(grep ctnetlink "$d/d.out")"
  else
    grep -qE '^\[(problem|warning|info)\] ctnetlink.*(EPROTONOSUPPORT|not available)' "$d/d.out" ||
      ct_fail "$v/$mode: --doctor does not report ctnetlink missing: $(grep -i ctnetlink "$d/d.out")"
  fi
  echo "ok: $v/$mode: --doctor reports ($(grep -c '^\[' "$d/d.out") findings)"
}

netns() {
  local v="$1" d="$TMP/$1-ns" rc=0
  mkdir -p "$d"
  timeout 60 "$OLDKERNEL" --kernel "$v" -- "$STATIC" --netns "$NS" -C >"$d/n.out" 2>"$d/n.err" ||
    rc=$?
  if before "$v" 3.0; then
    [[ "$rc" == 1 ]] || ct_fail "$v: --netns exited $rc, want 1"
    grep -q -- "--netns needs Linux 3.0" "$d/n.err" || ct_fail "$v: --netns: $(cat "$d/n.err")"
    echo "ok: $v: --netns says it needs Linux 3.0"
  else
    [[ "$rc" == 0 ]] || ct_fail "$v: --netns exited $rc: $(cat "$d/n.err")"
    ct_compare "conntrack -C" "$TMP/want.count" "$v ctdump --netns -C" "$d/n.out" ||
      ct_fail "$v: --netns -C differs"
    echo "ok: $v: --netns $NS -C == conntrack -C"
  fi
}

# flood_without_drop_counter: 4.4 has no SO_MEMINFO, so a loss can only be counted per
# ENOBUFS; -E must still report it, say the count is a lower bound, and exit 1.
flood_without_drop_counter() {
  local d="$TMP/flood" rc=0 i
  mkdir -p "$d"
  ct_netns_create FLOOD
  ip netns exec "$FLOOD" "$OLDKERNEL" --kernel 4.4 -- "$STATIC" -E -e NEW --rcvbuf 4096 \
    --rcvbuf-max 4096 -v >"$d/f.out" 2>"$d/f.err" &
  local pid=$!
  for i in $(seq 1 100); do
    grep -q "listening for" "$d/f.err" && break
    sleep 0.1
  done
  grep -q "listening for" "$d/f.err" || { kill "$pid"; ct_fail "4.4: -E never started listening"; }
  kill -STOP "$pid"  # let the socket's queue overflow
  ip netns exec "$FLOOD" "$CTGEN" --count 3000 --mix udp --seed 9 -q
  kill -CONT "$pid"
  sleep 1
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  [[ "$rc" == 1 ]] || { cat "$d/f.err" >&2; ct_fail "4.4: -E after a loss exited $rc, want 1"; }
  grep -q "WARNING: the kernel dropped events (ENOBUFS" "$d/f.err" &&
    grep -q "events were lost: .*only a lower bound: this kernel has no drop counter" "$d/f.err" ||
    { cat "$d/f.err" >&2; ct_fail "4.4: the loss is not reported as a lower bound"; }
  echo "ok: 4.4: a flood into a 4 KiB buffer is reported as a lower-bound loss, exit 1" \
    "($(wc -l <"$d/f.out") events shown of 3000)"
}

profile() {
  local v="$1" mode
  for mode in netlink procfs; do
    list_and_count "$v" "$mode"
    events "$v" "$mode"
    doctor "$v" "$mode"
  done
  netns "$v"
}

for v in "${PROFILES[@]}"; do
  ct_part "kernel $v" profile "$v"
done
ct_part "4.4: event loss without a drop counter" flood_without_drop_counter
ct_finish
