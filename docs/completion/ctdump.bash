# shellcheck shell=bash
# bash completion for ctdump(1).
#
# Install: copy to /usr/share/bash-completion/completions/ctdump (loaded on demand by the
# bash-completion package), or `source docs/completion/ctdump.bash` in ~/.bashrc. It needs
# nothing but bash 4.
#
# Completes: every option (short and long); the -o words (comma lists); protocol names
# after -p (conntrack's names and the built-in /etc/protocols table of core/protocols.cc);
# states after --state for the protocol chosen with -p (core/kernel.cc); --backend values;
# --netns names from `ip netns`; files after --input and --textfile; -e, -u, -f and -l
# values (label names from /etc/xtables/connlabel.conf). `--opt=value` and values with a
# colon (procfs:PATH) work whether or not = and : are in COMP_WORDBREAKS.
#
# Kept complete by //docs/completion:completion_test and //docs:options_coverage_test
# (every long option of `ctdump --help` must be in _CTDUMP_LONG_OPTIONS).

_CTDUMP_LONG_OPTIONS=(
  --dump --count --stats --event --get --summary --watch --doctor --help --version
  --output --event-mask --interval --resync --no-progname --rcvbuf --buffer-size
  --rcvbuf-max --top --by --sort --batch --iterations
  --textfile --backend --input --netns --all-netns --verbose
  --src --orig-src --dst --orig-dst --reply-src --reply-dst --mask-src --mask-dst
  --proto --protonum --family --mark --status --zone --orig-zone --reply-zone
  --src-nat --dst-nat --any-nat --label --secmark
  --sport --orig-port-src --dport --orig-port-dst --reply-port-src --reply-port-dst
  --state --icmp-type --icmp-code --icmp-id --icmpv6-type --icmpv6-code --icmpv6-id
  --srckey --orig-key-src --dstkey --orig-key-dst --reply-key-src --reply-key-dst
)
_CTDUMP_SHORT_OPTIONS=(-L -C -S -G -E -h -V -o -e -b -v -s -d -r -q -p -f -m -u -w -n -g -j -l -c)

# Options whose value is the next word (-n, -g and -j take an optional one: not listed).
_CTDUMP_WITH_VALUE=" -o --output -e --event-mask --interval --rcvbuf -b --buffer-size
  --rcvbuf-max --top --by --sort --iterations --textfile --backend --input --netns -s --src --orig-src -d --dst
  --orig-dst -r --reply-src -q --reply-dst --mask-src --mask-dst -p --proto --protonum
  -f --family -m --mark -u --status -w --zone --orig-zone --reply-zone -l --label
  -c --secmark --sport --orig-port-src --dport --orig-port-dst --reply-port-src
  --reply-port-dst --state --icmp-type --icmp-code --icmp-id --icmpv6-type --icmpv6-code
  --icmpv6-id --srckey --orig-key-src --dstkey --orig-key-dst --reply-key-src
  --reply-key-dst "

_ctdump_takes_value() {
  local w
  for w in $_CTDUMP_WITH_VALUE; do
    [[ "$w" == "$1" ]] && return 0
  done
  return 1
}

# --by keys (core/summary_keys.h), a comma list.
_CTDUMP_SUMMARY_KEYS="src dst sport dport reply-src reply-dst reply-sport reply-dport proto
  state zone mark netns"

# -o words (conntrack's, then ctdump's; "save" is refused, so not offered).
_CTDUMP_OUTPUT_WORDS="extended id ktimestamp labels xml timestamp userspace json proc prometheus"

# -p: conntrack's protocol names, then core/protocols.cc (Debian netbase's /etc/protocols:
# every name and alias, as ctdump accepts them without reading the file).
_CTDUMP_PROTOCOLS="tcp udp udplite icmp icmpv6 sctp gre dccp
  ip IP hopopt HOPOPT ICMP igmp IGMP ggp GGP ipencap IP-ENCAP st ST TCP egp EGP igp IGP
  pup PUP UDP hmp HMP xns-idp XNS-IDP rdp RDP iso-tp4 ISO-TP4 DCCP xtp XTP ddp DDP
  idpr-cmtp IDPR-CMTP ipv6 IPv6 ipv6-route IPv6-Route ipv6-frag IPv6-Frag idrp IDRP rsvp
  RSVP GRE esp IPSEC-ESP ah IPSEC-AH skip SKIP ipv6-icmp IPv6-ICMP ipv6-nonxt IPv6-NoNxt
  ipv6-opts IPv6-Opts rspf RSPF CPHB vmtp VMTP eigrp EIGRP ospf OSPFIGP ax.25 AX.25 ipip
  IPIP etherip ETHERIP encap ENCAP pim PIM ipcomp IPCOMP vrrp VRRP l2tp L2TP isis ISIS
  SCTP fc FC mobility-header Mobility-Header UDPLite mpls-in-ip MPLS-in-IP manet hip HIP
  shim6 Shim6 wesp WESP rohc ROHC ethernet Ethernet"

