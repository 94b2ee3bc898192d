#!/bin/bash
# File: cli/fleet_tests/empty_root_test.sh
#
# Contract: //cli:ctdump_static runs in an empty root, a chroot holding nothing but the
# binary (plus the input files it is given, and /proc where a live backend is used):
#   1. every testdata/procfs fixture through `--input FILE` and `--input -` prints its
#      expected.conntrack byte for byte, reports every expected.errors line (and, as a
#      WARNING, every expected.notices line) on stderr with
#      its line number, and exits 1 exactly when lines were skipped;
#   2. `-p NAME` lists what `-p NUMBER` lists, for every name and alias of this host's
#      /etc/protocols (the binary carries its own table; core/protocols_test checks the
#      table against getprotobyname), and tcp/udp/icmp/ipv6-icmp match real entries;
#   3. in a throwaway namespace with /proc mounted in the chroot: `-L` (ctnetlink) and
#      `-L --backend procfs` equal `conntrack -L`; `-C` equals `conntrack -C`;
#   4. under strace, across the runs above and -S, --doctor, -o xml/json/proc and
#      --summary, the binary opens nothing but /proc/..., /sys/... and its input, and
#      /etc/xtables/connlabel.conf for -o labels (the one documented file under /etc): no
#      NSS, no locale, no timezone file, no shared library, no gconv module.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v strace >/dev/null || ct_fail "strace missing (tools/setup.sh installs it)"
STATIC="$(ct_runfile cli/ctdump_static)" || ct_fail "cli/ctdump_static is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
FIXTURES="$(dirname "$(ct_runfile testdata/procfs/malformed/input.txt)")/.."
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/empty_root.XXXXXX")"
ct_on_exit rm -rf "$TMP"

# The empty root: the binary and, under /in, the fixtures' inputs. Nothing else.
ROOT="$TMP/root"
mkdir -p "$ROOT/in" "$ROOT/proc"
cp "$STATIC" "$ROOT/ctdump"
for d in "$FIXTURES"/*/; do
  name="$(basename "$d")"
  cp "$d/input.txt" "$ROOT/in/$name"
done
TRACES="$TMP/traces"
mkdir -p "$TRACES"

# in_root OUT ERR ARGS...: runs /ctdump ARGS in the chroot under strace (file system
# calls only), stdout to OUT, stderr to ERR; returns its exit code. The trace, from the
# exec of /ctdump on, goes to $TRACES for part 4.
n_trace=0
in_root() {
  local out="$1" err="$2" rc=0
  shift 2
  n_trace=$((n_trace + 1))
  strace -f -qq -e trace=%file -o "$TRACES/$n_trace.raw" \
    chroot "$ROOT" /ctdump "$@" >"$out" 2>"$err" || rc=$?
  return "$rc"
}

fixtures() {
  local d name rc want_rc
  for d in "$FIXTURES"/*/; do
    name="$(basename "$d")"
    want_rc=0
    [[ -s "$d/expected.errors" ]] && want_rc=1
    rc=0
    in_root "$TMP/$name.out" "$TMP/$name.err" -L --input "/in/$name" || rc=$?
    [[ "$rc" == "$want_rc" ]] || { cat "$TMP/$name.err" >&2; ct_fail "$name: exit $rc, want $want_rc"; }
    ct_compare "$name/expected.conntrack" "$d/expected.conntrack" "empty root --input" \
      "$TMP/$name.out" || ct_fail "$name: output differs from the golden"
    if [[ -s "$d/expected.errors" ]]; then
      while IFS= read -r line; do
        grep -qF "input /in/$name: $line" "$TMP/$name.err" ||
          ct_fail "$name: stderr lacks '$line'"
      done <"$d/expected.errors"
    fi
    if [[ -s "$d/expected.notices" ]]; then
      while IFS= read -r line; do
        grep -qF "WARNING: input /in/$name: $line" "$TMP/$name.err" ||
          ct_fail "$name: stderr lacks the warning '$line'"
      done <"$d/expected.notices"
    fi
    rc=0
    in_root "$TMP/$name.stdin.out" "$TMP/$name.stdin.err" -L --input - <"$d/input.txt" || rc=$?
    [[ "$rc" == "$want_rc" ]] || ct_fail "$name: --input - exited $rc, want $want_rc"
    cmp -s "$TMP/$name.out" "$TMP/$name.stdin.out" || ct_fail "$name: --input - differs from --input FILE"
    echo "ok: $name: $(wc -l <"$TMP/$name.out") lines equal the golden (file and stdin)"
  done
}

