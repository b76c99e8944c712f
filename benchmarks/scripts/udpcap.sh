#!/usr/bin/env bash
# Udpcap under load (issue 18): a flood of UDP datagrams to a bound port, received by a kernel socket or by a
# udpcap socket (capturing on the receiving veth end) with the same receive buffer size, in alternate order round
# by round, both through the same receiver program (Bpf.Benchmarks udp-load: read the sequence number, count).
# Traffic stays on a veth pair (MTU 1500) between two namespaces of our own (bpf18s sends with tcpreplay, bpf18r
# receives at 10.18.0.2:5000); both are deleted at the end, even on failure. Every loop is bounded.
#
# Floods: "small" = DATAGRAMS datagrams of 64 bytes; "frag" = FRAG_DATAGRAMS datagrams of 3000 bytes, three IP
# fragments each (1480 + 1480 + 48 bytes of payload), so reassembly is on the path. Each at top speed and at RATES
# frames/s. Per run: datagrams delivered (unique), lost, what the receiver's side reported dropped (kernel socket:
# UdpRcvbufErrors and ReasmFails of the namespace from /proc/net/snmp; udpcap: the capture's "dropped by kernel"
# and the stack's own drop reasons), CPU time (user + system of the receiver process) per delivered datagram.
#
# Usage: benchmarks/scripts/udpcap.sh   (needs root, tcpreplay, python3, the .NET SDK)
#   ROUNDS=2 DATAGRAMS=200000 FRAG_DATAGRAMS=50000 RATES="20000 50000 100000" RCVBUF=212992 FLOODS="small frag"
#   BENCH=/path/to/Bpf.Benchmarks.dll skips the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/scripts
. "$here/veth.sh"
veth_require udpcap.sh tcpreplay python3 ip dotnet
rounds=${ROUNDS:-2}
datagrams=${DATAGRAMS:-200000}
frag_datagrams=${FRAG_DATAGRAMS:-50000}
rates=${RATES:-"20000 50000 100000"}
rcvbuf=${RCVBUF:-212992}
floods=${FLOODS:-"small frag"}
veth_work udpcap

if [ -z "${BENCH:-}" ]; then
  dotnet build benchmarks/Bpf.Benchmarks -c Release --artifacts-path "$work/artifacts" -o "$work/bench" -v q -nologo >/dev/null
  BENCH=$work/bench/Bpf.Benchmarks.dll
fi

veth_pair addresses

python3 "$here/udpflood.py" udp "$datagrams" 64 "$work/small.pcap"
python3 "$here/udpflood.py" udp "$frag_datagrams" 3000 "$work/frag.pcap"
echo "# $(nproc) cores; receive buffer $rcvbuf bytes (SO_RCVBUF asked; the kernel doubles it for its overhead; udpcap counts payload + 24 bytes)"
echo "# kernel $(uname -r); rmem_max $(cat /proc/sys/net/core/rmem_max); $(uptime)"

# One counter of the receiving namespace's /proc/net/snmp, e.g. `snmp Udp RcvbufErrors`.
snmp() {
  ip netns exec bpf18r cat /proc/net/snmp | awk -v p="$1:" -v f="$2" '$1 == p && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next } $1 == p && h { print $c[f] }'
}

# Runs one receiver during one replay; prints: delivered lost drops why cpu_us_per_datagram replay_pps
run_receiver() {
  local rx=$1 flood=$2 pace=$3 expected=$4 out=$work/rx.out
  local rcv0 reasm0
  rcv0=$(snmp Udp RcvbufErrors); reasm0=$(snmp Ip ReasmFails)
  : >"$out"
  /usr/bin/time -f '%U %S' -o "$work/time" ip netns exec bpf18r dotnet "$BENCH" udp-load "$rx" bpf18b 5000 "$rcvbuf" "$expected" >"$out" 2>"$work/err" &
  local timer=$! i
  pids+=("$timer")
  for i in $(seq 300); do grep -q ready "$out" && break; sleep 0.1; done
  sleep 1
  local -a speed=(--topspeed)
  [ "$pace" != topspeed ] && speed=(--pps="$pace")
  local rated
  rated=$(ip netns exec bpf18s tcpreplay -i bpf18a "${speed[@]}" "$work/$flood.pcap" 2>&1 | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1)
  # The receiver stops by itself at the expected count or 3 s after the last datagram.
  for i in $(seq 1500); do kill -0 "$timer" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$timer" 2>/dev/null || true
  wait "$timer" 2>/dev/null || true
  local line delivered drops why cpu
  line=$(grep received "$out" | tail -1)
  delivered=$(sed -n 's/.*unique \([0-9]*\).*/\1/p' <<<"$line")
  delivered=${delivered:-0}
  if [ "$rx" = kernel ]; then
    drops=$(( $(snmp Udp RcvbufErrors) - rcv0 ))
    why="RcvbufErrors=$drops,ReasmFails=$(( $(snmp Ip ReasmFails) - reasm0 ))"
  else
    drops=$(sed -n 's/.*dropped by kernel \([0-9]*\).*/\1/p' <<<"$line")
    why=$(sed -n 's/.*delivered [0-9]*,* *//p' <<<"$line" | sed 's/ \([0-9]\)/=\1/g; s/ //g')
    why="kernel=${drops:--}${why:+,$why}"
  fi
  cpu=$(tail -1 "$work/time" | awk -v k="$delivered" 'k > 0 {printf "%.2f", ($1 + $2) * 1e6 / k}' || true)
  echo "$delivered $((expected - delivered)) ${drops:--} ${why:--} ${cpu:--} ${rated:--}"
}

printf '%-6s %-9s %-5s %-7s %8s %9s %8s %7s %9s %10s  %-6s  %s\n' flood pace round rx expected delivered lost drops us/dgram replay_pps load why
declare -A zero
for flood in $floods; do
  expected=$datagrams
  [ "$flood" = frag ] && expected=$frag_datagrams
  steps=()
  for r in $(seq "$rounds"); do steps+=("topspeed:$r"); done
  for rate in $rates; do steps+=("$rate:1"); done
  for step in "${steps[@]}"; do
    pace=${step%%:*} round=${step##*:}
    order=(kernel udpcap); (( round % 2 == 0 )) && order=(udpcap kernel)
    for rx in "${order[@]}"; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      read -r delivered lost drops why cpu rated <<<"$(run_receiver "$rx" "$flood" "$pace" "$expected")"
      printf '%-6s %-9s %-5s %-7s %8d %9d %8d %7s %9s %10s  %-6s  %s\n' "$flood" "$pace" "$round" "$rx" "$expected" "$delivered" "$lost" \
        "$drops" "$cpu" "$rated" "$load" "$why"
      if [ "$pace" != topspeed ] && [ "$lost" -eq 0 ]; then
        zero["$flood/$rx"]=$pace
      fi
    done
  done
done
for flood in $floods; do
  for rx in kernel udpcap; do
    echo "highest requested rate with nothing lost: $flood/$rx ${zero[$flood/$rx]:-none of $rates} frames/s"
  done
done
