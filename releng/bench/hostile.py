#!/usr/bin/env python3
"""Writes a hostile libpcap capture for the heap-bound measurements in RESULTS.md.

    releng/bench/hostile.py malformed-kerberos OUT.pcap [FRAMES]   UDP to port 88, each a Kerberos AS-REQ tag whose
                                                                    DER length claims 2^31 - 1 bytes (RFC 4120)
    releng/bench/hostile.py syn-scan OUT.pcap [FRAMES]             SYNs from 65,536 clients to ports 1-65,000
    releng/bench/hostile.py dns-busy OUT.pcap [FRAMES]             a domain controller's DNS: queries for A records of
                                                                    100,000 names from 65,536 clients, each answered
    releng/bench/hostile.py http-busy OUT.pcap [FRAMES]            a web farm's anonymous traffic: connections (SYN,
                                                                    SYN/ACK, GET, 200) from 65,536 clients to 16 servers

FRAMES defaults to 4,000,000 (about 280 MB). Ethernet II, IPv4 (checksums 0), one microsecond record timestamps.
"""
import struct
import sys

ETHER = b'\x00\x01\x02\x03\x04\x05\x00\x01\x02\x03\x04\x06\x08\x00'


def ipv4(proto, src, dst, payload):
    return ETHER + struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, src, dst) + payload


def malformed_kerberos(i):
    krb = b'\x6a\x84\x7f\xff\xff\xff\x30\x03\x02\x01\x05'
    udp = struct.pack('>HHHH', 1024 + i % 60000, 88, 8 + len(krb), 0) + krb
    return ipv4(17, bytes([10, 1, (i >> 8) & 255, i & 255]), bytes([192, 168, 2, 10]), udp)


def syn_scan(i):
    tcp = struct.pack('>HHIIBBHHH', 40000 + i % 20000, 1 + (i * 7) % 65000, 1000, 0, 0x50, 0x02, 65535, 0, 0)
    return ipv4(6, bytes([10, 9, (i >> 8) & 255, i & 255]), bytes([192, 168, (i >> 16) & 255, 1]), tcp)


def dns_name(n):
    return b''.join(bytes([len(label)]) + label for label in (b'host%d' % n, b'contoso', b'com')) + b'\x00'


def dns_busy(i):
    pair, client = i // 2, bytes([10, 9, (i >> 9) & 255, (i >> 1) & 255])
    server, port = bytes([192, 168, 2, 10]), 1024 + pair % 60000
    question = dns_name(pair % 100_000) + struct.pack('>HH', 1, 1)
    if i % 2 == 0:
        dns = struct.pack('>HHHHHH', pair & 0xffff, 0x0100, 1, 0, 0, 0) + question
        udp = struct.pack('>HHHH', port, 53, 8 + len(dns), 0) + dns
        return ipv4(17, client, server, udp)
    answer = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 1200, 4) + bytes([10, 20, (pair >> 8) & 255, pair & 255])
    dns = struct.pack('>HHHHHH', pair & 0xffff, 0x8180, 1, 1, 0, 0) + question + answer
    udp = struct.pack('>HHHH', 53, port, 8 + len(dns), 0) + dns
    return ipv4(17, server, client, udp)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b''):
    return ipv4(6, src, dst, struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0) + payload)


def http_busy(i):
    conn, step = i // 4, i % 4
    client, server = bytes([10, 8, (conn >> 8) & 255, conn & 255]), bytes([192, 168, 3, conn % 16])
    port = 1024 + (conn >> 16) % 60000
    if step == 0:
        return tcp(client, server, port, 80, 1000, 0, 0x02)
    if step == 1:
        return tcp(server, client, 80, port, 5000, 1001, 0x12)
    if step == 2:
        req = b'GET /page%d.html HTTP/1.1\r\nHost: www%d.contoso.com\r\nUser-Agent: Mozilla/5.0\r\n\r\n' % (conn % 1000, conn % 16)
        return tcp(client, server, port, 80, 1001, 5001, 0x18, req)
    body = b'<html>ok</html>'
    resp = b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n' % len(body) + body
    return tcp(server, client, 80, port, 5001, 1001 + 0, 0x18, resp)


KINDS = {'malformed-kerberos': malformed_kerberos, 'syn-scan': syn_scan, 'dns-busy': dns_busy, 'http-busy': http_busy}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in KINDS:
        sys.exit(__doc__)
    make = KINDS[sys.argv[1]]
    frames = int(sys.argv[3]) if len(sys.argv) > 3 else 4_000_000
    with open(sys.argv[2], 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        batch = []
        for i in range(frames):
            p = make(i)
            batch.append(struct.pack('<IIII', 1_700_000_000 + i // 1_000_000, i % 1_000_000, len(p), len(p)) + p)
            if len(batch) >= 100_000:
                f.write(b''.join(batch))
                batch = []
        f.write(b''.join(batch))


if __name__ == '__main__':
    main()
