#!/bin/bash
# File: cli/kernel_tests/filter_matrix_test.sh
#
# Contract: every filter option of `ctdump -L` selects the entries that `conntrack -L`
# (conntrack-tools 1.4.7) selects with the same option, on a live table, for both the
# netlink and the procfs backend; where conntrack 1.4.7 is buggy, ctdump selects what the
# option says instead (docs/conntrack-compatibility.md, sections 4 and 5).
#
# Table: one throwaway namespace with accounting + timestamps on, ct_real_traffic (real
# SNAT/DNAT on loopback, marks, labels, TIME_WAIT, ESTABLISHED, UDP, ICMP, ICMPv6) and
# `ctgen --diverse` (tools/ctgen/diverse.h: every TCP/SCTP state, UDP-Lite, GRE keys,
# DCCP, unknown protocols, odd IPv6 forms, marks 0/42/0xffffffff, zones, NAT, labels).
#
# Kinds of case (each (filter, backend) pair counts as one case):
#   eq      ctdump -L ARGS --backend B  ==  conntrack -L ARGS, after ct_normalize
#           (timeout, delta-time, use); procfs drops helper= on both sides (/proc has
#           none). Also with -o extended (both backends) and -o id / -o extended,id
#           (netlink only: /proc has no ids) for a subset.
#   eq_ref  like eq, but conntrack is given a different spelling of the same filter
#           (bug 1: `-m X -u Y` must equal conntrack's working `-u Y -m X`).
#   expect  conntrack 1.4.7 is wrong (a documented bug, or a conntrack quirk that
#           contradicts section 4.2); the expected set is computed with awk from the
#           unfiltered `conntrack -L` listing, and what conntrack printed is shown as a
#           note only. Each such case names its bug.
#   rc      exit status (and, for 2, the usage hint and an empty stdout), with the
#           exit status of conntrack checked as well where they must agree.
#   plus    /proc-specific refusals, `-l` (labels) in a private mount namespace, and
#           `ctdump --netns NAME -L` == `ip netns exec NAME ctdump -L`.
#
# Labels: conntrack and ctdump read the fixed path /etc/xtables/connlabel.conf. This test
# never touches it: label cases run under `unshare -m --propagation private` with an
# overlay (upper layer on a private tmpfs) mounted on /etc that holds a test
# connlabel.conf, so nothing is visible outside that short-lived mount namespace. If the
# overlay cannot be mounted, the label part is skipped with a note (a failure under
# CTDUMP_REQUIRE_KERNEL=1).
#
# Output: "ok   CASE" per passing case, "FAIL CASE" plus the first 40 lines of diff -u per
# failing one, then "N passed, M failed". Exits non-zero if any case failed. Every
# command is bounded by `timeout`; the namespace and temporary files go on any exit.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/filter_matrix.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
ip netns exec "$NS" test -r /proc/net/nf_conntrack ||
  ct_skip "kernel has no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS off)"
ct_enable_acct_tstamp "$NS"
ct_real_traffic "$NS"
ip netns exec "$NS" "$CTGEN" --diverse -q
X=(ip netns exec "$NS")

# The unfiltered listing, the source of every awk expectation.
ALL_RAW="$TMP/all.raw"
ct_run "conntrack -L" "$ALL_RAW" "$TMP/all.err" "${X[@]}" conntrack -L
n_all="$(wc -l <"$ALL_RAW")"
((n_all >= 80)) || ct_fail "the table has only $n_all entries (ctgen --diverse makes 86)"
grep -q 'dst=127.0.0.3 sport=9090' "$ALL_RAW" || ct_fail "no real SNAT/DNAT entry in the table"
echo "table: $n_all entries"

PASSED=0
FAILED=0
FAILED_NAMES=()
SEQ=0
PREFIX=()        # command prefix (the label part runs everything in a mount namespace)
WANT_STDERR=""   # expect: a fixed string ctdump's stderr must also contain

pass() {
  PASSED=$((PASSED + 1))
  echo "ok   $1"
}
fail() {
  FAILED=$((FAILED + 1))
  FAILED_NAMES+=("$1")
  echo "FAIL $1"
  [[ -z "${2:-}" ]] || echo "     $2"
}
new_dir() {
  SEQ=$((SEQ + 1))
  D="$TMP/c$SEQ"
  mkdir -p "$D"
}
# run OUT ERR CMD...: runs CMD bounded by `timeout 20`; its exit status goes to RC.
run() {
  local out="$1" err="$2"
  shift 2
  RC=0
  timeout 20 "$@" >"$out" 2>"$err" || RC=$?
}
# ctdump_ok OUT ERR: ctdump exited 0 (RC) and its summary counts its lines.
ctdump_ok() {
  local out="$1" err="$2" n lines
  if [[ "$RC" != 0 ]]; then
    WHY="exited $RC: $(head -n 2 "$err" | tr '\n' ' ')"
    return 1
  fi
  n="$(ct_summary_count "$err")"
  lines="$(wc -l <"$out")"
  if [[ -z "$n" || "$n" != "$lines" ]]; then
    WHY="summary says '${n}' entries but stdout has $lines lines"
    return 1
  fi
}

# procfs_refusal_ok ARGS...: ctdump --backend procfs exited refusing a -u word about a
# status bit /proc cannot show (EXPECTED, FIXED_TIMEOUT, and UNSET, which includes
# them), as core/filter.h's CanJudge() promises. Only such filters may be refused.
procfs_refusal_ok() {
  local err="$1"
  shift
  [[ "$RC" == 1 ]] || return 1
  grep -q "cannot show status bits" "$err" || return 1
  local a
  for a in "$@"; do
    [[ "${a^^}" =~ (^|,|!)(E|EX|EXP|EXPE|EXPEC|EXPECT|EXPECTE|EXPECTED|F|FI|FIX|FIXE|FIXED|FIXED_[A-Z]*|UNS|UNSE|UNSET)(,|$) ]] && return 0
  done
  return 1
}

