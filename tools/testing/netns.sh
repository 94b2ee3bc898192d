# shellcheck shell=bash
# File: tools/testing/netns.sh
#
# A sourced bash library for ctdump's kernel tests. Every kernel change it makes happens in
# a throwaway network namespace that it creates and removes itself; it never touches the
# caller's namespace, its conntrack table or its sysctls, and never loads modules.
#
#   source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/testing/netns.sh"
#   ct_require_root_or_skip
#   ct_netns_create NS                  # NS=ctdump-test-<pid>-<n>; removed on EXIT/INT/TERM
#   ct_enable_acct_tstamp "$NS"
#   ct_real_traffic "$NS"               # nft ruleset + real TCP/UDP/ICMP on loopback
#   ip netns exec "$NS" conntrack -L 2>/dev/null | ct_normalize > want
#
# Functions (all return non-zero / exit on failure as documented):
#   ct_skip REASON            Prints "SKIP: REASON" and exits 0, or, when
#                             CTDUMP_REQUIRE_KERNEL=1, prints "FAIL: REASON" and exits 1.
#                             Use it only for a missing kernel feature or missing root.
#   ct_skip_part REASON       For an optional part of a test: prints "SKIP (part): REASON" and
#                             returns 0 (caller then skips the part), or fails like ct_skip
#                             when CTDUMP_REQUIRE_KERNEL=1.
#   ct_fail MESSAGE           Prints "FAIL: MESSAGE" to stderr and exits 1.
#   ct_require_root_or_skip   Skips (ct_skip) unless running as root with a working
#                             `unshare -n` and `ip netns`; fails (exit 1) when a required tool
#                             (ip, unshare, conntrack, nft, socat, ss, timeout) is missing,
#                             because tools/setup.sh installs them all.
#   ct_netns_create [VAR]     Creates a namespace named ctdump-test-<pid>-<n>, brings up lo,
#                             stores the name in VAR (default CT_NETNS). The first call installs
#                             an EXIT/INT/TERM trap that kills the processes this library
#                             started, the shell's remaining background jobs, any process
#                             of this test's session left inside our namespaces (not other
#                             tests' --all-netns visitors), deletes the namespaces and runs
#                             the ct_on_exit hooks. The name works with
#                             `ip netns exec NAME cmd`.
#   ct_on_exit CMD...         Registers a cleanup command (run in reverse order on exit).
#   ct_set_acct_tstamp NS 0|1 Sets net.netfilter.nf_conntrack_{acct,timestamp} in NS only.
#   ct_enable_acct_tstamp NS  Same as ct_set_acct_tstamp NS 1.
#   ct_real_traffic NS        Installs the ruleset below in NS and runs bounded real traffic
#                             on loopback (see its comment). Also raises NS's UDP/ICMP/TCP
#                             closing-state timeouts to 600 s and moves its ephemeral ports
#                             to 50000-59999. Leaves no process behind.
#   ct_normalize [--drop F]...
#                             Filter: replaces ticking fields of conntrack-format lines (the
#                             timeout after the L4 number, also behind an `-o extended`
#                             prefix, delta-time=N, use=N) with fixed tokens, removes the
#                             tokens F=VALUE for each --drop F (e.g. id, helper, labels), then
#                             sorts (entries come in hash order).
#   ct_summary_count FILE     Prints N from "... N flow entries have been shown." in FILE.
#   ct_run NAME OUT ERR CMD...
#                             Runs CMD (bounded by `timeout 60`) with stdout to OUT and stderr
#                             to ERR; fails the test with ERR's head unless it exits 0.
#   ct_check_summary NAME OUT ERR
#                             Fails unless ERR has "N flow entries have been shown." with N equal
#                             to the number of lines in OUT.
#   ct_part NAME CMD...       Runs CMD in a subshell (errexit still on), so that a ct_fail
#                             inside it ends only this part; on failure prints
#                             "FAILED PART: NAME" and remembers it for ct_finish. What the
#                             part creates (namespaces, helpers, ct_on_exit hooks) is
#                             cleaned up when the part ends.
#   ct_finish                 Prints "PASS" and returns 0 if no part failed; otherwise lists
#                             the failed parts and exits 1.
#   ct_conntrack NS ARGS...   Runs `conntrack ARGS` (the oracle, e.g. -U or -D with filters)
#                             in NS, quietly. A dump that the kernel interrupted because the
#                             table changed meanwhile ("Interrupted system call": conntrack
#                             does not retry it) is tried again, up to 3 times; any other
#                             failure fails the test with conntrack's message.
#   ct_compare NAME_A A NAME_B B
#                             Returns 0 if files A and B are identical, else prints the first 40
#                             lines of `diff -u` with a header and returns 1.
#   ct_runfile PATH           Prints the absolute path of a workspace-relative file, via Bazel
#                             runfiles ($TEST_SRCDIR/$TEST_WORKSPACE) or, outside Bazel, the
#                             source tree / bazel-bin. Returns 1 if not found.

