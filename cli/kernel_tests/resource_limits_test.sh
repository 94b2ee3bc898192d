#!/bin/bash
# File: cli/kernel_tests/resource_limits_test.sh
#
# Contract (issue 12, item 1): ctdump never aborts (exit 134, std::terminate) for want of
# a thread or of memory. In a throwaway namespace with 2,000 ctgen entries:
#   * as nobody with only CAP_NET_ADMIN, under `prlimit --nproc=1` (no second thread can
#     be started: the read-ahead thread's std::thread throws), `ctdump -L` exits 0 and
#     lists the same lines as root's unlimited run (it reads on the calling thread);
#   * under `ulimit -v 15000` (no address space for a thread's stack), `ctdump -L` with
#     the netlink and the procfs backend does the same;
#   * over a sweep of `ulimit -v` values from "cannot even load the shared libraries" to
#     "enough", `ctdump --input FILE` never dies of a signal: each run exits 0 with the
#     full listing, 1 with "ctdump: out of memory" (std::bad_alloc caught in main()), or
#     127 (the dynamic loader could not map a library: before any of ctdump's code runs).
# The `ulimit -v` parts are skipped under AddressSanitizer (it needs terabytes of address
# space for its shadow memory). The binary is copied to a directory nobody can reach.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v setpriv >/dev/null || ct_fail "setpriv (util-linux) is not installed"
command -v prlimit >/dev/null || ct_fail "prlimit (util-linux) is not installed"
CTDUMP_SRC="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
FIXTURE="$(ct_runfile testdata/procfs/nf_conntrack-6.18/input.txt)" ||
  ct_fail "testdata/procfs/nf_conntrack-6.18/input.txt is missing"
BIN="$(mktemp -d /tmp/ctdump-limits.XXXXXX)"
ct_on_exit rm -rf "$BIN"
chmod 755 "$BIN"
cp "$CTDUMP_SRC" "$BIN/ctdump"
chmod 755 "$BIN/ctdump"
CTDUMP="$BIN/ctdump"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/limits.XXXXXX")"
ct_on_exit rm -rf "$TMP"
ASAN=0
[[ -n "${ASAN_OPTIONS:-}" ]] && ASAN=1

ct_netns_create NS
X=(ip netns exec "$NS")
"${X[@]}" "$CTGEN" --count 2000 --mix mixed --v6-percent 20 --seed 12 -q
ct_run "ctdump -L (reference)" "$TMP/ref.out" "$TMP/ref.err" "${X[@]}" "$CTDUMP" -L
ct_normalize <"$TMP/ref.out" >"$TMP/ref.norm"
[[ "$(wc -l <"$TMP/ref.norm")" == 2000 ]] || ct_fail "reference: $(wc -l <"$TMP/ref.norm") lines, want 2000"

# same_as_reference NAME CMD...: CMD exits 0 and lists the reference's lines.
same_as_reference() {
  local name="$1" rc=0
  shift
  timeout 60 "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [[ "$rc" == 0 ]] || { cat "$TMP/err" >&2; ct_fail "$name: exit $rc, want 0"; }
  ct_normalize <"$TMP/out" >"$TMP/out.norm"
  ct_compare "ctdump -L" "$TMP/ref.norm" "$name" "$TMP/out.norm" || ct_fail "$name: other lines"
  grep -q ' 2000 flow entries have been shown\.$' "$TMP/err" || ct_fail "$name: no summary line"
  echo "ok: $name: 2000 lines, exit 0"
}

nproc_1_as_nobody() {
  same_as_reference "nobody + CAP_NET_ADMIN, prlimit --nproc=1, ctdump -L" \
    "${X[@]}" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin \
    --bounding-set=-all,+net_admin prlimit --nproc=1 "$CTDUMP" -L
}

address_space_15000() {
  [[ "$ASAN" == 0 ]] || { echo "skipped under AddressSanitizer"; return 0; }
  same_as_reference "ulimit -v 15000; ctdump -L" \
    "${X[@]}" bash -c 'ulimit -v 15000 && exec "$0" -L' "$CTDUMP"
  if "${X[@]}" test -r /proc/net/nf_conntrack; then
    same_as_reference "ulimit -v 15000; ctdump -L --backend procfs" \
      "${X[@]}" bash -c 'ulimit -v 15000 && exec "$0" -L --backend procfs' "$CTDUMP"
  fi
}

address_space_sweep() {
  [[ "$ASAN" == 0 ]] || { echo "skipped under AddressSanitizer"; return 0; }
  "$CTDUMP" --input "$FIXTURE" >"$TMP/in.ref" 2>/dev/null || ct_fail "--input reference failed"
  local v rc listed=0 oom=0 loader=0
  for v in $(seq 4000 250 20000); do
    rc=0
    bash -c 'ulimit -v "$1" && exec "$0" --input "$2"' "$CTDUMP" "$v" "$FIXTURE" \
      >"$TMP/in.out" 2>"$TMP/in.err" || rc=$?
    case "$rc" in
      0) cmp -s "$TMP/in.ref" "$TMP/in.out" || ct_fail "ulimit -v $v: exit 0 with other lines"
         listed=$((listed + 1)) ;;
      1) grep -q '^ctdump: out of memory$' "$TMP/in.err" ||
           { cat "$TMP/in.err" >&2; ct_fail "ulimit -v $v: exit 1 without 'out of memory'"; }
         oom=$((oom + 1)) ;;
      127) grep -q 'error while loading shared libraries' "$TMP/in.err" ||
             { cat "$TMP/in.err" >&2; ct_fail "ulimit -v $v: exit 127"; }
           loader=$((loader + 1)) ;;
      *) cat "$TMP/in.err" >&2; ct_fail "ulimit -v $v: exit $rc (a signal or an abort)" ;;
    esac
  done
  [[ "$listed" -gt 0 ]] || ct_fail "no ulimit -v up to 20000 KiB was enough to list the fixture"
  echo "ok: ulimit -v 4000..20000 KiB: $listed listed, $oom 'out of memory', $loader loader failures, no abort"
}

ct_part "prlimit --nproc=1 as nobody with CAP_NET_ADMIN" nproc_1_as_nobody
ct_part "ulimit -v 15000" address_space_15000
ct_part "ulimit -v sweep, never an abort" address_space_sweep
ct_finish
