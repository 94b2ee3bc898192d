#!/bin/bash
# File: cli/kernel_tests/large_table_test.sh
#
# Contract: with 250,000 synthetic entries (issue 3; `ctgen --count $N --mix mixed
# --v6-percent 30`) in a throwaway network namespace:
#   * `conntrack -C` says N;
#   * `ctdump -L --backend netlink` prints N distinct lines (`sort -u | wc -l`), its
#     summary says N, it exits 0, and its normalised output equals `conntrack -L`'s;
#   * the same for `ctdump -L --backend procfs` (counts and normalised equality).
# Every command is bounded by `timeout 60`; timings are printed for information.
# Skips: not root / no namespaces; the procfs part alone when the kernel has no
# /proc/net/nf_conntrack. CTDUMP_REQUIRE_KERNEL=1 turns skips into failures.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

N="${CTDUMP_LARGE_TABLE_ENTRIES:-250000}"
ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/large_table.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
X=(ip netns exec "$NS")
ct_run "ctgen --count $N" "$TMP/ctgen.out" "$TMP/ctgen.err" \
  "${X[@]}" "$CTGEN" --count "$N" --mix mixed --v6-percent 30 --seed 7
cat "$TMP/ctgen.err"

count="$("${X[@]}" conntrack -C)"
[[ "$count" == "$N" ]] || ct_fail "conntrack -C says $count, expected $N"
echo "ok: conntrack -C == $N"

# check_backend BACKEND: ctdump lists N distinct entries through BACKEND.
check_backend() {
  local backend="$1" start end
  start=$(date +%s%N)
  ct_run "ctdump -L --backend $backend" "$TMP/$backend.out" "$TMP/$backend.err" \
    "${X[@]}" "$CTDUMP" -L --backend "$backend"
  end=$(date +%s%N)
  ct_check_summary "ctdump -L --backend $backend" "$TMP/$backend.out" "$TMP/$backend.err"
  local distinct
  distinct="$(LC_ALL=C sort -u "$TMP/$backend.out" | wc -l)"
  [[ "$distinct" == "$N" ]] ||
    ct_fail "ctdump -L --backend $backend printed $distinct distinct lines, expected $N"
  echo "ok: ctdump -L --backend $backend: $N distinct entries in" \
    "$(((end - start) / 1000000)) ms"
}

# same_as_conntrack BACKEND: normalised ctdump output equals conntrack -L's.
same_as_conntrack() {
  ct_normalize <"$TMP/$1.out" >"$TMP/$1.norm"
  ct_compare "conntrack -L" "$TMP/want" "ctdump -L --backend $1" "$TMP/$1.norm" ||
    ct_fail "ctdump --backend $1 differs from conntrack -L on $N entries"
  echo "ok: ctdump -L --backend $1 == conntrack -L (normalised)"
}

ct_run "conntrack -L" "$TMP/conntrack.out" "$TMP/conntrack.err" "${X[@]}" conntrack -L
ct_normalize <"$TMP/conntrack.out" >"$TMP/want"
# backend_part BACKEND: both checks for one backend.
backend_part() {
  check_backend "$1"
  same_as_conntrack "$1"
}

ct_part "--backend netlink" backend_part netlink
if "${X[@]}" test -r /proc/net/nf_conntrack; then
  ct_part "--backend procfs" backend_part procfs
else
  ct_skip_part "procfs: kernel has no /proc/net/nf_conntrack"
fi
ct_finish