if [[ -n "${_CT_NETNS_SH_LOADED:-}" ]]; then return 0; fi
_CT_NETNS_SH_LOADED=1

_CT_NETNS_LIST=()    # namespaces we created
_CT_BG_PIDS=()       # background processes we started
_CT_EXIT_HOOKS=()    # ct_on_exit commands
_CT_TRAP_SET=0
_CT_NETNS_SEQ=0

ct_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

ct_skip() {
  if [[ "${CTDUMP_REQUIRE_KERNEL:-0}" == "1" ]]; then
    echo "FAIL: $* (a skip is an error because CTDUMP_REQUIRE_KERNEL=1)" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 0
}

ct_skip_part() {
  if [[ "${CTDUMP_REQUIRE_KERNEL:-0}" == "1" ]]; then
    echo "FAIL: $* (a skip is an error because CTDUMP_REQUIRE_KERNEL=1)" >&2
    exit 1
  fi
  echo "SKIP (part): $*"
  return 0
}

ct_require_root_or_skip() {
  local t
  for t in ip unshare conntrack nft socat ss timeout sort diff; do
    command -v "$t" >/dev/null 2>&1 ||
      ct_fail "required tool '$t' is not installed (run tools/setup.sh)"
  done
  if [[ "$(id -u)" != "0" ]]; then
    ct_skip "kernel test needs root (uid is $(id -u))"
  fi
  if ! unshare -n true 2>/dev/null; then
    ct_skip "cannot create network namespaces here (unshare -n failed; sandboxed?)"
  fi
  local probe="ctdump-probe-$$"
  if ! ip netns add "$probe" 2>/dev/null; then
    ct_skip "cannot create named network namespaces here (ip netns add failed)"
  fi
  ip netns del "$probe" 2>/dev/null || true
}

ct_on_exit() {
  _CT_EXIT_HOOKS+=("$*")
}

_ct_kill_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The session of a process (field 6 of /proc/PID/stat; the comm before it may hold
# blanks), or nothing when it is gone.
_ct_session_of() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  echo "${4:-}"
}
_CT_SESSION="$(_ct_session_of $$)"

