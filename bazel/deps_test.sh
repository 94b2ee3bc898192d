#!/usr/bin/env bash
# bazel/deps.bzl is the one list of ctdump's external repositories, and our BUILD files
# work when ctdump is another workspace's external repository (docs/library.md):
#   1. WORKSPACE declares no repository itself: it only calls ctdump_dependencies();
#   2. every @repo a BUILD or .bzl file of the tree names is declared in deps.bzl (or is
#      Bazel's own @bazel_tools);
#   3. no BUILD or .bzl file names ctdump by its own name (@ctdump//...): inside ctdump,
#      labels are relative, so they mean this repository whatever the caller named it.
# tools/outside_workspace_test.sh (run by .ci/run) builds such a workspace for real.
# Reads the source tree through the symlink of deps.bzl ("external": not cached).
set -euo pipefail
deps=$(readlink -f "${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}/bazel/deps.bzl")
root=${deps%/bazel/deps.bzl}
fail=0

ws=$(grep -v '^\s*#' "$root/WORKSPACE" | grep -v '^\s*$')
want='workspace(name = "ctdump")
load("//bazel:deps.bzl", "ctdump_dependencies")
ctdump_dependencies()'
if [[ "$ws" != "$want" ]]; then
  echo "FAIL: WORKSPACE must only call ctdump_dependencies(); it has:"
  echo "$ws"
  fail=1
fi

files=$(cd "$root" && find . -path ./.git -prune -o \( -name BUILD.bazel -o -name '*.bzl' \) -print |
  grep -v '^./tools/bazel/\(rules_cc\|coverage_stub\)/')
# The names ctdump_dependencies() passes to _maybe(): its second argument.
declared=$(grep -oE '^\s*_maybe\([^,]*,\s*"[A-Za-z0-9_.-]+"|^\s*"[A-Za-z0-9_.-]+",$' "$deps" |
  grep -oE '"[^"]+"' | tr -d '"' | sort -u)
# code_of FILE: FILE without comments and docstrings (their examples may name @ctdump).
code_of() {
  awk '/"""/ { n = gsub(/"""/, "&"); if (n % 2) doc = !doc; next } !doc' "$1" | sed 's/#.*//'
}
used=$(cd "$root" && for f in $files; do code_of "$f"; done |
  grep -oE '"@[A-Za-z0-9_.-]+(//|")' | sed -E 's/^"@//; s#(//|")$##' | sort -u)
for repo in $used; do
  [[ "$repo" == bazel_tools ]] && continue
  if [[ "$repo" == ctdump ]]; then
    echo "FAIL: a BUILD/.bzl file names @ctdump// (use a relative label):"
    (cd "$root" && for f in $files; do code_of "$f" | grep -q '"@ctdump//' && echo "$f"; done)
    fail=1
  elif ! grep -qx "$repo" <<<"$declared"; then
    echo "FAIL: @$repo is used but not declared in bazel/deps.bzl"
    fail=1
  fi
done
[[ "$fail" == 0 ]] && echo "PASS: repositories used: $(echo $used)"
exit "$fail"