protocols() {
  local fixture=/in/nf_conntrack-6.18 line name number names=0 rc
  while read -r line; do
    line="${line%%#*}"
    read -r -a f <<<"$line" || true
    [[ ${#f[@]} -ge 2 ]] || continue
    number="${f[1]}"
    (( number <= 255 )) || continue  # "mptcp 262" is no IP protocol number
    in_root "$TMP/pn.out" "$TMP/pn.err" -L -p "$number" --input "$fixture" ||
      ct_fail "-p $number exited $?: $(head -n 1 "$TMP/pn.err")"
    for name in "${f[0]}" "${f[@]:2}"; do
      rc=0
      in_root "$TMP/pa.out" "$TMP/pa.err" -L -p "$name" --input "$fixture" || rc=$?
      [[ "$rc" == 0 ]] || ct_fail "-p $name exited $rc: $(head -n 1 "$TMP/pa.err")"
      cmp -s "$TMP/pn.out" "$TMP/pa.out" || ct_fail "-p $name lists other lines than -p $number"
      names=$((names + 1))
    done
  done </etc/protocols
  (( names > 50 )) || ct_fail "only $names protocol names checked"
  for name in tcp udp icmp ipv6-icmp; do
    in_root "$TMP/p.out" "$TMP/p.err" -L -p "$name" --input "$fixture" || ct_fail "-p $name"
    [[ -s "$TMP/p.out" ]] || ct_fail "-p $name listed nothing from the 6.18 fixture"
  done
  echo "ok: $names protocol names resolve in the empty root as their numbers do"
}

# live NS: the live backends in the chroot, with /proc of the namespace mounted there.
# `ip netns exec` runs in a mount namespace of its own, so the mount vanishes with it.
live() {
  local x=(ip netns exec "$NS")
  "${x[@]}" conntrack -L 2>/dev/null | ct_normalize --drop helper >"$TMP/want"
  [[ -s "$TMP/want" ]] || ct_fail "conntrack -L listed nothing"
  "${x[@]}" conntrack -C >"$TMP/want.count"
  local mode args
  for mode in netlink procfs count stats doctor xml json proc labels summary; do
    case "$mode" in
      netlink) args=(-L) ;;
      procfs) args=(-L --backend procfs) ;;
      count) args=(-C) ;;
      stats) args=(-S) ;;
      doctor) args=(--doctor) ;;
      xml) args=(-L -o xml,ktimestamp) ;;
      json) args=(-L -o json) ;;
      proc) args=(-L -o proc) ;;
      labels) args=(-L -o labels) ;;
      summary) args=(--summary) ;;
    esac
    n_trace=$((n_trace + 1))
    "${x[@]}" sh -c 'mount -t proc proc "$1/proc" && shift && exec "$@"' sh "$ROOT" \
      strace -f -qq -e trace=%file -o "$TRACES/$n_trace.raw" \
      chroot "$ROOT" /ctdump "${args[@]}" >"$TMP/$mode.out" 2>"$TMP/$mode.err" ||
      { cat "$TMP/$mode.err" >&2; ct_fail "ctdump ${args[*]} in the empty root failed"; }
    case "$mode" in
      netlink | procfs)
        ct_normalize --drop helper <"$TMP/$mode.out" >"$TMP/$mode.norm"
        ct_compare "conntrack -L" "$TMP/want" "empty root ctdump ${args[*]}" "$TMP/$mode.norm" ||
          ct_fail "${args[*]} differs from conntrack -L" ;;
      count)
        ct_compare "conntrack -C" "$TMP/want.count" "empty root ctdump -C" "$TMP/count.out" ||
          ct_fail "-C differs from conntrack -C" ;;
      *) [[ -s "$TMP/$mode.out" ]] || ct_fail "ctdump ${args[*]} printed nothing" ;;
    esac
  done
  echo "ok: live -L (netlink, procfs) == conntrack -L ($(wc -l <"$TMP/want") entries), -C," \
    "-S, --doctor, -o xml/json/proc, --summary in the empty root"
}

# Every file the binary touched, from its exec on (the chroot and mount helpers before
# it are not ours), must be under /proc, /sys or /in, the binary itself, or connlabel.conf.
opened_files() {
  local f bad=""
  for f in "$TRACES"/*.raw; do
    awk '/execve\("\/ctdump"/ {on = 1; next} on' "$f" |
      grep -oE '^[0-9]+ +[a-z0-9_]+\((AT_FDCWD, )?"[^"]*"' |
      sed -E 's/^[0-9]+ +([a-z0-9_]+)\((AT_FDCWD, )?"([^"]*)"/\1 \3/'
  done | sort -u >"$TMP/opened"
  [[ -s "$TMP/opened" ]] || ct_fail "strace recorded no file access at all"
  bad="$(awk '$2 !~ /^\/(proc|sys|in)(\/|$)/ && $2 != "/ctdump" && $2 != "" && $2 != "-" &&
    $2 != "/etc/xtables/connlabel.conf"' "$TMP/opened")"
  [[ -z "$bad" ]] || ct_fail "the binary touched files outside /proc, /sys and its input:
$bad"
  grep -q ' /etc/xtables/connlabel.conf$' "$TMP/opened" ||
    ct_fail "-o labels never looked for connlabel.conf: is the trace complete?"
  echo "ok: $(wc -l <"$TMP/opened") distinct file accesses, all under /proc, /sys, the input" \
    "or connlabel.conf"
}

ct_netns_create NS
ip netns exec "$NS" test -r /proc/net/nf_conntrack ||
  ct_skip "kernel has no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS off)"
ct_enable_acct_tstamp "$NS"
ip netns exec "$NS" "$CTGEN" --count 300 --mix mixed --v6-percent 30 --seed 11 -q
ip netns exec "$NS" "$CTGEN" --diverse -q

ct_part "fixtures through --input" fixtures
ct_part "-p NAME for every protocol name" protocols
ct_part "live backends with /proc mounted" live
ct_part "no file outside /proc, /sys and the input" opened_files
ct_finish
