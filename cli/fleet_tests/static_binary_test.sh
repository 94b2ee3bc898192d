#!/bin/bash
# File: cli/fleet_tests/static_binary_test.sh
#
# Contract of //cli:ctdump_static, checked on the file (no root, no kernel access):
#   * an x86-64 ELF executable with no PT_INTERP program header (no program interpreter)
#     and no dynamic section, hence no DT_NEEDED entry: it needs no shared library;
#   * none of glibc's name-service entry points (getprotobyname, getpwnam, getaddrinfo,
#     ...; they load NSS modules at run time, which a static binary cannot do safely) and
#     no libmnl symbol is linked in;
#   * it runs with an empty environment (`env -i`): --version and --help exit 0.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

BIN="${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ctdump}/cli/ctdump_static"
[[ -x "$BIN" ]] || BIN="$(cd "$(dirname "$0")/../.." && pwd)/bazel-bin/cli/ctdump_static"
[[ -x "$BIN" ]] || fail "cli/ctdump_static is not built"
for tool in readelf nm; do
  command -v "$tool" >/dev/null || fail "$tool missing (binutils; tools/setup.sh installs it)"
done

header="$(readelf -hW "$BIN")"
grep -qE 'Class:[[:space:]]+ELF64' <<<"$header" || fail "not ELF64"
grep -qE 'Machine:[[:space:]]+Advanced Micro Devices X86-64' <<<"$header" || fail "not x86-64"
grep -qE 'Type:[[:space:]]+EXEC' <<<"$header" || fail "not an executable: $(grep Type: <<<"$header")"
echo "ok: x86-64 ELF executable"

headers="$(readelf -lW "$BIN")"
if grep -qE '^[[:space:]]*INTERP' <<<"$headers"; then
  fail "has a PT_INTERP header: $(readelf -pW .interp "$BIN" 2>/dev/null | tail -n +2)"
fi
echo "ok: no program interpreter"

dyn="$(readelf -dW "$BIN")"
grep -q 'There is no dynamic section' <<<"$dyn" || fail "has a dynamic section:
$(grep -E 'NEEDED|Dynamic' <<<"$dyn")"
echo "ok: no dynamic section, no DT_NEEDED"

# Name-service entry points (NSS) and libmnl: none may be linked in.
bad="$(nm "$BIN" | awk '{print $NF}' |
  grep -xE '(getprotobyname|getprotobyname_r|getprotobynumber|getpwnam|getpwnam_r|getpwuid|getpwuid_r|getgrnam|getgrgid|getaddrinfo|gethostbyname|gethostbyname_r|gethostbyname2|gethostbyaddr|getservbyname|getservbyport|getnetbyname|__nss_lookup|__nss_database_get|mnl_[a-z_]+)' |
  sort -u || true)"
[[ -z "$bad" ]] || fail "links symbols that need NSS or libmnl at run time: $bad"
echo "ok: no NSS entry point, no libmnl"

out="$(env -i "$BIN" --version)" || fail "--version with an empty environment exited $?"
[[ "$out" =~ ^ctdump\ [0-9][^\ ]*\ commit=[^\ ]+\ flavour=static\ backends=[a-z,]+$ ]] ||
  fail "--version printed: $out"
env -i "$BIN" --help >/dev/null || fail "--help with an empty environment exited $?"
echo "ok: runs with an empty environment ($out)"
echo PASS
