#!/bin/bash
# File: cli/kernel_tests/all_netns_test.sh
#
# Contract: `ctdump --all-netns` (issue 15, item 5) reads every network namespace in one
# run. Two throwaway namespaces A and B get known entries (conntrack -I); a third, C, is
# unnamed, held by a process (`unshare -n sleep`), with one entry. Everything checked is
# filtered to these namespaces (by name, by the entries' 10.93.0.0/16 addresses): the
# test never depends on what the root namespace or other namespaces on the machine hold.
#   * -L -o json: A's and B's entries, each object with "netns" = its namespace's name;
#     C's with "netns":"pid:N" (N = the sleep's pid); every object has "netns";
#   * -L (text): a "# netns NAME" line per namespace, followed by exactly what
#     `ip netns exec NAME ctdump -L` prints there (normalised); one total count line;
#   * the root namespace is included (as its /run/netns name or as pid:N of a process in
#     it);
#   * -C: "# netns A" then A's count, as `conntrack -C` in A; -C -o json likewise;
#   * --summary: a section per namespace ("# netns A", "entries: 2"); -o json: objects
#     with "netns";
#   * --summary --by netns: ONE summary over all namespaces (one "entries:" line, the
#     number of namespaces), whose top list has A (2), B and C (1 each); -o json's top_by
#     names them; -o prometheus labels the top groups netns="A";
#   * -o prometheus and --textfile: valid for `promtool check metrics`; samples labelled
#     netns="A" / "B" with their counts, each metric family listed once;
#   * a namespace that vanishes during the run (B deleted while ctdump is reading A,
#     ctdump held there by --backend procfs:FIFO) is reported on stderr and skipped, exit
#     status 0; a /run/netns file with no namespace mounted is reported and skipped;
#   * --all-netns with --netns is a usage error (exit 2).
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
command -v promtool >/dev/null || ct_fail "promtool is missing (tools/setup.sh installs prometheus)"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/all_netns.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create A
ct_netns_create B
insert() {  # insert NS SRC SPORT
  ip netns exec "$1" conntrack -I -p tcp -s "$2" -d 10.93.255.1 --sport "$3" --dport 80 \
    --state ESTABLISHED -t 3000 >/dev/null 2>&1 || ct_fail "conntrack -I in $1 failed"
}
insert "$A" 10.93.1.1 1001
insert "$A" 10.93.1.2 1002
insert "$B" 10.93.2.1 2001
# C: a namespace without a name, alive as long as the sleep.
unshare -n sh -c 'conntrack -I -p tcp -s 10.93.3.1 -d 10.93.255.1 --sport 3001 --dport 80 \
  --state ESTABLISHED -t 3000 >/dev/null 2>&1 && exec sleep 600' &
C_PID=$!
ct_on_exit sh -c "kill $C_PID 2>/dev/null || true"
for _ in $(seq 1 50); do
  [[ "$(stat -L -c %i "/proc/$C_PID/ns/net" 2>/dev/null)" != "$(stat -L -c %i /proc/self/ns/net)" &&
    "$(readlink "/proc/$C_PID/exe" 2>/dev/null)" == */sleep ]] && break
  sleep 0.1
done
C="pid:$C_PID"
# Only this test's entries (the kernel is not asked for less: CIDR stays in user space).
F=(-s 10.93.0.0/16)

json() {
  ct_run "ctdump -L --all-netns -o json" "$TMP/l.json" "$TMP/l.err" \
    "$CTDUMP" -L --all-netns -o json "${F[@]}"
  local ns want got
  for ns in "$A" "$B" "$C"; do
    case "$ns" in
      "$A") want="10.93.1.1 10.93.1.2" ;;
      "$B") want="10.93.2.1" ;;
      *) want="10.93.3.1" ;;
    esac
    got="$(jq -r "select(.netns == \"$ns\") | .orig.src" "$TMP/l.json" | sort | xargs)"
    [[ "$got" == "$want" ]] || ct_fail "-L -o json in $ns: entries from $got, want $want"
  done
  [[ -z "$(jq -c 'select(has("netns") | not)' "$TMP/l.json")" ]] ||
    ct_fail "-L --all-netns -o json: an object without \"netns\""
  echo "ok: -L -o json tags $A, $B and $C's entries with their names"
}

