#!/bin/bash
# File: docs/json_schema_test.sh
#
# Contract: docs/json-schema.json (draft 2020-12) is a valid schema and accepts the real
# -o json output of ctdump, checked with Debian's python3-jsonschema (/usr/bin/python3)
# through docs/json_schema_check.py; no root needed:
#   1. `ctdump -L -o json --input F` and `ctdump --summary -o json --input F` for every
#      testdata/procfs fixture F (also through stdin, and --summary --top 0 / --top 1);
#   2. `ctdump -C|-S|--doctor -o json` (they only read; each part is skipped when the
#      command cannot run here, e.g. a kernel without conntrack) and, as root, the same
#      as user nobody (the /proc fallbacks and the doctor's "problem" findings);
#   2b. -C, -S, --doctor and --summary -o json that fail before they have a report (a
#      missing --input file, a --netns that does not exist) print one error object;
#   3. negative checks: objects with a value of the wrong type (a string timeout, a string
#      port, a string entry count, a string finding level, a number where a boolean goes),
#      an unknown key, and a proto that disagrees with protonum are rejected, by the
#      kind's schema and by the top-level schema alone (--kind any).
#
# The fixtures: //testdata/procfs:fixtures is not visible to //docs, so when they are not
# in this test's runfiles the test reads them from the source tree, found through the
# runfile symlink of docs/json-schema.json (hence "external" in BUILD: not cached).
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../tools/testing/netns.sh
source "$_lib"  # ct_runfile, ct_fail (no root needed for these)
fail() { ct_fail "$@"; }
runfile() { ct_runfile "$@"; }
RUNFILES="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}"

PY=/usr/bin/python3
[[ -x "$PY" ]] || fail "/usr/bin/python3 is missing"
"$PY" -c 'import jsonschema' 2>/dev/null ||
  fail "python3-jsonschema is not installed (tools/setup.sh installs it)"
SCHEMA="$(runfile docs/json-schema.json)" || fail "docs/json-schema.json not found"
CHECK="$(runfile docs/json_schema_check.py)" || fail "docs/json_schema_check.py not found"
CTDUMP="$(runfile cli/ctdump)" || fail "cli/ctdump is not built"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/json_schema.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
echo "jsonschema $("$PY" -c 'from importlib.metadata import version; print(version("jsonschema"))') at $("$PY" -c 'import jsonschema, os; print(os.path.dirname(jsonschema.__file__))')"

check() {  # check NAME KIND FILE...: the FILEs must hold only valid objects of KIND
  local name="$1" kind="$2"
  shift 2
  if ! "$PY" "$CHECK" --schema "$SCHEMA" --kind "$kind" "$@" >"$TMP/check.out" 2>"$TMP/check.err"; then
    head -n 20 "$TMP/check.err" >&2
    fail "$name: the schema rejects ctdump's output"
  fi
  echo "ok: $name: $(cat "$TMP/check.out")"
}

# The fixtures: runfiles first, else the source tree.
fixtures=""
if compgen -G "$RUNFILES/testdata/procfs/*/input.txt" >/dev/null; then
  fixtures="$RUNFILES/testdata/procfs"
else
  real="$(readlink -f "$SCHEMA")"
  fixtures="${real%/docs/json-schema.json}/testdata/procfs"
fi
compgen -G "$fixtures/*/input.txt" >/dev/null || fail "no testdata/procfs fixtures at $fixtures"

