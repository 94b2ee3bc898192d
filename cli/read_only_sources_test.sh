#!/bin/bash
# File: cli/read_only_sources_test.sh
#
# Read-only by construction, checked in the source (issue 7). Over every product source
# file outside tools/ (core/, io/, backends/ and its subpackages, cli/, lib/; tests, benchmarks and
# testing/ helpers excepted), with // comments removed:
#   1. only backends/netlink/socket.cc calls a socket send primitive (sendto, sendmsg,
#      sendmmsg, send, mnl_socket_sendto), in NetlinkSocket::SendToKernel(), and only
#      backends/netlink/transport.cc calls that (the event socket never sends);
#   2. write()/writev() appear only where stdout and stderr are written
#      (io/fd_writer.cc, cli/main.cc, cli/messages.cc), in the self-pipe that wakes
#      the event loop on SIGINT (cli/stop_signal.cc) and in the --textfile writer
#      (cli/textfile.cc: the metrics file the user names, never a sysctl or /proc file);
#   3. every Transport::Send() call passes the bytes of a CtRequestBytes (the output of
#      BuildCtRequest(), which can only build the four read requests: request_test.cc),
#      declared in the same file;
#   4. no file names what it would take to change the table: kernel IPCTNL_MSG_* names or
#      headers, CT_GET_CTRZERO, NLM_F_CREATE/REPLACE/EXCL/APPEND, libnetfilter_conntrack
#      (nfct_query, NFCT_Q_*), nf_conntrack_netlink expectations. The one exception is the
#      flag bits NLM_F_CREATE/EXCL, which an event message CARRIES (the kernel sets them on
#      NEW events): ctnetlink.h defines them and events.cc reads them from received
#      messages; rules 1 and 3 keep them out of anything sent;
#   5. nothing shells out (system, popen, exec*, posix_spawn, fork): conntrack is never run;
#   6. no file is opened for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND,
#      fopen "w"/"a"/"+", ofstream): no sysctl is written, no counter file touched. The
#      exceptions: /dev/null in place of a closed stdin/stderr (cli/main.cc), and
#      cli/textfile.cc's temporary file (mkostemp) for --textfile.
# backends/netlink/read_only_test.cc checks the same at run time, at the system calls.
set -euo pipefail

root="${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ctdump}"
[[ -d "$root/core" ]] || root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

files=()
while IFS= read -r f; do
  case "$f" in
    *_test.cc | *_benchmark.cc | */testing/* | core/testing/status_matchers.h | core/testing/test_flows.h | \
      core/proc_lines_testdata.*) continue ;;
  esac
  files+=("$f")
done < <(cd "$root" && find core io backends cli lib \( -name '*.cc' -o -name '*.h' \) | LC_ALL=C sort)
(( ${#files[@]} > 30 )) || { echo "FAIL: only ${#files[@]} product files found under $root"; exit 1; }

tmp="$(mktemp -d "${TEST_TMPDIR:-/tmp}/readonly.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The code without // comments, as FILE:LINE:TEXT.
for f in "${files[@]}"; do
  sed -e 's://.*$::' "$root/$f" | awk -v f="$f" '{ printf "%s:%d:%s\n", f, NR, $0 }'
done >"$tmp/code"

fails=0
# check NAME REGEX ALLOWED_FILES_REGEX [EXEMPT_LINE_REGEX]: no line matches REGEX outside
# ALLOWED_FILES_REGEX (lines that also match EXEMPT_LINE_REGEX excepted).
check() {
  local name="$1" re="$2" allowed="$3" exempt="${4:-^\$}" hits
  hits="$(grep -E -- "$re" "$tmp/code" | grep -Ev "^($allowed):" | grep -Ev -- "$exempt" || true)"
  if [[ -n "$hits" ]]; then
    echo "FAIL ($name):"
    echo "$hits" | head -n 20
    fails=$((fails + 1))
  else
    echo "ok: $name"
  fi
}

check "socket send primitives only in NetlinkSocket" \
  '(^|[^A-Za-z0-9_])(sendto|sendmsg|sendmmsg|send|mnl_socket_sendto)[[:space:]]*\(' \
  'backends/netlink/socket\.cc'
check "NetlinkSocket sends only for the transport" \
  'SendToKernel' \
  'backends/netlink/socket\.(h|cc)|backends/netlink/transport\.cc'
check "write()/writev() only for stdout and stderr" \
  '(^|[^A-Za-z0-9_.>])(write|writev|pwrite)[[:space:]]*\(' \
  'io/fd_writer\.cc|cli/main\.cc|cli/messages\.cc|cli/stop_signal\.cc|cli/textfile\.cc'
check "no kernel names of writing requests" \
  'IPCTNL_MSG|CTRZERO|CtrZero|NLM_F_(REPLACE|APPEND)|kNlmF(Replace|Append)|nfnetlink_conntrack\.h|libnetfilter_conntrack|nfct_|NFCT_Q_|IPCTNL_MSG_EXP|kMsgExp' \
  '^$'
check "NLM_F_CREATE/EXCL only defined, and read from received events" \
  'NLM_F_(CREATE|EXCL)|kNlmF(Create|Excl)' \
  'backends/netlink/ctnetlink\.h|backends/netlink/events\.cc'
check "nothing shells out" \
  '(^|[^A-Za-z0-9_])(system|popen|execl|execlp|execle|execv|execvp|execvpe|fexecve|posix_spawn|posix_spawnp|fork|vfork)[[:space:]]*\(' \
  '^$'
check "no file opened for writing (but /dev/null for a closed stdin/stderr)" \
  'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|ofstream|fopen[[:space:]]*\([^)]*"[^"]*[wa+]' \
  '^$' '^cli/main\.cc:[0-9]+:.*open\("/dev/null", O_RDWR\)'
check "temporary files only for --textfile" \
  '(^|[^A-Za-z0-9_])(mkstemp|mkostemp|mkstemps|mkostemps|tmpfile|rename)[[:space:]]*\(' \
  'cli/textfile\.cc'

# 3. Every Send( call passes NAME.span() of a CtRequestBytes NAME declared in that file.
while IFS= read -r hit; do
  file="${hit%%:*}"
  arg="$(sed -nE 's/.*(->|\.)Send\(([A-Za-z_][A-Za-z0-9_]*)\.span\(\)\).*/\2/p' <<<"$hit")"
  if [[ -z "$arg" ]]; then
    echo "FAIL (Send() of something other than a request's span()): $hit"
    fails=$((fails + 1))
  elif ! grep -Eq "CtRequestBytes[[:space:]]+$arg([^A-Za-z0-9_]|$)" "$root/$file"; then
    echo "FAIL (Send($arg.span()) but $arg is not a CtRequestBytes in $file): $hit"
    fails=$((fails + 1))
  fi
done < <(grep -E '(->|\.)Send\(' "$tmp/code" | grep -v '^backends/netlink/transport\.(h|cc):' || true)
echo "checked ${#files[@]} product files"

if (( fails > 0 )); then
  echo "FAIL: $fails read-only rule(s) broken"
  exit 1
fi
echo "PASS"