# compare_all BACKENDS ARGS...: ctdump -L ARGS --backend B vs conntrack -L "${REF[@]}".
compare_all() {
  local backends="$1" b name
  shift
  new_dir
  run "$D/ct.out" "$D/ct.err" "${PREFIX[@]}" "${X[@]}" conntrack -L "${REF[@]}"
  local crc="$RC"
  for b in $backends; do
    name="[$b] -L $*"
    [[ "${REF[*]}" == "$*" ]] || name+="  (conntrack: ${REF[*]})"
    if [[ "$crc" != 0 ]]; then
      fail "$name" "the oracle failed: conntrack exited $crc: $(head -n 1 "$D/ct.err")"
      continue
    fi
    local drop=()
    [[ "$b" == procfs ]] && drop=(--drop helper)
    ct_normalize "${drop[@]}" <"$D/ct.out" >"$D/want.$b"
    run "$D/$b.out" "$D/$b.err" "${PREFIX[@]}" "${X[@]}" "$CTDUMP" -L "$@" --backend "$b"
    if [[ "$b" == procfs ]] && procfs_refusal_ok "$D/$b.err" "$@"; then
      pass "$name (refused: /proc cannot show that status bit)"
      continue
    fi
    if ! ctdump_ok "$D/$b.out" "$D/$b.err"; then
      fail "$name" "ctdump $WHY"
      continue
    fi
    ct_normalize "${drop[@]}" <"$D/$b.out" >"$D/got.$b"
    if cmp -s "$D/want.$b" "$D/got.$b"; then
      pass "$name ($(wc -l <"$D/want.$b") entries)"
    else
      fail "$name"
      ct_compare "conntrack -L ${REF[*]}" "$D/want.$b" "ctdump -L $* --backend $b" \
        "$D/got.$b" 2>&1 || true
    fi
  done
}
eq() {
  REF=("$@")
  compare_all "netlink procfs" "$@"
}
eq_netlink() {
  REF=("$@")
  compare_all "netlink" "$@"
}
# eq_o FORMAT ARGS...: -o FORMAT; ids exist only in netlink data.
eq_o() {
  local fmt="$1"
  shift
  REF=(-o "$fmt" "$@")
  if [[ "$fmt" == *id* ]]; then
    compare_all "netlink" -o "$fmt" "$@"
  else
    compare_all "netlink procfs" -o "$fmt" "$@"
  fi
}
# eq_ref "CONNTRACK ARGS" ARGS...
eq_ref() {
  read -r -a REF <<<"$1"
  shift
  compare_all "netlink procfs" "$@"
}

# The awk library for `expect`: parse() splits a conntrack line into O[] (original tuple),
# R[] (reply tuple), K[] (other key=value fields), proto/pnum, unrepl, assured.
AWK_LIB='
function parse(   i, t, k, v, n) {
  split("", O); split("", R); split("", K)
  proto = $1; pnum = $2 + 0; unrepl = 0; assured = 0; n = 0
  for (i = 3; i <= NF; i++) {
    t = $i
    if (t == "[UNREPLIED]") { unrepl = 1; continue }
    if (t == "[ASSURED]") { assured = 1; continue }
    if (index(t, "=") == 0) continue
    k = substr(t, 1, index(t, "=") - 1); v = substr(t, index(t, "=") + 1)
    if (k == "src") n++
    if (k ~ /^(src|dst|sport|dport|srckey|dstkey|type|code|id)$/) {
      if (n <= 1) O[k] = v; else R[k] = v
    } else K[k] = v
  }
}
# Protocols whose ports conntrack compares.
function ports() { return pnum == 6 || pnum == 17 || pnum == 136 || pnum == 132 || pnum == 33 }
# NAT from the tuples. Every entry of this table whose reply is not the mirror of its
# original has the NAT status bits (ctgen sets them through CTA_NAT_*, nft through real
# NAT), and /proc records are judged from the tuples anyway (core/filter.h).
function snat_addr() { return R["dst"] != O["src"] }
function dnat_addr() { return R["src"] != O["dst"] }
function snat() { return snat_addr() || (ports() && R["dport"] != O["sport"]) }
function dnat() { return dnat_addr() || (ports() && R["sport"] != O["dport"]) }
{ parse() }
'

