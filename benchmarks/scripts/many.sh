#!/usr/bin/env bash
# Several filters in one pass (issue 12): ns per packet of the 8 filters `stats` is measured with
# (offline.sh), over the corpus's Ethernet packets in memory, compiled together (BpfJit.CompileMany,
# what `stats` runs: the shared ethertype test made once per packet) against one batch pass per
# filter (BpfJit.CompileBatch), interleaved for 7 rounds; min and median of each, with the load.
# Usage: benchmarks/scripts/many.sh [SECONDS] [EXPRESSION...]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build benchmarks/Bpf.Benchmarks -c Release -v q -nologo >/dev/null
echo "load before: $(uptime)"
benchmarks/Bpf.Benchmarks/bin/Release/net10.0/Bpf.Benchmarks many "$@"
echo "load after: $(uptime)"
