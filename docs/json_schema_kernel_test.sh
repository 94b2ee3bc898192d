#!/bin/bash
# File: docs/json_schema_kernel_test.sh
#
# Contract: ctdump's -o json output from a live kernel is valid under
# docs/json-schema.json (Debian's python3-jsonschema, docs/json_schema_check.py). In a
# throwaway namespace (tools/testing/netns.sh) with accounting and timestamps on, real
# loopback traffic under an nft ruleset (SNAT, DNAT, marks, `ct label`), `ctgen --diverse`
# (every protocol, zones, NAT, labels, states, odd IPv6) and `ctgen --count 2000` (mixed,
# 30% IPv6):
#   1. `ctdump -L -o json` over ctnetlink: every object is valid, and the output covers
#      tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp and unknown protocols, both
#      families, NAT status bits, non-zero and direction-specific zones, labels, marks,
#      timestamps and counters (so that the schema was checked against each of them);
#   2. the same with -o json,extended,id,ktimestamp,labels and a connlabel.conf (in a
#      private mount namespace): "label_names" appear and are valid;
#   3. `ctdump -L -o json --backend procfs` (the /proc records of the same table);
#   4. `--summary -o json`, `-C -o json`, `-S -o json`, `--doctor -o json`, in the
#      namespace and from outside with --netns (the doctor's "netns" key);
#   4b. `-L`, `-C` and `--summary` `-o json --all-netns` (objects with "netns"; only this
#      test's namespace's objects are checked, and that they carry its name), and
#      `--summary --all-netns --by netns,dport -o json` (one object, top_by names it),
#      `-G -o json` of one entry;
#   5. a short `ctdump -E -o json`: NEW events from ctgen, UPDATE events from
#      `conntrack -U`, DESTROY events from `conntrack -D` (with portid and progname);
#      every event object is valid;
#   6. a short `ctdump -E -o json --backend procfs --interval 0.2`: polled events
#      ("polled": true) are valid.
# Needs root (skips otherwise, or fails with CTDUMP_REQUIRE_KERNEL=1).
set -euo pipefail

_lib="${TEST_SRCDIR:-/nonexistent}/${TEST_WORKSPACE:-ctdump}/tools/testing/netns.sh"
[[ -f "$_lib" ]] || _lib="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/testing/netns.sh"
# shellcheck source=../tools/testing/netns.sh
source "$_lib"

ct_require_root_or_skip
PY=/usr/bin/python3
"$PY" -c 'import jsonschema' 2>/dev/null ||
  ct_fail "python3-jsonschema is not installed (tools/setup.sh installs it)"
command -v jq >/dev/null || ct_fail "jq is not installed (tools/setup.sh installs it)"
CTDUMP="$(ct_runfile cli/ctdump)" || ct_fail "cli/ctdump is not built"
CTGEN="$(ct_runfile tools/ctgen/ctgen)" || ct_fail "tools/ctgen/ctgen is not built"
SCHEMA="$(ct_runfile docs/json-schema.json)" || ct_fail "docs/json-schema.json not found"
CHECK="$(ct_runfile docs/json_schema_check.py)" || ct_fail "docs/json_schema_check.py not found"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/json_schema_kernel.XXXXXX")"
ct_on_exit rm -rf "$TMP"

check() {  # check NAME FILE [checker options]
  local name="$1" file="$2"
  shift 2
  if ! "$PY" "$CHECK" --schema "$SCHEMA" "$@" "$file" >"$TMP/check.out" 2>"$TMP/check.err"; then
    head -n 20 "$TMP/check.err" >&2
    ct_fail "$name: the schema rejects ctdump's output"
  fi
  echo "ok: $name: $(cat "$TMP/check.out")"
}

ct_netns_create NS
ct_enable_acct_tstamp "$NS"
ct_real_traffic "$NS"
X=(ip netns exec "$NS")
"${X[@]}" "$CTGEN" --diverse -q
"${X[@]}" "$CTGEN" --count 2000 --mix mixed --v6-percent 30 --seed 7 -q

# any JQ-FILTER FILE: true when at least one object of FILE matches JQ-FILTER. (Not
# `jq -e`: jq 1.6 sets its exit status from the last input only.)
any() {
  [[ -n "$(jq -c "select($1)" "$2" | head -n 1)" ]]
}

# covers NAME JQ-FILTER FILE: at least one object of FILE matches JQ-FILTER.
covers() {
  any "$2" "$3" || ct_fail "-L -o json has no entry with $1 (filter: $2)"
}

