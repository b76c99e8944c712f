#!/usr/bin/env bash
# Compile speed per expression (issue 12): ours against pcap_compile over the whole differential
# corpus (tests/data/expressions, every link type), warm, in each compatibility mode against that
# mode's libpcap (head: the development head's build from ../shared/oracle/build-libpcap.sh, 1.10:
# the system's 1.10.3), in the same process and run.
#  1. Bpf.Benchmarks compile-ratios: per expression and round, pcap_compile then ours (interleaved),
#     ROUNDS rounds; prints the median over expressions of each side's time (from its min and its
#     median over rounds), the median of the per-expression ratios, accepted/rejected split, and our
#     allocation per compile.
#  2. BenchmarkDotNet CorpusCompileBenchmarks ([MemoryDiagnoser], PcapCompile the baseline): the mean
#     time per expression over the corpus, BenchmarkDotNet's median over iterations, ratio, and
#     allocated bytes per compile. JOB=short for a quick run (default: BenchmarkDotNet's default job);
#     BDN=0 skips it. In process (--inProcess): building the boilerplate project takes longer than
#     BenchmarkDotNet's build timeout on a loaded machine.
# Usage: benchmarks/scripts/compile.sh   (ROUNDS=N, REPEATS=N, JOB=short|default, BDN=0|1)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-5}
repeats=${REPEATS:-8}
job=${JOB:-default}
dotnet build benchmarks/Bpf.Benchmarks -c Release -v q -nologo >/dev/null
bench=benchmarks/Bpf.Benchmarks/bin/Release/net10.0/Bpf.Benchmarks
echo "$(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" compile-ratios --rounds "$rounds" --repeats "$repeats"
echo "load after compile-ratios: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${BDN:-1}" != 0 ]; then
  args=(--filter '*CorpusCompileBenchmarks*' --inProcess --exporters csv)
  [ "$job" = default ] || args+=(--job "$job")
  "$bench" "${args[@]}" | grep -E '^\|' || true
  echo "load after BenchmarkDotNet: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - BenchmarkDotNet.Artifacts/results/Bpf.Benchmarks.CorpusCompileBenchmarks-report.csv <<'PY'
import csv, sys
def us(text):
    v, unit = text.replace(',', '').split()
    return float(v) * {'ns': 1e-3, 'μs': 1, 'us': 1, 'ms': 1e3, 's': 1e6}[unit]
rows = list(csv.DictReader(open(sys.argv[1])))
for mode in sorted({r['Mode'] for r in rows}):
    r = {x['Method']: x for x in rows if x['Mode'] == mode}
    ours, pcap = r['Ours'], r['PcapCompile']
    print(f"mode {mode}: us per expression over the whole corpus (min/median of iterations): "
          f"ours {us(ours['Min']):.2f}/{us(ours['Median']):.2f}, pcap_compile {us(pcap['Min']):.2f}/{us(pcap['Median']):.2f}; "
          f"ratio {us(ours['Min']) / us(pcap['Min']):.2f}/{us(ours['Median']) / us(pcap['Median']):.2f}; ours allocates {ours['Allocated']} per compile")
PY
fi
