#!/usr/bin/env bash
# File: tools/release/package.sh
#
# Packages a built ctdump binary into release artefacts. Pure packaging: no Bazel, and git
# only for SOURCE_DATE_EPOCH's default (tools/release.sh builds and picks the version;
# //tools/release:package_test calls this directly).
#
#   tools/release/package.sh BINARY VERSION OUTDIR
#
# BINARY is the ctdump executable (the static //cli:ctdump_static for a release); a
# stripped copy is packaged, BINARY itself is not changed. VERSION is the release version
# (tools/release/version.sh: release_version), e.g. 0.1.0+g1234abc or 1.2.3-rc1. OUTDIR is
# created if needed; these files in it are written (replaced when present), and their
# names are printed on stdout, one a line:
#
#   ctdump-VERSION-linux-x86_64.tar.gz  top directory ctdump-VERSION/ with ctdump, LICENSE,
#                                       README.md, ctdump.1, completion/ctdump.bash and
#                                       docs/ (README.md's linked pages)
#   ctdump_PKGVER_amd64.deb             dpkg-deb --root-owner-group; no Depends (static)
#   ctdump-PKGVER-1.x86_64.rpm          rpmbuild; AutoReqProv: no; gzip payload (old rpm)
#   SHA256SUMS                          sha256sum of the three, file names only
#
# PKGVER is VERSION with `-` turned into `~` (version.sh: package_version). Each package
# installs /usr/bin/ctdump, README.md with the docs/ pages it links to (so that its links
# resolve there) and the licence under /usr/share/doc (Debian: the copyright file; rpm:
# %license), the man page as /usr/share/man/man1/ctdump.1.gz and the
# bash completion as /usr/share/bash-completion/completions/ctdump.
#
# Inputs besides the arguments: LICENSE, README.md, the docs/ files it links to (a link
# to a missing one is an error), docs/ctdump.1 and docs/completion/ctdump.bash from the tree two levels above this script (in
# Bazel runfiles too). The licence's kind is the first line of LICENSE without
# " License" ("MIT License" -> MIT). Environment: SOURCE_DATE_EPOCH (default: the last
# commit's time when the tree is a git checkout, else 0) is every file's time, so the
# same inputs give byte-identical artefacts; CTDUMP_MAINTAINER (default "The ctdump
# authors") is the .deb Maintainer and rpm Packager.
#
# Needs: bash, coreutils, tar, gzip, binutils (strip), dpkg-deb, rpmbuild (Debian's rpm).
# Exit status: 0 when all four files were written, 1 on any failure, 2 on usage errors.
set -euo pipefail

