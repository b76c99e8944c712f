#!/usr/bin/env python3
"""Compiles expressions with one libpcap build and answers as `bpf compile --batch` does.

Reads LINKTYPE<TAB>SNAPLEN<TAB>EXPRESSION lines from standard input and prints one line each:
ok<TAB>N,code jt jf k,... or error<TAB>message (pcap_open_dead, netmask unknown, -O unless --O0).
Tests run it where `bpf` cannot be loaded in-process with the oracle, e.g. inside a private mount
namespace with test name databases bound over /etc (tests/Bpf.Cli.Tests/NameDatabaseTests.cs).

usage: tests/scripts/oracle-compile.py --lib PATH/libpcap.so [--O0]
"""
import argparse, ctypes, os, sys

class Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint), ("insns", ctypes.POINTER(Insn))]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--O0", action="store_true")
    a = ap.parse_args()
    lib = ctypes.CDLL(a.lib, mode=os.RTLD_LOCAL)
    lib.pcap_open_dead.restype = ctypes.c_void_p
    lib.pcap_open_dead.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.pcap_geterr.restype = ctypes.c_char_p
    lib.pcap_geterr.argtypes = [ctypes.c_void_p]
    lib.pcap_compile.argtypes = [ctypes.c_void_p, ctypes.POINTER(Prog), ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
    lib.pcap_freecode.argtypes = [ctypes.POINTER(Prog)]
    lib.pcap_close.argtypes = [ctypes.c_void_p]
    lib.pcap_datalink_name_to_val.argtypes = [ctypes.c_char_p]
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        link, snaplen, expr = line.split("\t", 2)
        dlt = lib.pcap_datalink_name_to_val(link.encode())
        p = lib.pcap_open_dead(dlt, int(snaplen))
        prog = Prog()
        if lib.pcap_compile(p, ctypes.byref(prog), expr.encode(), 0 if a.O0 else 1, 0xffffffff) != 0:
            print("error\t" + lib.pcap_geterr(p).decode(errors="replace"))
        else:
            insns = [prog.insns[i] for i in range(prog.len)]
            print("ok\t%d,%s" % (len(insns), ",".join(f"{i.code} {i.jt} {i.jf} {i.k}" for i in insns)))
            lib.pcap_freecode(ctypes.byref(prog))
        lib.pcap_close(p)
        sys.stdout.flush()

main()
