#!/usr/bin/env bash
# examples/top_talkers over the testdata/procfs fixtures that testdata/examples has a
# golden file for (top_talkers.FIXTURE.txt). CTDUMP_UPDATE_GOLDEN=DIR writes them to DIR.
set -euo pipefail
cd "${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}"
fail=0
for fixture in nf_conntrack-6.18 centos7-nf_conntrack; do
  got="${TEST_TMPDIR:?}/$fixture"
  examples/top_talkers "testdata/procfs/$fixture/input.txt" >"$got"
  golden="testdata/examples/top_talkers.$fixture.txt"
  if [ -n "${CTDUMP_UPDATE_GOLDEN:-}" ]; then cp "$got" "$CTDUMP_UPDATE_GOLDEN/"top_talkers.$fixture.txt; fi
  if ! cmp -s "$got" "$golden"; then
    echo "FAIL: $fixture: differs from $golden:"
    diff -u "$golden" "$got" | head -30
    fail=1
  fi
done
[ "$fail" = 0 ] && echo PASS
exit "$fail"
