#!/usr/bin/env bash
# Cluster throughput (issue 16): `bpf stats --cluster` and `bpf filter --cluster --count` over the same
# ~1 GB set of files with 1, 2 and 3 silos on this machine, against the local run of the same command
# in the same round; then the per-file cost of going through the cluster (many tiny files).
# Everything on 127.0.0.1: a throwaway redis-server and `bpf silo` processes, all stopped on exit.
# Usage: benchmarks/scripts/cluster.sh   (RUNS=N rounds per silo count, FILES=N files of ~35 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
files=${FILES:-30}
work=${WORK:-/tmp/bpf-cluster-bench}
out=${OUT:-/tmp/bpf-publish-cluster}
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install -y redis-server)" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ ! -x "$out/bpf" ]; then
  dotnet publish src/Bpf.Cli -c Release -r linux-x64 --artifacts-path "$out-artifacts" -o "$out" -v q -nologo >/dev/null
fi
bpf="$out/bpf"

# The set: FILES copies of one ~35 MB capture (8 x the corpus' Ethernet capture), and 400 tiny files.
mkdir -p "$work/set" "$work/tiny"
if [ ! -f "$work/set/part-000.pcap" ]; then
  args=(); for _ in $(seq 8); do args+=(-r tests/data/corpus/EN10MB.pcap); done
  "$bpf" filter "${args[@]}" -w "$work/set/part-000.pcap" "" >/dev/null
  for i in $(seq 1 $((files - 1))); do cp "$work/set/part-000.pcap" "$(printf "$work/set/part-%03d.pcap" "$i")"; done
  for i in $(seq 0 399); do cp tests/data/corpus/IPV4.pcap "$(printf "$work/tiny/t-%03d.pcap" "$i")"; done
fi
bytes=$(cat "$work"/set/*.pcap | wc -c)
echo "set: $(ls "$work/set" | wc -l) files, $bytes bytes; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null & pids+=($!)
cluster="redis://127.0.0.1:$port"
sleep 0.5

start_silo() {
  local log; log=$(mktemp)
  "$bpf" silo --cluster "$cluster" >"$log" 2>/dev/null & pids+=($!)
  for _ in $(seq 600); do grep -q joined "$log" && return 0; sleep 0.2; done
  echo "silo did not join" >&2; exit 1
}
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
stat_of() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[1], a[int((NR+1)/2)]}'; }
filters=("tcp port 80" "udp" "arp" "ip6" "icmp" "vlan" "port 53" "tcp[tcpflags] & tcp-syn != 0")

report() { # label times
  local min med; read -r min med <<<"$(stat_of "$2")"
  printf '%-44s min %6d ms  median %6d ms  %7.1f MB/s (min)\n' "$1" "$min" "$med" "$(bc -l <<<"$bytes / 1000 / $min")"
}
for silos in 1 2 3; do
  start_silo
  declare -A t=()
  for _ in $(seq "$runs"); do
    t[local_stats]+="$(ms "$bpf" stats -r "$work/set/*.pcap" "${filters[@]}") "
    t[cluster_stats]+="$(ms "$bpf" stats --cluster "$cluster" -r "$work/set/*.pcap" "${filters[@]}") "
    t[local_count]+="$(ms "$bpf" filter -r "$work/set/*.pcap" --count "tcp port 80") "
    t[cluster_count]+="$(ms "$bpf" filter --cluster "$cluster" -r "$work/set/*.pcap" --count "tcp port 80") "
  done
  echo "== $silos silo(s); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
  report "local stats (8 filters)" "${t[local_stats]}"
  report "cluster stats (8 filters), $silos silo(s)" "${t[cluster_stats]}"
  report "local filter --count" "${t[local_count]}"
  report "cluster filter --count, $silos silo(s)" "${t[cluster_count]}"
  unset t
done

# Per-file cost: the same tiny file 100 and 400 times, through the cluster (3 silos) and locally.
declare -A t=()
for _ in $(seq "$runs"); do
  t[c100]+="$(ms "$bpf" filter --cluster "$cluster" -r "$work/tiny/t-0??.pcap" --count "len > 100") "
  t[c400]+="$(ms "$bpf" filter --cluster "$cluster" -r "$work/tiny/*.pcap" --count "len > 100") "
  t[l100]+="$(ms "$bpf" filter -r "$work/tiny/t-0??.pcap" --count "len > 100") "
  t[l400]+="$(ms "$bpf" filter -r "$work/tiny/*.pcap" --count "len > 100") "
done
read -r _ c100 <<<"$(stat_of "${t[c100]}")"; read -r _ c400 <<<"$(stat_of "${t[c400]}")"
read -r _ l100 <<<"$(stat_of "${t[l100]}")"; read -r _ l400 <<<"$(stat_of "${t[l400]}")"
echo "tiny files, median ms: cluster 100 files $c100, 400 files $c400; local 100 files $l100, 400 files $l400"
printf 'per extra file: cluster %.2f ms, local %.2f ms (3 silos, 2 slots each)\n' \
  "$(bc -l <<<"($c400 - $c100) / 300")" "$(bc -l <<<"($l400 - $l100) / 300")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
