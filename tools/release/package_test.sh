#!/usr/bin/env bash
# File: tools/release/package_test.sh
#
# //tools/release:package_test: packages BINARY with tools/release/package.sh into a
# scratch directory and checks every artefact the way a user would meet it:
#   - version.sh's version strings (table), and that dpkg and rpm order them as meant;
#   - SHA256SUMS verifies (sha256sum -c) and names exactly the three artefacts;
#   - the tarball lists ctdump-VERSION/{ctdump,LICENSE,README.md,ctdump.1,completion/}
#     and docs/, owned by 0/0;
#   - in all three, every docs/ page README.md links to is installed beside it (its links
#     resolve);
#   - the .deb's control fields (dpkg-deb -f) and files, installed with dpkg -x;
#   - the .rpm's header and file list (rpm -qp, rpm -qlp), extracted with rpm2cpio | cpio;
#   - the three binaries are one stripped copy of BINARY, and each one's --version and
#     --input FIXTURE (stdout, stderr, exit status) equal BINARY's;
#   - packaging again gives byte-identical artefacts (same SOURCE_DATE_EPOCH);
#   - the man page (docs/ctdump.1, installed gzipped as /usr/share/man/man1/ctdump.1.gz)
#     and the bash completion (docs/completion/ctdump.bash, installed as
#     /usr/share/bash-completion/completions/ctdump) are in all three, byte for byte, and
#     the installed man page renders (mandoc); without them package.sh fails.
# package.sh runs from scratch copies of the tree (make_tree).
#
#   package_test.sh BINARY        (Bazel passes $(rootpath) of the binary; cwd = runfiles)
#
# Needs no root and no network. Prints "ok: ..." per check, "FAIL: ..." per failure, and
# exits 1 when any check failed.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BINARY" >&2; exit 2; }
bin=$(realpath "$1")
R=tools/release
# shellcheck source-path=SCRIPTDIR source=version.sh
source "$R/version.sh"

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/package_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
failures=0