# expect WHY AWK_COND ARGS...: ctdump -L ARGS (both backends) lists exactly the entries of
# the unfiltered listing for which AWK_COND holds. conntrack's own answer is only shown.
expect() {
  local why="$1" cond="$2" b name
  shift 2
  new_dir
  awk "$AWK_LIB ($cond) { print }" "$ALL_RAW" >"$D/expected.raw"
  run "$D/ct.out" "$D/ct.err" "${X[@]}" conntrack -L "$@"
  echo "     note: conntrack -L $* exits $RC listing $(wc -l <"$D/ct.out") entries;" \
    "by the option's meaning: $(wc -l <"$D/expected.raw") -- $why"
  for b in netlink procfs; do
    name="[$b] -L $*  (expected by awk: $cond)"
    local drop=()
    [[ "$b" == procfs ]] && drop=(--drop helper)
    ct_normalize "${drop[@]}" <"$D/expected.raw" >"$D/want.$b"
    run "$D/$b.out" "$D/$b.err" "${X[@]}" "$CTDUMP" -L "$@" --backend "$b"
    if [[ "$b" == procfs ]] && procfs_refusal_ok "$D/$b.err" "$@"; then
      pass "$name (refused: /proc cannot show that status bit)"
      WANT_STDERR=""
      continue
    fi
    if ! ctdump_ok "$D/$b.out" "$D/$b.err"; then
      fail "$name" "ctdump $WHY"
      continue
    fi
    if [[ -n "$WANT_STDERR" ]] && ! grep -qF -- "$WANT_STDERR" "$D/$b.err"; then
      fail "$name" "stderr lacks '$WANT_STDERR': $(head -n 2 "$D/$b.err" | tr '\n' ' ')"
      continue
    fi
    ct_normalize "${drop[@]}" <"$D/$b.out" >"$D/got.$b"
    if cmp -s "$D/want.$b" "$D/got.$b"; then
      pass "$name ($(wc -l <"$D/want.$b") entries)"
    else
      fail "$name"
      ct_compare "expected (awk: $cond)" "$D/want.$b" "ctdump -L $* --backend $b" \
        "$D/got.$b" 2>&1 || true
    fi
  done
  WANT_STDERR=""
}

# rc WANT CT_WANT WHY ARGS...: `ctdump -L ARGS` exits WANT; conntrack exits CT_WANT ("-":
# not run). WANT 2 also needs an empty stdout and the usage hint on stderr; WANT 0 needs
# the summary line.
rc() {
  local want="$1" ctwant="$2" why="$3"
  shift 3
  new_dir
  local name="exit $want: ctdump -L $*${why:+  ($why)}"
  if [[ "$ctwant" != - ]]; then
    run "$D/ct.out" "$D/ct.err" "${PREFIX[@]}" "${X[@]}" conntrack -L "$@"
    if [[ "$RC" != "$ctwant" ]]; then
      fail "$name" "premise broken: conntrack exited $RC, not $ctwant: $(head -n 1 "$D/ct.err")"
      return
    fi
  fi
  run "$D/out" "$D/err" "${PREFIX[@]}" "${X[@]}" "$CTDUMP" -L "$@"
  if [[ "$RC" != "$want" ]]; then
    fail "$name" "ctdump exited $RC (conntrack: $ctwant); stderr: $(head -n 2 "$D/err" | tr '\n' ' ')"
  elif [[ "$want" == 2 ]] && { [[ -s "$D/out" ]] || ! grep -q "Try \`ctdump -h'" "$D/err"; }; then
    fail "$name" "usage error without the usage hint or with output: $(head -n 2 "$D/err" | tr '\n' ' ')"
  elif [[ "$want" == 0 ]] && ! ctdump_ok "$D/out" "$D/err"; then
    fail "$name" "$WHY"
  else
    pass "$name"
  fi
}

# nomatch ARGS...: no entry matches: exit 0, empty stdout, "0 flow entries have been
# shown." from conntrack and from both ctdump backends.
nomatch() {
  local b
  new_dir
  run "$D/ct.out" "$D/ct.err" "${X[@]}" conntrack -L "$@"
  if [[ "$RC" != 0 || -s "$D/ct.out" ]] || ! grep -q ' 0 flow entries have been shown\.$' "$D/ct.err"; then
    fail "no match: -L $*" "premise broken: conntrack exited $RC with $(wc -l <"$D/ct.out") lines"
    return
  fi
  for b in netlink procfs; do
    run "$D/$b.out" "$D/$b.err" "${X[@]}" "$CTDUMP" -L "$@" --backend "$b"
    if [[ "$RC" == 0 && ! -s "$D/$b.out" ]] &&
      grep -q ' 0 flow entries have been shown\.$' "$D/$b.err"; then
      pass "[$b] no match: -L $* exits 0 with '0 flow entries have been shown.'"
    else
      fail "[$b] no match: -L $*" "exit $RC, $(wc -l <"$D/$b.out") lines, stderr: $(head -n 2 "$D/$b.err" | tr '\n' ' ')"
    fi
  done
}

# ===================================================================== addresses
echo "--- addresses, CIDR, masks"
eq -s 10.1.0.1
eq --src 10.1.0.1
eq --orig-src 2001:db8:1::1
eq -d 10.1.0.2
eq --dst ::1
eq --orig-dst 127.0.0.2
eq -s 10.1.1                       # inet_aton: 10.1.0.1
eq -d 255.255.255.255
eq -s 0.0.0.0
eq -s ::
eq -s ::ffff:192.0.2.1             # v4-mapped is IPv6
eq -s ::192.0.2.1
eq -s 10.0.0.0/8
eq -s 10.0.0.1/0                   # /0: the whole family
eq -d 0.0.0.0/0
eq -s 10.1.0.0/24
eq -d 10.10.0.2/24
eq -s 10.1.0.1/32
eq -s 10.2.0.7/16
eq -s 127.0.0.1/32
eq -d 127.0.0.0/30
eq -s ::/0
eq -s 2001:db8::/32
eq -s 2001:db8:4::1/64
eq -d 2001:db8:10::/64
eq -s 2001:db8:4::1/128
eq -d ::1/128
eq -s fe80::/10
eq -d ff00::/8
eq -s 10.9.0.1 --mask-src 255.255.0.255
eq -s 10.0.0.1 --mask-src 255.0.0.255      # non-contiguous
eq -d 10.10.0.0 --mask-dst 255.255.0.1     # non-contiguous
eq -d 10.3.0.4 --mask-dst 255.255.255.0
eq -s 2001:db8:: --mask-src ffff:ffff::
eq -s ::1 --mask-src ::ffff                # IPv6 non-contiguous: low 16 bits == 1
eq -r 10.10.6.7
eq --reply-src 127.0.0.1
eq -r ::1
eq -q 198.51.100.1
eq --reply-dst 127.0.0.3
eq -q 2001:db8:10::1
eq -s 10.10.0.1 -d 10.10.0.2 -r 10.10.6.7 -q 10.10.0.1
eq -s 127.0.0.1 -d 127.0.0.2 -r 127.0.0.1 -q 127.0.0.3
eq -s 2001:db8:4::/48 -d 2001:db8:4::2
eq -f ipv6 -s ::1
nomatch -s 192.0.2.99
nomatch -d 2001:db8:dead::1/128

