#!/usr/bin/env python3
"""Writes the hand-made captures of link types and encapsulations the shared corpus lacks.

The differential suite (tests/Bpf.Compiler.Tests/Differential/PacketSets.cs) runs every corpus
expression of a link type over tests/data/corpus/LINKTYPE.pcap and tests/data/generated/LINKTYPE-*.pcap,
so these packets exercise the head libpcap's newer primitives against both oracles:

  corpus/DSA_TAG_BRCM.pcap     Ethernet frames with a 4-octet Broadcom tag after the source MAC, both
                               directions (tag's top 3 bits 000 = inbound, 001 = outbound)
  generated/EN10MB-encap.pcap  VXLAN (UDP 4789, I flag, several VNIs) and Geneve (UDP 6081, with and
                               without options, Ethernet and bare IPv4 payloads) over IPv4 (with and
                               without IP options) and IPv6, carrying TCP, UDP, ARP, IPv6, VLAN-tagged and
                               broadcast inner frames; near misses (wrong flags, wrong port, later
                               fragment); LLDP and slow-protocol (LACP) frames; 802.3/LLC frames
  generated/IPV4-encap.pcap    the same tunnels with no link header (DLT_IPV4)

Deterministic (no clock, no randomness): running it again writes the same bytes.
usage: tests/data/make-captures.py [OUTDIR (default: the folder holding this script)]
"""
import os
import struct
import sys

LINKTYPE = {"EN10MB": 1, "IPV4": 228, "DSA_TAG_BRCM": 281}


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def ip4(text):
    return bytes(int(x) for x in text.split("."))


def ip6(text):
    import ipaddress
    return ipaddress.IPv6Address(text).packed


def ipv4(src, dst, proto, payload, options=b"", frag=0, ident=1):
    ihl = 5 + len(options) // 4
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(options) + len(payload), ident, frag, 64, proto, 0,
                         ip4(src), ip4(dst)) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(src, dst, next_header, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, 64, ip6(src), ip6(dst)) + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, flags=0x02, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags, 65535, 0, 0) + payload


def ether(dst, src, ethertype, payload):
    return mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload


def vlan(tag, ethertype, payload):
    return struct.pack("!HH", tag, ethertype) + payload


def arp(sender, target):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac("00:11:22:33:44:55"), ip4(sender), bytes(6), ip4(target))


def vxlan(vni, inner, flags=0x08):
    return struct.pack("!B3sI", flags, b"\0\0\0", vni << 8) + inner


def geneve(vni, protocol, inner, options=b""):
    return struct.pack("!BBH", len(options) // 4, 0, protocol) + struct.pack("!I", vni << 8) + options + inner


HOST_A, HOST_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def inner_frames():
    """Ethernet frames a tunnel carries."""
    return [
        ether(HOST_B, HOST_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80))),
        ether(HOST_B, HOST_A, 0x0800, ipv4("192.168.1.1", "10.0.0.1", 17, udp(5353, 53, b"q"))),
        ether("ff:ff:ff:ff:ff:ff", HOST_A, 0x0806, arp("10.0.0.1", "10.0.0.2")),
        ether(HOST_B, HOST_A, 0x86DD, ipv6("2001:db8::1", "2001:db8::2", 6, tcp(1234, 443, 0x12))),
        ether(HOST_B, "01:02:03:04:05:06", 0x8100, vlan(10, 0x0800, ipv4("10.0.0.3", "10.0.0.4", 17, udp(1, 2)))),
        ether("01:00:5e:00:00:01", HOST_A, 0x0800, ipv4("10.0.0.5", "224.0.0.1", 2, b"\x11\0\0\0\0\0\0\0")),
    ]