# section FILE NAME: the lines after "# netns NAME" up to the next header.
section() {
  awk -v h="# netns $2" '/^# netns / { on = ($0 == h); next } on' "$1"
}

text() {
  ct_run "ctdump -L --all-netns" "$TMP/l.txt" "$TMP/l.err" "$CTDUMP" -L --all-netns "${F[@]}"
  local ns
  for ns in "$A" "$B"; do
    grep -qxF "# netns $ns" "$TMP/l.txt" || ct_fail "-L --all-netns: no header for $ns"
    [[ "$(grep -cxF "# netns $ns" "$TMP/l.txt")" == 1 ]] || ct_fail "two headers for $ns"
    ct_run "ctdump -L in $ns" "$TMP/one.txt" "$TMP/one.err" \
      ip netns exec "$ns" "$CTDUMP" -L "${F[@]}"
    ct_compare "ctdump -L in $ns" <(ct_normalize <"$TMP/one.txt") \
      "its section of --all-netns" <(section "$TMP/l.txt" "$ns" | ct_normalize) ||
      ct_fail "-L --all-netns: $ns's section differs"
  done
  section "$TMP/l.txt" "$C" | grep -q "src=10.93.3.1 " || ct_fail "-L --all-netns: no $C section"
  # One count line, the total of all sections.
  local n
  n="$(ct_summary_count "$TMP/l.err")"
  [[ "$n" == "$(grep -vc '^# netns ' "$TMP/l.txt")" ]] ||
    ct_fail "-L --all-netns: count line says $n"
  # The root namespace: a header names it (its /run/netns name or pid:N of a process in it).
  local self found="" h p
  self="$(stat -L -c %d:%i /proc/self/ns/net)"
  while IFS= read -r h; do
    h="${h#\# netns }"
    case "$h" in
      pid:*) p="/proc/${h#pid:}/ns/net" ;;
      *) p="/run/netns/$h" ;;
    esac
    [[ "$(stat -L -c %d:%i "$p" 2>/dev/null)" == "$self" ]] && found="$h"
  done < <(grep '^# netns ' "$TMP/l.txt")
  [[ -n "$found" ]] || ct_fail "-L --all-netns: no section for the test's own namespace"
  echo "ok: text sections equal ctdump -L in each namespace; own namespace is $found"
}

