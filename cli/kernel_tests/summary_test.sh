#!/bin/bash
# File: cli/kernel_tests/summary_test.sh
#
# Contract of `ctdump --summary` and `ctdump -o prometheus` against a live kernel, in a
# throwaway namespace filled with `ctgen --diverse` and `ctgen --count 3000` (mixed
# protocols, 20% IPv6):
#   1. every count of `--summary --top 10000` (exact: more counters than keys) equals the
#      same count computed with awk from `conntrack -L -o extended` of the same table:
#      entries, families, protocols, protocol states, zones, and the full source,
#      destination and destination-port lists; `table:` equals `conntrack -C`;
#   2. `--summary --top 5` (3000+ distinct sources, more than its 1024 counters) says it
#      is approximate, never under-counts, and lists the five busiest destination ports
#      exactly (10 distinct ports: exact);
#   3. `-o prometheus` passes `promtool check metrics` and its series agree with the
#      summary (entries, per-protocol sum, success, backend);
#   4. filters apply: `--summary -p udp` counts only UDP entries;
#   5. -o prometheus carries the kernel's statistics: every ctdump_stat_NAME_total equals
#      the sum over CPUs of NAME= in `conntrack -S` (the namespace is quiet, so they hold
#      still), and without CAP_NET_ADMIN the output still works and says where the
#      statistics came from (/proc/net/stat/nf_conntrack) or that they are unreadable;
#   6. `--summary --by proto --top 10000` lists exactly the protocol counts, and
#      `--by src,dport` adds up to the entries.
# DCCP entries have no ports on 6.17+ kernels (conntrack prints sport=0 dport=0 for
# them); the summary counts ports only for entries that have them, so the awk does too.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v promtool >/dev/null ||
  ct_fail "promtool is not installed (tools/setup.sh installs Debian's prometheus)"
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/summary.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
X=(ip netns exec "$NS")
"${X[@]}" "$CTGEN" --diverse -q 2>/dev/null || ct_fail "ctgen --diverse failed"
"${X[@]}" "$CTGEN" --count 3000 --mix mixed --v6-percent 20 --seed 3 -q ||
  ct_fail "ctgen --count 3000 failed"
ct_run "conntrack -L -o extended" "$TMP/c.txt" "$TMP/c.err" "${X[@]}" conntrack -L -o extended
ct_run "ctdump --summary" "$TMP/s.txt" "$TMP/s.err" "${X[@]}" "$CTDUMP" --summary --top 10000

# --- What the awk computes from conntrack's lines: "SECTION KEY COUNT" lines, sorted.
awk '
function first(name,   i) { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2); return "" }
{
  fam[$1]++
  p = ($3 == "unknown") ? "unknown(" $4 ")" : $3
  proto[p]++
  if (($3 == "tcp" || $3 == "sctp" || $3 == "dccp") && $6 ~ /^[A-Z_0-9]+$/) state[$3 "/" $6]++
  z = first("zone"); if (z == "") z = first("zone-orig"); if (z == "") z = first("zone-reply"); if (z == "") z = 0
  zone[z]++
  src[first("src")]++
  dst[first("dst")]++
  if ($3 == "tcp" || $3 == "udp" || $3 == "udplite" || $3 == "sctp" || ($3 == "dccp" && !(first("sport") == "0" && first("dport") == "0")))
    dport[$3 "/" first("dport")]++
  n++
}
END {
  print "entries", "-", n
  for (k in fam) print "family", k, fam[k]
  for (k in proto) print "protocol", k, proto[k]
  for (k in state) print "state", k, state[k]
  for (k in zone) print "zone", k, zone[k]
  for (k in src) print "src", k, src[k]
  for (k in dst) print "dst", k, dst[k]
  for (k in dport) print "dport", k, dport[k]
}' "$TMP/c.txt" | LC_ALL=C sort >"$TMP/want"

# --- The same facts read back from ctdump's summary text.
summary_facts() {
  awk '
  /^entries: / { print "entries", "-", $2; next }
  /^(family|protocol|state|zone): / {
    sec = substr($1, 1, length($1) - 1)
    for (i = 2; i <= NF; i++) { split($i, kv, "="); print sec, kv[1], kv[2] }
    next
  }
  /^top .* sources / { sec = "src"; next }
  /^top .* destinations / { sec = "dst"; next }
  /^top .* destination ports / { sec = "dport"; next }
  /^  [0-9]+ / { if ($2 != "other") print sec, $2, $1 }
  ' "$1" | LC_ALL=C sort
}

