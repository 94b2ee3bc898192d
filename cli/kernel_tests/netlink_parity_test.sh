#!/bin/bash
# File: cli/kernel_tests/netlink_parity_test.sh
#
# Contract: in a throwaway network namespace holding real traffic (ct_real_traffic) and
# `ctgen --diverse`, with accounting and timestamps on:
#   * `ctdump -L` (auto, which must pick netlink) and `ctdump -L --backend netlink` print
#     what `conntrack -L` prints, after ct_normalize (timeout, delta-time, use; sorted);
#   * the same with `-o extended`, `-o id` and `-o extended,id` (ids are stable, so they
#     are compared exactly);
#   * `--backend netlink` and `--backend procfs` agree once the fields procfs cannot know
#     are dropped: `id=` and `helper=` (docs/procfs-format.md 2.7); `use=` is normalised;
#   * `ctdump -v -L` names the netlink backend on stderr;
#   * every ctdump run exits 0 and its "N flow entries have been shown." matches its lines.
# Skips: not root / no namespaces; the procfs comparison alone when the kernel has no
# /proc/net/nf_conntrack. CTDUMP_REQUIRE_KERNEL=1 turns skips into failures.
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/netlink_parity.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
ct_enable_acct_tstamp "$NS"
ct_real_traffic "$NS"
ip netns exec "$NS" "$CTGEN" --diverse -q
X=(ip netns exec "$NS")

# want TAG OPTS...: `conntrack -L OPTS`, normalised, into $TMP/TAG/want.
want() {
  local d="$TMP/$1"
  shift
  mkdir -p "$d"
  local ref="conntrack -L${*:+ $*}"
  ct_run "$ref" "$d/conntrack.out" "$d/conntrack.err" "${X[@]}" conntrack -L "$@"
  ct_normalize <"$d/conntrack.out" >"$d/want"
  [[ -s "$d/want" ]] || ct_fail "$ref listed nothing"
}

# compare TAG BACKEND OPTS...: `ctdump -L OPTS [--backend BACKEND]` vs $TMP/TAG/want.
compare() {
  local d="$TMP/$1" backend="$2"
  shift 2
  local args=(-L "$@") ref="conntrack -L${*:+ $*}"
  [[ "$backend" == auto ]] || args+=(--backend "$backend")
  ct_run "ctdump ${args[*]}" "$d/$backend.out" "$d/$backend.err" "${X[@]}" "$CTDUMP" "${args[@]}"
  ct_check_summary "ctdump ${args[*]}" "$d/$backend.out" "$d/$backend.err"
  ct_normalize <"$d/$backend.out" >"$d/$backend.norm"
  ct_compare "$ref" "$d/want" "ctdump ${args[*]}" "$d/$backend.norm" ||
    ct_fail "ctdump ${args[*]} differs from $ref (see above)"
  echo "ok: ctdump ${args[*]} == $ref ($(wc -l <"$d/want") entries)"
}

want default
want extended -o extended
want id -o id
want extended-id -o extended,id
grep -q ' id=[0-9]' "$TMP/id/want" || ct_fail "conntrack -o id printed no ids"
for backend in auto netlink; do
  ct_part "-L ($backend)" compare default "$backend"
  ct_part "-L -o extended ($backend)" compare extended "$backend" -o extended
  ct_part "-L -o id ($backend)" compare id "$backend" -o id
  ct_part "-L -o extended,id ($backend)" compare extended-id "$backend" -o extended,id
done

# --- netlink vs procfs.
netlink_vs_procfs() {
  local d="$TMP/backends"
  mkdir -p "$d"
  ct_run "ctdump --backend netlink" "$d/netlink.out" "$d/netlink.err" \
    "${X[@]}" "$CTDUMP" -L --backend netlink
  ct_run "ctdump --backend procfs" "$d/procfs.out" "$d/procfs.err" \
    "${X[@]}" "$CTDUMP" -L --backend procfs
  ct_check_summary "ctdump --backend procfs" "$d/procfs.out" "$d/procfs.err"
  ct_normalize --drop id --drop helper <"$d/netlink.out" >"$d/netlink.norm"
  ct_normalize --drop id --drop helper <"$d/procfs.out" >"$d/procfs.norm"
  ct_compare "ctdump --backend netlink" "$d/netlink.norm" \
    "ctdump --backend procfs" "$d/procfs.norm" ||
    ct_fail "the netlink and procfs backends disagree (see above)"
  echo "ok: --backend netlink == --backend procfs (id/helper dropped)"
}
if "${X[@]}" test -r /proc/net/nf_conntrack; then
  ct_part "netlink vs procfs" netlink_vs_procfs
else
  ct_skip_part "netlink vs procfs: kernel has no /proc/net/nf_conntrack"
fi

# --- -v names the backend.
verbose_names_netlink() {
  local d="$TMP/verbose"
  mkdir -p "$d"
  ct_run "ctdump -v -L" "$d/out" "$d/err" "${X[@]}" "$CTDUMP" -v -L
  if ! grep -qi 'netlink' "$d/err"; then
    echo "--- stderr of ctdump -v -L:" >&2
    head -n 20 "$d/err" >&2
    ct_fail "ctdump -v -L does not name the netlink backend on stderr"
  fi
  echo "ok: ctdump -v -L names the netlink backend"
}
ct_part "-v names netlink" verbose_names_netlink
ct_finish
