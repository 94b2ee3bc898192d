#!/bin/bash
# File: cli/kernel_tests/procfs_parity_test.sh
#
# Contract: in throwaway network namespaces, `ctdump -L --backend procfs` prints what
# `conntrack -L` prints, and `ctdump -L --input FILE|-` prints the same for a saved copy of
# the namespace's /proc/net/nf_conntrack, run from any namespace.
#
#   1. Namespace A, accounting + timestamps ON: ct_real_traffic (NAT, marks, TIME_WAIT,
#      ESTABLISHED, UDP, ICMP) + `ctgen --diverse`.
#   2. Namespace B, a mixed table: accounting + timestamps OFF for `ctgen --count 100`,
#      ON for `ctgen --diverse`, OFF again for ct_real_traffic.
# For each: conntrack -L == ctdump -L --backend procfs == ctdump -L --input FILE ==
# (cat FILE | ctdump -L --input -), after ct_normalize (timeout, delta-time and use are
# ticking; lines sorted). --input FILE and --input - must also be byte-identical to each
# other. Every ctdump run must exit 0 and print "N flow entries have been shown." on
# stderr with N = its number of lines.
#
# Known difference, dropped on both sides: `helper=NAME` exists only in netlink data
# (ctgen's "helper ftp" entry); /proc never prints it (docs/procfs-format.md 2.7).
# Skips: not root / no namespaces (ct_require_root_or_skip), or a kernel without
# /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS=n). CTDUMP_REQUIRE_KERNEL=1 turns
# skips into failures.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/procfs_parity.XXXXXX")"
ct_on_exit rm -rf "$TMP"

# check_namespace NS LABEL: all comparisons for one namespace.
check_namespace() {
  local ns="$1" label="$2" d="$TMP/$2"
  mkdir -p "$d"
  local x=(ip netns exec "$ns")

  ct_run "conntrack -L ($label)" "$d/conntrack.out" "$d/conntrack.err" "${x[@]}" conntrack -L
  ct_normalize --drop helper <"$d/conntrack.out" >"$d/want"
  [[ -s "$d/want" ]] || ct_fail "$label: conntrack -L listed nothing"

  ct_run "ctdump --backend procfs ($label)" "$d/procfs.out" "$d/procfs.err" \
    "${x[@]}" "$CTDUMP" -L --backend procfs
  ct_check_summary "ctdump --backend procfs ($label)" "$d/procfs.out" "$d/procfs.err"
  ct_normalize --drop helper <"$d/procfs.out" >"$d/procfs.norm"

  # A saved copy, read from the caller's namespace (no kernel access needed).
  "${x[@]}" cat /proc/net/nf_conntrack >"$d/nf_conntrack.txt" || ct_fail "$label: cannot read /proc"
  ct_run "ctdump --input FILE ($label)" "$d/file.out" "$d/file.err" \
    "$CTDUMP" -L --input "$d/nf_conntrack.txt"
  ct_check_summary "ctdump --input FILE ($label)" "$d/file.out" "$d/file.err"
  ct_normalize --drop helper <"$d/file.out" >"$d/file.norm"

  ct_run "ctdump --input - ($label)" "$d/stdin.out" "$d/stdin.err" \
    sh -c 'cat "$1" | "$2" -L --input -' sh "$d/nf_conntrack.txt" "$CTDUMP"
  ct_check_summary "ctdump --input - ($label)" "$d/stdin.out" "$d/stdin.err"

  local bad=0
  ct_compare "conntrack -L ($label)" "$d/want" "ctdump -L --backend procfs" "$d/procfs.norm" ||
    bad=1
  ct_compare "conntrack -L ($label)" "$d/want" "ctdump -L --input FILE" "$d/file.norm" || bad=1
  ct_compare "ctdump --input FILE ($label)" "$d/file.out" "ctdump --input -" "$d/stdin.out" ||
    bad=1
  [[ "$bad" == 0 ]] || ct_fail "$label: ctdump's procfs output differs (see above)"
  echo "ok: $label: $(wc -l <"$d/want") entries identical in conntrack -L, --backend procfs," \
    "--input FILE and --input -"
  # The table has the shape this namespace is meant to have.
  case "$label" in
    acct-on)
      grep -q ' packets=' "$d/want" && grep -q ' delta-time=' "$d/want" ||
        ct_fail "$label: no counters/timestamps in the table" ;;
    mixed)
      grep -q ' packets=' "$d/want" && grep -qv ' packets=' "$d/want" ||
        ct_fail "$label: the table is not mixed (entries with and without counters)" ;;
  esac
}

# --- Namespace A: accounting and timestamps on.
ct_netns_create NS_A
ip netns exec "$NS_A" test -r /proc/net/nf_conntrack ||
  ct_skip "kernel has no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS off)"
ct_enable_acct_tstamp "$NS_A"
ct_real_traffic "$NS_A"
ip netns exec "$NS_A" "$CTGEN" --diverse -q
ct_part "namespace A (acct+timestamps on)" check_namespace "$NS_A" acct-on

# --- Namespace B: mixed table (entries with and without counters/timestamps).
ct_netns_create NS_B
ct_set_acct_tstamp "$NS_B" 0
ip netns exec "$NS_B" "$CTGEN" --count 100 --mix mixed --v6-percent 30 --seed 2 -q
ct_set_acct_tstamp "$NS_B" 1
ip netns exec "$NS_B" "$CTGEN" --diverse -q
ct_set_acct_tstamp "$NS_B" 0
ct_real_traffic "$NS_B"
ct_part "namespace B (mixed table)" check_namespace "$NS_B" mixed
ct_finish
