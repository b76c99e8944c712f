#!/usr/bin/env bash
# Per-packet speed of the engines (issue 12): for the five filters of the issue, `bpf bench` (the
# interpreter, the JIT and libpcap's C bpf_filter) against the native ceiling (the same program as
# straight-line C, gcc -O2, ../shared/tools/ceiling.py), interleaved round by round so a noisy
# neighbour hits all alike. Prints each engine's min and median ns/packet per filter, then the
# median over the five filters of the per-filter ratios (jit / ceiling, interp / libpcap C).
# Usage: benchmarks/scripts/engines.sh   (RUNS=N rounds, SECONDS_PER=S per measurement,
#        BPF=path/to/bpf, PCAP=capture, CEILING=path/to/ceiling.py)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
secs=${SECONDS_PER:-1}
pcap=${PCAP:-tests/data/corpus/EN10MB.pcap}
ceiling=${CEILING:-../shared/tools/ceiling.py}
if [ -z "${BPF:-}" ]; then
  dotnet build src/Bpf.Cli -c Release -v q -nologo >/dev/null
  BPF=src/Bpf.Cli/bin/Release/net10.0/bpf
fi
filters=("tcp port 80" "udp and (port 53 or port 5353)" "host 192.168.1.1 and not port 22" "vlan and udp port 5000" "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in "${!filters[@]}"; do "$BPF" compile -ddd "${filters[$i]}" >"$work/f$i.ddd"; done
echo "capture: $pcap; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$runs"); do
  for i in "${!filters[@]}"; do
    python3 "$ceiling" "$work/f$i.ddd" "$pcap" "$secs" | awk -v i="$i" '{print i, "ceiling", $2}' >>"$work/raw"
    "$BPF" bench -r "$pcap" --engine all --seconds "$secs" --program "$work/f$i.ddd" | awk -v i="$i" '{print i, $2, $4}' >>"$work/raw"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/raw" "${filters[@]}" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
names = sys.argv[2:]
t = {}
for i, e, v in rows: t.setdefault((int(i), e), []).append(float(v))
engines = ['ceiling', 'jit', 'interp', 'libpcap']
print('%-46s' % 'filter (ns/packet min/median)' + ''.join('%16s' % e for e in engines))
for i, n in enumerate(names):
    print('%-46s' % n + ''.join('%16s' % ('%.2f/%.2f' % (min(t[(i, e)]), st.median(t[(i, e)]))) if (i, e) in t else '%16s' % '-' for e in engines))
def ratio(a, b):
    mins = [min(t[(i, a)]) / min(t[(i, b)]) for i in range(len(names))]
    meds = [st.median(t[(i, a)]) / st.median(t[(i, b)]) for i in range(len(names))]
    return 'per filter (median ns) %s; median of five: min-based %.2f, median-based %.2f' % (
        ' '.join('%.2f' % m for m in meds), st.median(mins), st.median(meds))
print('jit / ceiling:       ', ratio('jit', 'ceiling'))
print('interp / libpcap C:  ', ratio('interp', 'libpcap'))
PY
