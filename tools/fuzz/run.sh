#!/usr/bin/env bash
# File: tools/fuzz/run.sh
#
# Fuzzes one target of //fuzz for a bounded time:
#
#   tools/fuzz/run.sh TARGET SECONDS      e.g. tools/fuzz/run.sh procfs_line_fuzzer 600
#   tools/fuzz/run.sh --list              the targets
#
# Builds //fuzz:TARGET with `--config=fuzz` (clang-14, libFuzzer, ASan; .bazelrc), makes
# the seed corpus from testdata/ (the /proc fixtures file by file and line by line, the
# netlink recordings datagram by datagram and message by message: fuzz/replay_main.cc
# --export), and runs libFuzzer on one core for SECONDS with the corpus it keeps in
# $CTDUMP_FUZZ_DIR/TARGET/corpus (default /tmp/ctdump-fuzz; kept between runs, so a
# later run starts where the last one stopped), the seeds and the target's regression
# inputs (testdata/fuzz/<name>/regressions).
#
# Exit status: 0 when nothing was found; otherwise libFuzzer's (non-zero), after printing
# where the failing input is. Then: minimise it
#   bazel-out/k8-fastbuildfuzz/bin/fuzz/TARGET -minimize_crash=1 -runs=100000 INPUT
# copy the smallest to testdata/fuzz/<name>/regressions/, list it in that folder's
# README, fix the bug, and check that `bazel test //fuzz:TARGET_replay_test` passes.
# Writes nothing outside $CTDUMP_FUZZ_DIR and Bazel's output directories; needs no root.
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGETS=(procfs_line_fuzzer netlink_decode_fuzzer)

usage() {
  echo "usage: tools/fuzz/run.sh TARGET SECONDS   (TARGET: ${TARGETS[*]})" >&2
  exit 2
}

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${TARGETS[@]}"
  exit 0
fi
[[ $# -eq 2 ]] || usage
target="$1"
seconds="$2"
[[ " ${TARGETS[*]} " == *" $target "* ]] || { echo "unknown target '$target'" >&2; usage; }
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS must be a positive number" >&2; usage; }

name="${target%_fuzzer}"
work="${CTDUMP_FUZZ_DIR:-/tmp/ctdump-fuzz}/$target"
mkdir -p "$work/corpus" "$work/artifacts"
rm -rf "$work/seeds"
mkdir -p "$work/seeds"

build_log="$work/build.log"
if ! bazel build --config=fuzz "//fuzz:$target" "//fuzz:${target}_replay_test" \
  >"$build_log" 2>&1; then
  tail -n 40 "$build_log" >&2
  echo "run.sh: building //fuzz:$target with --config=fuzz failed (log: $build_log);" \
    "is clang-14 with libclang-rt-14-dev installed (tools/setup.sh)?" >&2
  exit 1
fi
bin="bazel-out/k8-fastbuildfuzz/bin/fuzz"

# The seeds, from the same testdata/ paths the replay test uses (its args in fuzz/BUILD.bazel).
case "$target" in
  procfs_line_fuzzer) seeds_from=(testdata/procfs) ;;
  netlink_decode_fuzzer) seeds_from=(testdata/netlink/*.bin) ;;
esac
"$bin/${target}_replay_test" --export "$work/seeds" "${seeds_from[@]}"

regressions="testdata/fuzz/$name/regressions"
echo "run.sh: fuzzing $target for $seconds s (corpus $work/corpus)"
rc=0
"$bin/$target" \
  -max_total_time="$seconds" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$work/seeds" "$regressions" 2>&1 | tee "$work/fuzz.log" | grep -v -e '^#[0-9].*\(NEW\|REDUCE\)' -e '# Uses: ' || rc=${PIPESTATUS[0]}
if [[ "$rc" != 0 ]]; then
  echo "run.sh: $target FAILED (exit $rc); failing input(s):" >&2
  ls -l "$work/artifacts" >&2
  exit "$rc"
fi
echo "run.sh: $target: nothing found in $seconds s; $(grep -c . <(ls "$work/corpus")) corpus inputs"