# The /proc fixtures run through --input: every testdata/procfs/*/input.txt.
shopt -s nullglob
FIXTURES=(testdata/procfs/*/input.txt)
shopt -u nullglob
if [ ${#FIXTURES[@]} -eq 0 ]; then
  echo "FAIL: no testdata/procfs fixtures in the runfiles"
  exit 1
fi

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# expect_eq WHAT GOT WANT
expect_eq() {
  if [ "$2" == "$3" ]; then
    echo "ok: $1"
  else
    fail "$1: got '$2', want '$3'"
  fi
}

# --- version strings ---
while read -r describe want; do
  expect_eq "release_version $describe" "$(release_version "$describe" 0.1.0)" "$want"
done <<'TABLE'
2eec2fb 0.1.0+g2eec2fb
2eec2fb-dirty 0.1.0+g2eec2fb.dirty
v1.2.3 1.2.3
1.2.3 1.2.3
v1.2.3-dirty 1.2.3+dirty
v1.2.3-4-gabc1234 1.2.3+4.gabc1234
v1.2.3-4-gabc1234-dirty 1.2.3+4.gabc1234.dirty
v1.2.3-rc1 1.2.3-rc1
v1.2.3-rc1-4-gabc1234 1.2.3-rc1+4.gabc1234
TABLE
for bad in release-candidate "v1.2 3" "v1.2/3"; do
  if release_version "$bad" 0.1.0 >/dev/null 2>&1; then
    fail "release_version '$bad' should fail"
  else
    echo "ok: release_version '$bad' fails"
  fi
done
expect_eq "package_version 0.1.0+g2eec2fb" "$(package_version 0.1.0+g2eec2fb)" 0.1.0+g2eec2fb
expect_eq "package_version 1.2.3-rc1+4.gabc1234" "$(package_version 1.2.3-rc1+4.gabc1234)" \
  1.2.3~rc1+4.gabc1234
# Both package managers must see: pre-release < release < later untagged build.
ordered=(1.2.3~rc1 1.2.3~rc1+4.gabc1234 1.2.3 1.2.3+4.gabc1234)
for ((i = 0; i + 1 < ${#ordered[@]}; i++)); do
  a=${ordered[i]} b=${ordered[i + 1]}
  if dpkg --compare-versions "$a" lt "$b"; then echo "ok: dpkg: $a < $b"; else fail "dpkg: $a >= $b"; fi
  cmp=$(rpm --eval "%{lua: print(rpm.vercmp('$a', '$b'))}")
  expect_eq "rpm: $a < $b" "$cmp" -1
done

# --- package ---
version=0.1.0+g1234abc
pkgver=$(package_version "$version")
top="ctdump-$version"
tarball="$top-linux-x86_64.tar.gz"
deb="ctdump_${pkgver}_amd64.deb"
rpm="ctdump-$pkgver-1.x86_64.rpm"
# make_tree DIR: a scratch copy of what package.sh reads (itself, version.sh, LICENSE,
# README.md, the man page and the completion).
# The docs/ files README.md links to (package.sh installs them beside it).
mapfile -t readme_docs < <(grep -o '](docs/[^)#]*' README.md | sed 's/^](//' | sort -u)
[ "${#readme_docs[@]}" -gt 5 ] || fail "README.md links to only ${#readme_docs[@]} docs/ files"
make_tree() {
  mkdir -p "$1/$R" "$1/docs/completion"
  cp -L "$R/package.sh" "$R/version.sh" "$1/$R/"
  cp -L LICENSE README.md "$1/"
  cp -L docs/ctdump.1 "$1/docs/"
  cp -L docs/completion/ctdump.bash "$1/docs/completion/"
  local f
  for f in "${readme_docs[@]}"; do cp -L "$f" "$1/$f"; done
}
# links_resolve DIR LABEL: every relative link of DIR/README.md names a file in DIR.
links_resolve() {
  local link missing=0
  while read -r link; do
    [ -f "$1/$link" ] || { echo "$2: README.md links to $link, not installed" >&2; missing=1; }
  done < <(grep -o '](docs/[^)#]*' "$1/README.md" | sed 's/^](//' | sort -u)
  if [ "$missing" == 0 ]; then echo "ok: $2: README.md's docs/ links resolve"; else fail "$2: broken README links"; fi
}
tree="$tmp/tree"
make_tree "$tree"
out="$tmp/out"
"$tree/$R/package.sh" "$bin" "$version" "$out" >"$tmp/printed"
expect_eq "package.sh prints the four paths" "$(cat "$tmp/printed")" \
  "$(printf '%s\n' "$out/$tarball" "$out/$deb" "$out/$rpm" "$out/SHA256SUMS")"

# --- SHA256SUMS ---
if (cd "$out" && sha256sum --quiet -c SHA256SUMS); then echo "ok: sha256sum -c"; else fail "sha256sum -c"; fi
expect_eq "SHA256SUMS names" "$(awk '{print $2}' "$out/SHA256SUMS")" \
  "$(printf '%s\n' "$tarball" "$deb" "$rpm")"

# --- tarball ---
expect_eq "tar tzf" "$(tar tzf "$out/$tarball" | grep -v "^$top/docs/")" \
  "$(printf '%s\n' "$top/" "$top/LICENSE" "$top/README.md" "$top/completion/" \
    "$top/completion/ctdump.bash" "$top/ctdump" "$top/ctdump.1")"
expect_eq "tarball owners" "$(tar --numeric-owner -tvzf "$out/$tarball" | awk '{print $2}' | sort -u)" 0/0
mkdir "$tmp/tar"
tar xzf "$out/$tarball" -C "$tmp/tar"
links_resolve "$tmp/tar/$top" tarball

# --- .deb ---
deb_field() { dpkg-deb -f "$out/$deb" "$1"; }
expect_eq "deb Package" "$(deb_field Package)" ctdump
expect_eq "deb Version" "$(deb_field Version)" "$pkgver"
expect_eq "deb Architecture" "$(deb_field Architecture)" amd64
expect_eq "deb Section" "$(deb_field Section)" net
expect_eq "deb Depends" "$(deb_field Depends)" ""
expect_eq "deb Pre-Depends" "$(deb_field Pre-Depends)" ""
# (Listings go through variables: grep -q would cut a pipe short, which pipefail reports.)
info=$(dpkg-deb -I "$out/$deb")
if grep -q '^ Description: .*conntrack' <<<"$info" &&
   [ "$(deb_field Description | wc -l)" -ge 3 ]; then
  echo "ok: deb Description has a synopsis and a long description"
else
  fail "deb Description: $(deb_field Description)"
fi
expect_eq "deb owners" "$(dpkg-deb -c "$out/$deb" | awk '{print $2}' | sort -u)" root/root
deb_files=(./usr/bin/ctdump ./usr/share/bash-completion/completions/ctdump
  ./usr/share/doc/ctdump/README.md ./usr/share/doc/ctdump/copyright
  ./usr/share/man/man1/ctdump.1.gz)
expect_eq "deb files" "$(dpkg-deb -c "$out/$deb" | awk '!/^d/ {print $6}' |
  grep -v '^./usr/share/doc/ctdump/docs/')" "$(printf '%s\n' "${deb_files[@]}")"
dpkg -x "$out/$deb" "$tmp/deb"
links_resolve "$tmp/deb/usr/share/doc/ctdump" deb
for f in "${deb_files[@]}"; do
  [ -f "$tmp/deb/$f" ] || fail "dpkg -x: no $f"
done
if grep -q '^License: MIT$' "$tmp/deb/usr/share/doc/ctdump/copyright"; then
  echo "ok: deb copyright: License: MIT"
else
  fail "deb copyright has no 'License: MIT'"
fi

# --- .rpm ---
expect_eq "rpm header" \
  "$(rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE}\n' "$out/$rpm")" \
  "ctdump $pkgver 1 x86_64 MIT"
rpm_files=(/usr/bin/ctdump /usr/share/bash-completion/completions/ctdump /usr/share/doc/ctdump
  /usr/share/doc/ctdump/README.md /usr/share/licenses/ctdump /usr/share/licenses/ctdump/LICENSE
  /usr/share/man/man1/ctdump.1.gz)
expect_eq "rpm -qlp" "$(rpm -qlp "$out/$rpm" | grep -v '^/usr/share/doc/ctdump/docs')" \
  "$(printf '%s\n' "${rpm_files[@]}")"
expect_eq "rpm requires only rpmlib features" \
  "$(rpm -qpR "$out/$rpm" | grep -cv '^rpmlib(' || true)" 0
mkdir "$tmp/rpm"
(cd "$tmp/rpm" && rpm2cpio "$out/$rpm" | cpio -idm --quiet)
[ -f "$tmp/rpm/usr/bin/ctdump" ] || fail "rpm2cpio | cpio: no usr/bin/ctdump"
links_resolve "$tmp/rpm/usr/share/doc/ctdump" rpm

# --- the binaries ---
installed=("$tmp/tar/$top/ctdump" "$tmp/deb/usr/bin/ctdump" "$tmp/rpm/usr/bin/ctdump")
for b in "${installed[@]}"; do
  cmp -s "$b" "${installed[0]}" || fail "$b differs from the tarball's ctdump"
  [ -x "$b" ] || fail "$b is not executable"
done
sections=$(readelf -S "${installed[0]}")
if grep -q '\.symtab' <<<"$sections"; then
  fail "the packaged ctdump is not stripped"
else
  echo "ok: packaged ctdump is stripped"
fi
# run BINARY ARGS... > DIR/stdout, DIR/stderr, DIR/status: writes into $tmp/run/<n>/.
run_count=0
run() {
  run_count=$((run_count + 1))
  local dir="$tmp/run/$run_count" status=0
  mkdir -p "$dir"
  "$@" >"$dir/stdout" 2>"$dir/stderr" || status=$?
  echo "$status" >"$dir/status"
  echo "$dir"
}
cases=("--version")
for f in "${FIXTURES[@]}"; do cases+=("--input $f"); done
for c in "${cases[@]}"; do
  read -ra args <<<"$c"
  want=$(run "$bin" "${args[@]}")
  [ -s "$want/stdout" ] || fail "$bin $c printed nothing"
  for b in "${installed[@]}"; do
    got=$(run "$b" "${args[@]}")
    if diff -r "$want" "$got" >"$tmp/diff"; then
      echo "ok: ${b#"$tmp"/} ${c//"$tmp"\//} (status $(cat "$got/status"))"
    else
      fail "${b#"$tmp"/} ${c//"$tmp"\//} differs from $bin:"; cat "$tmp/diff"
    fi
  done
done

# --- reproducible ---
"$tree/$R/package.sh" "$bin" "$version" "$tmp/again" >/dev/null
if cmp -s "$out/SHA256SUMS" "$tmp/again/SHA256SUMS"; then
  echo "ok: packaging again gives the same artefacts"
else
  fail "packaging again gives other artefacts:"; diff "$out/SHA256SUMS" "$tmp/again/SHA256SUMS" || true
fi

# --- the man page and the completion, in all three ---
for pkg in tar deb rpm; do
  case $pkg in
    tar) man="$tmp/tar/$top/ctdump.1"; comp="$tmp/tar/$top/completion/ctdump.bash" ;;
    *) man="$tmp/$pkg/usr/share/man/man1/ctdump.1.gz"
       comp="$tmp/$pkg/usr/share/bash-completion/completions/ctdump" ;;
  esac
  if [[ $man == *.gz ]]; then page=$(zcat "$man" 2>/dev/null) || page=""; else page=$(cat "$man" 2>/dev/null) || page=""; fi
  if [ "$page" == "$(cat docs/ctdump.1)" ]; then
    echo "ok: $pkg: man page is docs/ctdump.1"
  else
    fail "$pkg: $man is missing or is not docs/ctdump.1"
  fi
  if cmp -s "$comp" docs/completion/ctdump.bash; then
    echo "ok: $pkg: completion is docs/completion/ctdump.bash"
  else
    fail "$pkg: $comp is missing or is not docs/completion/ctdump.bash"
  fi
done
# What `man ctdump` shows after installing the .deb.
if rendered=$(mandoc -T ascii "$tmp/deb/usr/share/man/man1/ctdump.1.gz" 2>&1) &&
   grep -q "ctdump - list the Linux connection-tracking table" <<<"$rendered"; then
  echo "ok: deb: the installed man page renders"
else
  fail "deb: the installed man page does not render: $(head -5 <<<"$rendered")"
fi
# The completion the .rpm installs defines the completion for ctdump.
if bash -c "source '$tmp/rpm/usr/share/bash-completion/completions/ctdump' && complete -p ctdump" \
     >/dev/null 2>&1; then
  echo "ok: rpm: the installed completion registers for ctdump"
else
  fail "rpm: sourcing the installed completion does not register 'complete ... ctdump'"
fi

# --- a tree without docs/ cannot be packaged ---
tree="$tmp/no-docs-tree"
make_tree "$tree"
rm -r "$tree/docs"
if "$tree/$R/package.sh" "$bin" "$version" "$tmp/no-docs" >/dev/null 2>"$tmp/no-docs.err"; then
  fail "package.sh succeeded without docs/ctdump.1"
elif grep -q "docs/ctdump.1 is missing" "$tmp/no-docs.err"; then
  echo "ok: package.sh refuses a tree without the man page"
else
  fail "package.sh without docs/: $(cat "$tmp/no-docs.err")"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS"
