#!/bin/bash
# File: cli/kernel_tests/privileges_test.sh
#
# Contract (issue 7): without the privilege to read the table, ctdump says so and lists
# nothing; it never presents a partial list as complete. In a throwaway namespace with
# 100 ctgen entries:
#   * as nobody (setpriv: uid/gid 65534, no groups, no capabilities), `ctdump -L` with
#     --backend auto, netlink and procfs exits 1 with nothing on stdout, no summary line,
#     and an error that names the missing privilege: CAP_NET_ADMIN and root (auto,
#     netlink), root (procfs: the file is mode 0440, root's);
#   * as nobody, `ctdump --netns NS -L` from the root namespace exits 1 naming
#     CAP_SYS_ADMIN and root (entering a namespace needs it);
#   * as root without CAP_NET_ADMIN (bounding set dropped), `--backend netlink` exits 1
#     naming CAP_NET_ADMIN, while auto falls back to /proc/net/nf_conntrack (the file
#     needs root's uid, not the capability), lists all 100 entries, and -v says why
#     netlink was passed over.
# The binary is copied to a directory nobody can reach (Bazel's output tree under /root
# is not). Skips only without root or namespaces (fails with CTDUMP_REQUIRE_KERNEL=1).
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
command -v setpriv >/dev/null || ct_fail "setpriv (util-linux) is not installed"
CTDUMP_SRC="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
# World-readable: nobody must be able to execute the copy and write nothing but stdout.
BIN="$(mktemp -d /tmp/ctdump-privileges.XXXXXX)"
ct_on_exit rm -rf "$BIN"
chmod 755 "$BIN"
cp "$CTDUMP_SRC" "$BIN/ctdump"
chmod 755 "$BIN/ctdump"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/privileges.XXXXXX")"
ct_on_exit rm -rf "$TMP"

ct_netns_create NS
X=(ip netns exec "$NS")
"${X[@]}" "$CTGEN" --count 100 --mix mixed --v6-percent 30 --seed 9 -q
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all
        --bounding-set=-all)
NO_NET_ADMIN=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin)

# refused NAME WANT... -- CMD...: CMD exits 1, prints nothing on stdout, no summary line,
# and its stderr contains every WANT.
refused() {
  local name="$1" rc=0 w
  shift
  local want=()
  while [[ "$1" != "--" ]]; do want+=("$1"); shift; done
  shift
  timeout 60 "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [[ "$rc" == 1 ]] || { cat "$TMP/err" >&2; ct_fail "$name: exit $rc, want 1"; }
  [[ ! -s "$TMP/out" ]] || ct_fail "$name: printed $(wc -l <"$TMP/out") lines on stdout"
  ! grep -q "flow entries have been shown" "$TMP/err" ||
    ct_fail "$name: a summary line although nothing could be read"
  for w in "${want[@]}"; do
    grep -qF -- "$w" "$TMP/err" || { cat "$TMP/err" >&2; ct_fail "$name: stderr lacks '$w'"; }
  done
  echo "ok: $name: exit 1, nothing listed, stderr: $(head -n 1 "$TMP/err")"
}

as_nobody() {
  refused "nobody -L" CAP_NET_ADMIN root "/proc/net/nf_conntrack" -- \
    "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" -L
  refused "nobody -L --backend netlink" CAP_NET_ADMIN root -- \
    "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" -L --backend netlink
  refused "nobody -L --backend procfs" "permission denied" root -- \
    "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" -L --backend procfs
  refused "nobody -L -o json" CAP_NET_ADMIN root -- \
    "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" -L -o json
  refused "nobody --netns $NS -L" CAP_SYS_ADMIN root -- \
    "${NOBODY[@]}" "$BIN/ctdump" --netns "$NS" -L
}

without_net_admin() {
  refused "root without CAP_NET_ADMIN, --backend netlink" CAP_NET_ADMIN root -- \
    "${X[@]}" "${NO_NET_ADMIN[@]}" "$BIN/ctdump" -L --backend netlink
  ct_run "root without CAP_NET_ADMIN, -L -v" "$TMP/fb.out" "$TMP/fb.err" \
    "${X[@]}" "${NO_NET_ADMIN[@]}" "$BIN/ctdump" -L -v
  ct_check_summary "root without CAP_NET_ADMIN" "$TMP/fb.out" "$TMP/fb.err"
  [[ "$(wc -l <"$TMP/fb.out")" == 100 ]] ||
    ct_fail "fallback listed $(wc -l <"$TMP/fb.out") entries, want 100"
  grep -q "skipped backend netlink: .*CAP_NET_ADMIN" "$TMP/fb.err" ||
    ct_fail "-v does not say why netlink was passed over"
  grep -q "using backend procfs /proc/net/nf_conntrack" "$TMP/fb.err" ||
    ct_fail "-v does not name the procfs fallback"
  echo "ok: root without CAP_NET_ADMIN falls back to /proc/net/nf_conntrack: 100 entries"
}

ct_part "as nobody" as_nobody
if "${X[@]}" test -e /proc/net/nf_conntrack; then
  ct_part "root without CAP_NET_ADMIN" without_net_admin
else
  ct_skip_part "kernel has no /proc/net/nf_conntrack: no fallback to check"
fi
ct_finish
