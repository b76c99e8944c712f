#!/usr/bin/env bash
# The test command: installs what the tests need (when run as root and something is missing), builds
# libpcap's development head as the default-semantics oracle (when ../shared/oracle is beside this
# clone), then runs `dotnet test` over the whole solution. Extra arguments go to `dotnet test`
# (e.g. ./test.sh --filter 'FullyQualifiedName~Differential').
# Tests whose oracle, tool or service is missing skip with the reason; the rest still run.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use: the 1.10 oracle (libpcap-dev, tcpdump), live capture and floods
# (iproute2, tcpreplay), the SMT solver (z3), the cluster's membership store (redis-server), the
# fuzzer (afl++), and the head oracle's build tools (cmake, flex, bison, a C compiler).
packages=(libpcap-dev tcpdump iproute2 tcpreplay z3 redis-server afl++ cmake flex bison build-essential)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: not installing ${missing[*]} (needs root and apt-get); the tests that need them skip" >&2
  fi
fi

# libpcap's development head: built once from the snapshot in ../shared/oracle (cached under
# ~/.cache/bpf-oracle), found by the tests through BPF_LIBPCAP_HEAD.
oracle=../shared/oracle/build-libpcap.sh
if [ -z "${BPF_LIBPCAP_HEAD:-}" ] && [ -f "$oracle" ]; then
  if head=$(bash "$oracle" | tail -n 1) && [ -f "$head" ]; then
    export BPF_LIBPCAP_HEAD=$head
  else
    echo "test.sh: the head oracle did not build; its tests skip" >&2
  fi
fi

exec dotnet test Bpf.sln "$@"