_ct_cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  local pid ns i
  # Our tracked helpers, then any background job the test itself started.
  for pid in "${_CT_BG_PIDS[@]}" $(jobs -p); do _ct_kill_pid "$pid"; done
  _CT_BG_PIDS=()
  for ns in "${_CT_NETNS_LIST[@]}"; do
    # What still runs inside our namespace and belongs to this test's session was started
    # by this test. Others can be there for a moment: another test's `ctdump --all-netns`
    # visits every namespace with setns(2), and must not be killed for it.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      [[ "$(_ct_session_of "$pid")" == "$_CT_SESSION" ]] && _ct_kill_pid "$pid"
    done
    ip netns del "$ns" 2>/dev/null
  done
  _CT_NETNS_LIST=()
  for ((i = ${#_CT_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
    eval "${_CT_EXIT_HOOKS[$i]}"
  done
  _CT_EXIT_HOOKS=()
  return "$rc"
}

_ct_install_trap() {
  [[ "$_CT_TRAP_SET" == 1 ]] && return 0
  _CT_TRAP_SET=1
  trap '_ct_cleanup' EXIT
  trap '_ct_cleanup; exit 130' INT
  trap '_ct_cleanup; exit 143' TERM
}

ct_netns_create() {
  local var="${1:-CT_NETNS}"
  _ct_install_trap
  _CT_NETNS_SEQ=$((_CT_NETNS_SEQ + 1))
  local name="ctdump-test-$$-${_CT_NETNS_SEQ}"
  # $$ can repeat across PID namespaces; never adopt a namespace we did not create.
  while [[ -e "/run/netns/$name" ]]; do name="ctdump-test-$$-${_CT_NETNS_SEQ}-$RANDOM"; done
  ip netns add "$name" || ct_fail "ip netns add $name failed"
  _CT_NETNS_LIST+=("$name")
  ip -n "$name" link set lo up || ct_fail "cannot bring up lo in $name"
  printf -v "$var" '%s' "$name"
}

ct_set_acct_tstamp() {
  local ns="$1" v="$2"
  ip netns exec "$ns" sh -c "echo $v > /proc/sys/net/netfilter/nf_conntrack_acct &&
                             echo $v > /proc/sys/net/netfilter/nf_conntrack_timestamp" ||
    ct_fail "cannot set nf_conntrack_acct/timestamp=$v in $ns"
}

ct_enable_acct_tstamp() {
  ct_set_acct_tstamp "$1" 1
}

# Starts "$@" in the background (stderr discarded: servers complain when killed) and
# remembers its pid for cleanup.
_ct_bg() {
  "$@" 2>/dev/null &
  _CT_BG_PIDS+=("$!")
}

# Waits up to 5 s until NS has a TCP listener on PORT.
_ct_wait_listen() {
  local ns="$1" port="$2" i
  for i in $(seq 1 50); do
    if ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
    sleep 0.1
  done
  ct_fail "no TCP listener on port $port in $ns after 5 s"
}

# Waits up to 5 s until `conntrack -L ARGS` in NS lists at least one entry.
_ct_wait_entry() {
  local ns="$1" i
  shift
  for i in $(seq 1 50); do
    if ip netns exec "$ns" conntrack -L "$@" 2>/dev/null | grep -q .; then return 0; fi
    sleep 0.1
  done
  ct_fail "no conntrack entry matching '$*' in $ns after 5 s"
}

# printf-able bytes of an ICMP echo request (type 8) with identifier ID, sequence SEQ and
# an 8-byte payload, with its checksum (IPv4 ICMP has no kernel-computed checksum).
_ct_icmp_echo_bytes() {
  local id="$1" seq="$2" words=() sum=0 w
  words=($((0x0800)) 0 "$id" "$seq" $((0x6374)) $((0x6475)) $((0x6d70)) $((0x2121)))
  for w in "${words[@]}"; do sum=$((sum + w)); done
  while ((sum >> 16)); do sum=$(((sum & 0xffff) + (sum >> 16))); done
  words[1]=$((~sum & 0xffff))
  local out=""
  for w in "${words[@]}"; do out+=$(printf '\\x%02x\\x%02x' $((w >> 8)) $((w & 0xff))); done
  printf '%s' "$out"
}

# ct_real_traffic NS
#
# Ruleset (tables inet ctdump_test, ip ctdump_nat):
#   * filter output/input chains with `ct state` rules, so the namespace tracks at all;
#   * `ct mark set 16` on UDP to port 9000 and `ct label set 1` on it (which also gives the
#     namespace label space, so ctgen's labelled entries keep their labels);
#   * nat output: DNAT 127.0.0.2:8080 -> 127.0.0.1:9090;
#     nat postrouting: SNAT 127.0.0.1 -> 127.0.0.3 for TCP to 127.0.0.1:9090;
#   * an output chain at priority -350 (before conntrack) that later freezes the two
#     held connections.
# Traffic (all on loopback, every process under `timeout`):
#   * 3 TCP connections through the DNAT+SNAT path and 2 plain ones (127.0.0.1:9092,
#     [::1]:9093), completed, so their entries sit in TIME_WAIT;
#   * 1 TCP connection through DNAT+SNAT (client port 40001) and 1 over [::1]:9094 (client
#     port 40002) left ESTABLISHED: after data flowed, a drop rule at priority -350 hides
#     their FINs from conntrack, then the processes exit;
#   * UDP request/response to 127.0.0.1:9000 (marked, labelled) and [::1]:9000, UDP to the
#     closed port 127.0.0.1:9001 ([UNREPLIED]);
#   * ICMP echo to 127.0.0.1 and ICMPv6 echo to ::1 (raw sockets through socat; the
#     kernel answers).
# The namespace's UDP/ICMP/TIME_WAIT/CLOSE timeouts are raised to 600 s so that no entry
# expires between two snapshots of one test. Returns after all processes have exited.
ct_real_traffic() {
  local ns="$1"
  local x=(ip netns exec "$ns")
  local t
  # Ephemeral ports away from the fixed client ports 40001/40002 used below.
  "${x[@]}" sh -c 'echo "50000 59999" > /proc/sys/net/ipv4/ip_local_port_range' ||
    ct_fail "cannot set ip_local_port_range in $ns"
  for t in udp_timeout udp_timeout_stream icmp_timeout icmpv6_timeout tcp_timeout_time_wait \
           tcp_timeout_close tcp_timeout_fin_wait tcp_timeout_close_wait \
           tcp_timeout_last_ack generic_timeout; do
    "${x[@]}" sh -c "echo 600 > /proc/sys/net/netfilter/nf_conntrack_$t" ||
      ct_fail "cannot set nf_conntrack_$t in $ns"
  done

  "${x[@]}" nft -f - <<'EOF' || ct_fail "cannot load the nft ruleset in $ns"
table inet ctdump_test {
  chain freeze {
    type filter hook output priority -350; policy accept;
  }
  chain out {
    type filter hook output priority 0; policy accept;
    ct state established,related accept
    ct state new meta l4proto udp udp dport 9000 ct mark set 16 ct label set 1 accept
    ct state new accept
  }
  chain in {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    ct state invalid counter accept
  }
}
table ip ctdump_nat {
  chain out {
    type nat hook output priority -100; policy accept;
    ip daddr 127.0.0.2 tcp dport 8080 dnat to 127.0.0.1:9090
  }
  chain post {
    type nat hook postrouting priority 100; policy accept;
    ip saddr 127.0.0.1 ip daddr 127.0.0.1 tcp dport 9090 snat to 127.0.0.3
  }
}
EOF

  local i pid
  # --- TCP that completes: TIME_WAIT entries.
  local pong="SYSTEM:echo pong"
  _ct_bg timeout 15 "${x[@]}" socat -T3 TCP4-LISTEN:9090,bind=127.0.0.1,reuseaddr,fork "$pong"
  local srv4=$!
  _ct_bg timeout 15 "${x[@]}" socat -T3 TCP4-LISTEN:9092,bind=127.0.0.1,reuseaddr,fork "$pong"
  local srv4b=$!
  _ct_bg timeout 15 "${x[@]}" socat -T3 'TCP6-LISTEN:9093,bind=[::1],reuseaddr,fork' "$pong"
  local srv6=$!
  _ct_wait_listen "$ns" 9090
  _ct_wait_listen "$ns" 9092
  _ct_wait_listen "$ns" 9093
  for i in 1 2 3; do
    echo ping | timeout 5 "${x[@]}" socat -T3 - TCP4:127.0.0.2:8080 >/dev/null ||
      ct_fail "TCP via DNAT 127.0.0.2:8080 failed in $ns"
  done
  echo ping | timeout 5 "${x[@]}" socat -T3 - TCP4:127.0.0.1:9092 >/dev/null ||
    ct_fail "TCP to 127.0.0.1:9092 failed in $ns"
  echo ping | timeout 5 "${x[@]}" socat -T3 - 'TCP6:[::1]:9093' >/dev/null ||
    ct_fail "TCP to [::1]:9093 failed in $ns"
  for pid in "$srv4" "$srv4b" "$srv6"; do _ct_kill_pid "$pid"; done

  # --- TCP left ESTABLISHED: connect, exchange a line each way, freeze, let processes go.
  _ct_bg timeout 15 "${x[@]}" socat -T10 TCP4-LISTEN:9090,bind=127.0.0.1,reuseaddr \
    SYSTEM:'echo hello; exec sleep 10'
  local hsrv4=$!
  _ct_bg timeout 15 "${x[@]}" socat -T10 'TCP6-LISTEN:9094,bind=[::1],reuseaddr' \
    SYSTEM:'echo hello; exec sleep 10'
  local hsrv6=$!
  _ct_wait_listen "$ns" 9090
  _ct_wait_listen "$ns" 9094
  _ct_bg timeout 15 "${x[@]}" socat -T10 TCP4:127.0.0.2:8080,sourceport=40001,reuseaddr \
    SYSTEM:'echo hi; exec sleep 10'
  local hcli4=$!
  _ct_bg timeout 15 "${x[@]}" socat -T10 'TCP6:[::1]:9094,sourceport=40002,reuseaddr' \
    SYSTEM:'echo hi; exec sleep 10'
  local hcli6=$!
  _ct_wait_entry "$ns" -p tcp --sport 40001 --state ESTABLISHED -u ASSURED
  _ct_wait_entry "$ns" -f ipv6 -p tcp --sport 40002 --state ESTABLISHED -u ASSURED
  "${x[@]}" nft add rule inet ctdump_test freeze tcp sport '{ 40001, 40002 }' drop &&
    "${x[@]}" nft add rule inet ctdump_test freeze tcp dport '{ 40001, 40002 }' drop ||
    ct_fail "cannot add the freeze rules in $ns"
  for pid in "$hcli4" "$hcli6" "$hsrv4" "$hsrv6"; do _ct_kill_pid "$pid"; done

  # --- UDP: replied (marked + labelled), IPv6 replied, unreplied to a closed port.
  _ct_bg timeout 10 "${x[@]}" socat -T2 UDP4-RECVFROM:9000,bind=127.0.0.1,reuseaddr "$pong"
  local usrv4=$!
  _ct_bg timeout 10 "${x[@]}" socat -T2 'UDP6-RECVFROM:9000,bind=[::1],reuseaddr' "$pong"
  local usrv6=$!
  sleep 0.3
  echo ping | timeout 5 "${x[@]}" socat -T1 - UDP4:127.0.0.1:9000 >/dev/null || true
  echo ping | timeout 5 "${x[@]}" socat -T1 - 'UDP6:[::1]:9000' >/dev/null || true
  echo ping | timeout 5 "${x[@]}" socat -T0.2 - UDP4:127.0.0.1:9001 >/dev/null 2>&1 || true
  _ct_wait_entry "$ns" -p udp --dport 9000 -m 16
  _ct_wait_entry "$ns" -f ipv6 -p udp --dport 9000
  for pid in "$usrv4" "$usrv6"; do _ct_kill_pid "$pid"; done

  # --- ICMP echo (IPv4 checksum computed here; ICMPv6's by the kernel).
  # shellcheck disable=SC2059  # the format is the escaped packet
  printf "$(_ct_icmp_echo_bytes 4660 1)" |
    timeout 5 "${x[@]}" socat -u - IP4-SENDTO:127.0.0.1:1 ||
    ct_fail "ICMP echo send failed in $ns"
  printf '\x80\x00\x00\x00\x12\x35\x00\x01ctdump!!' |
    timeout 5 "${x[@]}" socat -u - 'IP6-SENDTO:[::1]:58' ||
    ct_fail "ICMPv6 echo send failed in $ns"
  _ct_wait_entry "$ns" -p icmp
  _ct_wait_entry "$ns" -p icmpv6

  # No process of ours may outlive this function.
  for pid in "${_CT_BG_PIDS[@]}"; do _ct_kill_pid "$pid"; done
  _CT_BG_PIDS=()
}

ct_normalize() {
  local drops=() sed_args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --drop) drops+=("$2"); shift 2 ;;
      *) echo "ct_normalize: unknown argument '$1'" >&2; return 2 ;;
    esac
  done
  local f
  for f in "${drops[@]}"; do
    # A value never contains a blank except [start=...] text, which is not droppable here.
    sed_args+=(-e "s/ ${f}=[^ ]*//g")
  done
  # The timeout is the all-digit token right after "L4NAME L4NUM", optionally behind
  # "L3NAME L3NUM" (-o extended). Offloaded entries have none and are left alone.
  sed -E \
    -e 's/^((ipv4|ipv6|unknown) +[0-9]+ +)?([a-z0-9]+ +[0-9]+ )-?[0-9]+ /\1\3<TIMEOUT> /' \
    -e 's/ delta-time=[0-9]+/ delta-time=<D>/' \
    -e 's/ use=[0-9]+/ use=<U>/' \
    "${sed_args[@]}" |
    LC_ALL=C sort
}

