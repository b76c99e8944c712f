#!/usr/bin/env python3
"""Huge expressions: the compile-time and memory curve of generated block lists (issue 12).

usage: huge.py [--bpf PATH] [--sizes 250,500,1000,2000,4000] [--shapes host-or,host-and,port-or,port-and]
               [--rounds N] [--mode head|1.10] [--libpcap-cap SECONDS] [--libpcap-memory MB] [--no-libpcap]

Builds each chain (`host 10.0.0.1 or host 10.0.0.2 ...`, `port 1000 and port 1001 ...`), then per round
and chain runs `bpf compile --batch` (one line on standard input, so no argument-length limit) and
libpcap's pcap_compile (the system libpcap 1.10.3 through ctypes, optimizer on, as tcpdump -d does),
each under /usr/bin/time -v: wall time, user CPU and maximum RSS. Runs of ours and libpcap's alternate
within a round. libpcap is quadratic by design: a run over --libpcap-cap seconds (default 60) or
--libpcap-memory MB of address space (default 4096) is stopped and reported as such, and larger chains
of that shape are not tried. With --mode 1.10 the programs are also compared with libpcap's
(instruction-identical or not).

Prints one row per chain (min and median over the rounds, max RSS; "warm" is the user+sys CPU of one
more compile of the same chain in the same process, from a run with three), then per shape the growth of
our median wall and user time from each size to the next (2.0 for a doubling is linear), with
`uptime` before and after.
"""
import argparse
import hashlib
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LIBPCAP_HELPER = r"""
import ctypes, hashlib, sys
class Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint), ("insns", ctypes.POINTER(Insn))]
lib = ctypes.CDLL("libpcap.so.0.8")
lib.pcap_open_dead.restype = ctypes.c_void_p
lib.pcap_geterr.restype = ctypes.c_char_p
lib.pcap_geterr.argtypes = [ctypes.c_void_p]
lib.pcap_compile.argtypes = [ctypes.c_void_p, ctypes.POINTER(Prog), ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
expr = open(sys.argv[1], "rb").read()
p = lib.pcap_open_dead(1, 262144)
prog = Prog()
if lib.pcap_compile(p, ctypes.byref(prog), expr, 1, 0xffffffff) != 0:
    print("error\t" + lib.pcap_geterr(p).decode(errors="replace"))
else:
    text = ",".join(f"{prog.insns[i].code} {prog.insns[i].jt} {prog.insns[i].jf} {prog.insns[i].k}" for i in range(prog.len))
    print(f"ok\t{prog.len}\t{hashlib.sha256(text.encode()).hexdigest()}")
"""


def chain(shape, terms):
    kind, joiner = shape.split("-", 1)
    if kind == "host":
        items = [f"host 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" for i in range(1, terms + 1)]
    else:
        items = [f"port {1000 + i}" for i in range(terms)]
    return f" {joiner.replace('-', ' ')} ".join(items)


