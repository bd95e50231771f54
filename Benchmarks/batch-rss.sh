#!/usr/bin/env bash
# Peak RSS and speed of `latent denoise` on a 6000×4000 (24 MP) RGB photo, release build.
# Uses random-weight denoisers of the default widths [48, 96, 192] (speed and memory do not
# depend on the weights). Needs GNU time (/usr/bin/time; Debian: apt-get install time).
# Usage: Benchmarks/batch-rss.sh [extra latent denoise options, e.g. --max-memory 512M]
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build-batch}
out=${LATENT_BENCH_OUT:-/tmp/latent-bench}
swift build -c release --scratch-path "$scratch" --product latent >/dev/null
swift build -c release --scratch-path "$scratch" --product LatentBenchmarks >/dev/null
[ -f "$out/photo-24mp.jpg" ] || LATENT_BENCH_OUT=$out "$scratch/release/LatentBenchmarks" batch-fixtures
rm -rf "$out/result"
LATENT_MODELS=$out/models /usr/bin/time -v "$scratch/release/latent" denoise "$out/photo-24mp.jpg" -o "$out/result" "$@" \
  2> "$out/time.txt" || { cat "$out/time.txt"; exit 1; }
grep -E "latent denoise:|Maximum resident set size|Elapsed \(wall clock\)" "$out/time.txt"
kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out/time.txt")
echo "peak RSS: $((kb / 1024)) MiB"
