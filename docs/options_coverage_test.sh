#!/bin/bash
# File: docs/options_coverage_test.sh
#
# Contract: every option that `ctdump --help` lists (read from the built binary, so a new
# option fails this test until it is documented) appears
#   1. in docs/ctdump.1, as a whole token of the page's source with roff escapes removed;
#   2. in docs/completion/ctdump.bash: completing its first characters offers it;
# and --help itself fits 80 columns.
# Long options are taken as every `--name` token of the help text, with the abbreviated
# forms expanded (`--icmp-type/-code/-id` is --icmp-type, --icmp-code, --icmp-id); short
# options are the `-X,` tokens ("-o, --output").
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../tools/testing/netns.sh
source "$_lib"  # ct_runfile, ct_fail (no root needed for these)
fail() { ct_fail "$@"; }
runfile() { ct_runfile "$@"; }
CTDUMP="$(runfile cli/ctdump)" || fail "cli/ctdump is not built"
PAGE="$(runfile docs/ctdump.1)" || fail "docs/ctdump.1 not found"
COMPLETION="$(runfile docs/completion/ctdump.bash)" || fail "docs/completion/ctdump.bash not found"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/options_coverage.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

"$CTDUMP" --help >"$TMP/help" || fail "ctdump --help exited $?"
# 3. --help fits a terminal of 80 columns.
wide="$(awk 'length > 80 {print NR": "$0}' "$TMP/help")"
[[ -z "$wide" ]] || fail "--help lines wider than 80 columns: $wide"
# Long options, with "--x-type/-code/-id" expanded.
grep -oE -- '--[a-z][a-z0-9-]*(/-[a-z0-9]+)*' "$TMP/help" | while IFS= read -r tok; do
  base="${tok%%/*}"
  echo "$base"
  rest="${tok#"$base"}"
  stem="${base%-*}"
  while [[ -n "$rest" ]]; do
    rest="${rest#/-}"
    echo "$stem-${rest%%/*}"
    [[ "$rest" == */* ]] && rest="/${rest#*/}" || rest=""
  done
done | sort -u >"$TMP/long"
grep -oE -- '(^|[[:space:]])-[A-Za-z],' "$TMP/help" | tr -d ' ,' | sort -u >"$TMP/short"
[[ "$(wc -l <"$TMP/long")" -ge 40 ]] || fail "only $(wc -l <"$TMP/long") long options found in --help"
[[ "$(wc -l <"$TMP/short")" -ge 15 ]] || fail "only $(wc -l <"$TMP/short") short options found in --help"
echo "--help lists $(wc -l <"$TMP/long") long and $(wc -l <"$TMP/short") short options"

# The page's text with roff escapes removed: \- is -, font changes and \% vanish.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\%//g' "$PAGE" >"$TMP/page"

# Completions of WORD as the second word of `ctdump WORD`.
complete_word() {
  bash -c 'source "$1"; COMP_WORDS=(ctdump "$2"); COMP_CWORD=1; COMPREPLY=(); _ctdump
           printf "%s\n" "${COMPREPLY[@]}"' sh "$COMPLETION" "$1"
}

missing=0
while IFS= read -r opt; do
  if ! grep -qE -- "(^|[^a-zA-Z0-9-])${opt}([^a-zA-Z0-9-]|\$)" "$TMP/page"; then
    echo "MISSING in docs/ctdump.1: $opt" >&2
    missing=$((missing + 1))
  fi
  prefix="${opt:0:$(( ${#opt} > 4 ? ${#opt} - 2 : ${#opt} ))}"
  offered="$(complete_word "$prefix")"  # whole, not piped into grep -q (pipefail)
  if ! grep -qxF -- "$opt" <<<"$offered"; then
    echo "MISSING in docs/completion/ctdump.bash: $opt (completing '$prefix')" >&2
    missing=$((missing + 1))
  fi
done < <(cat "$TMP/long" "$TMP/short")
[[ "$missing" == 0 ]] || fail "$missing option(s) of ctdump --help are not documented or completed"
echo "ok: every option of --help is in docs/ctdump.1 and in docs/completion/ctdump.bash"
echo PASS
