#!/usr/bin/env bash
# Live capture under a flood (issue 18): `tcpdump -w` against `bpf capture -w`, default options of each,
# in alternate order round by round (so a noisy neighbour hits both alike), with no filter and with the
# kernel filter `udp port 5000`. Traffic stays on a veth pair between two namespaces of our own
# (bpf18s sends with tcpreplay, bpf18r captures); both are deleted at the end, even on failure.
#
# Top speed: PACKETS frames (100-byte UDP, every 10th to port 5000) with `tcpreplay --topspeed`.
# Ladder: RATE_PACKETS frames at each of RATES packets/s; the highest rate at which each tool kept all.
# Per run: frames kept in the file, lost (expected - kept), drops the tool reported, CPU time per kept
# packet (user + system of the capture process, from /usr/bin/time) and the rate tcpreplay reached.
#
# Usage: benchmarks/scripts/live.sh   (needs root, tcpreplay, tcpdump, python3)
#   ROUNDS=3 PACKETS=500000 RATES="50000 100000 200000 300000 400000" RATE_PACKETS=100000
#   BPF=/path/to/bpf skips the publish (e.g. to measure an older build); MODES="topspeed ladder"
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/scripts
. "$here/veth.sh"
veth_require live.sh tcpdump tcpreplay python3 ip
rounds=${ROUNDS:-3}
packets=${PACKETS:-500000}
rates=${RATES:-"50000 100000 200000 300000 400000"}
rate_packets=${RATE_PACKETS:-100000}
modes=${MODES:-"topspeed ladder"}
veth_work live

if [ -z "${BPF:-}" ]; then
  # The build a user would ship (see offline.sh): self-contained, composite ReadyToRun.
  dotnet publish src/Bpf.Cli -c Release -r linux-x64 --artifacts-path "$work/artifacts" -o "$work/bpf" -v q -nologo >/dev/null
  BPF=$work/bpf/bpf
fi

veth_pair

python3 "$here/udpflood.py" make "$packets" "$work/flood.pcap"
python3 "$here/udpflood.py" make "$rate_packets" "$work/rate.pcap"
echo "# $(nproc) cores; bpf: $BPF; tcpdump: $(tcpdump --version 2>&1 | head -1)"
echo "# kernel $(uname -r); rmem_max $(cat /proc/sys/net/core/rmem_max)"

# Runs one capture while tcpreplay sends; prints: kept lost reported_drops cpu_us_per_packet replay_pps
run_capture() {
  local tool=$1 filter=$2 mode=$3 frames=$4 count=$5 out=$work/cap.pcap
  local -a cmd filter_args=()
  [ -n "$filter" ] && filter_args=($filter)
  rm -f "$out"
  if [ "$tool" = tcpdump ]; then
    cmd=(tcpdump -i bpf18b -w "$out" "${filter_args[@]}")
  else
    cmd=("$BPF" capture -i bpf18b -w "$out" "${filter_args[@]}")
  fi
  /usr/bin/time -f '%U %S' -o "$work/time" ip netns exec bpf18r "${cmd[@]}" >/dev/null 2>"$work/err" &
  local timer=$! child="" i
  pids+=("$timer")
  # ip netns exec execs the tool, so the timer's child is the capture itself.
  for i in $(seq 100); do child=$(pgrep -P "$timer" || true); [ -n "$child" ] && break; sleep 0.05; done
  # Ready once a packet socket exists in the namespace, plus time to compile and set the filter.
  for i in $(seq 200); do [ "$(ip netns exec bpf18r cat /proc/net/packet | wc -l)" -gt 1 ] && break; sleep 0.05; done
  sleep 2
  local -a pace=(--topspeed)
  [ "$mode" != topspeed ] && pace=(--pps="$mode")
  local rated
  rated=$(ip netns exec bpf18s tcpreplay -i bpf18a "${pace[@]}" "$frames" 2>&1 | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1)
  sleep 1
  # SIGTERM, not SIGINT: a shell starts background jobs with SIGINT ignored, and .NET keeps it ignored.
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
  for i in $(seq 200); do kill -0 "$timer" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$timer" 2>/dev/null || true
  wait "$timer" 2>/dev/null || true
  local expected=$count kept reported cpu
  [ -n "$filter" ] && expected=$(((count + 9) / 10))
  kept=$(python3 "$here/udpflood.py" count "$out" | cut -d' ' -f2)
  reported=$(grep -oE '[0-9]+ (packets )?dropped by kernel' "$work/err" | head -1 | cut -d' ' -f1 || true)
  # The last line: GNU time puts "Command terminated by signal 2" before it when the tool exits by SIGINT.
  cpu=$(tail -1 "$work/time" | awk -v k="$kept" 'k > 0 {printf "%.2f", ($1 + $2) * 1e6 / k}' || true)
  echo "$kept $((expected - kept)) ${reported:--} ${cpu:--} ${rated:--}"
}

printf '%-9s %-5s %-8s %-14s %8s %8s %8s %7s %9s %10s  %s\n' mode round tool filter expected kept lost k-drops us/pkt replay_pps load
declare -A zero
for mode in $modes; do
  if [ "$mode" = topspeed ]; then
    steps=(); for r in $(seq "$rounds"); do steps+=("topspeed:$r"); done
  else
    steps=(); for rate in $rates; do steps+=("$rate:1"); done
  fi
  for step in "${steps[@]}"; do
    pace=${step%%:*} round=${step##*:}
    frames=$work/flood.pcap count=$packets
    [ "$pace" != topspeed ] && frames=$work/rate.pcap count=$rate_packets
    order=(tcpdump bpf); (( round % 2 == 0 )) && order=(bpf tcpdump)
    for filter in "" "udp port 5000"; do
      for tool in "${order[@]}"; do
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        read -r kept lost reported cpu rated <<<"$(run_capture "$tool" "$filter" "$pace" "$frames" "$count")"
        expected=$((kept + lost))
        printf '%-9s %-5s %-8s %-14s %8d %8d %8d %7s %9s %10s  %s\n' "$pace" "$round" "$tool" "${filter:-none}" \
          "$expected" "$kept" "$lost" "$reported" "$cpu" "$rated" "$load"
        if [ "$pace" != topspeed ] && [ "$lost" -eq 0 ]; then
          zero["$tool/${filter:-none}"]=$pace
        fi
      done
    done
  done
done
if [[ " $modes " == *" ladder "* ]]; then
  for key in tcpdump/none bpf/none "tcpdump/udp port 5000" "bpf/udp port 5000"; do
    echo "highest requested rate with zero loss: $key ${zero[$key]:-none of $rates} (see replay_pps for the rate reached)"
  done
fi