def timed(command, stdin_text=None, timeout=None, memory_mb=None):
    """Runs command under /usr/bin/time -v; returns (stdout, wall s, user s, max RSS MB, status)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        def limit():
            if memory_mb:
                resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        try:
            done = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *command], input=stdin_text,
                                  capture_output=True, text=True, timeout=timeout, preexec_fn=limit)
        except subprocess.TimeoutExpired:
            return None, None, None, None, "timeout"
        text = report.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    return done.stdout, seconds, user + system, rss, status


def ours(bpf, mode, expression, repeat=1):
    out, wall, cpu, rss, status = timed([bpf, "compile", "--batch", "--libpcap", mode], f"EN10MB\t262144\t{expression}\n" * repeat)
    kind, _, body = out.strip().split("\n")[0].partition("\t")
    if kind != "ok":
        return dict(wall=wall, cpu=cpu, rss=rss, size=None, hash=None, error=body or status)
    fields = body.split(",")
    text = ",".join(fields[1:])
    return dict(wall=wall, cpu=cpu, rss=rss, size=int(fields[0]), hash=hashlib.sha256(text.encode()).hexdigest(), error=None)


def libpcap(path, cap, memory_mb):
    out, wall, cpu, rss, status = timed([sys.executable, "-c", LIBPCAP_HELPER, path], timeout=cap, memory_mb=memory_mb)
    if status == "timeout":
        return dict(stopped=f"> {cap} s")
    if out is None or not out.startswith(("ok", "error")):
        return dict(stopped=f"failed ({status}, {memory_mb} MB address space)")
    kind, *rest = out.strip().split("\t")
    if kind != "ok":
        return dict(wall=wall, cpu=cpu, rss=rss, size=None, hash=None, error=rest[0], stopped=None)
    return dict(wall=wall, cpu=cpu, rss=rss, size=int(rest[0]), hash=rest[1], error=None, stopped=None)


def minmed(values):
    return f"{min(values):7.2f} {statistics.median(values):7.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bpf", default=os.path.join(ROOT, "src/Bpf.Cli/bin/Release/net10.0/bpf"))
    ap.add_argument("--sizes", default="250,500,1000,2000,4000")
    ap.add_argument("--shapes", default="host-or,host-and,port-or,port-and")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mode", default="head", choices=["head", "1.10"])
    ap.add_argument("--libpcap-cap", type=float, default=60)
    ap.add_argument("--libpcap-memory", type=int, default=4096)
    ap.add_argument("--no-libpcap", action="store_true")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    shapes = a.shapes.split(",")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"bpf: {a.bpf} (--libpcap {a.mode}); libpcap: system libpcap.so.0.8, cap {a.libpcap_cap} s / {a.libpcap_memory} MB")
    print(f"{'chain':<16} {'ours wall min/med s':>19} {'user+sys min/med s':>19} {'warm min/med s':>15} {'RSS MB':>7} {'insns':>6} | "
          f"{'libpcap wall min/med':>20} {'user+sys min/med':>17} {'RSS MB':>7} {'insns':>6}  same")
    curve = {}
    for shape in shapes:
        libpcap_gave_up = False
        for terms in sizes:
            expression = chain(shape, terms)
            with tempfile.NamedTemporaryFile("w", suffix=".expr", delete=False) as f:
                f.write(expression)
                path = f.name
            mine, theirs = [], []
            try:
                for _ in range(a.rounds):
                    mine.append(ours(a.bpf, a.mode, expression))
                    # The same compile twice more in the same process: the difference is the warm compile
                    # (no process start, no JIT of the compiler), as a program compiling at run time sees it.
                    thrice = ours(a.bpf, a.mode, expression, repeat=3)
                    mine[-1]["warm"] = max(0.0, (thrice["cpu"] - mine[-1]["cpu"]) / 2)
                    if not (a.no_libpcap or libpcap_gave_up):
                        result = libpcap(path, a.libpcap_cap, a.libpcap_memory)
                        theirs.append(result)
                        if result.get("stopped"):
                            libpcap_gave_up = True
            finally:
                os.unlink(path)
            last = mine[-1]
            size = last["size"] if last["error"] is None else f"error: {last['error']}"
            row = (f"{shape + '-' + str(terms):<16} {minmed([m['wall'] for m in mine]):>19} {minmed([m['cpu'] for m in mine]):>19} "
                   f"{minmed([m['warm'] for m in mine]):>15} {max(m['rss'] for m in mine):7.0f} {size!s:>6} | ")
            finished = [t for t in theirs if not t.get("stopped")]
            if finished:
                t = finished[-1]
                same = "" if a.mode != "1.10" else ("yes" if t["hash"] == last["hash"] else "NO")
                tsize = t["size"] if t["error"] is None else f"error: {t['error']}"
                row += (f"{minmed([x['wall'] for x in finished]):>20} {minmed([x['cpu'] for x in finished]):>17} "
                        f"{max(x['rss'] for x in finished):7.0f} {tsize!s:>6}  {same}")
                if len(finished) < len(theirs):
                    row += f" (then stopped: {theirs[-1]['stopped']})"
            elif theirs:
                row += f"stopped: {theirs[-1]['stopped']}"
            else:
                row += "not run" + (" (a smaller chain was stopped)" if libpcap_gave_up else "")
            print(row, flush=True)
            curve.setdefault(shape, []).append((terms, statistics.median(m["wall"] for m in mine),
                                                statistics.median(m["cpu"] for m in mine),
                                                max(statistics.median(m["warm"] for m in mine), 1e-3), max(m["rss"] for m in mine)))
    print("growth of our median (wall / user+sys / warm / RSS) from each size to the next (x2.00 = linear for a doubling):")
    for shape, points in curve.items():
        steps = [f"{n0}->{n1}: x{w1 / w0:.2f} / x{c1 / c0:.2f} / x{h1 / h0:.2f} / x{r1 / r0:.2f}"
                 for (n0, w0, c0, h0, r0), (n1, w1, c1, h1, r1) in zip(points, points[1:])]
        print(f"  {shape:<10} " + ", ".join(steps))
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