listing() {
  ct_run "ctdump -L -o json" "$TMP/l.json" "$TMP/l.err" "${X[@]}" "$CTDUMP" -L -o json
  check "-L -o json (netlink)" "$TMP/l.json" --kind flow
  local p
  for p in tcp udp udplite icmp icmpv6 sctp gre dccp unknown; do
    covers "proto $p" ".proto == \"$p\"" "$TMP/l.json"
  done
  covers "ipv6" '.family == "ipv6"' "$TMP/l.json"
  covers "SRC_NAT" '.status | index("SRC_NAT")' "$TMP/l.json"
  covers "DST_NAT" '.status | index("DST_NAT")' "$TMP/l.json"
  covers "a non-zero zone" '.zone.id != 0' "$TMP/l.json"
  covers "an orig-direction zone" '.zone.dir == "orig"' "$TMP/l.json"
  covers "a reply-direction zone" '.zone.dir == "reply"' "$TMP/l.json"
  covers "labels" '(.labels // []) | length > 0' "$TMP/l.json"
  covers "a non-zero mark" '(.mark // 0) != 0' "$TMP/l.json"
  covers "start_ns" 'has("start_ns")' "$TMP/l.json"
  covers "counters" '.orig | has("packets")' "$TMP/l.json"
  covers "a TCP state" 'has("state")' "$TMP/l.json"
  covers "GRE keys" '.orig | has("srckey")' "$TMP/l.json"
  covers "ICMP ids" '.orig | has("type")' "$TMP/l.json"
  echo "ok: -L -o json covers every protocol, NAT, zones, labels, marks, timestamps, counters"
}

labels() {
  mkdir -p "$TMP/ovl"
  # A private mount namespace whose /etc is an overlay with a connlabel.conf; nothing is
  # written to the real /etc.
  # shellcheck disable=SC2016  # the script is expanded by its own sh
  if ! unshare -m --propagation private sh -c '
      set -e
      ovl="$1"; shift
      mount -t tmpfs ctdump-schema-ovl "$ovl"
      mkdir "$ovl/up" "$ovl/work"
      mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ovl/up,workdir=$ovl/work" /etc
      mkdir -p /etc/xtables
      printf "0 zero\n1 one\n40 forty\n127 last\n" >/etc/xtables/connlabel.conf
      exec "$@"' sh "$TMP/ovl" "${X[@]}" "$CTDUMP" -L -o json,extended,id,ktimestamp,labels \
      >"$TMP/lab.json" 2>"$TMP/lab.err"; then
    head -n 3 "$TMP/lab.err" >&2
    ct_skip_part "label names: cannot run with a connlabel.conf in a private mount namespace"
    return 0
  fi
  check "-L -o json,extended,id,ktimestamp,labels (connlabel.conf)" "$TMP/lab.json" --kind flow
  any '(.label_names // []) | length > 0' "$TMP/lab.json" ||
    ct_fail "no entry with label_names although connlabel.conf names the labels set"
}

procfs() {
  if ! "${X[@]}" test -r /proc/net/nf_conntrack; then
    ct_skip_part "no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS off)"
    return 0
  fi
  ct_run "ctdump -L -o json --backend procfs" "$TMP/p.json" "$TMP/p.err" \
    "${X[@]}" "$CTDUMP" -L -o json --backend procfs
  check "-L -o json --backend procfs" "$TMP/p.json" --kind flow
}

reports() {
  ct_run "ctdump --summary -o json" "$TMP/s.json" "$TMP/s.err" "${X[@]}" "$CTDUMP" --summary -o json
  check "--summary -o json" "$TMP/s.json" --kind summary
  ct_run "ctdump --summary -o json --top 3" "$TMP/s3.json" "$TMP/s3.err" \
    "${X[@]}" "$CTDUMP" --summary -o json --top 3
  check "--summary -o json --top 3" "$TMP/s3.json" --kind summary
  any '.top_sources.items | length == 3' "$TMP/s3.json" ||
    ct_fail "--summary --top 3: not three top sources"
  local c
  for c in -C -S --doctor; do
    ct_run "ctdump $c -o json" "$TMP/r.json" "$TMP/r.err" "${X[@]}" "$CTDUMP" "$c" -o json
    check "$c -o json" "$TMP/r.json"
    ct_run "ctdump --netns NS $c -o json" "$TMP/rn.json" "$TMP/rn.err" \
      "$CTDUMP" --netns "$NS" "$c" -o json
    check "--netns NS $c -o json" "$TMP/rn.json"
  done
  any 'has("netns")' "$TMP/rn.json" || ct_fail "--doctor --netns: no \"netns\" key"
}