ct_summary_count() {
  sed -nE 's/.* ([0-9]+) flow entries have been shown\.$/\1/p' "$1" | tail -n 1
}

ct_run() {
  local name="$1" out="$2" err="$3" rc=0
  shift 3
  timeout 60 "$@" >"$out" 2>"$err" || rc=$?
  if [[ "$rc" != 0 ]]; then
    echo "--- stderr of $name (first 20 lines):" >&2
    head -n 20 "$err" >&2
    [[ "$rc" != 124 ]] || name+=" (killed after 60 s)"
    ct_fail "$name exited with $rc: $*"
  fi
}

ct_check_summary() {
  local name="$1" out="$2" err="$3" n lines
  n="$(ct_summary_count "$err")"
  lines="$(wc -l <"$out")"
  [[ -n "$n" ]] || {
    head -n 5 "$err" >&2
    ct_fail "$name: no 'N flow entries have been shown.' line on stderr"
  }
  [[ "$n" == "$lines" ]] || ct_fail "$name: summary says $n entries but stdout has $lines lines"
}

_CT_FAILED_PARTS=()

ct_part() {
  local name="$1" rc=0
  shift
  # Run as a background subshell and wait: a subshell in an `if`/`||` context would run
  # with errexit disabled. The subshell cleans up what it created itself (namespaces,
  # helpers, ct_on_exit hooks) when it ends: its changes to the lists never reach this
  # shell, whose own trap would otherwise leave them behind.
  (
    _CT_TRAP_SET=0
    _CT_NETNS_LIST=()
    _CT_BG_PIDS=()
    _CT_EXIT_HOOKS=()
    _ct_install_trap
    "$@"
  ) &
  wait "$!" || rc=$?
  if [[ "$rc" != 0 ]]; then
    echo "FAILED PART: $name" >&2
    _CT_FAILED_PARTS+=("$name")
  fi
  return 0
}

