#!/usr/bin/env bash
# File: tools/ctrecord/record_fixtures.sh
#
# Recreates the ctnetlink recordings in testdata/netlink/ from the running kernel:
#
#   sudo tools/ctrecord/record_fixtures.sh [OUTDIR]      # default: testdata/netlink
#   sudo tools/ctrecord/record_fixtures.sh --shell 'CMDS' # CMDS in such a namespace
#
# Every recording is made in its own throwaway network + mount namespace (unshare -nm):
# the root namespace's conntrack table and sysctls are never touched, no kernel module is
# loaded, and /etc is replaced (inside the mount namespace only) by a private copy that
# holds /etc/xtables/connlabel.conf for `conntrack -l` / `-o labels`.
#
# For each recording NAME it writes
#   NAME.bin            what ctrecord received (tools/ctrecord/ctrecord.cc, format in
#                       testdata/netlink/README.md)
#   NAME.conntrack      `conntrack -L` in the same namespace right after the recording
#   NAME.conntrack-ext  `conntrack -L -o extended,id,labels` right after that
# Timeouts and delta-time tick between the three, so the text files are for humans.
#
# Needs: root, conntrack (conntrack-tools), nft, ip, python3, and bazel (or CTRECORD=path).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SELF="$ROOT/tools/ctrecord/record_fixtures.sh"
TRAFFIC="$ROOT/tools/ctrecord/traffic.py"
KVER="$(uname -r | cut -d. -f1,2)"   # e.g. 6.18

# ---------------------------------------------------------------- inside a namespace --

ci() {  # conntrack -I, quietly; a failure aborts the recording
  local err
  if ! err="$(conntrack -I "$@" 2>&1)"; then
    echo "conntrack -I $*: $err" >&2
    return 1
  fi
}

cu() {  # conntrack -U, quietly
  local err
  if ! err="$(conntrack -U "$@" 2>&1)"; then
    echo "conntrack -U $*: $err" >&2
    return 1
  fi
}

setup_namespace() {  # $1: private copy of /etc
  mount --bind "$1" /etc
  mkdir -p /etc/xtables
  printf '0 zero\n1 one\n40 forty\n127 last\n' >/etc/xtables/connlabel.conf
  ip link set lo up
}

# The ruleset makes the namespace track packets, attaches the ftp helper, marks and
# labels some flows (any rule that uses labels gives new entries label space) and NATs.
load_ruleset() {
  nft -f - <<'EOF'
table inet ctdump {
  ct helper ftp-std {
    type "ftp" protocol tcp
    l3proto ip
  }
  chain out {
    type filter hook output priority filter; policy accept;
    tcp dport 21 ct helper set "ftp-std"
    udp dport 9000 ct mark set 16
    tcp dport 8080 ct label set 1
  }
  chain pre {
    type filter hook prerouting priority filter; policy accept;
    ct state new counter
  }
}
table ip ctdump_nat {
  chain out {
    type nat hook output priority -100; policy accept;
    ip daddr 127.0.0.2 tcp dport 21 dnat to 127.0.0.10
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    ip daddr 127.0.0.2 tcp dport 8080 snat to 127.0.0.3:5555
  }
}
EOF
}

