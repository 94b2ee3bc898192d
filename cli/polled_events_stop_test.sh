#!/bin/bash
# File: cli/polled_events_stop_test.sh
#
# Contract (issue 12, item 6): SIGINT ends `ctdump -E --backend procfs:PATH --interval S`
# promptly even in the middle of a read of the table, by abandoning the read (a partial
# snapshot is dropped, not reported as destroyed entries).
#
# The "table" is a FIFO, so the test decides how long a read lasts: the first read (the
# baseline) gets the fixture testdata/procfs/nf_conntrack-6.18/input.txt and ends; the
# second never ends on its own: a writer keeps sending the fixture's lines (up to 30 s).
# While that read is in progress ctdump gets SIGINT. It must exit 0 well before the
# writer is done (within 5 s; the stop check runs every 256 entries, so it takes
# milliseconds), with "read abandoned" in its -v output, no event reported, and the
# writer still writing when ctdump has gone (the read was abandoned, not completed).
# No root needed.
set -euo pipefail

runfile() {
  local rel="$1" cand
  for cand in "${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/$rel" \
    "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bazel-bin/$rel" \
    "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$rel"; do
    [[ -e "$cand" ]] && { echo "$cand"; return 0; }
  done
  return 1
}
fail() { echo "FAIL: $*" >&2; exit 1; }

CTDUMP="$(runfile cli/ctdump)" || fail "cli/ctdump is not built"
FIXTURE="$(runfile testdata/procfs/nf_conntrack-6.18/input.txt)" || fail "fixture missing"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/polled_stop.XXXXXX")"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

mkfifo "$TMP/table"
for i in $(seq 1 20); do grep -v '^#' "$FIXTURE"; done >"$TMP/chunk"

# The writer: the baseline, then a read that lasts until SIGPIPE (ctdump gone) or 30 s.
(
  grep -v '^#' "$FIXTURE" >"$TMP/table"
  # Reopen the FIFO only once ctdump has closed it (it logs the baseline after the read):
  # a writer that opened it while ctdump still held it (a slow, e.g. sanitized, build)
  # would extend the baseline read instead of starting a second one.
  for _ in $(seq 1 300); do
    grep -q 'baseline of' "$TMP/err" 2>/dev/null && break
    sleep 0.1
  done
  # Exit 3: a write failed because ctdump closed the FIFO; 124: the 30 s ran out.
  rc=0
  timeout 30 bash -c 'exec >"$1"; touch "$2"; while cat "$3"; do sleep 0.02; done; exit 3' \
    _ "$TMP/table" "$TMP/second_read" "$TMP/chunk" 2>/dev/null || rc=$?
  echo "$rc" >"$TMP/writer_rc"
) &
PIDS+=($!)

"$CTDUMP" -E --backend "procfs:$TMP/table" --interval 0.2 -v >"$TMP/out" 2>"$TMP/err" &
CT=$!
PIDS+=("$CT")

for i in $(seq 1 100); do
  [[ -e "$TMP/second_read" ]] && break
  kill -0 "$CT" 2>/dev/null || { cat "$TMP/err" >&2; fail "ctdump exited early"; }
  sleep 0.1
done
[[ -e "$TMP/second_read" ]] || { cat "$TMP/err" >&2; fail "ctdump never started its second read"; }
sleep 0.5  # well into the second read
grep -q 'baseline of' "$TMP/err" || { cat "$TMP/err" >&2; fail "no baseline was taken"; }

start=$(date +%s%N)
kill -INT "$CT"
for i in $(seq 1 50); do
  kill -0 "$CT" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$CT" 2>/dev/null; then
  fail "ctdump was still running 5 s after SIGINT (the read of the table was not abandoned)"
fi
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
rc=0
wait "$CT" || rc=$?
for i in $(seq 1 50); do
  [[ -s "$TMP/writer_rc" ]] && break
  sleep 0.1
done
[[ "$(cat "$TMP/writer_rc" 2>/dev/null)" == 3 ]] ||
  fail "the writer was not cut off by ctdump (status $(cat "$TMP/writer_rc" 2>/dev/null)): the read was not abandoned"
[[ "$rc" == 0 ]] || { cat "$TMP/err" >&2; fail "exit $rc after SIGINT, want 0"; }
grep -q 'read abandoned after [0-9]* entries' "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "-v does not say that the read was abandoned"; }
[[ ! -s "$TMP/out" ]] || { head -3 "$TMP/out" >&2; fail "events reported from a partial snapshot"; }
grep -q ' 0 flow events have been shown\.$' "$TMP/err" || { cat "$TMP/err" >&2; fail "no summary line"; }
echo "ok: SIGINT during a read: ctdump ended in ${elapsed_ms} ms, the read abandoned ($(sed -nE 's/.*read abandoned after ([0-9]+) entries.*/\1/p' "$TMP/err") entries in)"
echo PASS
