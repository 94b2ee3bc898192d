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
#     CAP_SYS_ADMIN and root (entering a namespace needs it); `--netns pid:1` names
#     /proc/1/ns/net and EACCES (not "needs root"); -v says "trying backend netlink",
#     never "using", for the refused source;
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
  # /proc/1/ns/net gives nobody EACCES (the ptrace check): the message names the path and
  # the errno, not "needs root" (issue 12, item 17).
  refused "nobody --netns pid:1 -L" /proc/1/ns/net EACCES -- \
    "${NOBODY[@]}" "$BIN/ctdump" --netns pid:1 -L
  if grep -q "needs root" "$TMP/err"; then ct_fail "--netns pid:1: stderr says 'needs root'"; fi
  # -v says "trying" before it knows whether the source answers (item 17).
  "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" -L -v --backend netlink >"$TMP/out" 2>"$TMP/err" || true
  grep -q "trying backend netlink" "$TMP/err" || ct_fail "-v: no 'trying backend netlink'"
  if grep -q "using backend netlink" "$TMP/err"; then
    ct_fail "-v says 'using backend netlink' although it was refused"
  fi
  echo "ok: -v says 'trying backend netlink', not 'using'"
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

# --textfile (issue 12, item 14): run as nobody, a stale file that said success is
# replaced by one that says failure (ctdump_dump_success 0 and the error's class), exit 1,
# and no temporary file is left; as root in the namespace it publishes success.
textfile() {
  local dir="$BIN/textfile"
  mkdir "$dir"
  chown nobody "$dir"
  printf 'ctdump_dump_success 1\n' >"$dir/conntrack.prom"
  local rc=0
  "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" --textfile "$dir/conntrack.prom" \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
  [[ "$rc" == 1 ]] || { cat "$TMP/err" >&2; ct_fail "--textfile as nobody: exit $rc, want 1"; }
  [[ ! -s "$TMP/out" ]] || ct_fail "--textfile wrote to stdout"
  grep -qx 'ctdump_dump_success 0' "$dir/conntrack.prom" ||
    ct_fail "--textfile as nobody did not publish ctdump_dump_success 0: $(grep success "$dir/conntrack.prom")"
  grep -q '^ctdump_dump_error_info{class="[a-z_]*"} 1$' "$dir/conntrack.prom" ||
    ct_fail "--textfile as nobody: no error class: $(grep error_info "$dir/conntrack.prom")"
  [[ "$(ls -A "$dir")" == conntrack.prom ]] || ct_fail "--textfile left files: $(ls -A "$dir")"
  rc=0
  "${X[@]}" "${NOBODY[@]}" "$BIN/ctdump" --backend netlink --textfile "$dir/conntrack.prom" \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
  [[ "$rc" == 1 ]] || ct_fail "--textfile --backend netlink as nobody: exit $rc, want 1"
  grep -q '^ctdump_dump_error_info{class="permission_denied"} 1$' "$dir/conntrack.prom" ||
    ct_fail "--textfile --backend netlink as nobody: $(grep error_info "$dir/conntrack.prom")"
  "${X[@]}" "$BIN/ctdump" --textfile "$dir/conntrack.prom" >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; ct_fail "--textfile as root failed"; }
  grep -qx 'ctdump_dump_success 1' "$dir/conntrack.prom" || ct_fail "--textfile as root: no success"
  grep -qx 'ctdump_entries 100' "$dir/conntrack.prom" || ct_fail "--textfile as root: not 100 entries"
  [[ "$(ls -A "$dir")" == conntrack.prom ]] || ct_fail "--textfile left files: $(ls -A "$dir")"
  [[ "$(stat -c %a "$dir/conntrack.prom")" == 644 ]] || ct_fail "--textfile: mode is not 644"
  echo "ok: --textfile publishes failure as nobody (exit 1) and success as root, no temporary file left"
}

ct_part "as nobody" as_nobody
ct_part "--textfile" textfile
if "${X[@]}" test -e /proc/net/nf_conntrack; then
  ct_part "root without CAP_NET_ADMIN" without_net_admin
else
  ct_skip_part "kernel has no /proc/net/nf_conntrack: no fallback to check"
fi
ct_finish
