#!/bin/bash
# File: tools/oldkernel/probe_test.sh
#
# Contract: the harness answers like the kernels it simulates, checked by running
# tools/oldkernel/probe (one named system call, prints OK or the errno's name) under
# several profiles. No root needed: PR_SET_NO_NEW_PRIVS lets any user load the filter.
#   * setns: ENOSYS under 2.6.32, not ENOSYS under 3.10;
#   * getrandom: ENOSYS under 3.10, OK under 4.4; clone3: ENOSYS under 5.2, not under 5.3;
#   * socket(SOCK_CLOEXEC) and socket(SOCK_NONBLOCK): EINVAL under 2.6.26, OK under 2.6.32;
#   * getsockopt(SO_MEMINFO): ENOPROTOOPT under 4.4, OK under 4.15 and 6.8;
#     setsockopt(NETLINK_EXT_ACK): ENOPROTOOPT under 4.4, OK under 4.15;
#   * socket(AF_NETLINK, NETLINK_NETFILTER): EPROTONOSUPPORT with --no-ctnetlink (also
#     combined with 2.6.26), and not without it (checked only where opening it cannot
#     make the kernel load a module);
#   * `uname -r` starts with "2.6." under 2.6.32 and is the host's under 3.10;
#   * /bin/true (dynamically linked) and `sh -c` run under 2.6.32 and 2.6.16, so glibc's
#     fallbacks work; a 6.18 profile refuses nothing;
#   * usage errors exit 2, a command that cannot run exits 127, and the list modes work.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../testing/netns.sh
source "$_lib"

OLDKERNEL="$(ct_runfile tools/oldkernel/oldkernel)" || ct_fail "tools/oldkernel/oldkernel is not built"
PROBE="$(ct_runfile tools/oldkernel/probe)" || ct_fail "tools/oldkernel/probe is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/oldkernel_probe.XXXXXX")"
ct_on_exit rm -rf "$TMP"
_ct_install_trap

# expect KERNEL_ARGS PROBE WANT: WANT is a result or !RESULT (anything but RESULT).
expect() {
  local kargs="$1" probe="$2" want="$3" got
  # shellcheck disable=SC2086  # kargs is "--kernel V [--no-ctnetlink]"
  got="$("$OLDKERNEL" $kargs -- "$PROBE" "$probe" 2>&1)" ||
    ct_fail "oldkernel $kargs -- probe $probe failed: $got"
  if [[ "$want" == !* ]]; then
    [[ "$got" != "${want#!}" ]] || ct_fail "$kargs: probe $probe gave $got, want anything but ${want#!}"
  else
    [[ "$got" == "$want" ]] || ct_fail "$kargs: probe $probe gave $got, want $want"
  fi
  echo "ok: $kargs: $probe -> $got"
}

syscalls() {
  expect "--kernel 2.6.32" setns ENOSYS
  expect "--kernel 3.10" setns '!ENOSYS'
  expect "--kernel 3.10" getrandom ENOSYS
  expect "--kernel 4.4" getrandom OK
  expect "--kernel 5.2" clone3 ENOSYS
  expect "--kernel 5.3" clone3 '!ENOSYS'
  expect "--kernel 4.10" statx ENOSYS
  expect "--kernel 4.11" statx OK
}

socket_flags() {
  expect "--kernel 2.6.26" socket_cloexec EINVAL
  expect "--kernel 2.6.26" socket_nonblock EINVAL
  expect "--kernel 2.6.26" socket_plain OK
  expect "--kernel 2.6.32" socket_cloexec OK
  expect "--kernel 2.6.32" socket_nonblock OK
  expect "--kernel 2.6.23" fcntl_dupfd_cloexec EINVAL
  expect "--kernel 2.6.24" fcntl_dupfd_cloexec OK
}

sockopts() {
  expect "--kernel 4.4" so_meminfo ENOPROTOOPT
  expect "--kernel 4.15" so_meminfo OK
  expect "--kernel 6.8" so_meminfo OK
  expect "--kernel 4.4" netlink_ext_ack ENOPROTOOPT
  expect "--kernel 4.15" netlink_ext_ack OK
}

ctnetlink() {
  expect "--kernel 5.4 --no-ctnetlink" netlink_netfilter EPROTONOSUPPORT
  expect "--kernel 2.6.32 --no-ctnetlink" netlink_netfilter EPROTONOSUPPORT
  expect "--kernel 2.6.26 --no-ctnetlink" netlink_netfilter EPROTONOSUPPORT
  # Without the option the socket is the host's. Opening it may load nfnetlink when it is
  # a module that is not loaded yet; this test loads no modules, so it checks only when
  # the kernel has no modules at all or nfnetlink is already there.
  if [[ ! -e /proc/modules || -d /sys/module/nfnetlink ]]; then
    expect "--kernel 5.4" netlink_netfilter '!EPROTONOSUPPORT'
  else
    ct_skip_part "nfnetlink is not loaded; opening a NETLINK_NETFILTER socket could load it"
  fi
}

