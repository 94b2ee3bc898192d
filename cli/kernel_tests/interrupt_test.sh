#!/bin/bash
# File: cli/kernel_tests/interrupt_test.sh
#
# Contract (issue 7), with 50,000 ctgen entries in a throwaway namespace, for the netlink
# and the procfs backend:
#   * closed stdout: `ctdump -L | head -1` prints one line; ctdump exits 0 with nothing on
#     stderr (no EPIPE message, no summary);
#   * SIGINT during a dump: ctdump ends at once with the shell's status for SIGINT, 130
#     (it keeps the default action: killed by the signal), and prints no summary, so a
#     cut listing is never presented as complete. "During" is certain, not timed: ctdump
#     writes to a FIFO of which one line has been read; 50,000 lines cannot fit in the
#     pipe, so it is blocked mid-dump when the signal is sent;
#   * the namespace deleted mid-dump (`ip netns del` while ctdump is blocked the same
#     way): the open socket or /proc file keeps the namespace alive, and ctdump lists all
#     50,000 entries, exit 0.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

N=50000
ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/interrupt.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
ct_run "ctgen --count $N" "$TMP/ctgen.out" "$TMP/ctgen.err" \
  ip netns exec "$NS" "$CTGEN" --count "$N" --mix mixed --v6-percent 30 --seed 4 -q

closed_stdout() {
  local backend="$1" rc
  # PIPESTATUS of `ctdump | head -1`, bounded like every command here.
  timeout 60 bash -c '"$@" 2>"'"$TMP/head.err"'" | head -n 1 >"'"$TMP/head.out"'"; exit "${PIPESTATUS[0]}"' \
    _ "$CTDUMP" -L --netns "$NS" --backend "$backend" && rc=0 || rc=$?
  [[ "$rc" == 0 ]] || { cat "$TMP/head.err" >&2; ct_fail "ctdump | head -1 ($backend): exit $rc"; }
  [[ ! -s "$TMP/head.err" ]] || { cat "$TMP/head.err" >&2; ct_fail "ctdump | head -1 ($backend) wrote to stderr"; }
  [[ "$(wc -l <"$TMP/head.out")" == 1 ]] || ct_fail "head -1 got $(wc -l <"$TMP/head.out") lines"
  echo "ok: ctdump -L --backend $backend | head -1: exit 0, stderr empty"
}

# start_blocked BACKEND: starts ctdump writing into a FIFO, reads its first line, and
# leaves it blocked mid-dump. Sets PID; the FIFO stays open for reading on fd 3.
start_blocked() {
  local backend="$1"
  rm -f "$TMP/fifo"
  mkfifo "$TMP/fifo"
  # A background job of a non-interactive shell ignores SIGINT; give it back the default.
  env --default-signal=INT timeout 120 "$CTDUMP" -L --netns "$NS" --backend "$backend" \
    >"$TMP/fifo" 2>"$TMP/blocked.err" &
  PID=$!
  exec 3<"$TMP/fifo"
  local first
  IFS= read -r first <&3 || ct_fail "no first line from ctdump ($backend)"
}

sigint() {
  local backend="$1" rc=0 pid
  # ctdump runs under `timeout` (a bound), which reports a child killed by SIGINT as
  # 128+2, as a shell does.
  start_blocked "$backend"
  pid="$(pgrep -P "$PID" -x ctdump || true)"
  [[ -n "$pid" ]] || ct_fail "cannot find ctdump under timeout ($PID)"
  kill -INT "$pid"
  cat <&3 >"$TMP/rest.out"  # drain, so nothing stays blocked; ends when ctdump is gone
  exec 3<&-
  wait "$PID" || rc=$?
  [[ "$rc" == 130 ]] || { cat "$TMP/blocked.err" >&2; ct_fail "after SIGINT ($backend): exit $rc, want 130"; }
  ! grep -q "flow entries have been shown" "$TMP/blocked.err" ||
    ct_fail "after SIGINT ($backend): a summary line claims a listing"
  local got=$(( $(wc -l <"$TMP/rest.out") + 1 ))
  [[ "$got" -lt "$N" ]] || ct_fail "after SIGINT ($backend): $got lines, the dump was not cut"
  echo "ok: SIGINT mid-dump ($backend): exit 130, no summary, $got of $N lines written"
}

netns_deleted() {
  local backend="$1" rc=0
  start_blocked "$backend"
  ip netns del "$NS"
  cat <&3 >"$TMP/rest.out"
  exec 3<&-
  wait "$PID" || rc=$?
  [[ "$rc" == 0 ]] || { cat "$TMP/blocked.err" >&2; ct_fail "netns deleted mid-dump ($backend): exit $rc"; }
  local got=$(( $(wc -l <"$TMP/rest.out") + 1 ))
  [[ "$got" == "$N" ]] || ct_fail "netns deleted mid-dump ($backend): $got lines, want $N"
  grep -q " $N flow entries have been shown" "$TMP/blocked.err" ||
    ct_fail "netns deleted mid-dump ($backend): no summary of $N"
  echo "ok: namespace deleted mid-dump ($backend): all $N entries, exit 0"
}

ct_part "closed stdout, netlink" closed_stdout netlink
ct_part "SIGINT, netlink" sigint netlink
if ip netns exec "$NS" test -e /proc/net/nf_conntrack; then
  ct_part "closed stdout, procfs" closed_stdout procfs
  ct_part "SIGINT, procfs" sigint procfs
  ct_part "namespace deleted mid-dump, procfs" netns_deleted procfs
  # The namespace is gone now; make it again for the netlink case.
  ct_netns_create NS
  ct_run "ctgen --count $N" "$TMP/ctgen.out" "$TMP/ctgen.err" \
    ip netns exec "$NS" "$CTGEN" --count "$N" --mix mixed --v6-percent 30 --seed 4 -q
else
  ct_skip_part "procfs: kernel has no /proc/net/nf_conntrack"
fi
ct_part "namespace deleted mid-dump, netlink" netns_deleted netlink
ct_finish
