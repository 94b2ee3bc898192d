#!/bin/bash
# File: cli/kernel_tests/watch_test.sh
#
# Contract of `ctdump --watch` (issue 16) against a live kernel, in a throwaway namespace
# holding a known table made with `conntrack -I`: tcp entries from 10.0.0.3 (12),
# 10.0.0.2 (8) and 10.0.0.1 (4) to 10.9.0.1:80, and 5 udp entries from 10.0.0.9 to
# 10.9.0.1:53 (29 in all).
#   1. full screen, in tmux (a private server, 100x30): the header's `table:` count equals
#      `conntrack -C` in the namespace; the top rows of the sources view are the inserted
#      sources with their counts, by entries; `s` switches the sort (three presses reach
#      `sort: key`: rows by address); `3` shows the ports view; a resize to 50 columns
#      redraws within the width; `q` exits 0, leaves the alternate screen, and `stty -a`
#      in the same pane shows canonical mode and echo back on;
#   2. SIGTERM and SIGHUP while on screen: exit 0 with the terminal restored the same way;
#   3. batch mode: `--batch --iterations 2` prints exactly two plain screens (no escape
#      codes) and exits 0; so does stdout to a pipe without --batch.
#   4. --all-netns (a second namespace NS2 holds 3 tcp entries to 10.9.0.1): a batch
#      screen opens on the namespaces view, with NS's 29 and NS2's 3 matching entries
#      (filtered to -d 10.9.0.1: other namespaces on the machine do not matter).
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v tmux >/dev/null || ct_fail "tmux is not installed (tools/setup.sh installs it)"
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/watch.XXXXXX")"
ct_on_exit rm -rf "$TMP"
# A private tmux server per run of ctdump (a fresh socket each time: a server that is
# still shutting down cannot take the next session).
# Parts run in subshells (ct_part), so the servers are found by their socket names at
# the end rather than remembered.
RUNS=0
T=()
new_server() {
  RUNS=$((RUNS + 1))
  T=(tmux -L "ctdump-watch-$$-$BASHPID-$RUNS" -f /dev/null)
}
kill_servers() {
  local sock
  for sock in "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/ctdump-watch-$$-"*; do
    [[ -e "$sock" ]] || continue
    tmux -L "$(basename "$sock")" kill-server 2>/dev/null || true
    rm -f "$sock"
  done
}
ct_on_exit kill_servers

ct_netns_create NS
X=(ip netns exec "$NS")
insert() {  # SRC PROTO DPORT COUNT
  local i
  for ((i = 0; i < $4; i++)); do
    if [[ "$2" == tcp ]]; then
      "${X[@]}" conntrack -I -p tcp -s "$1" -d 10.9.0.1 --sport $((30000 + i)) --dport "$3" \
        --state ESTABLISHED -t 600 -u SEEN_REPLY 2>/dev/null
    else
      "${X[@]}" conntrack -I -p udp -s "$1" -d 10.9.0.1 --sport $((30000 + i)) --dport "$3" \
        -t 600 2>/dev/null
    fi || ct_fail "conntrack -I $1 $2 failed"
  done
}
insert 10.0.0.3 tcp 80 12
insert 10.0.0.2 tcp 80 8
insert 10.0.0.1 tcp 80 4
insert 10.0.0.9 udp 53 5
COUNT="$("${X[@]}" conntrack -C)"
[[ "$COUNT" == 29 ]] || ct_fail "the namespace holds $COUNT entries, not the 29 inserted"
ct_netns_create NS2
for i in 1 2 3; do
  ip netns exec "$NS2" conntrack -I -p tcp -s 10.0.0.5 -d 10.9.0.1 --sport $((31000 + i)) \
    --dport 80 --state ESTABLISHED -t 600 2>/dev/null || ct_fail "conntrack -I in $NS2 failed"
done

screen() { "${T[@]}" capture-pane -p -t w; }
# Waits until the screen matches the extended regex $1 (5 s at most).
wait_screen() {
  local i
  for ((i = 0; i < 50; i++)); do
    screen >"$TMP/screen"
    grep -qE "$1" "$TMP/screen" && return 0
    sleep 0.1
  done
  cat "$TMP/screen" >&2
  ct_fail "the screen never showed /$1/"
}
wait_file() {
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$1" ]] && return 0; sleep 0.1; done
  ct_fail "$1 never appeared"
}
# Rows of the view: "ENTRIES KEY" of the lines under the heading.
rows() { awk '/^ +ENTRIES/ {on = 1; next} on && /^ +[0-9-]+ / {print $1, $NF}' "$TMP/screen"; }