# Entries made through ctnetlink (`conntrack -I`): one of each kind that the kernel
# tracks, plus statuses, marks, zones, labels and NAT-looking reply tuples.
insert_entries() {
  local port=1100 st
  for st in SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE SYN_SENT2; do
    ci -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport $port --dport 80 --state "$st" -t 500
    port=$((port + 1))
  done
  ci -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 1000 --dport 80 --state ESTABLISHED -t 597 -u ASSURED
  ci -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 1001 --dport 80 --state ESTABLISHED -t 597 -u SEEN_REPLY,ASSURED
  ci -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 1002 --dport 80 --state ESTABLISHED -t 597 -u SEEN_REPLY -m 7
  ci -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 1003 --dport 80 --state ESTABLISHED -t 597 -m 4294967295
  ci -s 10.0.0.3 -d 10.0.0.4 -p udp --sport 5353 --dport 53 -t 27
  ci -s 10.0.0.3 -d 10.0.0.4 -p udp --sport 5354 --dport 53 -t 170 -u SEEN_REPLY,ASSURED
  ci -s 10.0.0.3 -d 10.0.0.4 -p udplite --sport 5000 --dport 5001 -t 27
  ci -s 10.0.0.5 -d 10.0.0.6 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1234 -t 27
  ci -s 10.0.0.5 -d 10.0.0.6 -p icmp --icmp-type 13 --icmp-code 0 --icmp-id 99 -t 27
  ci -s fd00::1 -d fd00::2 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 27
  ci -s 10.0.1.1 -d 10.0.1.2 -p sctp --sport 3868 --dport 3868 --state ESTABLISHED \
     --orig-vtag 0x11223344 --reply-vtag 0x55667788 -t 97
  ci -s 10.0.1.1 -d 10.0.1.2 -p sctp --sport 3869 --dport 3868 --state COOKIE_WAIT -t 3 \
     --orig-vtag 1 --reply-vtag 0
  ci -s fd00::10 -d fd00::20 -p sctp --sport 2905 --dport 2905 --state SHUTDOWN_SENT -t 30 \
     --orig-vtag 0xfffffffe --reply-vtag 0xffffffff
  ci -s 10.0.2.1 -d 10.0.2.2 -p gre --srckey 0x1234 --dstkey 0x5678 \
     --reply-key-src 0x5678 --reply-key-dst 0x1234 -t 97
  ci -s 10.0.2.3 -d 10.0.2.4 -p gre --srckey 0 --dstkey 0xffff \
     --reply-key-src 0xffff --reply-key-dst 0 -t 97
  # No DCCP tracker since 6.17: this becomes a generic protocol-33 entry.
  ci -s 10.0.1.3 -d 10.0.1.4 -p dccp --sport 5004 --dport 5005 --state OPEN --role client -t 99
  ci -s 10.0.3.1 -d 10.0.3.2 -p 253 -t 97
  ci -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 2000 --dport 443 --state ESTABLISHED \
     -t 300 -u SEEN_REPLY,ASSURED
  ci -s ::ffff:192.0.2.1 -d ::1 -p udp --sport 7 --dport 7 -t 30
  ci -s fe80::1:2:3:4 -d ff02::1 -p udp --sport 546 --dport 547 -t 30 -m 3
  ci -s 2001:db8:0:0:1:0:0:1 -d 2001:db8::2 -p 253 -t 30
  ci -s 10.0.4.1 -d 10.0.4.2 -p tcp --sport 2000 --dport 22 --state ESTABLISHED -t 297 -w 5
  ci -s 10.0.4.1 -d 10.0.4.2 -p tcp --sport 2001 --dport 22 --state ESTABLISHED -t 297 --orig-zone 6
  ci -s 10.0.4.1 -d 10.0.4.2 -p tcp --sport 2002 --dport 22 --state ESTABLISHED -t 297 --reply-zone 7
  ci -s 10.0.4.1 -d 10.0.4.2 -p udp --sport 2003 --dport 53 -t 297 -w 65535
  # Reply tuples as DNAT and SNAT leave them.
  ci -s 10.0.5.1 -d 10.0.5.2 -r 10.0.6.7 -q 10.0.5.1 -p tcp --sport 3003 --dport 80 \
     --reply-port-src 8080 --reply-port-dst 3003 --state ESTABLISHED -t 899
  ci -s 192.168.1.10 -d 8.8.8.8 -r 8.8.8.8 -q 203.0.113.5 -p udp --sport 40000 --dport 53 \
     --reply-port-src 53 --reply-port-dst 61000 -t 30 -u SEEN_REPLY
  # Labels (needs the ruleset's `ct label` rule; `-I` cannot set them, `-U` can).
  local l
  ci -s 10.9.0.1 -d 10.9.0.2 -p tcp --sport 1 --dport 2 --state ESTABLISHED -t 499
  for l in one forty; do
    cu -s 10.9.0.1 -d 10.9.0.2 -p tcp --sport 1 --dport 2 --label-add "$l"
  done
  ci -s 10.9.0.1 -d 10.9.0.2 -p tcp --sport 3 --dport 4 --state ESTABLISHED -t 499
  for l in zero last; do
    cu -s 10.9.0.1 -d 10.9.0.2 -p tcp --sport 3 --dport 4 --label-add "$l"
  done
}