usage() {
  echo "usage: $0 BINARY VERSION OUTDIR" >&2
  exit 2
}
[ $# -eq 3 ] || usage
binary=$1 version=$2 outdir=$3
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
  echo "package.sh: $binary: not an executable file" >&2
  exit 1
fi

here=$(dirname "${BASH_SOURCE[0]}")
root="$here/../.."
# shellcheck source-path=SCRIPTDIR source=version.sh
source "$here/version.sh"
pkgver=$(package_version "$version")

for f in LICENSE README.md docs/ctdump.1 docs/completion/ctdump.bash; do
  [ -f "$root/$f" ] || { echo "package.sh: $root/$f is missing" >&2; exit 1; }
done
license_kind=$(sed -n '1s/ License$//p' "$root/LICENSE")
[ -n "$license_kind" ] || { echo "package.sh: LICENSE's first line is not 'KIND License'" >&2; exit 1; }
copyright=$(sed -n '/^Copyright (c) /{s///p;q;}' "$root/LICENSE")
[ -n "$copyright" ] || { echo "package.sh: LICENSE has no 'Copyright (c) ' line" >&2; exit 1; }
manpage="$root/docs/ctdump.1"
completion="$root/docs/completion/ctdump.bash"
# The docs/ files README.md links to: installed beside it, so that its links work there.
mapfile -t readme_docs < <(grep -o '](docs/[^)#]*' "$root/README.md" | sed 's/^](//' | sort -u)
for f in "${readme_docs[@]}"; do
  [ -f "$root/$f" ] || { echo "package.sh: README.md links to $f, which is missing" >&2; exit 1; }
done

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
maintainer=${CTDUMP_MAINTAINER:-The ctdump authors}
summary="list the Linux connection-tracking table, read-only, like conntrack -L"
description="ctdump lists the Linux connection-tracking (conntrack) table from userspace,
read-only. It is a drop-in for conntrack -L: same options, byte-identical
default output, plus -o json, -o proc, event listening (-E), summaries and
Prometheus metrics. It reads the table through ctnetlink when it can and falls
back to /proc/net/nf_conntrack or /proc/net/ip_conntrack, and it lists saved
copies of those files (--input). The binary is static: one file for every host."

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
tarball="ctdump-$version-linux-x86_64.tar.gz"
deb="ctdump_${pkgver}_amd64.deb"
rpm="ctdump-$pkgver-1.x86_64.rpm"

work=$(mktemp -d "${TMPDIR:-/tmp}/ctdump-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# install_file MODE SRC DEST: copies SRC to DEST (parents made, mode MODE).
install_file() {
  mkdir -p "$(dirname "$3")"
  cp "$2" "$3"
  chmod "$1" "$3"
}

# Every file and directory of a staged tree gets SOURCE_DATE_EPOCH as its time, and
# directories mode 0755 whatever the umask.
settle_tree() {
  find "$1" -type d -exec chmod 0755 {} +
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

strip --strip-all -o "$work/ctdump" "$binary"
chmod 0755 "$work/ctdump"

# --- tarball ---
top="ctdump-$version"
install_file 0755 "$work/ctdump" "$work/tar/$top/ctdump"
install_file 0644 "$root/LICENSE" "$work/tar/$top/LICENSE"
install_file 0644 "$root/README.md" "$work/tar/$top/README.md"
install_file 0644 "$manpage" "$work/tar/$top/ctdump.1"
install_file 0644 "$completion" "$work/tar/$top/completion/ctdump.bash"
for f in "${readme_docs[@]}"; do install_file 0644 "$root/$f" "$work/tar/$top/$f"; done
settle_tree "$work/tar"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  --format=gnu -C "$work/tar" -cf - "$top" | gzip -n -9 >"$outdir/$tarball"

# --- the installed tree, shared by the .deb and the .rpm ---
# stage_tree DIR: /usr/bin/ctdump, /usr/share/doc/ctdump/README.md and docs/, the man page and the
# completion. The licence is added per package format.
stage_tree() {
  install_file 0755 "$work/ctdump" "$1/usr/bin/ctdump"
  install_file 0644 "$root/README.md" "$1/usr/share/doc/ctdump/README.md"
  mkdir -p "$1/usr/share/man/man1"
  gzip -n -9 <"$manpage" >"$1/usr/share/man/man1/ctdump.1.gz"
  chmod 0644 "$1/usr/share/man/man1/ctdump.1.gz"
  install_file 0644 "$completion" "$1/usr/share/bash-completion/completions/ctdump"
  for f in "${readme_docs[@]}"; do install_file 0644 "$root/$f" "$1/usr/share/doc/ctdump/$f"; done
}

# --- .deb ---
deb_root="$work/deb"
stage_tree "$deb_root"
# Debian's copyright file, machine-readable (copyright-format 1.0), with the licence text.
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: ctdump"
  echo
  echo "Files: *"
  echo "Copyright: $copyright"
  echo "License: $license_kind"
  sed -e 's/^$/./' -e 's/^/ /' "$root/LICENSE"
} >"$deb_root/usr/share/doc/ctdump/copyright"
chmod 0644 "$deb_root/usr/share/doc/ctdump/copyright"
installed_kib=$(du -sk --apparent-size "$deb_root/usr" | cut -f1)
mkdir -p "$deb_root/DEBIAN"
{
  echo "Package: ctdump"
  echo "Version: $pkgver"
  echo "Architecture: amd64"
  echo "Maintainer: $maintainer"
  echo "Installed-Size: $installed_kib"
  echo "Section: net"
  echo "Priority: optional"
  echo "Description: $summary"
  # Extended description: every line indented by one space, blank lines as " .".
  sed -e 's/^$/./' -e 's/^/ /' <<<"$description"
} >"$deb_root/DEBIAN/control"
chmod 0644 "$deb_root/DEBIAN/control"
settle_tree "$deb_root"
dpkg-deb --build --root-owner-group -Zxz "$deb_root" "$outdir/$deb" >/dev/null

# --- .rpm ---
rpm_stage="$work/rpm-stage"
stage_tree "$rpm_stage"
install_file 0644 "$root/LICENSE" "$rpm_stage/usr/share/licenses/ctdump/LICENSE"
settle_tree "$rpm_stage"
{
  echo "Name: ctdump"
  echo "Version: $pkgver"
  echo "Release: 1"
  echo "Summary: $summary"
  echo "License: $license_kind"
  echo "Packager: $maintainer"
  # The binary is static: nothing to require, and nothing for rpm to find in it.
  echo "AutoReqProv: no"
  echo
  echo "%description"
  echo "$description"
  echo
  echo "%install"
  echo "mkdir -p %{buildroot}"
  echo "cp -a %{_ctdump_stage}/. %{buildroot}/"
  echo
  echo "%files"
  echo "%defattr(-,root,root,-)"
  echo "/usr/bin/ctdump"
  echo "%dir /usr/share/doc/ctdump"
  echo "%doc /usr/share/doc/ctdump/README.md"
  echo "%doc /usr/share/doc/ctdump/docs"
  echo "%dir /usr/share/licenses/ctdump"
  echo "%license /usr/share/licenses/ctdump/LICENSE"
  echo "%doc /usr/share/man/man1/ctdump.1.gz"
  echo "/usr/share/bash-completion/completions/ctdump"
} >"$work/ctdump.spec"
# The stage is copied as is: no debuginfo package, no brp-* scripts (they would strip or
# recompress again), no build-id links. gzip payload and a fixed build host: readable by
# old rpm versions (CentOS 6/7 cannot read zstd), reproducible.
rpmbuild -bb --target x86_64 --quiet \
  --define "_topdir $work/rpmbuild" \
  --define "_tmppath $work/rpmbuild/tmp" \
  --define "_ctdump_stage $rpm_stage" \
  --define "debug_package %{nil}" \
  --define "__os_install_post %{nil}" \
  --define "_build_id_links none" \
  --define "_binary_payload w9.gzdio" \
  --define "_buildhost reproducible" \
  --define "use_source_date_epoch_as_buildtime 1" \
  --define "clamp_mtime_to_source_epoch 1" \
  "$work/ctdump.spec" >"$work/rpmbuild.log" 2>&1 ||
  { cat "$work/rpmbuild.log" >&2; echo "package.sh: rpmbuild failed" >&2; exit 1; }
cp "$work/rpmbuild/RPMS/x86_64/$rpm" "$outdir/$rpm"

(cd "$outdir" && sha256sum "$tarball" "$deb" "$rpm" >SHA256SUMS)
printf '%s\n' "$outdir/$tarball" "$outdir/$deb" "$outdir/$rpm" "$outdir/SHA256SUMS"
