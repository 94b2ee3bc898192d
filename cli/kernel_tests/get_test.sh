#!/bin/bash
# File: cli/kernel_tests/get_test.sh
#
# Contract: `ctdump -G` (issue 16, item 5) prints what `conntrack -G` prints. In a
# throwaway namespace with entries made by `conntrack -I` (tcp and icmp over IPv4, udp
# over IPv6), for each case the two are run with the same options and compared:
#   * stdout (timeouts, use= normalised by ct_normalize; -o xml as is, minus <timeout>),
#     the message on stderr after each program's prefix ("conntrack v1.4.7
#     (conntrack-tools): " / "ctdump: " and "v0.1.0 (ctdump): "), without the "Try ..."
#     line, and the exit status;
#   * cases: a hit (default, -o extended, -o id, -o extended,id, -o xml), a miss
#     ("Operation failed: such conntrack doesn't exist", exit 1), a hit the other filters
#     reject (--state, a reply address: "0 flow entries have been shown.", exit 1), IPv6,
#     ICMP, an orig+reply tuple, and usage errors (missing -p / addresses / ports, -w,
#     -m, -f, CIDR: exit 2 with conntrack's message);
#   * over /proc (--backend procfs, when the namespace has /proc/net/nf_conntrack), the
#     hit, the miss and IPv6 print the same as over ctnetlink;
#   * the reply-tuple form (-r -q and the reply ports) finds the entry, where conntrack
#     1.4.7 fails with "invalid parameters" without asking the kernel (a documented
#     difference, docs/conntrack-compatibility.md 5.15);
#   * `ctdump -G -o json` prints the entry's JSON line.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/get_test.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
X=(ip netns exec "$NS")
"${X[@]}" conntrack -I -p tcp -s 10.91.0.1 -d 10.91.0.2 --sport 1000 --dport 80 \
  --state ESTABLISHED -t 3000 -u ASSURED >/dev/null 2>&1 || ct_fail "conntrack -I tcp failed"
"${X[@]}" conntrack -I -p udp -s fd00:91::1 -d fd00:91::2 --sport 53 --dport 5353 -t 3000 \
  >/dev/null 2>&1 || ct_fail "conntrack -I udp6 failed"
"${X[@]}" conntrack -I -p icmp -s 10.91.0.1 -d 10.91.0.3 --icmp-type 8 --icmp-code 0 \
  --icmp-id 77 -t 3000 >/dev/null 2>&1 || ct_fail "conntrack -I icmp failed"
# Noise: more entries that share addresses with the ones looked up.
for p in 1001 1002 1003; do
  "${X[@]}" conntrack -I -p tcp -s 10.91.0.1 -d 10.91.0.2 --sport "$p" --dport 80 \
    --state SYN_SENT -t 3000 >/dev/null 2>&1 || ct_fail "conntrack -I failed"
done

TCP=(-p tcp -s 10.91.0.1 -d 10.91.0.2 --sport 1000 --dport 80)

# norm_err FILE: the messages without the programs' prefixes and usage hints.
norm_err() {
  grep -v "^Try \|^ctdump: Try " "$1" |
    sed -E -e 's/^conntrack v1\.4\.7 \(conntrack-tools\): //' \
      -e 's/^ctdump: v[0-9.]+ \(ctdump\): //' -e 's/^ctdump: //' || true
}

# norm_out FILE: -o xml with the ticking <timeout> removed, else ct_normalize.
norm_out() {
  if grep -q '^<?xml' "$1"; then
    sed -E 's|<timeout>[0-9]+</timeout>||' "$1"
  else
    ct_normalize <"$1"
  fi
}

# same NAME ARGS...: conntrack -G ARGS and ctdump -G ARGS agree (stdout, stderr, status).
# CTDUMP_EXTRA (an array) is added to ctdump's options.
same() {
  local name="$1" crc=0 drc=0
  shift
  "${X[@]}" conntrack -G "$@" >"$TMP/c.out" 2>"$TMP/c.err" || crc=$?
  "${X[@]}" "$CTDUMP" -G "${CTDUMP_EXTRA[@]}" "$@" >"$TMP/d.out" 2>"$TMP/d.err" || drc=$?
  norm_out "$TMP/c.out" >"$TMP/c.nout"
  norm_out "$TMP/d.out" >"$TMP/d.nout"
  norm_err "$TMP/c.err" >"$TMP/c.nerr"
  norm_err "$TMP/d.err" >"$TMP/d.nerr"
  ct_compare "conntrack -G $* (stdout)" "$TMP/c.nout" "ctdump -G $* (stdout)" "$TMP/d.nout" ||
    ct_fail "$name: stdout differs"
  ct_compare "conntrack -G $* (stderr)" "$TMP/c.nerr" "ctdump -G $* (stderr)" "$TMP/d.nerr" ||
    ct_fail "$name: stderr differs"
  [[ "$crc" == "$drc" ]] || ct_fail "$name: conntrack exited $crc, ctdump $drc"
  echo "ok: $name (exit $drc: $(head -c 70 "$TMP/d.nerr" | tr '\n' ' '))"
}

CTDUMP_EXTRA=()

