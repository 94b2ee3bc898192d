#!/usr/bin/env bash
# examples/watch_events in a throwaway network namespace: `conntrack -I` creates two
# entries there and `conntrack -D` deletes one; watch_events 3 prints their NEW, NEW and
# DESTROY events as `conntrack -E` does and exits 0. Root (skips otherwise, fails with
# CTDUMP_REQUIRE_KERNEL=1).
set -euo pipefail
# shellcheck source=../tools/testing/netns.sh
source "${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}/tools/testing/netns.sh"
ct_require_root_or_skip
WATCH="$(ct_runfile examples/watch_events)" || ct_fail "examples/watch_events is not built"
ct_netns_create NS
out="${TEST_TMPDIR:?}/events" err="${TEST_TMPDIR:?}/events.err"

ip netns exec "$NS" timeout 30 "$WATCH" 3 >"$out" 2>"$err" &
watch_pid=$!
for _ in $(seq 1 100); do
  grep -q '^listening$' "$err" && break
  kill -0 "$watch_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^listening$' "$err" || ct_fail "watch_events did not start listening: $(cat "$err")"

ip netns exec "$NS" conntrack -I -p udp -s 10.255.0.1 -d 10.255.0.2 --sport 1 --dport 2 -t 600 \
  >/dev/null 2>&1 || ct_fail "conntrack -I (udp) failed"
ip netns exec "$NS" conntrack -I -p tcp -s 10.255.0.3 -d 10.255.0.4 --sport 3 --dport 4 \
  --state ESTABLISHED -t 600 >/dev/null 2>&1 || ct_fail "conntrack -I (tcp) failed"
ip netns exec "$NS" conntrack -D -p udp -s 10.255.0.1 >/dev/null 2>&1 ||
  ct_fail "conntrack -D failed"

rc=0
wait "$watch_pid" || rc=$?
[[ "$rc" == 0 ]] || ct_fail "watch_events exited $rc (124: no 3 events in 30 s); stderr: $(cat "$err")"

want=(
  '^    \[NEW\] udp      17 [0-9]+ src=10\.255\.0\.1 dst=10\.255\.0\.2 sport=1 dport=2 \[UNREPLIED\] src=10\.255\.0\.2 dst=10\.255\.0\.1 sport=2 dport=1 (.* )?\[USERSPACE\] portid=[0-9]+$'
  '^    \[NEW\] tcp      6 [0-9]+ ESTABLISHED src=10\.255\.0\.3 dst=10\.255\.0\.4 sport=3 dport=4 \[UNREPLIED\] src=10\.255\.0\.4 dst=10\.255\.0\.3 sport=4 dport=3 (.* )?\[USERSPACE\] portid=[0-9]+$'
  '^\[DESTROY\] udp      17 [0-9]+ src=10\.255\.0\.1 dst=10\.255\.0\.2 sport=1 dport=2 \[UNREPLIED\] src=10\.255\.0\.2 dst=10\.255\.0\.1 sport=2 dport=1 (.* )?\[USERSPACE\] portid=[0-9]+$'
)
[[ "$(wc -l <"$out")" == 3 ]] || ct_fail "want 3 event lines, got: $(cat "$out")"
for i in 0 1 2; do
  line=$(sed -n "$((i + 1))p" "$out")
  [[ "$line" =~ ${want[$i]} ]] || ct_fail "event $((i + 1)): '$line' does not match '${want[$i]}'"
done
echo PASS
