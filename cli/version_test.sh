#!/usr/bin/env bash
# `ctdump --version` and `ctdump -V` (cli/version.h): exit 0 and print the same single
# line, "ctdump VERSION commit=C flavour=dynamic backends=netlink,procfs", where VERSION is
# a release version (tools/release/version.sh's alphabet) and C is "unknown" (a dev build)
# or 12 hex digits with an optional "-dirty" (tools/release.sh).
set -euo pipefail
bin="${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}/cli/ctdump"
long=$("$bin" --version)
short=$("$bin" -V)
[[ "$long" == "$short" ]] || { echo "FAIL: --version '$long' but -V '$short'"; exit 1; }
re='^ctdump [0-9][A-Za-z0-9.+~-]* commit=(unknown|[0-9a-f]{12}(-dirty)?) flavour=dynamic backends=netlink,procfs$'
[[ "$long" =~ $re ]] || { echo "FAIL: --version printed '$long', want /$re/"; exit 1; }
[[ "$(printf '%s\n' "$long" | wc -l)" == 1 ]] || { echo "FAIL: more than one line"; exit 1; }
# What a script does with it.
flavour=$(tr ' ' '\n' <<<"$long" | sed -n 's/^flavour=//p')
[[ "$flavour" == dynamic ]] || { echo "FAIL: flavour '$flavour'"; exit 1; }
echo "PASS: $long"