# --- 1. -L and --summary over every fixture (one checker run per kind: python is slow
# to start on a loaded machine).
n=0
flows=()
sums=()
for input in "$fixtures"/*/input.txt; do
  name="$(basename "$(dirname "$input")")"
  rc=0
  "$CTDUMP" -L -o json --input "$input" >"$TMP/$name.json" 2>"$TMP/$name.err" || rc=$?
  want=0
  [[ -f "$(dirname "$input")/expected.errors" ]] && want=1  # malformed lines: exit 1
  [[ "$rc" == "$want" ]] || { cat "$TMP/$name.err" >&2; fail "$name: ctdump -L exited $rc, want $want"; }
  [[ -s "$TMP/$name.json" ]] || fail "$name: no output"
  flows+=("$TMP/$name.json")
  rc=0
  "$CTDUMP" -L -o json,extended,id --input - <"$input" >"$TMP/$name.stdin.json" 2>/dev/null || rc=$?
  [[ "$rc" == "$want" ]] || fail "$name: ctdump -L --input - exited $rc, want $want"
  cmp -s "$TMP/$name.json" "$TMP/$name.stdin.json" ||
    fail "$name: -o json differs between --input FILE and --input - (-o json,extended,id)"
  for top in 10 0 1; do
    rc=0
    "$CTDUMP" --summary -o json --top "$top" --input "$input" >"$TMP/$name.top$top.sum" \
      2>/dev/null || rc=$?
    [[ "$rc" == "$want" ]] || fail "$name: --summary --top $top exited $rc, want $want"
    [[ "$(wc -l <"$TMP/$name.top$top.sum")" == 1 ]] ||
      fail "$name: --summary -o json --top $top printed not one line"
    sums+=("$TMP/$name.top$top.sum")
  done
  n=$((n + 1))
done
check "-L -o json --input, $n fixtures" flow "${flows[@]}"
check "--summary -o json --input (--top 10, 0, 1), $n fixtures" summary "${sums[@]}"
# Every object, through the top-level schema alone.
check "every fixture object, top-level schema" any "${flows[@]}" "${sums[@]}"

# --- 2. -C, -S, --doctor (read-only; skipped where they cannot run).
REPORT=0
reports() {  # reports LABEL CMD-PREFIX...
  local label="$1" c rc out files=()
  shift
  for c in -C -S --doctor; do
    REPORT=$((REPORT + 1))
    out="$TMP/report$REPORT.json"
    rc=0
    "$@" "$c" -o json >"$out" 2>"$TMP/r.err" || rc=$?
    # --doctor exits 1 when it found a problem; it has still printed its report.
    if [[ "$c" == --doctor && "$rc" == 1 && -s "$out" ]]; then rc=0; fi
    if [[ "$rc" != 0 ]]; then
      echo "SKIP (part): $label ctdump $c -o json exited $rc here: $(head -n 1 "$TMP/r.err")"
      continue
    fi
    files+=("$out")
  done
  [[ ${#files[@]} -eq 0 ]] || check "$label -C/-S/--doctor -o json" auto "${files[@]}"
}
reports "" "$CTDUMP"
if [[ "$(id -u)" == 0 ]] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
  setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups true 2>/dev/null; then
  # The runfiles may be under a directory nobody cannot enter: run a copy.
  NB="$(mktemp -d /tmp/ctdump-schema-nobody.XXXXXX)"
  trap 'rm -rf "$TMP" "$NB"' EXIT
  cp "$CTDUMP" "$NB/ctdump"
  chmod 755 "$NB" "$NB/ctdump"
  reports "(as nobody)" setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$NB/ctdump"
else
  echo "SKIP (part): -C/-S/--doctor as nobody (not root, or setpriv cannot switch here, e.g. in Bazel's sandbox)"
fi

# --- 2b. Failures before a report still print one object: the error object.
errs=()
for args in "--summary --input /nonexistent/ctdump-input" "-C --netns ctdump-no-such-ns" \
  "-S --netns ctdump-no-such-ns" "--doctor --netns ctdump-no-such-ns" \
  "--summary --netns ctdump-no-such-ns"; do
  out="$TMP/err$((${#errs[@]} + 1)).json"
  rc=0
  # shellcheck disable=SC2086  # the words of $args are separate arguments
  "$CTDUMP" $args -o json >"$out" 2>/dev/null || rc=$?
  [[ "$rc" == 1 ]] || fail "ctdump $args -o json exited $rc, want 1"
  [[ "$(wc -l <"$out")" == 1 ]] || fail "ctdump $args -o json printed not one line"
  errs+=("$out")
done
check "failures before a report (-C/-S/--doctor/--summary -o json)" error "${errs[@]}"
check "failures before a report, top-level schema" any "${errs[@]}"

# --- 3. The schema rejects wrong objects: one object per line of neg.json, each with
# the key its error must name, checked in one run per mode.
line="$(grep -h -m 1 '"proto":"tcp".*"timeout":' "${flows[@]}" | head -n 1)"
[[ -n "$line" ]] || fail "no TCP entry with a timeout in the fixtures"
summary="$(cat "${sums[0]}")"
: >"$TMP/neg.json"
: >"$TMP/neg.keys"
bad() {  # bad NAME KEY-IN-MESSAGE JSON
  printf '%s\n' "$3" >>"$TMP/neg.json"
  printf '%s\t%s\n' "$2" "$1" >>"$TMP/neg.keys"
}
bad "string timeout" "timeout" "$(sed -E 's/"timeout":(-?[0-9]+)/"timeout":"\1"/' <<<"$line")"
bad "string port" "sport" "$(sed -E 's/"sport":([0-9]+)/"sport":"\1"/' <<<"$line")"
bad "port out of range" "sport" "$(sed -E 's/"sport":[0-9]+/"sport":65536/' <<<"$line")"
bad "number as status" "status" "$(sed -E 's/"status":\[[^]]*\]/"status":6/' <<<"$line")"
bad "unknown key" "unexpected" "$(sed -E 's/^\{"v":1,/{"v":1,"bogus":1,/' <<<"$line")"
bad "proto/protonum disagree" "proto" "$(sed -E 's/"protonum":6/"protonum":17/' <<<"$line")"
bad "string entries (summary)" "entries" "$(sed -E 's/"entries":([0-9]+)/"entries":"\1"/' <<<"$summary")"
bad "number as success (summary)" "success" "$(sed -E 's/"success":(true|false)/"success":1/' <<<"$summary")"
bad "string count (-C)" "count" '{"schema":1,"count":"5","max":10,"source":"x"}'
bad "bad level (--doctor)" "level" \
  '{"schema":1,"can_list":true,"findings":[{"level":"fine","topic":"kernel","text":"x"}]}'
bad "not JSON" "JSON" '{"v":1,'
total="$(wc -l <"$TMP/neg.json")"
for kind in any auto; do
  if "$PY" "$CHECK" --schema "$SCHEMA" --kind "$kind" "$TMP/neg.json" >"$TMP/neg.out" 2>"$TMP/neg.err"; then
    fail "negative checks (--kind $kind): the schema accepted every object"
  fi
  grep -q "^0 valid objects" "$TMP/neg.out" ||
    fail "negative checks (--kind $kind): some wrong object was accepted: $(cat "$TMP/neg.out")"
  i=0
  while IFS=$'\t' read -r key name; do
    i=$((i + 1))
    first="$(grep -m 1 "^$TMP/neg.json:$i: " "$TMP/neg.err" || true)"
    [[ -n "$first" ]] || fail "negative check '$name' (--kind $kind): no error reported"
    if [[ "$kind" == auto ]]; then
      grep -q -- "$key" <<<"$first" || fail "negative check '$name': the error does not name $key: $first"
      echo "ok: rejected: $name (${first#"$TMP/neg.json:"})" | cut -c 1-150
    fi
  done <"$TMP/neg.keys"
  [[ "$i" == "$total" ]] || fail "negative checks: read $i of $total"
done
echo PASS