# --state: core/kernel.cc's tables (LISTEN is conntrack's alias of TCP's SYN_SENT2).
_CTDUMP_TCP_STATES="NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK
  TIME_WAIT CLOSE SYN_SENT2 LISTEN"
_CTDUMP_SCTP_STATES="NONE CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED SHUTDOWN_SENT
  SHUTDOWN_RECD SHUTDOWN_ACK_SENT HEARTBEAT_SENT HEARTBEAT_ACKED"
_CTDUMP_DCCP_STATES="NONE REQUEST RESPOND PARTOPEN OPEN CLOSEREQ CLOSING TIMEWAIT IGNORE
  INVALID"

_CTDUMP_STATUS_WORDS="ASSURED SEEN_REPLY UNREPLIED FIXED_TIMEOUT EXPECTED OFFLOAD
  HW_OFFLOAD UNSET"
_CTDUMP_EVENT_WORDS="NEW UPDATES DESTROY ALL"
_CTDUMP_BACKENDS="auto netlink procfs procfs:"

# _ctdump_reassemble: COMP_WORDS with words that bash split at '=' or ':' (both in the
# default COMP_WORDBREAKS) glued back together, into _ct_words and _ct_cword.
_ctdump_reassemble() {
  _ct_words=()
  _ct_cword=0
  local i w glue=0
  for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
    w="${COMP_WORDS[i]}"
    if ((i > 0)) && [[ "$w" =~ ^[=:]+$ && ${#_ct_words[@]} -gt 1 ]]; then
      _ct_words[-1]+="$w"
      glue=1
    elif ((glue)) && [[ -n "$w" ]]; then
      _ct_words[-1]+="$w"
      glue=0
    else
      _ct_words+=("$w")
      glue=0
    fi
    ((i == COMP_CWORD)) && _ct_cword=$((${#_ct_words[@]} - 1))
  done
  ((COMP_CWORD >= ${#COMP_WORDS[@]})) && { _ct_words+=(""); _ct_cword=$((${#_ct_words[@]} - 1)); }
  return 0
}

# _ctdump_list PREFIX CUR WORDS: COMPREPLY gets PREFIX+word for every word starting with CUR.
_ctdump_list() {
  local prefix="$1" cur="$2" w
  for w in $3; do
    [[ "$w" == "$cur"* ]] && COMPREPLY+=("$prefix$w")
  done
  return 0
}

# _ctdump_comma_list CUR WORDS [BANG]: completes the last item of a comma-separated list;
# with BANG, an item may start with '!'.
_ctdump_comma_list() {
  local cur="$1" head="" item="$1"
  if [[ "$cur" == *,* ]]; then
    head="${cur%,*},"
    item="${cur##*,}"
  fi
  if [[ -n "${3:-}" && "$item" == '!'* ]]; then
    head+='!'
    item="${item#!}"
  fi
  _ctdump_list "$head" "$item" "$2"
}

# _ctdump_protocol: the protocol given with -p/--proto/--protonum before the current word,
# lower-cased, with the numbers of the state-bearing protocols named.
_ctdump_protocol() {
  local i w p=""
  for ((i = 1; i < _ct_cword; i++)); do
    w="${_ct_words[i]}"
    case "$w" in
      -p | --proto | --protonum) ((i + 1 < _ct_cword)) && p="${_ct_words[i + 1]}" ;;
      --proto=* | --protonum=*) p="${w#*=}" ;;
      -p?*) p="${w#-p}" ;;
    esac
  done
  p="${p,,}"
  case "$p" in
    6 | 0x6 | 06) p=tcp ;;
    132 | 0x84 | 0204) p=sctp ;;
    33 | 0x21 | 041) p=dccp ;;
  esac
  printf '%s' "$p"
}

_ctdump_netns_names() {
  command -v ip >/dev/null 2>&1 || return 0
  ip netns list 2>/dev/null | while read -r name _; do printf '%s\n' "$name"; done
}

_ctdump_label_names() {
  local f=/etc/xtables/connlabel.conf bit name _
  [[ -r "$f" ]] || return 0
  while read -r bit name _; do
    [[ "$bit" =~ ^[0-9]+$ && -n "$name" ]] && printf '%s\n' "$name"
  done <"$f"
}

# _ctdump_files CUR: file names (directories get a slash when readline is completing).
_ctdump_files() {
  compopt -o filenames 2>/dev/null
  local f
  while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -- "$1")
  return 0
}

# _ctdump_value OPTION CUR: completes the value of OPTION.
_ctdump_value() {
  local opt="$1" cur="$2" p
  case "$opt" in
    -o | --output) _ctdump_comma_list "$cur" "$_CTDUMP_OUTPUT_WORDS" ;;
    -e | --event-mask) _ctdump_comma_list "$cur" "$_CTDUMP_EVENT_WORDS" ;;
    -u | --status) _ctdump_comma_list "$cur" "$_CTDUMP_STATUS_WORDS" bang ;;
    -l | --label) _ctdump_comma_list "$cur" "$(_ctdump_label_names)" ;;
    -p | --proto | --protonum) _ctdump_list "" "$cur" "$_CTDUMP_PROTOCOLS" ;;
    -f | --family) _ctdump_list "" "$cur" "ipv4 ipv6" ;;
    --state)
      p="$(_ctdump_protocol)"
      case "$p" in
        tcp) _ctdump_list "" "$cur" "$_CTDUMP_TCP_STATES" ;;
        sctp) _ctdump_list "" "$cur" "$_CTDUMP_SCTP_STATES" ;;
        dccp) _ctdump_list "" "$cur" "$_CTDUMP_DCCP_STATES" ;;
      esac
      ;;
    --backend)
      if [[ "$cur" == procfs:* ]]; then
        _ctdump_files "${cur#procfs:}"
        COMPREPLY=("${COMPREPLY[@]/#/procfs:}")
      else
        _ctdump_list "" "$cur" "$_CTDUMP_BACKENDS"
        [[ ${#COMPREPLY[@]} -eq 1 && "${COMPREPLY[0]}" == procfs: ]] && compopt -o nospace 2>/dev/null
      fi
      ;;
    --input)
      _ctdump_files "$cur"
      [[ "-" == "$cur"* ]] && COMPREPLY+=("-")
      ;;
    --textfile) _ctdump_files "$cur" ;;
    --by) _ctdump_comma_list "$cur" "$_CTDUMP_SUMMARY_KEYS" ;;
    --sort) _ctdump_list "" "$cur" "entries packets bytes" ;;
    --netns)
      if [[ "$cur" == /* || "$cur" == .* ]]; then
        _ctdump_files "$cur"
      else
        _ctdump_list "" "$cur" "$(_ctdump_netns_names)"
      fi
      ;;
  esac
  return 0
}

_ctdump() {
  COMPREPLY=()
  _ctdump_reassemble
  local cur="${_ct_words[_ct_cword]}" prev="" full
  ((_ct_cword > 0)) && prev="${_ct_words[_ct_cword - 1]}"
  full="$cur"

  if [[ "$cur" == --*=* ]]; then
    # --option=value: complete the value, then put the option back in front.
    local opt="${cur%%=*}"
    _ctdump_value "$opt" "${cur#*=}"
    COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
  elif _ctdump_takes_value "$prev"; then
    _ctdump_value "$prev" "$cur"
  elif [[ "$cur" == -* ]]; then
    _ctdump_list "" "$cur" "${_CTDUMP_LONG_OPTIONS[*]} ${_CTDUMP_SHORT_OPTIONS[*]}"
  elif [[ "$prev" == -[LCE] || "$prev" == --dump || "$prev" == --count || "$prev" == --event ]]; then
    _ctdump_list "" "$cur" "conntrack"
  fi

  # Readline replaces only the text after the last '=' or ':' that is in COMP_WORDBREAKS:
  # drop that much from the front of every candidate.
  local breaks="${COMP_WORDBREAKS-=:}" strip="" i c
  for ((i = ${#full} - 1; i >= 0; i--)); do
    c="${full:i:1}"
    if [[ ("$c" == "=" || "$c" == ":") && "$breaks" == *"$c"* ]]; then
      strip="${full:0:i+1}"
      break
    fi
  done
  if [[ -n "$strip" ]]; then
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="${COMPREPLY[i]#"$strip"}"; done
  fi
  return 0
}

complete -F _ctdump ctdump