ct_finish() {
  if [[ ${#_CT_FAILED_PARTS[@]} -eq 0 ]]; then
    echo "PASS"
    return 0
  fi
  local p
  echo "FAIL: ${#_CT_FAILED_PARTS[@]} part(s) failed:" >&2
  for p in "${_CT_FAILED_PARTS[@]}"; do echo "  - $p" >&2; done
  exit 1
}

ct_conntrack() {
  local ns="$1" try err
  shift
  for try in 1 2 3; do
    if err="$(ip netns exec "$ns" conntrack "$@" 2>&1 >/dev/null)"; then return 0; fi
    [[ "$err" == *"Interrupted system call"* ]] || break
    sleep 0.1
  done
  ct_fail "conntrack $* in $ns: $err"
}

ct_compare() {
  local na="$1" a="$2" nb="$3" b="$4"
  if cmp -s "$a" "$b"; then return 0; fi
  echo "MISMATCH: $na ($(wc -l <"$a") lines) vs $nb ($(wc -l <"$b") lines);" \
    "first 40 lines of diff -u:" >&2
  diff -u --label "$na" --label "$nb" "$a" "$b" | head -n 40 >&2
  return 1
}

ct_runfile() {
  local rel="$1" cand
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  for cand in \
    "${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/$rel" \
    "${RUNFILES_DIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/$rel" \
    "$here/../../bazel-bin/$rel" \
    "$here/../../$rel"; do
    if [[ -e "$cand" ]]; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}
