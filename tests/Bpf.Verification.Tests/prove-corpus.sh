#!/usr/bin/env bash
# Proves the whole differential corpus (CI proves one rotating eighth): optimized == unoptimized, and
# ours == libpcap (1.10 mode against the system's 1.10.3, the default mode against libpcap's head when
# built). Prints counts per kind and status, solver time per proof (median, max) and the wall time.
# Usage: tests/Bpf.Verification.Tests/prove-corpus.sh [REPORT.tsv]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
report="${1:-$(mktemp /tmp/bpf-proofs.XXXXXX.tsv)}"
: > "$report"
start=$(date +%s)
BPF_VERIFY_SLICE=all BPF_VERIFY_REPORT="$report" \
    dotnet test "$here" --filter "FullyQualifiedName~CorpusProofTests" --logger "console;verbosity=minimal" || status=$?
end=$(date +%s)
echo
echo "report: $report"
echo "wall time: $((end - start)) s"
echo "proofs by kind and status:"
cut -f1,4 "$report" | sort | uniq -c
echo "solver time per proved program (ms), by kind:"
for kind in $(cut -f1 "$report" | sort -u); do
    awk -F'\t' -v k="$kind" '$1 == k && $4 ~ /^equivalent/ { print $5 }' "$report" | sort -n | awk -v k="$kind" '
        { t[NR] = $1 }
        END { if (NR > 0) printf "  %-14s n=%d median=%.0f max=%.0f\n", k, NR, t[int((NR + 1) / 2)], t[NR] }'
done
exit "${status:-0}"
