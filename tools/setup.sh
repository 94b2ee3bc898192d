#!/usr/bin/env bash
# Installs everything ctdump needs to build, test and benchmark on Debian 12, with apt-get.
# Safe to run again: apt-get skips what is installed. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # build
  bazel-bootstrap bazel-rules-java g++ pkg-config
  libmnl-dev libnetfilter-conntrack-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libseccomp-dev strace  # tools/oldkernel: static libseccomp; strace for its coverage test
  # kernel tests: the oracle, rules that make a namespace track, namespaces, traffic
  conntrack nftables iproute2 socat procps
  # checks of the output formats in kernel tests
  jq libxml2-utils
  # --watch's full-screen test (cli/kernel_tests/watch_test.sh) reads the screen from tmux
  tmux
  # `promtool check metrics` for -o prometheus (Debian's prometheus package is the only
  # one that ships promtool; its daemon is not needed, see below)
  prometheus
  # fuzzing (fuzz/, tools/fuzz/run.sh): clang with the libFuzzer and sanitizer runtimes
  clang-14 libclang-rt-14-dev
  # release artefacts (tools/release.sh): rpmbuild; rpm2cpio and cpio for its test
  rpm rpm2cpio cpio
  # tools/perfgate.sh: instruction counts under callgrind
  valgrind
  # `systemd-analyze verify` of docs/systemd/ (//docs/systemd:units_test)
  systemd
  # docs/: `mandoc -T lint` of the man page; the JSON Schema tests (Debian's jsonschema)
  mandoc python3-jsonschema
)

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

# We want promtool, not a Prometheus server on port 9090: when this run installed the
# package, stop and disable the daemon its postinst may have started. A prometheus that
# was installed before is left alone.
if printf '%s\n' "${missing[@]}" | grep -qx prometheus && command -v systemctl >/dev/null 2>&1 &&
   [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
