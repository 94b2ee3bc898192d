#!/bin/bash
# File: tools/testing/netns_lib_test.sh
#
# Contract: tools/testing/netns.sh and tools/ctgen do what ctdump's kernel tests rely on.
#   * ct_normalize rewrites exactly the ticking fields (also behind -o extended, also for
#     `unknown` protocols, not for offloaded lines without a timeout), drops --drop fields
#     and sorts;
#   * (root) ct_netns_create gives a usable namespace that is gone, with no process left
#     in it, once the creating shell exits; a process of another session inside it (another
#     test's --all-netns visit) is not killed; a ct_part removes what it created;
#   * (root) ct_real_traffic leaves: a DNAT+SNAT TCP entry ESTABLISHED, TIME_WAIT entries,
#     an IPv6 ESTABLISHED entry, a marked UDP entry, an [UNREPLIED] UDP entry, replied
#     ICMP and ICMPv6 entries, counters and delta-time (acct/timestamps on);
#   * (root) `ctgen --diverse` adds every entry of its set, with labels kept once the
#     ruleset uses `ct label`; it refuses to run twice (EEXIST) and refuses the initial
#     namespace (checked with --dry-run, so nothing is written if the guard is broken);
#     `ctgen --count` creates exactly N entries.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/netns.sh"
# shellcheck source=netns.sh
source "$_lib"

# --- ct_normalize (no root needed).
input='tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 delta-time=12 use=1 id=77 helper=ftp
ipv6     10 udp      17 27 src=::1 dst=::1 sport=5 dport=6 [UNREPLIED] src=::1 dst=::1 sport=6 dport=5 mark=0 use=2
unknown  253 99 src=10.7.0.3 dst=10.7.0.4 [UNREPLIED] src=10.7.0.4 dst=10.7.0.3 mark=0 use=1
ipv4     2 unknown  0 5 src=10.7.0.7 dst=10.7.0.8 [UNREPLIED] src=10.7.0.8 dst=10.7.0.7 mark=0 use=1
tcp      6 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [OFFLOAD] mark=0 use=3'
want='ipv4     2 unknown  0 <TIMEOUT> src=10.7.0.7 dst=10.7.0.8 [UNREPLIED] src=10.7.0.8 dst=10.7.0.7 mark=0 use=<U>
ipv6     10 udp      17 <TIMEOUT> src=::1 dst=::1 sport=5 dport=6 [UNREPLIED] src=::1 dst=::1 sport=6 dport=5 mark=0 use=<U>
tcp      6 <TIMEOUT> ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 delta-time=<D> use=<U>
tcp      6 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [OFFLOAD] mark=0 use=<U>
unknown  253 <TIMEOUT> src=10.7.0.3 dst=10.7.0.4 [UNREPLIED] src=10.7.0.4 dst=10.7.0.3 mark=0 use=<U>'
got="$(printf '%s\n' "$input" | ct_normalize --drop id --drop helper)"
if [[ "$got" != "$want" ]]; then
  diff -u <(echo "$want") <(echo "$got") || true
  ct_fail "ct_normalize output differs"
