#!/usr/bin/env bash
# File: tools/release.sh
#
# Builds ctdump's release artefacts from this checkout:
#
#   tools/release.sh [--out DIR]        (DIR defaults to dist/ at the top of the tree)
#
# 1. bazel build -c opt //cli:ctdump_static (the fully static binary, issue 11);
# 2. the version from `git describe --tags --always --dirty` (tools/release/version.sh):
#    a tag v1.2.3 gives 1.2.3; with no tag it is kVersion from cli/version.h plus the
#    commit, 0.1.0+g1234abc; a modified tree adds "dirty";
# 3. tools/release/package.sh BINARY VERSION DIR, with SOURCE_DATE_EPOCH set to the last
#    commit's time (so a clean checkout of one commit gives byte-identical artefacts):
#    ctdump-VERSION-linux-x86_64.tar.gz, a .deb, an .rpm and SHA256SUMS in DIR.
#
# Prints the artefacts' paths on stdout (Bazel's output goes to stderr). Existing files of
# other versions in DIR are left alone. Needs what tools/setup.sh installs (rpm for
# rpmbuild). Exit status: 0 on success, 1 on failure, 2 on usage errors.
set -euo pipefail

usage() {
  echo "usage: $0 [--out DIR]" >&2
  exit 2
}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/dist"
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    *) usage ;;
  esac
done
[ -n "$out" ] || usage
mkdir -p "$out"
out=$(cd "$out" && pwd)

# shellcheck source-path=SCRIPTDIR source=release/version.sh
source "$root/tools/release/version.sh"
cd "$root"

base=$(sed -n 's/^inline constexpr char kVersion\[\] = "\([^"]*\)";$/\1/p' cli/version.h)
[ -n "$base" ] || { echo "release.sh: no kVersion in cli/version.h" >&2; exit 1; }
version=$(release_version "$(git describe --tags --always --dirty)" "$base")
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH
echo "release.sh: ctdump $version" >&2

bazel build -c opt //cli:ctdump_static >&2
# Ask Bazel where -c opt puts it: the bazel-bin symlink follows whichever build ran last.
binary="$(bazel info -c opt bazel-bin 2>/dev/null)/cli/ctdump_static"
[ -x "$binary" ] || { echo "release.sh: $binary was not built" >&2; exit 1; }

"$root/tools/release/package.sh" "$binary" "$version" "$out"