uname26() {
  local r
  r="$("$OLDKERNEL" --kernel 2.6.32 -- uname -r)" || ct_fail "uname -r under 2.6.32 failed"
  [[ "$r" == 2.6.* ]] || ct_fail "uname -r under 2.6.32 says $r, want 2.6.*"
  echo "ok: uname -r under 2.6.32: $r"
  r="$("$OLDKERNEL" --kernel 3.10 -- uname -r)" || ct_fail "uname -r under 3.10 failed"
  [[ "$r" == "$(uname -r)" ]] || ct_fail "uname -r under 3.10 says $r, want the host's"
}

dynamic_programs() {
  local k
  for k in 2.6.16 2.6.32 3.10; do
    "$OLDKERNEL" --kernel "$k" -- /bin/true || ct_fail "/bin/true under $k exited $?"
    [[ "$("$OLDKERNEL" --kernel "$k" -- sh -c 'echo $((6 * 7))')" == 42 ]] ||
      ct_fail "sh -c under $k did not print 42"
  done
  echo "ok: /bin/true and sh run under 2.6.16, 2.6.32 and 3.10"
  local n
  n="$("$OLDKERNEL" --kernel 6.18 --list-denied | wc -l)"
  [[ "$n" == 0 ]] || ct_fail "6.18 refuses $n things, want none"
}

cli() {
  local rc
  rc=0; "$OLDKERNEL" --kernel 3.10 >/dev/null 2>"$TMP/e" || rc=$?
  [[ "$rc" == 2 ]] || ct_fail "no command: exit $rc, want 2"
  grep -q "no command" "$TMP/e" || ct_fail "no command: $(cat "$TMP/e")"
  rc=0; "$OLDKERNEL" -- /bin/true 2>"$TMP/e" || rc=$?
  [[ "$rc" == 2 ]] || ct_fail "no --kernel: exit $rc, want 2"
  rc=0; "$OLDKERNEL" --kernel 3.10.0-1160.el7 -- /bin/true 2>"$TMP/e" || rc=$?
  [[ "$rc" == 2 ]] || ct_fail "distro version: exit $rc, want 2"
  grep -q "bad kernel version" "$TMP/e" || ct_fail "distro version: $(cat "$TMP/e")"
  rc=0; "$OLDKERNEL" --kernel 3.10 -- /nonexistent/cmd 2>"$TMP/e" || rc=$?
  [[ "$rc" == 127 ]] || ct_fail "missing command: exit $rc, want 127"
  grep -q "cannot run \`/nonexistent/cmd'" "$TMP/e" || ct_fail "missing command: $(cat "$TMP/e")"
  rc=0; "$OLDKERNEL" --kernel 3.10 -- sh -c 'exit 7' || rc=$?
  [[ "$rc" == 7 ]] || ct_fail "the command's status: $rc, want 7"
  "$OLDKERNEL" --kernel 3.10 -v -- /bin/true 2>"$TMP/e"
  grep -q "Linux 3.10 (CentOS 7): .* system calls answer ENOSYS" "$TMP/e" ||
    ct_fail "-v: $(cat "$TMP/e")"
  [[ "$("$OLDKERNEL" --list-profiles | cut -f1 | tr '\n' ' ')" == \
     "2.6.32 3.10 4.4 4.15 4.18 5.4 5.14 5.15 6.8 " ]] || ct_fail "--list-profiles"
  # Whole outputs first: `cmd | grep -q` lets grep exit at the first match, and under
  # pipefail the writer's EPIPE would fail the pipeline (seen when the output is large).
  "$OLDKERNEL" --list-syscalls >"$TMP/syscalls"
  grep -qx $'setns\t308\t3.0' "$TMP/syscalls" || ct_fail "--list-syscalls"
  "$OLDKERNEL" --kernel 2.6.32 --list-denied >"$TMP/denied"
  grep -q $'^ENOSYS\tsetns\t' "$TMP/denied" || ct_fail "--list-denied 2.6.32 has no setns"
  echo "ok: usage errors, exit statuses and list modes"
}

ct_part "system calls" syscalls
ct_part "socket type flags" socket_flags
ct_part "socket options" sockopts
ct_part "--no-ctnetlink" ctnetlink
ct_part "UNAME26" uname26
ct_part "dynamic programs" dynamic_programs
ct_part "command line" cli
ct_finish