hits() {
  same "hit" "${TCP[@]}"
  same "hit -o extended" "${TCP[@]}" -o extended
  same "hit -o id" "${TCP[@]}" -o id
  same "hit -o extended,id" "${TCP[@]}" -o extended,id
  same "hit -o xml" "${TCP[@]}" -o xml
  same "hit conntrack table word" conntrack "${TCP[@]}"
  same "IPv6" -p udp -s fd00:91::1 -d fd00:91::2 --sport 53 --dport 5353
  same "ICMP" -p icmp -s 10.91.0.1 -d 10.91.0.3 --icmp-type 8 --icmp-code 0 --icmp-id 77
  same "orig and reply tuple" "${TCP[@]}" -r 10.91.0.2 -q 10.91.0.1 --reply-port-src 80 \
    --reply-port-dst 1000
  [[ "$(wc -l <"$TMP/d.out")" == 1 ]] || ct_fail "orig and reply tuple: no entry printed"
}

misses() {
  same "miss" -p tcp -s 10.91.0.1 -d 10.91.0.2 --sport 999 --dport 80
  same "miss IPv6" -p udp -s fd00:91::1 -d fd00:91::2 --sport 54 --dport 5353
  same "miss ICMP" -p icmp -s 10.91.0.1 -d 10.91.0.3 --icmp-type 8 --icmp-code 0 --icmp-id 78
  same "hit rejected by --state" "${TCP[@]}" --state SYN_SENT
  same "hit rejected by the reply address" "${TCP[@]}" -r 10.91.0.9 -q 10.91.0.1 \
    --reply-port-src 80 --reply-port-dst 1000
}

usage() {
  same "no -p" -s 10.91.0.1 -d 10.91.0.2
  same "no addresses" -p tcp
  same "one address" -p tcp -s 10.91.0.1 --sport 1000 --dport 80
  same "one reply address" -p tcp -r 10.91.0.1 --sport 1000 --dport 80
  same "one port" -p tcp -s 10.91.0.1 -d 10.91.0.2 --sport 1000
  same "icmp without code" -p icmp -s 10.91.0.1 -d 10.91.0.3 --icmp-type 8
  same "-w" "${TCP[@]}" -w 0
  same "-m" "${TCP[@]}" -m 1
  same "-f" "${TCP[@]}" -f ipv4
  same "--orig-zone" "${TCP[@]}" --orig-zone 1
  same "CIDR" -p tcp -s 10.91.0.0/24 -d 10.91.0.2 --sport 1000 --dport 80
}

procfs() {
  if ! "${X[@]}" test -r /proc/net/nf_conntrack; then
    ct_skip_part "no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS off)"
    return 0
  fi
  CTDUMP_EXTRA=(--backend procfs)
  same "procfs hit" "${TCP[@]}"
  same "procfs miss" -p tcp -s 10.91.0.1 -d 10.91.0.2 --sport 999 --dport 80
  same "procfs IPv6" -p udp -s fd00:91::1 -d fd00:91::2 --sport 53 --dport 5353
  same "procfs hit rejected by --state" "${TCP[@]}" --state SYN_SENT
  CTDUMP_EXTRA=()
}

reply_form() {
  local args=(-p tcp -r 10.91.0.2 -q 10.91.0.1 --reply-port-src 80 --reply-port-dst 1000)
  local rc=0
  "${X[@]}" conntrack -G "${args[@]}" >/dev/null 2>"$TMP/c.err" || rc=$?
  [[ "$rc" == 1 ]] && grep -q "invalid parameters" "$TMP/c.err" ||
    echo "note: conntrack -G by the reply tuple now says: $(head -n 1 "$TMP/c.err") (exit $rc)"
  ct_run "ctdump -G reply tuple" "$TMP/r.out" "$TMP/r.err" "${X[@]}" "$CTDUMP" -G "${args[@]}"
  ct_run "ctdump -G" "$TMP/o.out" "$TMP/o.err" "${X[@]}" "$CTDUMP" -G "${TCP[@]}"
  ct_compare "-G by the original tuple" <(ct_normalize <"$TMP/o.out") \
    "-G by the reply tuple" <(ct_normalize <"$TMP/r.out") || ct_fail "reply-tuple lookup differs"
  [[ "$(wc -l <"$TMP/r.out")" == 1 ]] || ct_fail "reply-tuple lookup printed no entry"
  echo "ok: -G by the reply tuple finds the entry"
}

json() {
  ct_run "ctdump -G -o json" "$TMP/j.out" "$TMP/j.err" "${X[@]}" "$CTDUMP" -G "${TCP[@]}" -o json
  [[ "$(wc -l <"$TMP/j.out")" == 1 ]] || ct_fail "-G -o json: not one line"
  [[ "$(jq -r '"\(.orig.src) \(.orig.sport) \(.state)"' "$TMP/j.out")" == "10.91.0.1 1000 ESTABLISHED" ]] ||
    ct_fail "-G -o json: $(cat "$TMP/j.out")"
  echo "ok: -G -o json prints the entry's object"
}

ct_part "hits" hits
ct_part "misses" misses
ct_part "usage errors" usage
ct_part "procfs" procfs
ct_part "reply tuple" reply_form
ct_part "json" json
ct_finish
