#!/usr/bin/env bash
# Offline filtering speed (issues 5 and 12): `bpf filter` and `bpf stats` (8 filters, one pass)
# against one `tcpdump -r -w /dev/null` pass on a ~1 GB capture made by repeating the corpus's
# EN10MB.pcap (make-capture.sh), in the same run. Commands are interleaved round by round (so a noisy
# neighbour hits all of them alike); each gets its minimum and median wall time, and `uptime`'s load
# is printed before and after. Then peak memory (max RSS) on the 1 GB file and on a 2 GB one (ONLY=
# skips it): it must not grow.
# Usage: benchmarks/scripts/offline.sh [copies]   (RUNS=N rounds, BIG=/path/to/big.pcap,
#        BPF=path/to/a/published/bpf to reuse a build instead of publishing one, ONLY=stats: just
#        tcpdump and stats)
set -euo pipefail
cd "$(dirname "$0")/../.."
copies=${1:-240}
runs=${RUNS:-9}
big=${BIG:-/tmp/bpf-big.pcap}
big2=${big%.pcap}-2x.pcap
out=/tmp/bpf-publish
only=${ONLY:-}
command -v tcpdump >/dev/null || { echo "tcpdump is needed (apt-get install -y tcpdump)" >&2; exit 1; }

if [ -n "${BPF:-}" ]; then
  bpf=$BPF
else
  # The build a user would ship: `dotnet publish -r linux-x64` (self-contained, composite ReadyToRun,
  # see src/Bpf.Cli/Bpf.Cli.csproj), from clean intermediates so the composite image is really rebuilt.
  rm -rf "$out" "$out-artifacts"
  dotnet publish src/Bpf.Cli -c Release -r linux-x64 --artifacts-path "$out-artifacts" -o "$out" -v q -nologo >/dev/null
  bpf="$out/bpf"
fi

benchmarks/scripts/make-capture.sh "$big" "$copies"
echo "capture: $big, $(stat -c %s "$big") bytes; $(nproc) cores; bpf: $bpf"
echo "load before: $(uptime)"

filters=("tcp port 80" "udp" "arp" "ip6" "icmp" "vlan" "port 53" "tcp[tcpflags] & tcp-syn != 0")
declare -A times
ms() { # wall milliseconds of "$@"
  local start end
  start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
for _ in $(seq "$runs"); do
  times[tcpdump]+="$(ms tcpdump -r "$big" -w /dev/null "tcp port 80") "
  times[stats]+="$(ms "$bpf" stats -r "$big" "${filters[@]}") "
  [ "$only" = stats ] && continue
  times[filter]+="$(ms "$bpf" filter -r "$big" -w /dev/null "tcp port 80") "
  times[filter2]+="$(ms "$bpf" filter --threads 2 -r "$big" -w /dev/null "tcp port 80") "
  times[tcpdump_w]+="$(ms tcpdump -r "$big" -w /tmp/bpf-bench-tcpdump.pcap udp) "
  times[filter_w]+="$(ms "$bpf" filter -r "$big" -w /tmp/bpf-bench-bpf.pcap udp) "
done
cmp -s /tmp/bpf-bench-tcpdump.pcap /tmp/bpf-bench-bpf.pcap && same="byte-identical" || same="DIFFERENT"
rm -f /tmp/bpf-bench-tcpdump.pcap /tmp/bpf-bench-bpf.pcap
stat_of() { # "min median" of a list of numbers
  tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[1], a[int((NR+1)/2)]}'
}
echo "load after: $(uptime)"
read -r td_min td_med <<<"$(stat_of "${times[tcpdump]}")"
report() {
  local label=$1 key=$2 min med
  read -r min med <<<"$(stat_of "${times[$key]}")"
  printf '%-58s min %4d ms  median %4d ms  ratio to tcpdump: min %.2f median %.2f\n' \
    "$label" "$min" "$med" "$(bc -l <<<"$min / $td_min")" "$(bc -l <<<"$med / $td_med")"
}
printf '%-58s min %4d ms  median %4d ms\n' "tcpdump -r big -w /dev/null 'tcp port 80'" "$td_min" "$td_med"
report "bpf stats -r big with ${#filters[@]} filters (one pass)" stats
[ "$only" = stats ] && exit 0
report "bpf filter -r big -w /dev/null 'tcp port 80'" filter
report "bpf filter --threads 2 (same)" filter2
read -r tw_min tw_med <<<"$(stat_of "${times[tcpdump_w]}")"
read -r fw_min fw_med <<<"$(stat_of "${times[filter_w]}")"
printf '%-58s min %4d ms  median %4d ms\n' "tcpdump -r big -w out 'udp'" "$tw_min" "$tw_med"
printf '%-58s min %4d ms  median %4d ms  ratio: min %.2f median %.2f (%s)\n' "bpf filter -r big -w out 'udp'" "$fw_min" "$fw_med" \
  "$(bc -l <<<"$fw_min / $tw_min")" "$(bc -l <<<"$fw_med / $tw_med")" "$same"

[ -f "$big2" ] || "$bpf" filter -r "$big" -r "$big" -w "$big2" "" >/dev/null
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS of bpf filter: 1x file $(rss "$bpf" filter -r "$big" -w /dev/null "tcp port 80") KB, 2x file $(rss "$bpf" filter -r "$big2" -w /dev/null "tcp port 80") KB"
echo "peak RSS of bpf stats:  1x file $(rss "$bpf" stats -r "$big" "${filters[@]}") KB, 2x file $(rss "$bpf" stats -r "$big2" "${filters[@]}") KB"
echo "peak RSS of tcpdump:    1x file $(rss tcpdump -r "$big" -w /dev/null "tcp port 80") KB"