# ===================================================================== protocols
echo "--- -p, ports, states, ICMP"
for p in tcp udp udplite icmp icmpv6 sctp gre dccp TCP Udp ICMPv6 SCTP GRE \
  6 17 136 1 58 132 47 33 253 99 0 ipv6-icmp ospf; do
  eq -p "$p"
done
eq --proto tcp
eq --protonum 17
eq -p tcp --sport 1001
eq -p tcp --orig-port-src 40001
eq -p tcp --dport 80
eq -p tcp --orig-port-dst 443
eq -p udp --dport 53
eq -p udp --sport 5353 --dport 5353
eq -p udplite --dport 7001
eq -p sctp --dport 3868 --sport 3004
eq -p tcp --reply-port-src 9090
eq -p tcp --reply-port-dst 5555
eq -p udp --reply-port-dst 3008
eq -p udp --reply-port-src 9000
eq -p tcp --sport 3005 --dport 80 --reply-port-src 8081 --reply-port-dst 3005
eq -p tcp --sport 0
# DCCP is not tracked on 6.17+ kernels: its entries carry no port attributes (printed as
# sport=0 dport=0). Section 4.2: a filter on an attribute the entry lacks makes the entry
# fail, so a port filter (even 0) must not match them.
eq -p dccp --sport 0
eq -p dccp --dport 0
eq -p 33 --reply-port-src 0
for st in NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE \
  SYN_SENT2 LISTEN; do
  eq -p tcp --state "$st"
done
for st in NONE CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED SHUTDOWN_SENT SHUTDOWN_RECD \
  SHUTDOWN_ACK_SENT; do
  eq -p sctp --state "$st"
done
# conntrack 1.4.7 segfaults (exit 139) on these valid SCTP state names (not in section 5).
expect "conntrack 1.4.7 segfaults" 'proto == "sctp" && $4 == "HEARTBEAT_SENT"' \
  -p sctp --state HEARTBEAT_SENT
expect "conntrack 1.4.7 segfaults" 'proto == "sctp" && $4 == "HEARTBEAT_ACKED"' \
  -p sctp --state HEARTBEAT_ACKED
eq -p dccp --state OPEN
eq -p tcp --state ESTABLISHED -f ipv6
eq -p tcp --state TIME_WAIT -s 127.0.0.1
eq -p icmp --icmp-type 8
eq -p icmp --icmp-type 13 --icmp-code 0
eq -p icmp --icmp-type 0
eq -p icmp --icmp-code 0
eq -p icmp --icmp-id 1234
eq -p icmp --icmp-id 4660 --icmp-type 8 --icmp-code 0
eq -p 1 --icmp-type 8 -s 10.4.0.1
eq -p icmpv6 --icmpv6-type 128
eq -p icmpv6 --icmpv6-type 139 --icmpv6-code 0
eq -p icmpv6 --icmpv6-id 79
eq -p icmpv6 --icmpv6-id 4661 -d ::1
eq -p 58 --icmpv6-type 128 -s 2001:db8:4::1

# ===================================================================== mark, zones
echo "--- -m, -w, --orig-zone, --reply-zone"
for m in 0 42 0x2a 16 4294967295 0xffffffff 0/0 0/0xffffffff 0xa/0xf 0x2a/0xf 0xf/0xf \
  0x3/0xf 0x10/0x10 0x2/0x2 42/0 0x80000000/0x80000000; do
  eq -m "$m"
done
eq --mark 42 -f ipv6
eq -m 0x10/0x10 -p udp
for z in 0 7 6 9 65535; do
  eq -w "$z"
  eq --orig-zone "$z"
  eq --reply-zone "$z"
done
eq --zone 7 -p tcp --dport 22
eq -w 7 --orig-zone 0 --reply-zone 0
eq --orig-zone 65535 -f ipv6
eq --reply-zone 9 -s 10.9.0.1

# ===================================================================== status
echo "--- -u"
for u in ASSURED SEEN_REPLY UNREPLIED '!ASSURED' '!SEEN_REPLY' ASSURED,SEEN_REPLY as se \
  Assured seen_r '!assured' '!as' '!ASSURED,!SEEN_REPLY' EXPECTED FIXED_TIMEOUT OFFLOAD \
  HW_OFFLOAD '!EXPECTED' '!OFFLOAD'; do
  eq -u "$u"
