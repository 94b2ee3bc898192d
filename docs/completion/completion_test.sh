#!/bin/bash
# File: docs/completion/completion_test.sh
#
# Contract of docs/completion/ctdump.bash, checked by simulating bash's completion
# (COMP_WORDS/COMP_CWORD, then the function `complete -p ctdump` names):
#   1. sourcing it registers `complete -F _ctdump ctdump`;
#   2. fixed cases: `ctdump -p t<TAB>` is tcp; `ctdump -p tcp --state EST<TAB>` is
#      ESTABLISHED; sctp and dccp states (also after `-p 132`, `--proto=dccp`);
#      `ctdump -o <TAB>` is the -o words, `-o ext,j<TAB>` is ext,json;
#      `ctdump --backend <TAB>` is auto netlink procfs procfs:, and `--backend=pro<TAB>`
#      and `--backend procfs:/<TAB>` (bash splits at = and :) complete the right part;
#      `ctdump --net<TAB>` is --netns; `--netns <TAB>` offers the names `ip netns` lists
#      (a stand-in `ip` on PATH, so no root is needed); `--input <TAB>` offers files;
#      -e, -u (with !), -f, -L's table word;
#   3. every protocol word it offers after -p, and every state it offers after --state
#      for tcp, sctp and dccp, is accepted by the built ctdump (`-L --input /dev/null`);
#   4. its lists are complete: every name of core/protocols.cc and conntrack's names
#      (tcp udp udplite icmp icmpv6 sctp gre dccp), and every state of core/kernel.cc's
#      tables (plus LISTEN). Those sources are not visible to //docs/completion, so they
#      are read from the source tree found through this test's runfile symlinks (the
#      part is skipped when there is no source tree, e.g. in an installed copy).
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"  # ct_runfile, ct_fail (no root needed for these)
fail() { ct_fail "$@"; }
runfile() { ct_runfile "$@"; }
COMPLETION="$(runfile docs/completion/ctdump.bash)" || fail "docs/completion/ctdump.bash not found"
CTDUMP="$(runfile cli/ctdump)" || fail "cli/ctdump is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/completion.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# A stand-in `ip` for `ip netns list` (the format of iproute2 6.1: "NAME (id: N)" or "NAME").
mkdir -p "$TMP/bin" "$TMP/files/sub"
cat >"$TMP/bin/ip" <<'EOF'
#!/bin/sh
[ "$1 $2" = "netns list" ] && printf 'blue (id: 3)\nred\ngreen (id: 0)\n'
EOF
chmod +x "$TMP/bin/ip"
touch "$TMP/files/capture.txt" "$TMP/files/cat.txt"

# The registration, in a shell that sourced the script.
reg="$(bash -c 'source "$1" && complete -p ctdump' sh "$COMPLETION")" ||
  fail "sourcing ctdump.bash failed or registered nothing"
[[ "$reg" == "complete -F _ctdump ctdump" ]] || fail "complete -p ctdump says: $reg"
echo "ok: $reg"