exact_counts() {
  summary_facts "$TMP/s.txt" >"$TMP/got"
  ct_compare "counts from conntrack -L" "$TMP/want" "ctdump --summary" "$TMP/got" ||
    ct_fail "--summary counts differ from conntrack -L"
  grep -q '^top 10000 sources (exact; ' "$TMP/s.txt" || ct_fail "--top 10000 is not exact"
  local count
  count="$("${X[@]}" conntrack -C)"
  grep -qE "^table: $count of [0-9]+ entries" "$TMP/s.txt" ||
    { grep '^table' "$TMP/s.txt" >&2; ct_fail "table count differs from conntrack -C ($count)"; }
  echo "ok: --summary == conntrack -L ($(grep -c . "$TMP/want") counts, $(wc -l <"$TMP/c.txt") entries)"
}

approximate_top() {
  ct_run "ctdump --summary --top 5" "$TMP/s5.txt" "$TMP/s5.err" "${X[@]}" "$CTDUMP" --summary --top 5
  grep -q '^top 5 sources (approximate: ' "$TMP/s5.txt" || ct_fail "--top 5 sources should be approximate"
  summary_facts "$TMP/s5.txt" | awk '$1 == "src" || $1 == "dst"' >"$TMP/top5"
  # Never under-counted: each listed count >= the true count.
  local sec key cnt truth
  while read -r sec key cnt; do
    truth="$(awk -v s="$sec" -v k="$key" '$1 == s && $2 == k {print $3}' "$TMP/want")"
    [[ -n "$truth" && "$cnt" -ge "$truth" ]] || ct_fail "--top 5: $sec $key counted $cnt, true ${truth:-none}"
  done <"$TMP/top5"
  # The five busiest destination ports, exactly (ties broken differently, so compare counts).
  grep -q '^top 5 destination ports (exact; ' "$TMP/s5.txt" || ct_fail "ports should be exact"
  summary_facts "$TMP/s5.txt" | awk '$1 == "dport" {print $3}' | sort -n >"$TMP/p5.got"
  awk '$1 == "dport" {print $3}' "$TMP/want" | sort -rn | head -5 | sort -n >"$TMP/p5.want"
  ct_compare "5 largest port counts" "$TMP/p5.want" "--top 5 port counts" "$TMP/p5.got" ||
    ct_fail "--top 5 ports differ"
  echo "ok: --top 5: approximate sources never under-counted, exact ports"
}

prometheus() {
  ct_run "ctdump -o prometheus" "$TMP/m.prom" "$TMP/m.err" "${X[@]}" "$CTDUMP" -o prometheus --top 5
  local lint
  lint="$(promtool check metrics <"$TMP/m.prom" 2>&1)" || { echo "$lint" >&2; ct_fail "promtool rejected -o prometheus"; }
  [[ -z "$lint" ]] || { echo "$lint" >&2; ct_fail "promtool lint problems in -o prometheus"; }
  local n sum
  n="$(wc -l <"$TMP/c.txt")"
  grep -qx "ctdump_entries $n" "$TMP/m.prom" || ct_fail "ctdump_entries is not $n"
  sum="$(awk '/^ctdump_entries_by_protocol\{/ {s += $2} END {print s}' "$TMP/m.prom")"
  [[ "$sum" == "$n" ]] || ct_fail "entries by protocol add up to $sum, not $n"
  grep -qx 'ctdump_dump_success 1' "$TMP/m.prom" || ct_fail "ctdump_dump_success is not 1"
  grep -qx 'ctdump_backend_info{backend="netlink"} 1' "$TMP/m.prom" || ct_fail "no backend info"
  local series
  series="$(grep -c '^ctdump_top_source_entries{' "$TMP/m.prom")"
  [[ "$series" == 6 ]] || ct_fail "want 5 top sources + other, got $series series"
  echo "ok: -o prometheus passes promtool ($(grep -c '^ctdump_' "$TMP/m.prom") samples)"
}