count() {
  ct_run "ctdump -C --all-netns" "$TMP/c.txt" "$TMP/c.err" "$CTDUMP" -C --all-netns
  local ns want
  for ns in "$A" "$B"; do
    want="$(ip netns exec "$ns" conntrack -C)"
    [[ "$(section "$TMP/c.txt" "$ns")" == "$want" ]] ||
      ct_fail "-C --all-netns: $ns: '$(section "$TMP/c.txt" "$ns")', conntrack -C says $want"
  done
  [[ "$(section "$TMP/c.txt" "$C")" == 1 ]] || ct_fail "-C --all-netns: $C is not 1"
  ct_run "ctdump -C --all-netns -o json" "$TMP/c.json" "$TMP/c.err" \
    "$CTDUMP" -C --all-netns -o json
  [[ "$(jq -r "select(.netns == \"$A\") | .count" "$TMP/c.json")" == 2 ]] ||
    ct_fail "-C --all-netns -o json: $A's count is not 2"
  echo "ok: -C per namespace (text and JSON)"
}

summary() {
  ct_run "ctdump --summary --all-netns" "$TMP/s.txt" "$TMP/s.err" \
    "$CTDUMP" --summary --all-netns "${F[@]}"
  section "$TMP/s.txt" "$A" | grep -qx "entries: 2" || ct_fail "--summary: $A's section"
  section "$TMP/s.txt" "$B" | grep -qx "entries: 1" || ct_fail "--summary: $B's section"
  ct_run "ctdump --summary --all-netns -o json" "$TMP/s.json" "$TMP/s.err" \
    "$CTDUMP" --summary --all-netns -o json "${F[@]}"
  [[ "$(jq -r "select(.netns == \"$B\") | .entries" "$TMP/s.json")" == 1 ]] ||
    ct_fail "--summary -o json: $B's entries"
  echo "ok: --summary sections per namespace"
}

by_netns() {
  ct_run "ctdump --summary --all-netns --by netns" "$TMP/b.txt" "$TMP/b.err" \
    "$CTDUMP" --summary --all-netns --by netns --top 1000 "${F[@]}"
  # (Other tests' namespaces may hold entries that pass the filter too: only this test's
  # rows are checked, not the total.)
  [[ "$(grep -c '^entries:' "$TMP/b.txt")" == 1 ]] || ct_fail "--by netns: not one summary"
  grep -q "^network namespaces: [1-9]" "$TMP/b.txt" || ct_fail "--by netns: no namespace count"
  grep -qx "  2 $A" "$TMP/b.txt" || { cat "$TMP/b.txt" >&2; ct_fail "--by netns: no row '2 $A'"; }
  grep -qx "  1 $B" "$TMP/b.txt" || ct_fail "--by netns: no row '1 $B'"
  grep -qx "  1 $C" "$TMP/b.txt" || ct_fail "--by netns: no row '1 $C'"
  ct_run "ctdump --summary --all-netns --by netns,dport -o json" "$TMP/b.json" "$TMP/b.err" \
    "$CTDUMP" --summary --all-netns --by netns,dport -o json --top 1000 "${F[@]}"
  [[ "$(jq -r ".top_by.items[] | select(.key.netns == \"$A\" and .key.dport == \"80\") | .count" \
    "$TMP/b.json")" == 2 ]] || ct_fail "--by netns,dport -o json: $A/80 is not 2"
  [[ "$(jq -s length "$TMP/b.json")" == 1 ]] || ct_fail "--by netns -o json: not one object"
  ct_run "ctdump -o prometheus --all-netns --by netns" "$TMP/b.prom" "$TMP/b.err" \
    "$CTDUMP" -o prometheus --all-netns --by netns --top 1000 "${F[@]}"
  grep -qxF "ctdump_top_group_entries{netns=\"$A\"} 2" "$TMP/b.prom" ||
    ct_fail "--by netns -o prometheus: no top group for $A"
  promtool check metrics <"$TMP/b.prom" >/dev/null 2>&1 || ct_fail "promtool rejects --by netns"
  echo "ok: --summary --by netns: one summary over all namespaces, ranked by namespace"
}

prometheus() {
  ct_run "ctdump -o prometheus --all-netns" "$TMP/p.prom" "$TMP/p.err" \
    "$CTDUMP" -o prometheus --all-netns "${F[@]}"
  promtool check metrics <"$TMP/p.prom" >"$TMP/promtool.out" 2>&1 ||
    { cat "$TMP/promtool.out" >&2; ct_fail "promtool rejects -o prometheus --all-netns"; }
  grep -qxF "ctdump_entries{netns=\"$A\"} 2" "$TMP/p.prom" || ct_fail "no ctdump_entries for $A"
  grep -qxF "ctdump_entries{netns=\"$B\"} 1" "$TMP/p.prom" || ct_fail "no ctdump_entries for $B"
  [[ "$(grep -c '^# TYPE ctdump_entries gauge$' "$TMP/p.prom")" == 1 ]] ||
    ct_fail "ctdump_entries listed more than once"
  grep -q "^ctdump_entries_by_state{netns=\"$A\",protocol=\"tcp\",state=\"ESTABLISHED\"} 2$" \
    "$TMP/p.prom" || ct_fail "no state sample for $A"
  ct_run "ctdump --textfile --all-netns" "$TMP/t.out" "$TMP/t.err" \
    "$CTDUMP" --all-netns --textfile "$TMP/ct.prom" "${F[@]}"
  promtool check metrics <"$TMP/ct.prom" >/dev/null 2>&1 || ct_fail "promtool rejects --textfile"
  grep -qxF "ctdump_entries{netns=\"$B\"} 1" "$TMP/ct.prom" || ct_fail "--textfile: no $B"
  echo "ok: -o prometheus / --textfile: netns labels, valid for promtool"
}

vanished() {
  # ctdump reads a FIFO as its table in every namespace; while it reads A's, B is
  # deleted. Namespaces are visited named ones first, by name, so B comes after A when
  # its name sorts after A's.
  local first="$A" second="$B"
  [[ "$A" < "$B" ]] || { first="$B"; second="$A"; }
  local fifo="$TMP/table.fifo" rc=0
  mkfifo "$fifo"
  touch "/run/netns/ctdump-unmounted-$$"
  ct_on_exit rm -f "/run/netns/ctdump-unmounted-$$"
  "$CTDUMP" -L --all-netns --backend "procfs:$fifo" >"$TMP/v.out" 2>"$TMP/v.err" &
  local pid=$! want deleted=0
  want="$(stat -L -c %i "/run/netns/$first")"
  # Feed the FIFO (empty) once per namespace until ctdump ends; delete `second` while
  # ctdump is inside `first`. The look at ctdump's namespace (and the deletion) happen
  # while the writer holds the FIFO open: ctdump is then blocked reading it, so it cannot
  # have moved on to the next namespace yet.
  while kill -0 "$pid" 2>/dev/null; do
    timeout 5 sh -c '
      exec 3>"$1"
      [ -e "$5" ] && exit 0
      [ "$(stat -L -c %i "/proc/$2/ns/net" 2>/dev/null)" = "$3" ] || exit 0
      ip netns del "$4" && touch "$5"' sh "$fifo" "$pid" "$want" "$second" "$TMP/deleted" ||
      continue
  done
  [[ -e "$TMP/deleted" ]] && deleted=1
  wait "$pid" || rc=$?
  [[ "$deleted" == 1 ]] || ct_fail "ctdump was never seen inside $first"
  [[ "$rc" == 0 ]] || { cat "$TMP/v.err" >&2; ct_fail "a vanished namespace changed the exit status to $rc"; }
  grep -q "network namespace $second vanished" "$TMP/v.err" ||
    { cat "$TMP/v.err" >&2; ct_fail "no 'vanished' message for $second"; }
  grep -qxF "# netns $first" "$TMP/v.out" || ct_fail "$first not listed"
  ! grep -qxF "# netns $second" "$TMP/v.out" || ct_fail "$second listed although deleted"
  grep -q "ctdump-unmounted-$$ is not a network namespace" "$TMP/v.err" ||
    ct_fail "no message for the unmounted /run/netns file"
  echo "ok: $second vanished mid-run: reported, skipped, exit 0; unmounted file reported"
}

usage() {
  local rc=0
  "$CTDUMP" --all-netns --netns "$A" >/dev/null 2>"$TMP/u.err" || rc=$?
  [[ "$rc" == 2 ]] || ct_fail "--all-netns --netns exited $rc, want 2"
  grep -q "cannot be combined" "$TMP/u.err" || ct_fail "--all-netns --netns: $(head -n 1 "$TMP/u.err")"
  echo "ok: --all-netns with --netns is a usage error"
}

ct_part "-L -o json" json
ct_part "-L text" text
ct_part "-C" count
ct_part "--summary" summary
ct_part "--summary --by netns" by_netns
ct_part "prometheus" prometheus
ct_part "usage" usage
ct_part "vanished namespace" vanished
ct_finish
