#!/usr/bin/env bash
# File: tools/outside_workspace_test.sh
#
# ctdump as another workspace uses it (docs/library.md, "Depending on ctdump"): a scratch
# workspace whose WORKSPACE is exactly the three documented lines and whose only source is
# a copy of examples/list_flows.cc, depending on @ctdump//:ctdump, with no .bazelrc.
# Checks that
#   1. it builds with nothing else declared or configured (bazel/deps.bzl's
#      ctdump_dependencies(), which also makes the host C++ toolchain default to C++17);
#   2. its list_flows prints every testdata/procfs fixture exactly as
#      `ctdump -L --input FILE` does (stdout, byte for byte);
#   3. a library internal (@ctdump//core:flow) is not visible from it.
#
#   tools/outside_workspace_test.sh      (run by .ci/run after `bazel test //...`)
#
# Bazel cannot run inside `bazel test`, hence a script. The scratch workspace lives in
# /tmp/ctdump-outside-workspace (always the same path, so that its Bazel output base, under
# --output_user_root=/tmp/ctdump-outside-bazel, is reused: a second run rebuilds only what
# changed; ~/.bazelrc's disk cache applies too). flock serialises concurrent runs.
# Exit status: 0 pass, 1 fail.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ws=/tmp/ctdump-outside-workspace
user_root=/tmp/ctdump-outside-bazel
start=$(date +%s)

exec 9>/tmp/ctdump-outside-workspace.lock
flock 9

fail() {
  echo "FAIL: outside workspace: $*" >&2
  exit 1
}

mkdir -p "$ws"
find "$ws" -mindepth 1 -maxdepth 1 ! -name 'bazel-*' -exec rm -rf {} +
cat >"$ws/WORKSPACE" <<WS
local_repository(name = "ctdump", path = "$root")
load("@ctdump//bazel:deps.bzl", "ctdump_dependencies")
ctdump_dependencies()
WS
cat >"$ws/BUILD.bazel" <<'BUILD'
cc_binary(
    name = "list_flows",
    srcs = ["list_flows.cc"],
    deps = ["@ctdump//:ctdump"],
)

# Must not build: library internals are private to ctdump.
cc_binary(
    name = "uses_internal",
    srcs = ["list_flows.cc"],
    deps = ["@ctdump//core:flow"],
    tags = ["manual"],
)
BUILD
cp "$root/examples/list_flows.cc" "$ws/"
# No .bazelrc: ctdump_dependencies() configures the C++ toolchain for C++17 itself.
rm -f "$ws/.bazelrc"
[[ "$(wc -l <"$ws/WORKSPACE")" == 3 ]] || fail "the WORKSPACE is not three lines"

outside_bazel() { (cd "$ws" && bazel --output_user_root="$user_root" "$@"); }

log=$(mktemp)
trap 'rm -f "$log"; outside_bazel shutdown >/dev/null 2>&1 || true' EXIT
if ! outside_bazel build //:list_flows >"$log" 2>&1; then
  tail -30 "$log" >&2
  fail "bazel build //:list_flows failed in $ws"
fi
if outside_bazel build //:uses_internal >"$log" 2>&1; then
  fail "@ctdump//core:flow is visible from another workspace"
fi
grep -q "is not visible from target" "$log" || { tail -20 "$log" >&2; fail "//:uses_internal failed, but not for visibility"; }

# The reference: our own ctdump, built in this workspace.
(cd "$root" && bazel build //cli:ctdump >"$log" 2>&1) || { tail -20 "$log" >&2; fail "bazel build //cli:ctdump failed"; }
ctdump="$root/bazel-bin/cli/ctdump"
list_flows="$ws/bazel-bin/list_flows"
checked=0
for input in "$root"/testdata/procfs/*/input.txt; do
  want=$("$ctdump" -L --input "$input" 2>/dev/null) || true
  got=$("$list_flows" "$input" 2>/dev/null) || true
  if [[ "$got" != "$want" ]]; then
    diff <(echo "$want") <(echo "$got") | head -20 >&2
    fail "list_flows $input differs from ctdump -L --input"
  fi
  checked=$((checked + 1))
done
echo "PASS: outside workspace: list_flows = ctdump -L --input on $checked fixtures;" \
  "internals private ($(($(date +%s) - start)) s)"
