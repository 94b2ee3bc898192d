#!/bin/bash
# File: tools/oldkernel/syscall_coverage_test.sh
#
# Contract: every system call the fleet binary (//cli:ctdump_static) makes, in every
# mode, is in the harness's table (`oldkernel --list-syscalls`), so that each profile
# decides about it.
# The test runs ctdump under `strace -f -qq -e trace=all -o FILE` inside a throwaway
# namespace (tools/testing/netns.sh) filled by `ctgen --diverse`:
#   -L (ctnetlink), -L --backend procfs, --input FILE (a /proc-format copy of the
#   namespace's table), -o json, -o xml, -o proc, -C, -S, --summary, -o prometheus,
#   --doctor, --netns NAME (from the root namespace), -E for about a second with an entry
#   inserted by `conntrack -I` (its [NEW] must show), -E --backend procfs --interval 0.2
#   likewise, -h and --version;
# and, to cover the fallback paths too, a few of them under `oldkernel` profiles 2.6.32,
# 3.10 and 4.4, with and without --no-ctnetlink (those traces include oldkernel's own
# calls, all in the table as well).
# It fails when a traced run timed out or crashed, or when any call name (strace's
# spelling; an unknown number shows as syscall_0xNNN) is missing from the list; it
# prints the sorted set of calls made. Root only (kernel-test rules: SKIP otherwise,
# FAIL with CTDUMP_REQUIRE_KERNEL=1). Changes nothing outside its namespace.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v strace >/dev/null 2>&1 || ct_fail "strace is not installed (run tools/setup.sh)"
CTDUMP="$(ct_runfile cli/ctdump_static)" || ct_fail "cli/ctdump_static is not built"
OLDKERNEL="$(ct_runfile tools/oldkernel/oldkernel)" || ct_fail "tools/oldkernel/oldkernel is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/syscall_coverage.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
X=(ip netns exec "$NS")
"${X[@]}" "$CTGEN" --diverse -q
"${X[@]}" "$CTDUMP" -L -o proc >"$TMP/table.proc" 2>/dev/null ||
  ct_fail "cannot make the --input copy with ctdump -L -o proc"
[[ -s "$TMP/table.proc" ]] || ct_fail "the namespace's table is empty after ctgen --diverse"
"$OLDKERNEL" --list-syscalls | cut -f1 | LC_ALL=C sort -u >"$TMP/known"

RUNS=0
TRACES=()  # every trace file, in the order made
# traced NAME [--in-ns] CMD...: runs CMD under strace (inside the namespace with --in-ns),
# stdout/stderr to $TMP/NAME.out/.err, the trace to $TMP/NAME.trace. Fails on a timeout,
# a crash or an empty trace; other exit statuses are the mode's business and only shown.
traced() {
  local name="$1" rc=0
  shift
  local pre=()
  if [[ "$1" == --in-ns ]]; then
    pre=("${X[@]}")
    shift
  fi
  timeout 60 "${pre[@]}" strace -f -qq -e trace=all -o "$TMP/$name.trace" "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
  check_trace "$name" "$rc" 0
}

# check_trace NAME RC ALLOWED_SIGNAL: RC >= 124 is a timeout or a signal death (128+N),
# which fails unless it is 128+ALLOWED_SIGNAL (the SIGINT that ends -E).
check_trace() {
  local name="$1" rc="$2" allowed="$3"
  if [[ "$rc" -ge 124 && "$rc" != $((128 + allowed)) ]]; then
    head -n 5 "$TMP/$name.err" >&2
    ct_fail "$name: exit status $rc (timeout or crash)"
  fi
  grep -q 'execve(' "$TMP/$name.trace" || ct_fail "$name: strace recorded no execve"
  RUNS=$((RUNS + 1))
  TRACES+=("$TMP/$name.trace")
  echo "ran: $name (exit $rc, $(wc -l <"$TMP/$name.trace") trace lines)"
}

