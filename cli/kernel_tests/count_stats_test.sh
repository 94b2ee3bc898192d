#!/bin/bash
# File: cli/kernel_tests/count_stats_test.sh
#
# Contract: in a throwaway namespace filled with `ctgen --count 5000` + `ctgen --diverse`:
#   * `ctdump -C` prints what `conntrack -C` prints, run inside the namespace and from the
#     root namespace with `--netns NAME`;
#   * `ctdump -S` prints what `conntrack -S` prints (per-CPU counters of an idle namespace
#     do not move between the two runs), also with `--netns`;
#   * `ctdump -C -p tcp` is a usage error (exit 2): -C reports the whole table.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/count_stats.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
X=(ip netns exec "$NS")
"${X[@]}" "$CTGEN" --count 5000 --mix mixed --v6-percent 30 --seed 3 -q
"${X[@]}" "$CTGEN" --diverse -q

count() {
  ct_run "conntrack -C" "$TMP/c.out" "$TMP/c.err" "${X[@]}" conntrack -C
  ct_run "ctdump -C" "$TMP/d.out" "$TMP/d.err" "${X[@]}" "$CTDUMP" -C
  ct_run "ctdump --netns -C" "$TMP/n.out" "$TMP/n.err" "$CTDUMP" --netns "$NS" -C
  ct_compare "conntrack -C" "$TMP/c.out" "ctdump -C" "$TMP/d.out"
  ct_compare "conntrack -C" "$TMP/c.out" "ctdump --netns $NS -C" "$TMP/n.out"
  [[ "$(cat "$TMP/d.out")" -ge 5000 ]] || ct_fail "-C says $(cat "$TMP/d.out"), want >= 5000"
  echo "ok: -C == conntrack -C == $(cat "$TMP/c.out")"
}

stats() {
  ct_run "conntrack -S" "$TMP/cs.out" "$TMP/cs.err" "${X[@]}" conntrack -S
  ct_run "ctdump -S" "$TMP/ds.out" "$TMP/ds.err" "${X[@]}" "$CTDUMP" -S
  ct_run "ctdump --netns -S" "$TMP/ns.out" "$TMP/ns.err" "$CTDUMP" --netns "$NS" -S
  ct_compare "conntrack -S" "$TMP/cs.out" "ctdump -S" "$TMP/ds.out"
  ct_compare "conntrack -S" "$TMP/cs.out" "ctdump --netns $NS -S" "$TMP/ns.out"
  echo "ok: -S == conntrack -S ($(wc -l <"$TMP/cs.out") CPUs)"
}

usage() {
  local rc=0
  "$CTDUMP" -C -p tcp >"$TMP/u.out" 2>"$TMP/u.err" || rc=$?
  [[ "$rc" == 2 ]] || ct_fail "ctdump -C -p tcp exited $rc, want 2"
  grep -q "take no filters" "$TMP/u.err" || ct_fail "ctdump -C -p tcp: $(head -n 1 "$TMP/u.err")"
  echo "ok: -C with a filter is a usage error"
}

ct_part "-C" count
ct_part "-S" stats
ct_part "usage" usage
ct_finish
