#!/usr/bin/env bash
# Makes the ~1 GB capture the offline benchmarks (offline.sh) read: ../shared/corpus/EN10MB.pcap
# (tests/data/corpus/EN10MB.pcap when that is missing) repeated COPIES times, one pcap header
# followed by the packet records of every copy (the same bytes `bpf filter -r F -r F ... -w` writes).
# The file is made in /tmp and never committed; it is only rebuilt when missing or of the wrong size.
# Usage: benchmarks/scripts/make-capture.sh [OUT] [COPIES]   (defaults /tmp/bpf-big.pcap, 240 -> 1.04 GB)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/bpf-big.pcap}
copies=${2:-240}
src=../shared/corpus/EN10MB.pcap
[ -f "$src" ] || src=tests/data/corpus/EN10MB.pcap
size=$(stat -c %s "$src")
want=$((24 + copies * (size - 24)))
if [ -f "$out" ] && [ "$(stat -c %s "$out")" -eq "$want" ]; then
  echo "$out: $want bytes ($copies x $src), already there"
  exit 0
fi
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
head -c 24 "$src" >"$tmp"
for _ in $(seq "$copies"); do tail -c +25 "$src"; done >>"$tmp"
mv "$tmp" "$out"
echo "$out: $want bytes ($copies x $src)"
