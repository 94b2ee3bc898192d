#!/usr/bin/env python3
"""Creates real (packet-path) conntrack entries on loopback for fixture recordings.

Run by record_fixtures.sh inside a throwaway network namespace whose nft ruleset makes
the namespace track traffic (see record_fixtures.sh). Opens the connections below,
prints "ready" on stdout once every entry exists, and holds the sockets open until
stdin is closed, so that the entries are still there while ctrecord dumps the table.

  * tcp 127.0.0.1 -> 127.0.0.2:8080, SNATed by the ruleset to 127.0.0.3:5555, ESTABLISHED
  * tcp ::1 -> ::1:8080, ESTABLISHED
  * tcp 127.0.0.1 -> 127.0.0.1:8082: client half-closed (CLOSE_WAIT)
  * tcp 127.0.0.1 -> 127.0.0.1:8083: closed by both sides (TIME_WAIT)
  * udp 127.0.0.1 -> 127.0.0.1:9000, answered; the ruleset sets ct mark 16
  * icmp echo to 127.0.0.1 and icmpv6 echo to ::1, answered
  * ftp control 127.0.0.1 -> 127.0.0.2:21, DNATed to 127.0.0.10:21, with the ftp
    helper; the server's 227 reply is rewritten by nf_nat_ftp (one byte shorter, so
    SEQ_ADJUST), and the data connection to 127.0.0.2:50000 is an expected entry with
    a master tuple.

Only the standard library is used; needs root (raw ICMP sockets).
"""

import socket
import struct
import sys
import threading
import time


def serve_tcp(family, addr, port, handler):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(16)
    conns = []

    def loop():
        while True:
            c, _ = srv.accept()
            conns.append(c)
            threading.Thread(target=handler, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return srv, conns


def echo_once(c):
    data = c.recv(100)
    if data:
        c.sendall(b"ok:" + data)


def hold(c):
    # Reads until the peer closes, then does nothing more (leaves our side open).
    while c.recv(100):
        pass


def closer(c):
    while c.recv(100):
        pass
    c.close()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping4(ident):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
    payload = b"ctdump"
    pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, 1) + payload
    s.sendto(pkt, ("127.0.0.1", 0))
    s.settimeout(2)
    s.recv(200)
    return s


def ping6(ident):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    # The kernel computes the ICMPv6 checksum for raw ICMPv6 sockets.
    pkt = struct.pack("!BBHHH", 128, 0, 0, ident, 1) + b"ctdump"
    s.sendto(pkt, ("::1", 0))
    s.settimeout(2)
    s.recv(200)
    return s


def main():
    keep = []
    # Servers.
    keep.append(serve_tcp(socket.AF_INET, "127.0.0.2", 8080, echo_once))
    keep.append(serve_tcp(socket.AF_INET6, "::1", 8080, echo_once))
    keep.append(serve_tcp(socket.AF_INET, "127.0.0.1", 8082, hold))
    keep.append(serve_tcp(socket.AF_INET, "127.0.0.1", 8083, closer))
    data_srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    data_srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    data_srv.bind(("127.0.0.10", 50000))
    data_srv.listen(4)
    keep.append(data_srv)

    def ftp(c):
        c.sendall(b"220 ctdump fixture ftp\r\n")
        c.recv(100)  # PASV
        c.sendall(b"227 Entering Passive Mode (127,0,0,10,195,80).\r\n")
        while c.recv(100):
            pass

    keep.append(serve_tcp(socket.AF_INET, "127.0.0.10", 21, ftp))
    udp_srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_srv.bind(("127.0.0.1", 9000))
    keep.append(udp_srv)
    time.sleep(0.2)

    # TCP, SNATed (ruleset) and plain IPv6; both stay ESTABLISHED.
    for family, addr in ((socket.AF_INET, "127.0.0.2"), (socket.AF_INET6, "::1")):
        c = socket.create_connection((addr, 8080))
        c.sendall(b"hello")
        c.recv(100)
        keep.append(c)

    # CLOSE_WAIT: the client sends FIN, the server never closes.
    c = socket.create_connection(("127.0.0.1", 8082))
    c.sendall(b"bye")
    c.shutdown(socket.SHUT_WR)
    keep.append(c)

    # TIME_WAIT: both sides close.
    c = socket.create_connection(("127.0.0.1", 8083))
    c.sendall(b"bye")
    c.shutdown(socket.SHUT_WR)
    c.recv(100)
    c.close()

    # UDP with an answer (SEEN_REPLY); the ruleset marks it.
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"q", ("127.0.0.1", 9000))
    data, peer = udp_srv.recvfrom(100)
    udp_srv.sendto(b"a", peer)
    u.recv(100)
    keep.append(u)

    keep.append(ping4(0x1234))
    keep.append(ping6(0x4321))

    # FTP control connection through DNAT + helper, then the expected data connection.
    f = socket.create_connection(("127.0.0.2", 21))
    f.recv(100)
    f.sendall(b"PASV\r\n")
    reply = f.recv(100)
    keep.append(f)
    d = socket.create_connection(("127.0.0.2", 50000))
    keep.append(d)
    dc, _ = data_srv.accept()
    d.sendall(b"data")
    dc.recv(100)
    keep.append(dc)

    time.sleep(0.3)
    sys.stderr.write("traffic: ftp reply seen by the client: %r\n" % reply)
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
