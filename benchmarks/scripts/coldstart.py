#!/usr/bin/env python3
"""Cold start of published bpf builds, interleaved round by round.

Usage: coldstart.py ROUNDS NAME=PATH/TO/bpf [NAME=PATH ...] -- ARGS...

Each round runs every build once with ARGS (the order rotates each round, so no build always runs
first after another's page-cache warm-up), stdout and stderr to /dev/null, and times the process
from spawn to exit. Prints min and median per build in ms, of wall time and of CPU time (user + system, which a loaded
machine inflates less than wall time), and the load average before and after.
With ARGS starting with 'pty:', the run gets a pseudo-terminal as its standard error (as a user's
terminal: progress bars are drawn), e.g. `-- pty: stats -r FILE tcp`.
"""
import os
import pty
import statistics
import subprocess
import sys
import time


def run_once(binary, args, use_pty):
    start = time.perf_counter()
    if use_pty:
        master, slave = pty.openpty()
        process = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        try:
            while True:
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break
        finally:
            os.close(master)
    else:
        process = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{binary} {' '.join(args)} exited {code}")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    rounds = int(argv[0])
    builds = [b.split("=", 1) for b in argv[1:split]]
    args = argv[split + 1:]
    use_pty = bool(args) and args[0] == "pty:"
    if use_pty:
        args = args[1:]
    times = {name: [] for name, _ in builds}
    cpu = {name: [] for name, _ in builds}
    for _, binary in builds:  # one untimed run each: files into the page cache
        run_once(binary, args, use_pty)
    load_before = os.getloadavg()
    for r in range(rounds):
        order = builds[r % len(builds):] + builds[:r % len(builds)]
        for name, binary in order:
            wall, used = run_once(binary, args, use_pty)
            times[name].append(wall)
            cpu[name].append(used)
    load_after = os.getloadavg()
    print(f"bpf {' '.join(args)}{' (stderr a terminal)' if use_pty else ''}: {rounds} interleaved rounds, "
          f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    for name, values in times.items():
        print(f"  {name:10} wall min {min(values):7.1f} ms  median {statistics.median(values):7.1f} ms"
              f"   cpu min {min(cpu[name]):7.1f} ms  median {statistics.median(cpu[name]):7.1f} ms")


if __name__ == "__main__":
    main()
