#!/bin/bash
# File: cli/input_json_test.sh
#
# Contract (issue 15, item 7): `ctdump --input` reads ctdump's own JSON lines (a support
# bundle saved with `ctdump -L -o json`) as well as the /proc formats, line by line.
#  * Round trip: for every fixture of testdata/procfs, `-L -o json --input input.txt`
#    and then `-L --input` of that JSON prints, byte for byte, what `-L --input
#    input.txt` prints (default text), from a file, from standard input, and through the
#    parallel reader (a JSON file above 16 MiB). -o proc round-trips the same way.
#  * Filters and --summary work on JSON input.
#  * -E -o json event lines (the flow object plus event keys) read as the flows they carry.
#  * A malformed JSON line is named with its line number on stderr and skipped; the good
#    lines are still listed and the exit status is 1.
#  * The "netns" of -o json --all-netns lines is kept: -L prints "# netns NAME" before each
#    namespace's lines (the same lines as without namespaces), -o json keeps the key,
#    --summary --by netns ranks the namespaces, and -o xml says it cannot show them.
# No root needed.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../tools/testing/netns.sh
source "$_lib"  # ct_runfile, ct_fail (no root needed here)
runfile() { ct_runfile "$@"; }
fail() { ct_fail "$@"; }

CTDUMP="$(runfile cli/ctdump)" || fail "cli/ctdump is not built"
FIXTURES="$(dirname "$(runfile testdata/procfs/nf_conntrack-6.18/input.txt)")/.."
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/input_json.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Runs ctdump, keeping its exit status in $RC (0 and 1 are both expected here).
run() { RC=0; "$CTDUMP" "$@" || RC=$?; }