done
eq --status ASSURED -p udp
eq -u UNREPLIED -f ipv6
eq -u SEEN_REPLY -m 16
eq -u ASSURED -m 42
eq -u UNREPLIED -m 0x10/0x10
# Bug 1: `-m X -u Y` loses the mark in conntrack's user-space check; the other order works.
eq_ref "-u SEEN_REPLY -m 16" -m 16 -u SEEN_REPLY
eq_ref "-u ASSURED -m 42" -m 42 -u ASSURED
eq_ref "-u ASSURED -m 0xf/0xf" -m 0xf/0xf -u ASSURED
eq_ref "-u UNREPLIED -m 0x10/0x10 -p udp" -m 0x10/0x10 -u UNREPLIED -p udp
# Section 4.2 / bug 8: conntrack sends value = positive bits, mask = negative bits (or the
# positive bits when there are none), so mixing both kinds asks the kernel for the
# impossible and lists nothing; -u UNSET (mask 0) and words that only hit the SRC_NAT /
# DST_NAT warning give the kernel's EINVAL.
expect "bug 8: mixed positive/negative -u: conntrack's kernel request matches nothing" \
  'assured && unrepl' -u ASSURED,UNREPLIED
expect "bug 8: mixed positive/negative -u" 'assured && unrepl' -u 'ASSURED,!SEEN_REPLY'
expect "bug 8: mixed positive/negative -u" '!assured && !unrepl' -u 'SEEN_REPLY,!ASSURED'
expect "bug 8: mixed positive/negative -u (no entry has EXPECTED)" 'assured && !unrepl' \
  -u 'SEEN_REPLY,ASSURED,!EXPECTED'
expect "bug 8: -u UNSET is EINVAL in conntrack; UNSET = none of EXPECTED, SEEN_REPLY, ASSURED, FIXED_TIMEOUT (no entry here has EXPECTED/FIXED_TIMEOUT)" \
  'unrepl && !assured' -u UNSET
expect "bug 8: EINVAL in conntrack; !UNSET = at least one of EXPECTED, SEEN_REPLY, ASSURED, FIXED_TIMEOUT" \
  '!(unrepl && !assured)' -u '!UNSET'
WANT_STDERR="ignoring SRC_NAT"
expect "bug 8: -u S only warns (SRC_NAT prefix) and sets no bit: conntrack sends mask 0 (EINVAL); nothing to filter" \
  '1' -u S
WANT_STDERR="ignoring SRC_NAT"
expect "bug 8: -u SR, same" '1' -u SR
WANT_STDERR="ignoring DST_NAT"
expect "bug 8: -u D warns about DST_NAT and sets no bit" '1' -u D
# conntrack refuses `!UNREPLIED' (issue 12, item 10); so does ctdump.
rc 2 2 "conntrack refuses !UNREPLIED" -u '!UNREPLIED'
rc 2 2 "conntrack refuses !UNREPLIED" -u 'ASSURED,!UNREPLIED'

# ===================================================================== NAT
echo "--- -n, -g, -j"
eq -n 127.0.0.3
eq --src-nat 198.51.100.1
eq -n 198.51.100.1:5555
eq -n 198.51.100.1:3006
eq -n 198.51.100.3
eq -g 10.10.6.7
eq -g 10.10.6.7:8080
eq -g 10.10.6.8
eq --dst-nat 127.0.0.1:9090
eq -g 10.10.0.2:8081            # port-only DNAT: -g ADDR:PORT needs the address translated
eq -g 10.10.0.2
eq -j 127.0.0.1
eq -j 127.0.0.1:9090
eq --any-nat 127.0.0.3
eq -j 198.51.100.2
eq -n 198.51.100.2 -g 10.10.6.9
eq -g 127.0.0.1 -p tcp --state TIME_WAIT
# conntrack quirk (not in section 5): -j ADDR combined with -p, -m or -u lists nothing
# (alone it works: see `-j 127.0.0.1` above). The filters are ANDed.
expect "conntrack: -j ADDR plus another filter lists nothing" \
  '((snat_addr() && R["dst"] == "127.0.0.3") || (dnat_addr() && R["src"] == "127.0.0.3")) && assured && proto == "tcp" && O["dport"] == "8080"' \
  -j 127.0.0.3 -u ASSURED -p tcp --dport 8080
expect "conntrack: -j ADDR plus another filter lists nothing" \
  '((snat_addr() && R["dst"] == "127.0.0.1") || (dnat_addr() && R["src"] == "127.0.0.1")) && proto == "tcp"' \
  -j 127.0.0.1 -p tcp
# conntrack quirk (not in section 5): libnetfilter_conntrack's IS_SPAT/IS_DPAT compare
# the ICMP id with the ICMP type/code through the port union, so a real ICMP echo that
# only got the NAT status bits (the nat table is loaded; null binding) counts as
# port-translated. ICMP has no ports; section 4.2 defines SPAT/DPAT on ports.
expect "conntrack quirk: ICMP counted as SPAT (id vs type/code)" 'snat()' -n
expect "conntrack quirk: ICMP counted as DPAT" 'dnat()' -g
expect "conntrack quirk: ICMP counted as NAT" 'snat() || dnat()' -j
expect "conntrack quirk: ICMP counted as NAT" 'snat() && dnat()' -n -g
eq -n -p 6                      # -p keeps ICMP out of conntrack's quirk above
# conntrack ignores the value of --src-nat=ADDR (the `=` form of the optional argument)
# and lists every SNAT entry.
expect "conntrack ignores --src-nat=VALUE" \
  'snat_addr() && R["dst"] == "198.51.100.1"' --src-nat=198.51.100.1
expect "conntrack ignores --dst-nat=VALUE" \
  'dnat_addr() && R["src"] == "10.10.6.7" && R["sport"] == "8080"' --dst-nat=10.10.6.7:8080
# ADDR:PORT when the port was NOT translated. Section 4.2: "-n ADDR:PORT additionally
# requires reply dport = PORT". conntrack 1.4.7 additionally requires the port to have been
# translated (IS_SPAT/IS_DPAT), which section 4.2 does not say (see the final report).
expect "sec. 4.2 reading; conntrack also demands a translated port" \
  'snat_addr() && R["dst"] == "127.0.0.3" && R["dport"] == "40001"' -n 127.0.0.3:40001