# --all-netns: every namespace's objects are valid; this test's namespace's carry its name.
all_netns() {
  ct_run "ctdump -L --all-netns -o json" "$TMP/an.json" "$TMP/an.err" \
    "$CTDUMP" -L --all-netns -o json -s 10.203.0.1
  check "-L --all-netns -o json" "$TMP/an.json" --kind flow
  any ".netns == \"$NS\"" "$TMP/an.json" || ct_fail "-L --all-netns: no object for $NS"
  ct_run "ctdump -C --all-netns -o json" "$TMP/anc.json" "$TMP/anc.err" \
    "$CTDUMP" -C --all-netns -o json
  check "-C --all-netns -o json" "$TMP/anc.json" --kind count
  any ".netns == \"$NS\"" "$TMP/anc.json" || ct_fail "-C --all-netns: no object for $NS"
  ct_run "ctdump --summary --all-netns -o json" "$TMP/ans.json" "$TMP/ans.err" \
    "$CTDUMP" --summary --all-netns -o json -s 10.203.0.1
  check "--summary --all-netns -o json" "$TMP/ans.json" --kind summary
  any ".netns == \"$NS\"" "$TMP/ans.json" || ct_fail "--summary --all-netns: no object for $NS"
  ct_run "ctdump --summary --all-netns --by netns,dport -o json" "$TMP/anb.json" "$TMP/anb.err" \
    "$CTDUMP" --summary --all-netns --by netns,dport -o json --top 1000 -s 10.203.0.1
  check "--summary --all-netns --by netns,dport -o json" "$TMP/anb.json" --kind summary
  any ".top_by.items[].key.netns == \"$NS\"" "$TMP/anb.json" ||
    ct_fail "--summary --all-netns --by netns: no top_by item for $NS"
  ct_run "ctdump -G -o json" "$TMP/g.json" "$TMP/g.err" "${X[@]}" "$CTDUMP" -G -o json \
    -p tcp -s 10.203.0.1 -d 10.203.0.2 --sport 7 --dport 8
  check "-G -o json" "$TMP/g.json" --kind flow
}

# start_events OUT ERR ARGS...: ctdump -E in the namespace (BG_PID), once it listens.
start_events() {
  local out="$1" err="$2" i
  shift 2
  "${X[@]}" "$CTDUMP" -E -v "$@" >"$out" 2>"$err" &
  BG_PID=$!
  for i in $(seq 1 100); do
    grep -qE "listening for|polling" "$err" 2>/dev/null && return 0
    kill -0 "$BG_PID" 2>/dev/null || { cat "$err" >&2; ct_fail "ctdump -E $* exited early"; }
    sleep 0.1
  done
  ct_fail "ctdump -E $*: not listening after 10 s: $(head -n 3 "$err")"
}

# stop_events FILE N: waits (up to 30 s) for N lines, then SIGINT; the exit status must be 0.
stop_events() {
  local file="$1" n="$2" i rc=0
  for i in $(seq 1 300); do
    [[ "$(wc -l <"$file")" -ge "$n" ]] && break
    sleep 0.1
  done
  sleep 0.3
  kill -INT "$BG_PID" 2>/dev/null || true
  wait "$BG_PID" || rc=$?
  [[ "$rc" == 0 ]] || ct_fail "ctdump -E exited $rc after SIGINT"
}

events() {
  start_events "$TMP/e.json" "$TMP/e.err" -o json -s 10.201.0.0/16
  # NEW (ctgen is a process: portid), UPDATE and DESTROY (conntrack: portid and progname).
  local i
  for i in 1 2 3 4 5; do
    "${X[@]}" conntrack -I -p tcp -s "10.201.0.$i" -d 10.201.1.1 --sport 1000 --dport 80 \
      --state ESTABLISHED -t 600 -u SEEN_REPLY >/dev/null 2>&1 || ct_fail "conntrack -I failed"
  done
  ct_conntrack "$NS" -U -s 10.201.0.0/16 -m 9
  ct_conntrack "$NS" -D -s 10.201.0.0/16
  stop_events "$TMP/e.json" 15
  check "-E -o json" "$TMP/e.json" --kind event
  local t
  for t in new update destroy; do
    any ".event == \"$t\"" "$TMP/e.json" || ct_fail "-E -o json: no \"$t\" event"
  done
  any 'has("portid")' "$TMP/e.json" || ct_fail "-E -o json: no event with portid"
}

polled() {
  if ! "${X[@]}" test -r /proc/net/nf_conntrack; then
    ct_skip_part "polled events: no /proc/net/nf_conntrack"
    return 0
  fi
  start_events "$TMP/pe.json" "$TMP/pe.err" -o json --backend procfs --interval 0.2 -s 10.202.0.0/16
  "${X[@]}" conntrack -I -p udp -s 10.202.0.1 -d 10.202.1.1 --sport 1 --dport 53 -t 600 \
    >/dev/null 2>&1 || ct_fail "conntrack -I failed"
  sleep 0.6
  "${X[@]}" conntrack -D -s 10.202.0.0/16 >/dev/null 2>&1 || ct_fail "conntrack -D failed"
  stop_events "$TMP/pe.json" 2
  check "-E -o json --backend procfs --interval 0.2" "$TMP/pe.json" --kind event
  any '.polled == true' "$TMP/pe.json" || ct_fail "no polled event"
}

ct_part "-L -o json (netlink)" listing
ct_part "-L -o json with label names" labels
ct_part "-L -o json (procfs)" procfs
ct_part "--summary, -C, -S, --doctor -o json" reports
"${X[@]}" conntrack -I -p tcp -s 10.203.0.1 -d 10.203.0.2 --sport 7 --dport 8 -t 600 \
  --state ESTABLISHED >/dev/null 2>&1 || ct_fail "conntrack -I failed"
ct_part "--all-netns and -G -o json" all_netns
ct_part "-E -o json" events
ct_part "-E -o json (polled)" polled
ct_finish
