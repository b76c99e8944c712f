#!/usr/bin/env python3
"""Frames for the live capture benchmark (live.sh), and a record counter for the captures it makes.

  udpflood.py make N OUT.pcap   N Ethernet/IPv4/UDP frames of 100 bytes: every 10th to port 5000, the
                                others to 5001; the payload carries the frame's sequence number.
  udpflood.py count FILE...     prints, per file, the number of records and of those that are our frames
                                (pcap, micro- or nanosecond, either byte order).

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


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "count":
        for p in sys.argv[2:]:
            print(*count(p))
    else:
        sys.exit(__doc__)