def tunnels_v4(src="172.16.0.1", dst="172.16.0.2"):
    """IPv4 packets carrying VXLAN and Geneve, and near misses."""
    packets = []
    for i, inner in enumerate(inner_frames()):
        for vni in (0, 5, 10, 100, 0xFFFFFF):
            packets.append(ipv4(src, dst, 17, udp(50000 + i, 4789, vxlan(vni, inner))))
        packets.append(ipv4(src, dst, 17, udp(50000 + i, 6081, geneve(10, 0x6558, inner))))
        packets.append(ipv4(src, dst, 17, udp(50000 + i, 6081, geneve(100, 0x6558, inner, options=bytes(8)))))
    options = b"\x01\x01\x01\x00"  # NOP NOP NOP EOL: a 24-byte header moves every later offset
    packets += [
        ipv4(src, dst, 17, udp(1, 4789, vxlan(5, inner_frames()[0])), options=options),
        ipv4(src, dst, 17, udp(1, 6081, geneve(5, 0x6558, inner_frames()[1])), options=options),
        ipv4(src, dst, 17, udp(1, 6081, geneve(7, 0x0800, ipv4("10.9.9.9", "10.0.0.1", 6, tcp(5, 80))))),
        ipv4(src, dst, 17, udp(1, 4789, vxlan(5, inner_frames()[0], flags=0x0C))),  # flags other than I
        ipv4(src, dst, 17, udp(1, 4790, vxlan(5, inner_frames()[0]))),  # VXLAN-GPE port, not VXLAN
        ipv4(src, dst, 17, udp(4789, 1, vxlan(5, inner_frames()[0]))),  # source port only
        ipv4(src, dst, 17, udp(1, 4789, vxlan(5, inner_frames()[0])), frag=0x0010),  # a later fragment
        ipv4(src, dst, 6, tcp(1, 4789)),
        ipv4(src, dst, 17, udp(1, 4789, b"\x08\0")),  # truncated VXLAN header
    ]
    return packets


def tunnels_v6():
    packets = []
    for vni, inner in zip((5, 10, 100), inner_frames()):
        packets.append(ipv6("2001:db8::a", "2001:db8::b", 17, udp(50000, 4789, vxlan(vni, inner))))
        packets.append(ipv6("2001:db8::a", "2001:db8::b", 17, udp(50000, 6081, geneve(vni, 0x6558, inner))))
    return packets


def en10mb_encap():
    frames = [ether(HOST_B, HOST_A, 0x0800, p) for p in tunnels_v4()]
    frames += [ether(HOST_B, HOST_A, 0x86DD, p) for p in tunnels_v6()]
    frames += [
        ether("01:80:c2:00:00:0e", HOST_A, 0x88CC, bytes.fromhex("0207040200000000000a0403000000010602007800000000")),  # LLDP
        ether("01:80:c2:00:00:02", HOST_A, 0x8809, bytes([1, 1]) + bytes(108)),  # slow protocols: LACP
        ether(HOST_B, HOST_A, 0x0026, bytes.fromhex("424203") + bytes(35)),  # 802.3 length, STP LLC
        ether(HOST_B, HOST_A, 0x0020, bytes.fromhex("e0e003") + bytes(29)),  # 802.3 length, IPX LLC
        ether(HOST_B, HOST_A, 0x0800, ipv4("10.0.0.1", "255.255.255.255", 17, udp(68, 67, bytes(16)))),
    ]
    return frames


def dsa_brcm():
    """Broadcom tag: 4 octets after the source MAC; the first octet's top 3 bits give the direction."""
    frames = []
    for tag in (bytes([0x00, 0, 0, 1]), bytes([0x20, 0, 0, 2]), bytes([0x40, 0, 0, 3])):
        for inner in inner_frames():
            frames.append(inner[:12] + tag + inner[12:])
        frames.append(mac("ff:ff:ff:ff:ff:ff") + mac(HOST_A) + tag + bytes.fromhex("0026424203") + bytes(35))
        frames.append(mac(HOST_B) + mac(HOST_A) + tag + b"\x08\x00"
                      + ipv4("172.16.0.1", "172.16.0.2", 17, udp(1, 4789, vxlan(5, inner_frames()[0]))))
    return frames


def write(path, linktype, packets, snaplen=262144):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, p in enumerate(packets):
            # The last packet of each file is cut short: loads past the captured bytes must return 0.
            captured = p if i != len(packets) - 1 else p[: max(1, len(p) // 2)]
            f.write(struct.pack("<IIII", 1700000000 + i, i * 1000 % 1000000, len(captured), len(p)))
            f.write(captured)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(os.path.join(root, "generated"), exist_ok=True)
    write(os.path.join(root, "corpus", "DSA_TAG_BRCM.pcap"), LINKTYPE["DSA_TAG_BRCM"], dsa_brcm())
    write(os.path.join(root, "generated", "EN10MB-encap.pcap"), LINKTYPE["EN10MB"], en10mb_encap())
    write(os.path.join(root, "generated", "IPV4-encap.pcap"), LINKTYPE["IPV4"], tunnels_v4())


main()