# events NAME ARGS...: ctdump -E ARGS under strace in the namespace; inserts an entry
# after a second, waits up to 5 s for its [NEW], then ends ctdump with SIGINT.
events() {
  local name="$1" i pid="" p
  shift
  timeout 60 "${X[@]}" strace -f -qq -e trace=all -o "$TMP/$name.trace" "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  local job=$!
  sleep 1
  "${X[@]}" conntrack -I -p udp -s 192.0.2.1 -d 192.0.2.2 --sport "$((RANDOM % 50000 + 1024))" \
    --dport 2000 -t 60 >/dev/null 2>&1 || ct_fail "$name: conntrack -I failed"
  for i in $(seq 1 50); do
    grep -q '\[NEW\]' "$TMP/$name.out" 2>/dev/null && break
    sleep 0.1
  done
  # ctdump is the only process with its name in our namespace (comm: 15 characters).
  local comm
  comm="$(basename "$CTDUMP" | cut -c1-15)"
  for p in $(ip netns pids "$NS"); do
    [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == "$comm" ]] && pid="$p"
  done
  [[ -n "$pid" ]] || ct_fail "$name: ctdump is not running ($(head -n 3 "$TMP/$name.err"))"
  kill -INT "$pid"
  local rc=0
  wait "$job" || rc=$?
  grep -q '\[NEW\]' "$TMP/$name.out" || ct_fail "$name: no [NEW] event shown"
  check_trace "$name" "$rc" 2
}

modes() {
  traced L --in-ns "$CTDUMP" -L
  traced L_procfs --in-ns "$CTDUMP" -L --backend procfs
  traced input "$CTDUMP" --input "$TMP/table.proc"
  traced json --in-ns "$CTDUMP" -L -o json
  traced xml --in-ns "$CTDUMP" -L -o xml
  traced proc --in-ns "$CTDUMP" -L -o proc
  traced count --in-ns "$CTDUMP" -C
  traced stats --in-ns "$CTDUMP" -S
  traced summary --in-ns "$CTDUMP" --summary
  traced prometheus --in-ns "$CTDUMP" -o prometheus
  traced doctor --in-ns "$CTDUMP" --doctor
  traced netns "$CTDUMP" --netns "$NS" -L
  traced help "$CTDUMP" -h
  traced version "$CTDUMP" --version
  events E "$CTDUMP" -E
  events E_polled "$CTDUMP" -E --backend procfs --interval 0.2
  [[ -s "$TMP/L.out" && -s "$TMP/json.out" ]] || ct_fail "-L printed nothing"
}

# The fallback paths: the same binary where calls, options or ctnetlink are missing.
profiles() {
  local k
  for k in 2.6.32 3.10 4.4; do
    traced "L_$k" --in-ns "$OLDKERNEL" --kernel "$k" -- "$CTDUMP" -L
    traced "L_noct_$k" --in-ns "$OLDKERNEL" --kernel "$k" --no-ctnetlink -- "$CTDUMP" -L
    traced "count_noct_$k" --in-ns "$OLDKERNEL" --kernel "$k" --no-ctnetlink -- "$CTDUMP" -C
    traced "doctor_$k" --in-ns "$OLDKERNEL" --kernel "$k" --no-ctnetlink -- "$CTDUMP" --doctor
    traced "netns_$k" "$OLDKERNEL" --kernel "$k" -- "$CTDUMP" --netns "$NS" -L
    events "E_$k" "$OLDKERNEL" --kernel "$k" -- "$CTDUMP" -E
  done
}

# names FILE...: the sorted set of system call names in strace output FILEs.
names() {
  cat "$@" | sed -nE 's/^[0-9]+ +([A-Za-z0-9_]+)\(.*/\1/p' | LC_ALL=C sort -u
}

coverage() {
  names "${TRACES[@]:0:$PLAIN_RUNS}" >"$TMP/made_plain"
  names "${TRACES[@]}" >"$TMP/made"
  [[ -s "$TMP/made" ]] || ct_fail "no system call found in the traces"
  echo "system calls ctdump made on this kernel ($PLAIN_RUNS runs, $(wc -l <"$TMP/made_plain")):"
  tr '\n' ' ' <"$TMP/made_plain" | fold -s -w 100
  echo
  echo "with the profile runs (their fallbacks and oldkernel's own calls; $RUNS runs," \
    "$(wc -l <"$TMP/made")):"
  tr '\n' ' ' <"$TMP/made" | fold -s -w 100
  echo
  if [[ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]]; then
    cp "$TMP/made" "$TEST_UNDECLARED_OUTPUTS_DIR/syscalls_made.txt"
  fi
  LC_ALL=C comm -23 "$TMP/made" "$TMP/known" >"$TMP/missing"
  if [[ -s "$TMP/missing" ]]; then
    ct_fail "system calls missing from oldkernel --list-syscalls: $(tr '\n' ' ' <"$TMP/missing")" \
      "(add them to tools/oldkernel/syscall_table.cc with their first release)"
  fi
  echo "ok: every call made is in the harness's table"
}

# Every run must happen before the check, so these are steps, not independent parts.
modes
PLAIN_RUNS=$RUNS
profiles
coverage
echo "PASS"