# Starts ctdump --watch in a fresh pane; after it ends, the pane records its exit status,
# whether the alternate screen is still on, and `stty -a`.
start() {
  rm -f "$TMP/exit" "$TMP/stty"
  [[ ${#T[@]} == 0 ]] || "${T[@]}" kill-server 2>/dev/null || true
  new_server
  "${T[@]}" new-session -d -s w -x 100 -y 30 \
    "${X[*]} $CTDUMP --watch --interval 1 $*; echo \$? >$TMP/exit.tmp; stty -a >$TMP/stty; mv $TMP/exit.tmp $TMP/exit; sleep 120"
  wait_screen '^keys:'
  [[ "$("${T[@]}" display -p -t w '#{alternate_on}')" == 1 ]] || ct_fail "--watch did not switch to the alternate screen"
}
# Checks that ctdump ended with status 0 and left the terminal as it found it.
ended_clean() {
  wait_file "$TMP/exit"
  [[ "$(cat "$TMP/exit")" == 0 ]] || ct_fail "$1: exit $(cat "$TMP/exit"), want 0"
  [[ "$("${T[@]}" display -p -t w '#{alternate_on}')" == 0 ]] || ct_fail "$1: still on the alternate screen"
  [[ "$("${T[@]}" display -p -t w '#{cursor_flag}')" == 1 ]] || ct_fail "$1: the cursor is still hidden"
  grep -qE '(^| )icanon( |;|$)' "$TMP/stty" && grep -qE '(^| )echo( |;|$)' "$TMP/stty" ||
    { cat "$TMP/stty" >&2; ct_fail "$1: the terminal was not restored (icanon/echo off)"; }
  "${T[@]}" kill-server 2>/dev/null || true
}

full_screen() {
  start
  wait_screen '^change: new'  # the second refresh
  grep -qE "^table: $COUNT of [0-9]+ entries" "$TMP/screen" ||
    { cat "$TMP/screen" >&2; ct_fail "table: differs from conntrack -C ($COUNT)"; }
  grep -qE "^listed: $COUNT entries" "$TMP/screen" || ct_fail "listed: is not $COUNT"
  grep -qE '^protocols: tcp 24  udp 5$' "$TMP/screen" || ct_fail "protocols line wrong"
  grep -qE '^tcp states: ESTABLISHED 24$' "$TMP/screen" || ct_fail "tcp states line wrong"
  grep -qE '^change: new 0.0/s  gone 0.0/s \(exact\)' "$TMP/screen" || ct_fail "change line wrong"
  rows >"$TMP/got"
  printf '%s\n' "12 10.0.0.3" "8 10.0.0.2" "5 10.0.0.9" "4 10.0.0.1" >"$TMP/want"
  ct_compare "inserted sources by entries" "$TMP/want" "--watch rows" "$TMP/got" ||
    ct_fail "sources view differs from the inserted entries"
  "${T[@]}" send-keys -t w s s s
  wait_screen 'sort: key'
  rows >"$TMP/got"
  printf '%s\n' "4 10.0.0.1" "8 10.0.0.2" "12 10.0.0.3" "5 10.0.0.9" >"$TMP/want"
  ct_compare "sources by key" "$TMP/want" "--watch rows (sort: key)" "$TMP/got" ||
    ct_fail "s did not switch the sort to key"
  "${T[@]}" send-keys -t w s 3
  wait_screen '^view: 3 ports  sort: entries'
  rows >"$TMP/got"
  printf '%s\n' "24 tcp/80" "5 udp/53" >"$TMP/want"
  ct_compare "ports" "$TMP/want" "--watch ports view" "$TMP/got" || ct_fail "ports view wrong"
  "${T[@]}" resize-window -t w -x 50 -y 20
  wait_screen '^ +ENTRIES +BYTES/S +PROTO/DPORT$'  # PACKETS/S left out below 60 columns
  awk 'length($0) > 50 {bad = 1} END {exit bad}' "$TMP/screen" || ct_fail "lines wider than 50 columns"
  "${T[@]}" send-keys -t w q
  ended_clean "q"
  echo "ok: full screen (counts, top rows, sort and view keys, resize, q)"
}

signals() {
  local sig pid
  for sig in TERM HUP INT; do
    start
    pid="$(pgrep -f -n -- "$CTDUMP --watch --interval 1")" || ct_fail "no ctdump --watch process"
    kill "-$sig" "$pid"
    ended_clean "SIG$sig"
  done
  echo "ok: SIGTERM, SIGHUP and SIGINT restore the terminal, exit 0"
}

batch() {
  ct_run "--watch --batch --iterations 2" "$TMP/b.out" "$TMP/b.err" \
    "${X[@]}" "$CTDUMP" --watch --batch --iterations 2 --interval 0.2
  [[ "$(grep -c '^ctdump --watch' "$TMP/b.out")" == 2 ]] || { cat "$TMP/b.out" >&2; ct_fail "want 2 screens"; }
  ! grep -q $'\x1b' "$TMP/b.out" || ct_fail "batch output has escape codes"
  grep -qE "^table: $COUNT of " "$TMP/b.out" || ct_fail "batch table count differs"
  ct_run "--watch --iterations 2 | cat" "$TMP/p.out" "$TMP/p.err" \
    bash -c '"$@" | cat' _ "${X[@]}" "$CTDUMP" --watch --iterations 2 --interval 0.2
  [[ "$(grep -c '^ctdump --watch' "$TMP/p.out")" == 2 ]] || ct_fail "a pipe should get 2 plain screens"
  ! grep -q $'\x1b' "$TMP/p.out" || ct_fail "piped output has escape codes"
  echo "ok: batch mode (two plain screens, exit 0)"
}

all_netns() {
  ct_run "--watch --all-netns --batch --iterations 1" "$TMP/a.out" "$TMP/a.err" \
    "$CTDUMP" --watch --all-netns --batch --iterations 1 --top 500 -d 10.9.0.1
  grep -q "^view: 6 namespaces" "$TMP/a.out" || { cat "$TMP/a.out" >&2; ct_fail "--all-netns: not the namespaces view"; }
  grep -qE "^ +29 .*  $NS\$" "$TMP/a.out" || { cat "$TMP/a.out" >&2; ct_fail "--all-netns: no row of 29 for $NS"; }
  grep -qE "^ +3 .*  $NS2\$" "$TMP/a.out" || { cat "$TMP/a.out" >&2; ct_fail "--all-netns: no row of 3 for $NS2"; }
  echo "ok: --all-netns: the namespaces view counts each namespace's entries"
}

ct_part "full screen" full_screen
ct_part "signals" signals
ct_part "batch" batch
ct_part "all-netns" all_netns
ct_finish
