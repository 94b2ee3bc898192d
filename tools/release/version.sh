# shellcheck shell=bash
# File: tools/release/version.sh
#
# Version strings of ctdump's release artefacts, sourced by tools/release.sh,
# tools/release/package.sh and tools/release/package_test.sh. Pure functions: no git, no
# files, no side effects; each prints one line on stdout, or a message on stderr and
# returns 1.
#
#   release_version DESCRIBE BASE
#       The release version from `git describe --tags --always --dirty` output DESCRIBE.
#       BASE (kVersion in cli/version.h) is used only when there is no tag:
#         abc1234                   -> BASE+gabc1234
#         abc1234-dirty             -> BASE+gabc1234.dirty
#         v1.2.3                    -> 1.2.3             (a leading v is dropped)
#         v1.2.3-dirty              -> 1.2.3+dirty
#         v1.2.3-4-gabc1234         -> 1.2.3+4.gabc1234  (4 commits after the tag)
#         v1.2.3-rc1-4-gabc1234     -> 1.2.3-rc1+4.gabc1234
#       Fails when the result does not start with a digit or has characters other than
#       letters, digits and . + - ~ (a tag that is not a version).
#   package_version VERSION
#       VERSION as a .deb Version and an .rpm Version: `-` (a pre-release, "1.2.3-rc1")
#       becomes `~`, which both dpkg and rpm sort before the release ("1.2.3~rc1" <
#       "1.2.3"). A Debian version without a revision may not contain `-`, and an rpm
#       Version never may. Fails when the result is not valid for both.

release_version() {
  local describe=$1 base=$2 dirty="" version
  if [[ $describe == *-dirty ]]; then
    describe=${describe%-dirty}
    dirty=dirty
  fi
  if [[ $describe =~ ^[0-9a-f]{4,40}$ ]]; then
    # No tag: --always printed the abbreviated commit.
    version="$base+g$describe${dirty:+.$dirty}"
  elif [[ $describe =~ ^(.+)-([0-9]+)-g([0-9a-f]{4,40})$ ]]; then
    version="${BASH_REMATCH[1]#v}+${BASH_REMATCH[2]}.g${BASH_REMATCH[3]}${dirty:+.$dirty}"
  else
    version="${describe#v}${dirty:++$dirty}"
  fi
  if [[ ! $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
    echo "release_version: '$2' / '$1' gives '$version', not a version" >&2
    return 1
  fi
  echo "$version"
}

package_version() {
  local version=${1//-/\~}
  if [[ ! $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
    echo "package_version: '$1' gives '$version', not a valid .deb/.rpm version" >&2
    return 1
  fi
  echo "$version"
}
