#!/usr/bin/env python3
"""Measures the compiler against both libpcap oracles, per compatibility mode.

For every expression of tests/data/expressions (and extra LINKTYPE<TAB>EXPRESSION lines given with
--extra FILE), compiles with `bpf compile --batch --libpcap MODE` and with the mode's oracle (the
head's libpcap.so for `head`, the system libpcap 1.10 for `1.10`; pcap_open_dead, snaplen 262144,
netmask unknown, -O) and prints: accepted/rejected as the oracle, instruction-identical count,
size ratio, identical error messages, and the differing lines with --show. Equivalence on packets
is the C# differential suite's job (CorpusDifferentialTests.Report*); this script is the fast loop.

usage: tests/scripts/libpcap-modes.py [--mode head|1.10] [--O0] [--show N] [--bpf CMD] [--extra FILE]
"""
import argparse, ctypes, glob, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEAD = os.environ.get("BPF_LIBPCAP_HEAD") or os.path.expanduser("~/.cache/bpf-oracle/libpcap-f26ae497/build/libpcap.so")

class Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint), ("insns", ctypes.POINTER(Insn))]

def load(path):
    lib = ctypes.CDLL(path, mode=os.RTLD_LOCAL)
    lib.pcap_open_dead.restype = ctypes.c_void_p
    lib.pcap_open_dead.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.pcap_geterr.restype = ctypes.c_char_p
    lib.pcap_geterr.argtypes = [ctypes.c_void_p]
    lib.pcap_compile.argtypes = [ctypes.c_void_p, ctypes.POINTER(Prog), ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
    lib.pcap_close.argtypes = [ctypes.c_void_p]
    lib.pcap_datalink_name_to_val.argtypes = [ctypes.c_char_p]
    lib.pcap_lib_version.restype = ctypes.c_char_p
    return lib

def oracle_compile(lib, dlt, expr, optimize, netmask=0xffffffff):
    p = lib.pcap_open_dead(dlt, 262144)
    prog = Prog()
    try:
        if lib.pcap_compile(p, ctypes.byref(prog), expr.encode(), 1 if optimize else 0, netmask) != 0:
            return None, lib.pcap_geterr(p).decode(errors="replace")
        out = [(prog.insns[i].code, prog.insns[i].jt, prog.insns[i].jf, prog.insns[i].k) for i in range(prog.len)]
        lib.pcap_freecode(ctypes.byref(prog))
        return out, None
    finally:
        lib.pcap_close(p)

def corpus():
    rows = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/data/expressions/*.txt"))):
        name = os.path.basename(path)[:-4]
        if name.startswith("known-failures"):
            continue
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                rows.append((name, line))
    return rows

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="head", choices=["head", "1.10"])
    ap.add_argument("--O0", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--bpf", default="dotnet " + os.path.join(ROOT, "src/Bpf.Cli/bin/Debug/net10.0/bpf.dll"))
    ap.add_argument("--extra")
    a = ap.parse_args()
    lib = load(HEAD if a.mode == "head" else "libpcap.so.0.8")
    rows = corpus()
    if a.extra:
        rows += [tuple(l.rstrip("\n").split("\t", 1)) for l in open(a.extra, encoding="utf-8") if "\t" in l and not l.startswith("#")]
    cmd = a.bpf.split() + ["compile", "--batch", "--libpcap", a.mode] + (["-O0"] if a.O0 else [])
    feed = "".join(f"{lt}\t262144\t{e}\n" for lt, e in rows)
    answers = subprocess.run(cmd, input=feed, capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(answers) == len(rows), (len(answers), len(rows))
    stats = dict(n=0, agree=0, both_ok=0, identical=0, ours=0, theirs=0, both_err=0, same_msg=0, prefix_msg=0)
    diffs = []
    for (lt, e), ans in zip(rows, answers):
        dlt = lib.pcap_datalink_name_to_val(lt.encode())
        theirs, err = oracle_compile(lib, dlt, e, not a.O0)
        kind, _, body = ans.partition("\t")
        stats["n"] += 1
        if kind == "ok":
            fields = body.split(",")
            ours = [tuple(int(x) for x in f.split()) for f in fields[1:]]
        else:
            ours = None
        if (ours is None) == (theirs is None):
            stats["agree"] += 1
        if ours is not None and theirs is not None:
            stats["both_ok"] += 1
            stats["ours"] += len(ours); stats["theirs"] += len(theirs)
            if ours == theirs:
                stats["identical"] += 1
            else:
                diffs.append((lt, e, f"program differs: ours {len(ours)} theirs {len(theirs)}"))
        elif ours is None and theirs is None:
            stats["both_err"] += 1
            if body == err:
                stats["same_msg"] += 1
            elif body.startswith(err):
                stats["prefix_msg"] += 1
            else:
                diffs.append((lt, e, f"message: oracle '{err}' ours '{body}'"))
        elif ours is None:
            diffs.append((lt, e, f"we reject ({body}), oracle accepts"))
        else:
            diffs.append((lt, e, f"oracle rejects ({err}), we accept"))
    s = stats
    print(f"mode {a.mode} {'-O0' if a.O0 else '-O'} oracle {lib.pcap_lib_version().decode()}")
    print(f"expressions {s['n']}; accepted/rejected as the oracle {s['agree']} ({100*s['agree']/s['n']:.1f}%)")
    print(f"both compile {s['both_ok']}; instruction-identical {s['identical']}; size ours/oracle {s['ours']}/{s['theirs']} = {s['ours']/max(1,s['theirs']):.4f}")
    print(f"both reject {s['both_err']}; identical message {s['same_msg']}, oracle's message plus detail {s['prefix_msg']}")
    for d in diffs[:a.show]:
        print("  %s '%s': %s" % d)

main()