# comp WORD...: the candidates, one per line, when the cursor ends the last WORD (words
# exactly as bash splits them, i.e. "=" and ":" are words of their own). Runs the
# function that `complete -p ctdump` names, with COMP_WORDBREAKS as in an interactive
# bash.
comp() {
  PATH="$TMP/bin:$PATH" bash -c '
    source "$1"; shift
    COMP_WORDBREAKS=$'"'"' \t\n"\x27><=;|&(:'"'"'
    fn="$(complete -p ctdump | sed -E "s/.*-F ([^ ]+) .*/\1/")"
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
    "$fn" ctdump "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' sh "$COMPLETION" "$@" | LC_ALL=C sort -u | tr '\n' ' ' |
    sed 's/ $//'
}

# expect "CANDIDATES" WORD...: exactly these candidates (sorted, space-separated).
expect() {
  local want="$1" got
  shift
  want="$(tr ' ' '\n' <<<"$want" | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')"
  got="$(comp "$@")"
  [[ "$got" == "$want" ]] || fail "completing '$*': got [$got], want [$want]"
  echo "ok: '$*' -> $got"
}

expect "tcp" ctdump -p t
expect "ESTABLISHED" ctdump -p tcp --state EST
expect "ESTABLISHED" ctdump -p TCP --state EST
expect "SYN_SENT SYN_RECV SYN_SENT2" ctdump -p tcp --state SYN
expect "ESTABLISHED" ctdump -p 6 -s 10.0.0.1 --state ES
expect "COOKIE_WAIT COOKIE_ECHOED CLOSED" ctdump -p 132 --state C
expect "REQUEST RESPOND" ctdump --proto = dccp --state RE
expect "" ctdump -p udp --state ""
expect "" ctdump --state E
expect "extended id ktimestamp labels xml timestamp userspace json proc prometheus" ctdump -o ""
expect "ext,json" ctdump -o ext,j
expect "proc prometheus" ctdump --output p
expect "auto netlink procfs procfs:" ctdump --backend ""
expect "procfs procfs:" ctdump --backend = pro
expect "--netns" ctdump --net
expect "blue red green" ctdump --netns ""
expect "red" ctdump -v --netns r
expect "$TMP/files/capture.txt $TMP/files/cat.txt" ctdump --input "$TMP/files/ca"
expect "$TMP/files/sub" ctdump --input "$TMP/files/s"
expect "$TMP/files/sub" ctdump --backend procfs : "$TMP/files/s"
expect "NEW" ctdump -E -e N
expect "DESTROY,NEW" ctdump -E -e DESTROY,N
expect "!ASSURED" ctdump -u '!AS'
expect "SEEN_REPLY,!ASSURED" ctdump -u 'SEEN_REPLY,!A'
expect "ipv4 ipv6" ctdump -f ""
expect "conntrack" ctdump -L ""
expect "--icmp-type --icmp-code --icmp-id --icmpv6-type --icmpv6-code --icmpv6-id" ctdump --icmp
expect "" ctdump --top ""
expect "src,dport src,dst" ctdump --summary --by src,d
expect "reply-src reply-dst reply-sport reply-dport" ctdump --summary --by reply
expect "bytes" ctdump --summary --sort b

# --- 3. Every offered protocol and state is accepted by ctdump.
read -r -a protos <<<"$(comp ctdump -p "")"
[[ "${#protos[@]}" -gt 100 ]] || fail "only ${#protos[@]} protocol names offered"
bad=0
for p in "${protos[@]}"; do
  "$CTDUMP" -L -p "$p" --input /dev/null >/dev/null 2>"$TMP/err" ||
    { echo "ctdump refuses -p $p: $(head -n 1 "$TMP/err")" >&2; bad=$((bad + 1)); }
done
[[ "$bad" == 0 ]] || fail "$bad offered protocol name(s) refused by ctdump"
echo "ok: ctdump accepts all ${#protos[@]} offered protocol names"
declare -A offered_states
for p in tcp sctp dccp; do
  read -r -a states <<<"$(comp ctdump -p "$p" --state "")"
  [[ "${#states[@]}" -ge 10 ]] || fail "only ${#states[@]} $p states offered"
  offered_states[$p]=" ${states[*]} "
  for s in "${states[@]}"; do
    "$CTDUMP" -L -p "$p" --state "$s" --input /dev/null >/dev/null 2>"$TMP/err" ||
      fail "ctdump refuses -p $p --state $s: $(head -n 1 "$TMP/err")"
  done
  echo "ok: ctdump accepts the ${#states[@]} offered $p states"
done

# --- 4. The lists are complete (against the sources).
src="$(readlink -f "$COMPLETION")"
root="${src%/docs/completion/ctdump.bash}"
if [[ ! -f "$root/core/protocols.cc" || ! -f "$root/core/kernel.cc" ]]; then
  echo "SKIP (part): no source tree next to $src (core/protocols.cc, core/kernel.cc)"
  echo PASS
  exit 0
fi
all=" ${protos[*]} "
names="$(grep -oE '^ *\{"[^"]+", [0-9]+\},' "$root/core/protocols.cc" | sed -E 's/^ *\{"([^"]+)".*/\1/')"
[[ "$(wc -l <<<"$names")" -gt 100 ]] || fail "could not read the names of core/protocols.cc"
for p in tcp udp udplite icmp icmpv6 sctp gre dccp $names; do
  [[ "$all" == *" $p "* ]] || fail "-p does not offer '$p' (core/protocols.cc or conntrack's names)"
done
echo "ok: -p offers every name of core/protocols.cc and conntrack's names"
for pair in tcp:kTcpStates sctp:kSctpStates dccp:kDccpStates; do
  p="${pair%%:*}"
  table="${pair#*:}"
  # The initializer of the table: from its name to the closing "};".
  want="$(sed -n "/$table = {/,/};/p" "$root/core/kernel.cc" | grep -oE '"[A-Z_0-9]+"' | tr -d '"')"
  [[ "$(wc -w <<<"$want")" -ge 10 ]] || fail "could not read $table from core/kernel.cc"
  [[ "$p" == tcp ]] && want+=" LISTEN"
  for s in $want; do
    [[ "${offered_states[$p]}" == *" $s "* ]] || fail "--state after -p $p does not offer $s ($table)"
  done
  for s in ${offered_states[$p]}; do
    [[ " $(tr '\n' ' ' <<<"$want") " == *" $s "* ]] || fail "--state after -p $p offers $s, not in $table"
  done
done
echo "ok: --state offers exactly core/kernel.cc's states for tcp (+LISTEN), sctp and dccp"
echo PASS