expect "sec. 4.2 reading; conntrack also demands a translated port" \
  'dnat_addr() && R["src"] == "10.10.6.8" && R["sport"] == "80"' -g 10.10.6.8:80
# Bug 3: IPv6 NAT filters ignore the address in conntrack (only the family applies).
expect "bug 3: IPv6 -g ADDR ignores ADDR" 'dnat_addr() && R["src"] == "2001:db8::99"' \
  -g 2001:db8::99
expect "bug 3" 'dnat_addr() && R["src"] == "fd00:10::7"' -g fd00:10::7
expect "bug 3" 'dnat_addr() && R["src"] == "fd00:10::7" && R["sport"] == "8443"' \
  -g '[fd00:10::7]:8443'
expect "bug 3" 'dnat_addr() && R["src"] == "fd00:10::7" && R["sport"] == "443"' \
  -g '[fd00:10::7]:443'
expect "bug 3" 'snat_addr() && R["dst"] == "2001:db8:ffff::1"' -n 2001:db8:ffff::1
expect "bug 3" 'snat_addr() && R["dst"] == "2001:db8:ffff::2"' --src-nat 2001:db8:ffff::2
expect "bug 3: IPv6 -j ADDR" '(snat_addr() && R["dst"] == "::1") || (dnat_addr() && R["src"] == "::1")' \
  -j ::1
expect "bug 3" '(snat_addr() && R["dst"] == "2001:db8:ffff::1") || (dnat_addr() && R["src"] == "2001:db8:ffff::1")' \
  -j 2001:db8:ffff::1

# ===================================================================== family, GRE, secmark
echo "--- -f, GRE keys, -c, combinations"
eq -f ipv4
eq -f ipv6
eq --family ipv6 -p udp --dport 53
eq -f ipv4 -p icmp
# Section 4.2 "-f: prefix compare": conntrack does strncmp(arg, "ipv4", 4), i.e. the
# argument must START with ipv4/ipv6 (case-sensitive).
eq -f ipv6x
eq -f ipv4-only
# Bug 4: GRE key filters never filter in conntrack (it lists every GRE entry).
expect "bug 4: GRE keys never compared" 'proto == "gre" && O["srckey"] == "0x1234"' \
  -p gre --srckey 0x1234
expect "bug 4" 'proto == "gre" && O["dstkey"] == "0x1"' -p gre --orig-key-dst 1
expect "bug 4" 'proto == "gre" && O["srckey"] == "0x0"' -p gre --srckey 0
expect "bug 4" 'proto == "gre" && R["srckey"] == "0xdef"' -p gre --reply-key-src 0xdef
expect "bug 4" 'proto == "gre" && R["dstkey"] == "0x1234"' -p 47 --reply-key-dst 4660
expect "bug 4" 'proto == "gre" && O["srckey"] == "0xffff" && O["dstkey"] == "0x1" && O["src"] == "10.6.0.5"' \
  -p gre --srckey 0xffff --dstkey 0x1 -s 10.6.0.5
# Bug 5: -c never filters in conntrack. Kernels send no CTA_SECMARK, so no entry has
# secmark 5; a missing secmark counts as 0 (issue 12, item 12), so -c 0 lists what
# conntrack lists, over both backends.
expect "bug 5: -c never compared" '0' -c 5
expect "bug 5" '0' --secmark 5 -p tcp
eq -c 0
eq --secmark 0 -p tcp
eq -c 0x0 -f ipv6
eq -p tcp -s 10.1.0.0/24 --state ESTABLISHED
eq -f ipv6 -p udp --dport 53 -u SEEN_REPLY
eq -u SEEN_REPLY -m 16 -p udp -f ipv4
eq -s 127.0.0.1 -d 127.0.0.2 -r 127.0.0.1 -q 127.0.0.3 -p tcp --dport 8080 --reply-port-src 9090
eq -p icmp -s 127.0.0.1 -u SEEN_REPLY
eq -p icmpv6 --icmpv6-type 128 -d ::1
eq -s 10.1.0.1 -p tcp --state SYN_SENT --sport 1001 --dport 80
eq -d 10.9.0.2 -w 0 -u ASSURED
eq -p sctp -s 10.5.0.0/24 -u '!ASSURED'
eq -p udp -s fe80::1 --mask-src ffff:: -u UNREPLIED
eq -n 198.51.100.3 -p udp -f ipv4 --dport 53

# ===================================================================== output formats
echo "--- -o extended (both backends), -o id / -o extended,id (netlink)"
for fmt in extended id extended,id; do
  eq_o "$fmt" -s 10.0.0.0/8 -p tcp
  eq_o "$fmt" -f ipv6
  eq_o "$fmt" -p icmp
  eq_o "$fmt" -m 16
  eq_o "$fmt" -w 7
  eq_o "$fmt" -u UNREPLIED
  eq_o "$fmt" -g 10.10.6.7
  eq_o "$fmt" -d ::1
  eq_o "$fmt" -p sctp --state ESTABLISHED
  eq_o "$fmt" --orig-zone 6
done