record() {  # $1: output directory, $2: name, $3: ctrecord
  "$3" "$1/$2.bin"
  conntrack -L >"$1/$2.conntrack" 2>/dev/null
  conntrack -L -o extended,id,labels >"$1/$2.conntrack-ext" 2>/dev/null
}

with_traffic() {  # runs "$@" while traffic.py holds its connections open
  local fifo pid line
  fifo="$(mktemp -u)"
  mkfifo "$fifo"
  python3 "$TRAFFIC" <"$fifo" >"$fifo.out" &
  pid=$!
  exec 9>"$fifo"
  for _ in $(seq 100); do
    if grep -q ready "$fifo.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  grep -q ready "$fifo.out" || { echo "traffic.py did not get ready" >&2; kill "$pid"; exit 1; }
  "$@"
  exec 9>&-
  wait "$pid" || true
  rm -f "$fifo" "$fifo.out"
}

inside() {  # $1: recording name, $2: output dir, $3: ctrecord, $4: /etc copy
  local name="$1" out="$2" ctrecord="$3"
  setup_namespace "$4"
  case "$name" in
    entries-*)
      sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
      load_ruleset
      insert_entries
      with_traffic record "$out" "$name" "$ctrecord"
      ;;
    plain-*)
      sysctl -qw net.netfilter.nf_conntrack_acct=0 net.netfilter.nf_conntrack_timestamp=0
      load_ruleset
      insert_entries
      with_traffic record "$out" "$name" "$ctrecord"
      ;;
    many-*)
      # 600 TCP entries, the first half with counters and timestamps, the second half
      # without (a dump mixes both when the sysctls change): many datagrams.
      sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
      local i
      for i in $(seq 0 599); do
        if [ "$i" = 300 ]; then
          sysctl -qw net.netfilter.nf_conntrack_acct=0 net.netfilter.nf_conntrack_timestamp=0
        fi
        ci -s "10.1.$((i / 250)).$((i % 250 + 1))" -d 10.2.0.1 -p tcp --sport $((10000 + i)) \
           --dport 443 --state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED -m "$i"
      done
      record "$out" "$name" "$ctrecord"
      ;;
    empty-*)
      record "$out" "$name" "$ctrecord"
      ;;
    shell)
      # For checking by hand: the entries-* table, then "$out" run by bash in it.
      sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
      load_ruleset
      insert_entries
      with_traffic bash -c "$out"
      ;;
    *) echo "unknown recording $name" >&2; exit 2 ;;
  esac
}

if [ "${1:-}" = "--shell" ]; then
  # record_fixtures.sh --shell 'COMMANDS': runs COMMANDS in a throwaway namespace holding
  # the same table as the entries-* recording (traffic connections held open).
  [ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cp -a /etc/. "$tmp/etc"
  unshare --net --mount --propagation private "$SELF" --inside shell "$2" none "$tmp/etc"
  exit $?
fi

if [ "${1:-}" = "--inside" ]; then
  shift
  inside "$@"
  exit 0
fi

# ----------------------------------------------------------------------- outside --

if [ "$(id -u)" -ne 0 ]; then
  echo "record_fixtures.sh: needs root (namespaces, conntrack -I)" >&2
  exit 1
fi
OUT="$(realpath "${1:-$ROOT/testdata/netlink}")"
if [ -z "${CTRECORD:-}" ]; then
  (cd "$ROOT" && bazel build //tools/ctrecord >&2)
  CTRECORD="$ROOT/bazel-bin/tools/ctrecord/ctrecord"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$CTRECORD" "$tmp/ctrecord"
cp -a /etc/. "$tmp/etc"

for name in "entries-$KVER" "plain-$KVER" "many-$KVER" "empty-$KVER"; do
  echo "== $name" >&2
  unshare --net --mount --propagation private "$SELF" --inside "$name" "$OUT" \
    "$tmp/ctrecord" "$tmp/etc"
done
echo "recorded on $(uname -r) with $(conntrack --version 2>&1)" >&2
