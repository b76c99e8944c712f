# Shared by live.sh and udpcap.sh (sourced, not run): the root and tool checks, a work directory and the
# processes to kill on exit, and the two namespaces joined by a veth pair the floods cross. Traffic never
# leaves them; they are deleted at the end, even on failure or Ctrl-C.

# veth_require SCRIPT TOOL...: stops with one line unless root and every TOOL is installed.
veth_require() {
  local script=$1 tool
  shift
  [ "$(id -u)" = 0 ] || { echo "$script needs root (network namespaces and capture)" >&2; exit 1; }
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install -y tcpdump tcpreplay iproute2 python3)" >&2; exit 1; }
  done
}

# veth_work NAME: sets $work (a fresh directory) and pids (background processes), both cleaned up on exit.
veth_work() {
  work=$(mktemp -d "/tmp/bpf18-$1.XXXXXX")
  pids=()
  trap veth_cleanup EXIT
  trap 'exit 130' INT TERM
}

veth_delete() {
  ip netns del bpf18s 2>/dev/null || true
  ip netns del bpf18r 2>/dev/null || true
}

veth_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  veth_delete
  rm -rf "$work"
}

# veth_pair [addresses]: namespaces bpf18s (sender, bpf18a) and bpf18r (receiver, bpf18b), MTU 1500, IPv6
# off so no router solicitations or MLD join a flood; with "addresses", fixed MACs and 10.18.0.1 / 10.18.0.2.
veth_pair() {
  local ns
  veth_delete
  for ns in bpf18s bpf18r; do
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
  done
  ip link add bpf18a mtu 1500 type veth peer name bpf18b mtu 1500
  ip link set bpf18a netns bpf18s
  ip link set bpf18b netns bpf18r
  if [ "${1:-}" = addresses ]; then
    ip -n bpf18s link set bpf18a address 02:00:00:00:18:01
    ip -n bpf18r link set bpf18b address 02:00:00:00:18:02
    ip -n bpf18s addr add 10.18.0.1/24 dev bpf18a
    ip -n bpf18r addr add 10.18.0.2/24 dev bpf18b
  fi
  ip -n bpf18s link set bpf18a up
  ip -n bpf18r link set bpf18b up
}