# ===================================================================== exit codes
echo "--- exit codes"
rc 2 2 "" -s 10.0.0.1 -d ::1
rc 2 2 "" -g 10.0.0.1 -s ::1
rc 2 2 "" -f ipv4 -s ::1
rc 2 2 "protocol options only after -p" --sport 80
rc 2 2 "protocol options only after -p" --dport 80 -p tcp
rc 2 2 "" -p tcp --icmp-type 8
rc 2 2 "" -p icmp --icmpv6-type 128
rc 2 2 "" -p udp --state ESTABLISHED
rc 2 2 "" -p tcp --srckey 5
rc 2 2 "" -p foo
rc 2 2 "" -p 256
rc 2 2 "" -p unknown
rc 2 2 "" -r 10.0.0.0/8
rc 2 2 "" -q ::1/128
rc 2 2 "" -s 10.0.0.1/33
rc 2 2 "" -s ::1/129
rc 2 2 "" -d 10.0.0.1/abc
rc 2 2 "" -s bogus
rc 2 2 "" --mask-src 255.0.0.0
rc 2 2 "" -s 10.0.0.1 --mask-src ::
rc 2 2 "" -u BOGUS
rc 2 2 "UNREPLIED is case-sensitive" -u unreplied
rc 2 2 "" -p tcp --state established
rc 2 - "conntrack 1.4.7 segfaults here" -p sctp --state FOO
rc 2 2 "" -n -j
rc 2 2 "" -j 127.0.0.1 -g
rc 2 2 "" -n '[::1'
rc 2 2 "" -n 1.2.3.4:abc
rc 2 2 "" -g 1.2.3.4:70000
rc 2 2 "" -o bogus
rc 2 2 "" foo
rc 2 2 "" -f ipv7
rc 2 2 "sec. 4.1: a second command is an error" -L
rc 2 2 "-f is a case-sensitive 'starts with ipv4/ipv6'" -f IPV6
rc 2 2 "-f is a case-sensitive 'starts with ipv4/ipv6'" -f ip
rc 2 2 "-f is a case-sensitive 'starts with ipv4/ipv6'" -f i
# Lax number parsing in conntrack (section 4.1, bug 14): it accepts these (atoi, strtoul,
# truncation) and lists something; ctdump refuses them (core/filter_options.h).
rc 2 0 "bug 14: conntrack atoi/truncates" -p tcp --dport 70000
rc 2 0 "bug 14" -p tcp --sport 65536
rc 2 0 "bug 14" -p tcp --dport abc
rc 2 0 "bug 14" -p udp --sport -1
rc 2 0 "bug 14" -p tcp --reply-port-dst ''
rc 2 0 "bug 14: zone 70000 is 4464 in conntrack" -w 70000
rc 2 0 "bug 14" --orig-zone 65536
rc 2 0 "bug 14" --reply-zone -1
rc 2 0 "bug 14: -m foo is mark 0 in conntrack" -m foo
rc 2 0 "bug 14: -m -1 is 0xffffffff in conntrack" -m -1
rc 2 0 "bug 14" -m 0x100000000
rc 2 0 "bug 14" -m 1/2/3
rc 2 0 "bug 14: GRE keys truncated to 16 bits" -p gre --srckey 99999
rc 2 0 "bug 14" -p gre --dstkey zz
rc 2 0 "bug 14: ICMP type truncated to 8 bits" -p icmp --icmp-type 300
rc 2 0 "bug 14" -p icmp --icmp-code 256
rc 2 0 "bug 14" -p icmpv6 --icmpv6-id 65536
rc 2 0 "ctdump is read-only; conntrack -z zeroes the counters" -z
# conntrack reads ports and ICMP values with atoi(): `--sport 0x50' is port 0 there;
# ctdump accepts decimal only (issue 12, item 11). What conntrack reads with
# strtoul(, 0) (zones, -m, -p) is read the same way, octal included.
rc 2 0 "atoi: conntrack reads 0x50 as 0" -p tcp --sport 0x50
rc 2 0 "atoi" -p tcp --dport 0x1F90
rc 2 0 "atoi" -p udp --reply-port-src 0x35
rc 2 0 "atoi" -p icmp --icmp-type 0x8
rc 2 0 "atoi" -p icmp --icmp-id 0x10
rc 2 0 "atoi" -p icmpv6 --icmpv6-type 0x80
rc 2 0 "atoi" -p tcp --sport 80x
rc 2 2 "conntrack refuses a hex NAT port too" -n 127.0.0.3:0x50
eq -p tcp --dport 0080
eq -p icmp --icmp-type 08
eq -w 07
eq -w 0x7
eq --orig-zone 06
eq -m 020
eq -m 0x10/0x10
eq -p 06
eq -p 0x11
rc 0 0 "" -s 192.0.2.1
rc 0 0 "" -p tcp --dport 9

# ===================================================================== procfs limits
echo "--- procfs: status bits /proc cannot show"
# core/filter.h: "status conditions on bits /proc cannot show are an error found by
# CanJudge()". /proc shows only SEEN_REPLY ([UNREPLIED]), ASSURED, OFFLOAD, HW_OFFLOAD.
procfs_refuses() {
  new_dir
  local name="[procfs] -L $* is refused (/proc cannot show that status bit; core/filter.h)"
  run "$D/out" "$D/err" "${X[@]}" "$CTDUMP" -L "$@" --backend procfs
  if [[ "$RC" != 0 && ! -s "$D/out" ]]; then
    pass "$name (exit $RC)"
  else
    fail "$name" "exit $RC with $(wc -l <"$D/out") lines; stderr: $(head -n 2 "$D/err" | tr '\n' ' ')"
  fi
}
procfs_refuses -u EXPECTED
procfs_refuses -u FIXED_TIMEOUT
procfs_refuses -u '!EXPECTED'