kernel_stats() {
  ct_run "conntrack -S" "$TMP/S.txt" "$TMP/S.err" "${X[@]}" conntrack -S
  ct_run "ctdump -o prometheus" "$TMP/k.prom" "$TMP/k.err" "${X[@]}" "$CTDUMP" -o prometheus --top 0
  grep -qx 'ctdump_stats_success 1' "$TMP/k.prom" || ct_fail "ctdump_stats_success is not 1"
  grep -q '^# TYPE ctdump_stat_insert_total counter$' "$TMP/k.prom" || ct_fail "no insert counter"
  awk '{for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[2] != "") s[kv[1]] += kv[2]}}
       END {for (k in s) print "ctdump_stat_" k "_total", s[k]}' "$TMP/S.txt" | sort >"$TMP/S.want"
  grep '^ctdump_stat_' "$TMP/k.prom" | sort >"$TMP/S.got"
  ct_compare "conntrack -S summed over CPUs" "$TMP/S.want" "ctdump_stat_*" "$TMP/S.got" ||
    ct_fail "ctdump_stat_* differ from conntrack -S"
  echo "ok: $(wc -l <"$TMP/S.got") kernel counters equal conntrack -S"
  # Without CAP_NET_ADMIN: ctnetlink refuses; the statistics come from /proc or are
  # reported unreadable, and the summary is there either way.
  local rc=0
  "${X[@]}" setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$CTDUMP" -o prometheus \
    --top 0 >"$TMP/n.prom" 2>"$TMP/n.err" || rc=$?
  [[ "$rc" == 0 || "$rc" == 1 ]] || ct_fail "without CAP_NET_ADMIN: exit $rc"
  grep -q '^ctdump_dump_success ' "$TMP/n.prom" || ct_fail "without CAP_NET_ADMIN: no summary"
  if grep -qx 'ctdump_stats_success 1' "$TMP/n.prom"; then
    grep -qx 'ctdump_stats_source_info{source="/proc/net/stat/nf_conntrack"} 1' "$TMP/n.prom" ||
      ct_fail "without CAP_NET_ADMIN the statistics must come from /proc"
  else
    grep -qx 'ctdump_stats_success 0' "$TMP/n.prom" || ct_fail "no ctdump_stats_success"
    grep -q '^# kernel conntrack statistics unreadable: ' "$TMP/n.prom" ||
      ct_fail "unreadable statistics without a comment saying why"
  fi
  echo "ok: without CAP_NET_ADMIN: $(grep '^ctdump_stats_s' "$TMP/n.prom" | tr '\n' ' ')"
}

grouped() {
  ct_run "ctdump --summary --by proto" "$TMP/g.txt" "$TMP/g.err" "${X[@]}" "$CTDUMP" --summary \
    --by proto --top 10000
  sed -n 's/^protocol: //p' "$TMP/g.txt" | tr ' ' '\n' | awk -F= '{print $2, $1}' | sort >"$TMP/g.want"
  awk '/^top 10000 by proto/ {on = 1; next} on && $2 != "other" {print $1, $2}' "$TMP/g.txt" |
    sort >"$TMP/g.got"
  ct_compare "protocol: line" "$TMP/g.want" "--by proto list" "$TMP/g.got" ||
    ct_fail "--by proto differs from the protocol counts"
  ct_run "ctdump --summary --by src,dport" "$TMP/h.txt" "$TMP/h.err" "${X[@]}" "$CTDUMP" --summary \
    --by src,dport --top 10000
  local n sum
  n="$(wc -l <"$TMP/c.txt")"
  sum="$(awk '/^top 10000 by src,dport \(exact; / {on = 1; next} on {s += $1} END {print s}' "$TMP/h.txt")"
  [[ "$sum" == "$n" ]] || ct_fail "--by src,dport adds up to ${sum:-nothing}, not $n"
  echo "ok: --by proto equals the protocol counts; --by src,dport adds up to $n"
}

filtered() {
  ct_run "ctdump --summary -p udp" "$TMP/u.txt" "$TMP/u.err" "${X[@]}" "$CTDUMP" --summary -p udp
  local n
  n="$(awk '$3 == "udp"' "$TMP/c.txt" | wc -l)"
  grep -qx "entries: $n" "$TMP/u.txt" || ct_fail "--summary -p udp: want entries: $n"
  grep -qx "protocol: udp=$n" "$TMP/u.txt" || ct_fail "--summary -p udp: other protocols counted"
  echo "ok: --summary -p udp: $n entries"
}

ct_part "--summary counts == conntrack -L" exact_counts
ct_part "--top 5 approximate lists" approximate_top
ct_part "-o prometheus passes promtool" prometheus
ct_part "--summary with a filter" filtered
ct_part "-o prometheus: kernel statistics == conntrack -S" kernel_stats
ct_part "--summary --by" grouped
ct_finish
