#!/usr/bin/env bash
# Offline filtering speed (issue 5): `bpf filter` and `bpf stats` against tcpdump on a ~1 GB capture
# made by repeating tests/data/corpus/EN10MB.pcap. Best of RUNS wall times per command.
# Usage: benchmarks/scripts/offline.sh [copies]   (BIG=/path/to/big.pcap to choose where it goes)
set -euo pipefail
cd "$(dirname "$0")/../.."
copies=${1:-240}
runs=${RUNS:-3}
big=${BIG:-/tmp/bpf-big.pcap}
out=/tmp/bpf-r2r
# ReadyToRun: the tool starts with precompiled code, as a shipped build would.
dotnet publish src/Bpf.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out" -v q -nologo >/dev/null
bpf="$out/bpf"

if [ ! -f "$big" ]; then
  args=()
  for _ in $(seq "$copies"); do args+=(-r tests/data/corpus/EN10MB.pcap); done
  "$bpf" filter "${args[@]}" -w "$big" "" >/dev/null
fi
echo "capture: $big, $(stat -c %s "$big") bytes"

best() { # best wall time in seconds of "$@" over $runs runs
  local best=""
  for _ in $(seq "$runs"); do
    local start end t
    start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%.3f' "$best"
}

filters=("tcp port 80" "udp" "arp" "ip6" "icmp" "vlan" "port 53" "tcp[tcpflags] & tcp-syn != 0")
t_tcpdump=$(best tcpdump -r "$big" -w /dev/null "tcp port 80")
t_filter=$(best "$bpf" filter -r "$big" -w /dev/null "tcp port 80")
t_stats=$(best "$bpf" stats -r "$big" "${filters[@]}")
echo "tcpdump -r big -w /dev/null 'tcp port 80': ${t_tcpdump} s"
echo "bpf filter -r big -w /dev/null 'tcp port 80': ${t_filter} s  (ratio $(echo "$t_filter / $t_tcpdump" | bc -l | cut -c1-5))"
echo "bpf stats -r big with ${#filters[@]} filters: ${t_stats} s  (ratio to one tcpdump pass $(echo "$t_stats / $t_tcpdump" | bc -l | cut -c1-5))"