n=0
for dir in "$FIXTURES"/*/; do
  name="$(basename "$dir")"
  [[ -f "$dir/input.txt" ]] || continue
  n=$((n + 1))
  run -L --input "$dir/input.txt" >"$TMP/$name.direct" 2>/dev/null
  direct_rc=$RC
  run -L -o json --input "$dir/input.txt" >"$TMP/$name.json" 2>/dev/null
  [[ $RC == "$direct_rc" ]] || fail "$name: -o json exit $RC, text exit $direct_rc"
  [[ -s "$TMP/$name.json" ]] || fail "$name: no JSON written"

  run -L --input "$TMP/$name.json" >"$TMP/$name.back" 2>"$TMP/$name.err"
  [[ $RC == 0 ]] || fail "$name: --input of the JSON exit $RC: $(cat "$TMP/$name.err")"
  cmp -s "$TMP/$name.direct" "$TMP/$name.back" ||
    fail "$name: JSON round trip differs: $(diff "$TMP/$name.direct" "$TMP/$name.back" | head)"

  run -L --input - <"$TMP/$name.json" >"$TMP/$name.stdin" 2>/dev/null
  cmp -s "$TMP/$name.direct" "$TMP/$name.stdin" || fail "$name: JSON from stdin differs"

  run -L -o proc --input "$dir/input.txt" >"$TMP/$name.proc" 2>/dev/null
  run -L -o proc --input "$TMP/$name.json" >"$TMP/$name.proc2" 2>/dev/null
  cmp -s "$TMP/$name.proc" "$TMP/$name.proc2" || fail "$name: -o proc of the JSON differs"
done
[[ $n -ge 5 ]] || fail "only $n fixtures found under $FIXTURES"

# The parallel reader (regular files of 16 MiB and more): the JSON of the 6.18 fixture
# repeated until the file is that large must list the same lines, repeated as often.
one="$TMP/nf_conntrack-6.18.json"
cp "$one" "$TMP/big.json"
cp "$TMP/nf_conntrack-6.18.direct" "$TMP/big.want"
while [[ $(stat -c %s "$TMP/big.json") -lt $((17 * 1024 * 1024)) ]]; do
  cat "$TMP/big.json" "$TMP/big.json" >"$TMP/big.tmp" && mv "$TMP/big.tmp" "$TMP/big.json"
  cat "$TMP/big.want" "$TMP/big.want" >"$TMP/big.tmp" && mv "$TMP/big.tmp" "$TMP/big.want"
done
run -L --input "$TMP/big.json" >"$TMP/big.got" 2>"$TMP/big.err"
[[ $RC == 0 ]] || fail "big JSON: exit $RC: $(head -3 "$TMP/big.err")"
cmp -s "$TMP/big.want" "$TMP/big.got" || fail "big JSON (parallel read) differs"

# Filters and the summary on JSON input.
run -L -p tcp --input "$FIXTURES/nf_conntrack-6.18/input.txt" >"$TMP/tcp.direct" 2>/dev/null
run -L -p tcp --input "$one" >"$TMP/tcp.json" 2>/dev/null
[[ $RC == 0 ]] || fail "-p tcp on JSON: exit $RC"
[[ -s "$TMP/tcp.json" ]] || fail "-p tcp on JSON listed nothing"
cmp -s "$TMP/tcp.direct" "$TMP/tcp.json" || fail "-p tcp on JSON differs"
run --summary --input "$FIXTURES/nf_conntrack-6.18/input.txt" >"$TMP/sum.direct" 2>/dev/null
run --summary --input "$one" >"$TMP/sum.json" 2>/dev/null
[[ $RC == 0 ]] || fail "--summary on JSON: exit $RC"
cmp -s "$TMP/sum.direct" "$TMP/sum.json" || fail "--summary on JSON differs"

# -E -o json event lines: the flow object with event keys after "v".
head -1 "$one" | sed 's/^{"v":1,/{"v":1,"event":"destroy","time_ns":1764060998123456789,"portid":7,/' \
  >"$TMP/event.json"
grep -q '"event":"destroy"' "$TMP/event.json" || fail "could not make an event line"
run -L --input "$TMP/event.json" >"$TMP/event.out" 2>"$TMP/event.err"
[[ $RC == 0 ]] || fail "event line: exit $RC: $(cat "$TMP/event.err")"
cmp -s <(head -1 "$TMP/nf_conntrack-6.18.direct") "$TMP/event.out" || fail "event line differs"

# A malformed JSON line among good ones: named by line number, skipped, exit 1.
{ head -2 "$one"; echo '{"v":1,"source":'; sed -n 3p "$one"; } >"$TMP/bad.json"
run -L --input "$TMP/bad.json" >"$TMP/bad.out" 2>"$TMP/bad.err"
[[ $RC == 1 ]] || fail "malformed JSON: exit $RC, want 1"
grep -q "line 3: bad JSON line: " "$TMP/bad.err" || fail "malformed JSON: stderr: $(cat "$TMP/bad.err")"
cmp -s <(head -3 "$TMP/nf_conntrack-6.18.direct") "$TMP/bad.out" || fail "malformed JSON: good lines differ"

# A bundle of two namespaces, as -L --all-netns -o json writes it.
{ head -3 "$one" | sed 's/}$/,"netns":"blue"}/'; sed -n '4,5p' "$one" | sed 's/}$/,"netns":"pid:7"}/'; } \
  >"$TMP/ns.json"
run -L --input "$TMP/ns.json" >"$TMP/ns.out" 2>/dev/null
[[ $RC == 0 ]] || fail "netns bundle: exit $RC"
want_ns="$(echo "# netns blue"; sed -n '1,3p' "$TMP/nf_conntrack-6.18.direct"; echo "# netns pid:7"
  sed -n '4,5p' "$TMP/nf_conntrack-6.18.direct")"
[[ "$(cat "$TMP/ns.out")" == "$want_ns" ]] || { diff <(echo "$want_ns") "$TMP/ns.out" >&2; fail "netns bundle: -L differs"; }
run -L --input "$TMP/ns.json" -o json >"$TMP/ns.out.json" 2>/dev/null
[[ "$(grep -o '"netns":"[^"]*"}$' "$TMP/ns.out.json" | uniq -c | awk '{print $1, $2}')" == \
  "$(printf '3 "netns":"blue"}\n2 "netns":"pid:7"}')" ]] || fail "netns bundle: -o json lost the netns keys"
run --summary --input "$TMP/ns.json" --by netns >"$TMP/ns.sum" 2>/dev/null
grep -qx "  3 blue" "$TMP/ns.sum" && grep -qx "  2 pid:7" "$TMP/ns.sum" ||
  { cat "$TMP/ns.sum" >&2; fail "netns bundle: --summary --by netns"; }
run -L --input "$TMP/ns.json" -o xml >/dev/null 2>"$TMP/ns.xml.err"
grep -q 'network namespaces ("netns") are not shown' "$TMP/ns.xml.err" || fail "netns bundle: -o xml said nothing"

echo "PASS ($n fixtures)"