fi
[[ "$(printf 'x 5 flow entries have been shown.\n' >"${TEST_TMPDIR:-/tmp}/s.$$"
      ct_summary_count "${TEST_TMPDIR:-/tmp}/s.$$"; rm -f "${TEST_TMPDIR:-/tmp}/s.$$")" == 5 ]] ||
  ct_fail "ct_summary_count"
echo "ok: ct_normalize, ct_summary_count"

# --- Kernel part.
ct_require_root_or_skip
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"

# Lifecycle: a child shell creates a namespace and a process in it, then exits.
LIB="$_lib"
child_out="${TEST_TMPDIR:-/tmp}/child.$$"
bash -c '
  source "$1"; ct_netns_create N
  ip netns exec "$N" sleep 60 >/dev/null 2>&1 &
  echo "$N $!"' _ "$LIB" >"$child_out"
read -r name pid <"$child_out"
rm -f "$child_out"
[[ -n "$name" && -n "$pid" ]] || ct_fail "child did not report a namespace"
if ip netns list | grep -qw "$name"; then ct_fail "namespace $name survived its shell"; fi
if kill -0 "$pid" 2>/dev/null; then ct_fail "process $pid survived its shell"; fi
echo "ok: namespace and its process removed on exit"

# A process of another session inside the namespace (another test's `ctdump
# --all-netns` passing through) is not this test's to kill: the namespace goes, it stays.
visitor_out="${TEST_TMPDIR:-/tmp}/visitor.$$"
bash -c '
  source "$1"; ct_netns_create N
  setsid -f sh -c "echo \$\$ >\"$2\"; exec nsenter --net=/run/netns/$N sleep 60" \
    </dev/null >/dev/null 2>&1
  for _ in $(seq 1 50); do [[ -s "$2" ]] && break; sleep 0.1; done
  echo "$N" >>"$2"' _ "$LIB" "$visitor_out"
{ read -r vpid; read -r name; } <"$visitor_out"
rm -f "$visitor_out"
[[ -n "$vpid" && -n "$name" ]] || ct_fail "the visitor did not start"
alive=0
kill -0 "$vpid" 2>/dev/null && alive=1
kill "$vpid" 2>/dev/null || true
if ip netns list | grep -qw "$name"; then ct_fail "namespace $name survived its shell"; fi
[[ "$alive" == 1 ]] || ct_fail "the cleanup killed a process of another session (pid $vpid)"
echo "ok: a process of another session in the namespace is left alone"

ct_netns_create NS
X=(ip netns exec "$NS")
ct_enable_acct_tstamp "$NS"
[[ "$("${X[@]}" cat /proc/sys/net/netfilter/nf_conntrack_acct)" == 1 ]] || ct_fail "acct not set"
start=$(date +%s)
ct_real_traffic "$NS"
echo "ok: ct_real_traffic took $(($(date +%s) - start)) s"
[[ -z "$(jobs -pr)" ]] || ct_fail "ct_real_traffic left background jobs: $(jobs -pr)"
for pid in $(ip netns pids "$NS"); do
  ct_fail "process left in $NS: $(ps -o pid=,cmd= -p "$pid")"
done
L="$("${X[@]}" conntrack -L 2>/dev/null)"
expect() {
  grep -qE -- "$2" <<<"$L" || { echo "$L" >&2; ct_fail "ct_real_traffic: no $1"; }
}
expect "DNAT+SNAT ESTABLISHED" \
  'ESTABLISHED src=127.0.0.1 dst=127.0.0.2 sport=40001 dport=8080 .* src=127.0.0.1 dst=127.0.0.3 sport=9090 dport=40001 .*\[ASSURED\]'
expect "IPv6 ESTABLISHED" 'ESTABLISHED src=::1 dst=::1 sport=40002 dport=9094 '
expect "TIME_WAIT via DNAT" 'TIME_WAIT src=127.0.0.1 dst=127.0.0.2 .*dport=8080 '
expect "IPv6 TIME_WAIT" 'TIME_WAIT src=::1 dst=::1 .*dport=9093 '
expect "marked UDP" '^udp .*dport=9000 .*mark=16 '
expect "unreplied UDP" '^udp .*dport=9001 .*\[UNREPLIED\]'
expect "ICMP echo" '^icmp .*type=8 .*type=0 '
expect "ICMPv6 echo" '^icmpv6 .*type=128 .*type=129 '
expect "counters" 'packets=[1-9]'
expect "timestamps" 'delta-time='
echo "ok: ct_real_traffic entries present"

# ctgen --diverse after the ruleset (label space exists now).
"${X[@]}" "$CTGEN" --diverse 2>"${TEST_TMPDIR:-/tmp}/ctgen.$$" ||
  { cat "${TEST_TMPDIR:-/tmp}/ctgen.$$" >&2; ct_fail "ctgen --diverse failed"; }
summary="$(cat "${TEST_TMPDIR:-/tmp}/ctgen.$$")"
rm -f "${TEST_TMPDIR:-/tmp}/ctgen.$$"
echo "$summary"
grep -q ', 0 without their labels' <<<"$summary" || ct_fail "labels were dropped"
created="$(sed -nE 's/^ctgen: created ([0-9]+) diverse entries.*/\1/p' <<<"$summary")"
total="$("${X[@]}" conntrack -C)"
traffic="$(wc -l <<<"$L")"
[[ "$total" == "$((traffic + created))" ]] ||
  ct_fail "table has $total entries, expected $traffic (traffic) + $created (ctgen)"
if "${X[@]}" "$CTGEN" --diverse -q 2>/dev/null; then ct_fail "a second ctgen --diverse succeeded"; fi
# The host-namespace guard, checked with --dry-run so that a broken guard writes nothing.
"${X[@]}" "$CTGEN" --dry-run --count 1 -q || ct_fail "ctgen --dry-run refused a test namespace"
if [[ "$(stat -L -c %i /proc/self/ns/net)" == "$((0xEFFFFFF9))" ]]; then
  if "$CTGEN" --dry-run --count 1 -q 2>/dev/null; then
    ct_fail "ctgen would write to the initial network namespace"
  fi
else
  echo "note: this shell is not in the initial network namespace; guard refusal not checked"
fi
echo "ok: ctgen --diverse ($created entries), EEXIST and host-namespace refusals"

ct_netns_create NS2
ip netns exec "$NS2" "$CTGEN" --count 5000 --mix udp --v6-percent 50 -q
[[ "$(ip netns exec "$NS2" conntrack -C)" == 5000 ]] || ct_fail "ctgen --count 5000"
echo "ok: ctgen --count 5000"

# ct_conntrack: the oracle in a namespace; a real failure fails with conntrack's words.
ct_conntrack "$NS2" -I -p udp -s 10.99.99.99 -d 10.99.99.98 --sport 1 --dport 2 -t 60
ct_conntrack "$NS2" -D -p udp -s 10.99.99.99
if out="$( (ct_conntrack "$NS2" -D --no-such-option) 2>&1)"; then
  ct_fail "ct_conntrack did not fail on a bad option"
fi
[[ "$out" == *"conntrack -D --no-such-option in $NS2:"* ]] || ct_fail "ct_conntrack said: $out"
echo "ok: ct_conntrack"

# A part (ct_part, a subshell) removes what it created when it ends: its namespace and
# its ct_on_exit hooks' files; the test's own namespaces stay.
PART_OUT="$(mktemp "${TEST_TMPDIR:-/tmp}/ct_part.XXXXXX")"
part_that_creates() {
  ct_netns_create PART_NS
  touch "/run/netns/ctdump-part-marker-$$"
  ct_on_exit rm -f "/run/netns/ctdump-part-marker-$$"
  echo "$PART_NS" >"$PART_OUT"
}
ct_part "creates and leaves" part_that_creates
part_ns="$(cat "$PART_OUT")"
rm -f "$PART_OUT"
[[ -n "$part_ns" ]] || ct_fail "the part did not run"
[[ ! -e "/run/netns/$part_ns" ]] || ct_fail "ct_part left its namespace $part_ns behind"
[[ ! -e "/run/netns/ctdump-part-marker-$$" ]] || ct_fail "ct_part left its ct_on_exit file behind"
[[ -e "/run/netns/$NS2" ]] || ct_fail "ct_part removed the test's own namespace $NS2"
echo "ok: ct_part cleans up what it created, and only that"
echo "PASS"
