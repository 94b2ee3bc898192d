#!/bin/bash
# File: cli/kernel_tests/output_formats_test.sh
#
# Contract: in a throwaway namespace with a diverse table (ctgen --diverse + real loopback
# traffic with NAT, accounting and timestamps on):
#   1. `ctdump -L -o proc` (netlink) prints the namespace's /proc/net/nf_conntrack, apart
#      from ticking fields (timeout, delta-time) and the GRE state text, which ctnetlink
#      does not carry (core/proc_format.h);
#   2. `ctdump -L -o proc --backend procfs` prints the same as the file;
#   3. `ctdump -L -o json`: every line is one valid JSON object of schema v1, one per
#      entry of `conntrack -L`, with the same original tuples;
#   4. `ctdump -L -o xml` is a well-formed document (xmllint) equal to `conntrack -L -o xml`
#      apart from ticking fields and SCTP/DCCP <state> (conntrack 1.4.7 names those from
#      the TCP table: its bug 2);
#   5. `ctdump -L -o xml` with no match prints nothing, like conntrack.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v jq >/dev/null || ct_fail "jq is not installed (tools/setup.sh installs it)"
command -v xmllint >/dev/null || ct_fail "xmllint is not installed (tools/setup.sh installs it)"
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/output_formats.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
ip netns exec "$NS" test -r /proc/net/nf_conntrack ||
  ct_skip "kernel has no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS off)"
ct_enable_acct_tstamp "$NS"
ct_real_traffic "$NS"
ip netns exec "$NS" "$CTGEN" --diverse -q
X=(ip netns exec "$NS")

gre_normalize() { sed -E 's/ timeout=[0-9]+, stream_timeout=[0-9]+ / <GRE> /'; }

proc_from_netlink() {
  ct_run "ctdump -o proc" "$TMP/p.out" "$TMP/p.err" "${X[@]}" "$CTDUMP" -L -o proc
  "${X[@]}" cat /proc/net/nf_conntrack >"$TMP/file"
  gre_normalize <"$TMP/file" | ct_normalize >"$TMP/want"
  gre_normalize <"$TMP/p.out" | ct_normalize >"$TMP/got"
  ct_compare "/proc/net/nf_conntrack" "$TMP/want" "ctdump -L -o proc (netlink)" "$TMP/got"
  echo "ok: -o proc (netlink) == /proc/net/nf_conntrack ($(wc -l <"$TMP/want") lines)"
}

proc_from_procfs() {
  ct_run "ctdump -o proc --backend procfs" "$TMP/pp.out" "$TMP/pp.err" \
    "${X[@]}" "$CTDUMP" -L -o proc --backend procfs
  "${X[@]}" cat /proc/net/nf_conntrack | ct_normalize >"$TMP/want2"
  ct_normalize <"$TMP/pp.out" >"$TMP/got2"
  ct_compare "/proc/net/nf_conntrack" "$TMP/want2" "ctdump -L -o proc --backend procfs" "$TMP/got2"
  echo "ok: -o proc (procfs) == /proc/net/nf_conntrack"
}

json() {
  ct_run "ctdump -o json" "$TMP/j.out" "$TMP/j.err" "${X[@]}" "$CTDUMP" -L -o json
  ct_check_summary "ctdump -o json" "$TMP/j.out" "$TMP/j.err"
  ct_run "conntrack -L" "$TMP/c.out" "$TMP/c.err" "${X[@]}" conntrack -L
  # Valid JSON, one object per line, schema 1.
  jq -e -c 'select(.v == 1 and (.orig.src | type) == "string")' "$TMP/j.out" >"$TMP/j.valid" ||
    ct_fail "-o json: jq rejected the output"
  [[ "$(wc -l <"$TMP/j.valid")" == "$(wc -l <"$TMP/c.out")" ]] ||
    ct_fail "-o json: $(wc -l <"$TMP/j.valid") valid objects, conntrack -L has $(wc -l <"$TMP/c.out") entries"
  # Same original tuples (protocol number, addresses) as conntrack.
  jq -r '"\(.protonum) \(.orig.src) \(.orig.dst)"' "$TMP/j.out" | LC_ALL=C sort >"$TMP/j.keys"
  sed -E 's/^[a-z0-9]+ +([0-9]+) .*src=([^ ]+) dst=([^ ]+) .*src=.*$/\1 \2 \3/' "$TMP/c.out" |
    awk '{print $1, $2, $3}' | LC_ALL=C sort >"$TMP/c.keys"
  ct_compare "conntrack -L tuples" "$TMP/c.keys" "ctdump -o json tuples" "$TMP/j.keys"
  echo "ok: -o json: $(wc -l <"$TMP/j.out") valid objects with conntrack's tuples"
}

xml_norm() {
  sed -E -e 's#<timeout>[0-9]+</timeout>#<timeout/>#' -e 's#<deltatime>[0-9]+</deltatime>#<deltatime/>#' \
    -e 's#<use>[0-9]+</use>#<use/>#' \
    -e '/protoname="(sctp|dccp)"/s#<state>[A-Z_0-9]+</state>##' | LC_ALL=C sort
}

xml() {
  ct_run "ctdump -o xml" "$TMP/x.out" "$TMP/x.err" "${X[@]}" "$CTDUMP" -L -o xml
  xmllint --noout "$TMP/x.out" || ct_fail "-o xml: not well-formed"
  ct_run "conntrack -L -o xml" "$TMP/cx.out" "$TMP/cx.err" "${X[@]}" conntrack -L -o xml
  xml_norm <"$TMP/cx.out" >"$TMP/cx.norm"
  xml_norm <"$TMP/x.out" >"$TMP/x.norm"
  ct_compare "conntrack -L -o xml" "$TMP/cx.norm" "ctdump -L -o xml" "$TMP/x.norm"
  ct_run "ctdump -o xml (no match)" "$TMP/x0.out" "$TMP/x0.err" \
    "${X[@]}" "$CTDUMP" -L -o xml -p 200
  [[ ! -s "$TMP/x0.out" ]] || ct_fail "-o xml with no match printed something"
  echo "ok: -o xml == conntrack -L -o xml ($(wc -l <"$TMP/x.out") lines)"
}

ct_part "-o proc from netlink" proc_from_netlink
ct_part "-o proc from procfs" proc_from_procfs
ct_part "-o json" json
ct_part "-o xml" xml
ct_finish
