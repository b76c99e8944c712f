#!/usr/bin/env python3
"""Frames for the live capture benchmark (live.sh), and a record counter for the captures it makes.

  udpflood.py make N OUT.pcap   N Ethernet/IPv4/UDP frames of 100 bytes: every 10th to port 5000, the
                                others to 5001; the payload carries the frame's sequence number.
  udpflood.py count FILE...     prints, per file, the number of records and of those that are our frames
                                (pcap, micro- or nanosecond, either byte order).
  udpflood.py udp N SIZE OUT.pcap
                                N UDP datagrams of SIZE payload bytes from 10.18.0.1:40000 to 10.18.0.2:5000
                                (MACs 02:00:00:00:18:01 -> :02, the receiving end's address in udpcap.sh), valid
                                IP and UDP checksums, the sequence number in the payload's first 8 bytes
                                (little-endian); IP packets over 1500 bytes are cut into fragments of 1480 bytes
                                of payload, as a 1500-byte MTU makes a sender's kernel do.

The frames go to a MAC and an IP no interface has, so the receiving kernel drops them right after the
packet sockets saw them: no replies, nothing but the flood on the wire.
"""
import struct
import sys

SRC_MAC = bytes.fromhex("020000001801")
DST_MAC = bytes.fromhex("020000001802")
SRC_IP = bytes([10, 18, 0, 1])
DST_IP = bytes([10, 18, 0, 2])
FRAME = 100
MARK = b"bpf18flood"


def checksum(data: bytes) -> int:
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(seq: int) -> bytes:
    payload_len = FRAME - 14 - 20 - 8
    payload = (MARK + struct.pack("!Q", seq)).ljust(payload_len, b"\x00")
    port = 5000 if seq % 10 == 0 else 5001
    udp = struct.pack("!HHHH", 40000, port, 8 + payload_len, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), seq & 0xFFFF, 0, 64, 17, 0, SRC_IP, DST_IP)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return DST_MAC + SRC_MAC + b"\x08\x00" + ip + udp


def make(count: int, path: str) -> None:
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for seq in range(count):
            data = frame(seq)
            out.write(struct.pack("<IIII", 1_700_000_000 + seq // 1_000_000, seq % 1_000_000, len(data), len(data)))
            out.write(data)


def count(path: str) -> tuple[int, int]:
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return 0, 0
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    records = ours = 0
    offset = 24
    while offset + 16 <= len(data):
        caplen = struct.unpack(order + "I", data[offset + 8:offset + 12])[0]
        body = data[offset + 16:offset + 16 + caplen]
        if len(body) < caplen:
            break
        records += 1
        if body[42:42 + len(MARK)] == MARK:
            ours += 1
        offset += 16 + caplen
    return records, ours


def udp_frames(seq: int, size: int) -> list[bytes]:
    payload = struct.pack("<q", seq).ljust(size, b"\x5a")[:max(size, 8)]
    src, dst = bytes([10, 18, 0, 1]), bytes([10, 18, 0, 2])
    length = 8 + len(payload)
    header = struct.pack("!HHHH", 40000, 5000, length, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    data = header + payload
    total = checksum(pseudo + data + (b"\x00" if len(data) % 2 else b"")) or 0xFFFF
    udp = data[:6] + struct.pack("!H", total) + data[8:]
    frames = []
    unit = 1480
    for offset in range(0, len(udp), unit):
        piece = udp[offset:offset + unit]
        more = 0x2000 if offset + unit < len(udp) else 0
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(piece), seq & 0xFFFF, more | (offset // 8), 64, 17, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        frames.append(DST_MAC + SRC_MAC + b"\x08\x00" + ip + piece)
    return frames


def make_udp(count: int, size: int, path: str) -> None:
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        n = 0
        for seq in range(count):
            for data in udp_frames(seq, size):
                out.write(struct.pack("<IIII", 1_700_000_000 + n // 1_000_000, n % 1_000_000, len(data), len(data)))
                out.write(data)
                n += 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "udp":
        make_udp(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "count":
        for p in sys.argv[2:]:
            print(*count(p))
    else:
        sys.exit(__doc__)