# ===================================================================== labels
echo "--- -l (labels; /etc/xtables/connlabel.conf in a private mount namespace)"
mkdir -p "$TMP/ovl"
cat >"$TMP/with_labels.sh" <<'EOF'
#!/bin/sh
# with_labels.sh OVLDIR with|without CMD...: runs CMD in a private mount namespace whose
# /etc is an overlay (upper layer on a tmpfs at OVLDIR) holding a test connlabel.conf
# ("with") or none ("without"). Nothing is written to the real /etc.
ovl="$1"
mode="$2"
shift 2
exec unshare -m --propagation private sh -c '
  set -e
  ovl="$1"; mode="$2"; shift 2
  mount -t tmpfs ctdump-test-ovl "$ovl"
  mkdir "$ovl/up" "$ovl/work"
  mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ovl/up,workdir=$ovl/work" /etc
  mkdir -p /etc/xtables
  if [ "$mode" = with ]; then
    printf "0 zero\n1 one\n5 five\n40 forty\n127 last\n" >/etc/xtables/connlabel.conf
  else
    rm -f /etc/xtables/connlabel.conf
  fi
  exec "$@"' sh "$ovl" "$mode" "$@"
EOF
chmod +x "$TMP/with_labels.sh"
labels_part() {
  PREFIX=("$TMP/with_labels.sh" "$TMP/ovl" with)
  eq_netlink -l one
  eq_netlink --label one,forty
  eq_netlink -l zero
  eq_netlink -l last
  eq_netlink -l five
  eq_netlink -l one -f ipv6
  eq_netlink -l one -p udp -m 16
  eq_netlink -l forty,one,last -s 10.12.0.1
  eq_netlink -o labels
  eq_netlink -o labels,extended,id -p tcp -s 10.12.0.0/24
  rc 2 2 "" -l nope
  rc 2 2 "" -l one,nope
  # /proc carries no labels (reference section 6): a label filter can select nothing.
  new_dir
  run "$D/out" "$D/err" "${PREFIX[@]}" "${X[@]}" "$CTDUMP" -L -l one --backend procfs
  if [[ ! -s "$D/out" ]]; then
    pass "[procfs] -L -l one lists nothing (/proc has no labels; exit $RC)"
  else
    fail "[procfs] -L -l one" "listed $(wc -l <"$D/out") entries although /proc has no labels"
  fi
  # Without a label map: conntrack says "unknown label 'one'" and exits 2; ctdump names
  # the missing file and exits 1 (its own choice: a missing file is not a usage error).
  # Asserted: an error exit, nothing listed, the file named.
  PREFIX=("$TMP/with_labels.sh" "$TMP/ovl" without)
  new_dir
  run "$D/out" "$D/err" "${PREFIX[@]}" "${X[@]}" "$CTDUMP" -L -l one
  if [[ "$RC" != 0 && ! -s "$D/out" ]] && grep -q 'connlabel.conf' "$D/err"; then
    pass "-L -l one without connlabel.conf fails (exit $RC; conntrack exits 2) naming the file"
  else
    fail "-L -l one without connlabel.conf" "exit $RC, $(wc -l <"$D/out") lines, stderr: $(head -n 2 "$D/err" | tr '\n' ' ')"
  fi
  PREFIX=()
}
if ! "$TMP/with_labels.sh" "$TMP/ovl" with test -s /etc/xtables/connlabel.conf 2>"$TMP/ovl.err"; then
  cat "$TMP/ovl.err"
  ct_skip_part "-l: cannot mount an overlay on /etc in a private mount namespace"
elif ! "$TMP/with_labels.sh" "$TMP/ovl" with "${X[@]}" conntrack -L -l one 2>/dev/null |
  grep -q .; then
  ct_skip_part "-l: no labelled entry in the namespace (kernel without label space?)"
else
  labels_part
fi
[[ ! -e /etc/xtables/connlabel.conf ]] ||
  echo "note: this host has its own /etc/xtables/connlabel.conf; it was hidden, not touched"

# ===================================================================== --netns
echo "--- ctdump --netns NAME == ip netns exec NAME ctdump"
netns_case() {
  local where="$1"
  shift
  new_dir
  local name="--netns $where -L $* == ip netns exec NAME ctdump -L $*"
  run "$D/a.out" "$D/a.err" "$CTDUMP" --netns "$where" -L "$@"
  if ! ctdump_ok "$D/a.out" "$D/a.err"; then
    fail "$name" "ctdump --netns $WHY"
    return
  fi
  run "$D/b.out" "$D/b.err" "${X[@]}" "$CTDUMP" -L "$@"
  if ! ctdump_ok "$D/b.out" "$D/b.err"; then
    fail "$name" "ip netns exec ctdump $WHY"
    return
  fi
  ct_normalize <"$D/a.out" >"$D/a.norm"
  ct_normalize <"$D/b.out" >"$D/b.norm"
  if [[ -s "$D/b.norm" ]] && cmp -s "$D/b.norm" "$D/a.norm"; then
    pass "$name ($(wc -l <"$D/a.norm") entries)"
  else
    fail "$name"
    ct_compare "ip netns exec NAME ctdump -L $*" "$D/b.norm" \
      "ctdump --netns $where -L $*" "$D/a.norm" 2>&1 || true
  fi
}
netns_case "$NS"
netns_case "$NS" --backend netlink -o extended,id
netns_case "$NS" --backend procfs
netns_case "$NS" -p tcp -s 127.0.0.1 --backend netlink
netns_case "$NS" -f ipv6 -u ASSURED --backend procfs
netns_case "/run/netns/$NS" -m 16

# ===================================================================== summary
echo
if ((FAILED > 0)); then
  echo "failed cases:"
  for n in "${FAILED_NAMES[@]}"; do echo "  - $n"; done
fi
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
