#!/usr/bin/env bash
# Every benchmark in one go, from a fresh clone: builds in release mode, runs the suites
# (codecs, engine, models, compress), the PyTorch / ONNX Runtime comparison (inference and a training step
# at equal batch and patch size), and redraws the chart. Writes
#   Benchmarks/results/<date>-suites.jsonl    LatentBenchmarks codecs engine models compress --json
#   Benchmarks/results/<date>-compare.jsonl   Benchmarks/peers/compare.py --json
#   docs/figures/benchmarks.png               LatentBenchmarks chart <date>-compare.jsonl
# and prints the human-readable lines as it goes. Needs /usr/bin/python3 with PyTorch (Debian's
# python3-torch) and `pip install --break-system-packages onnxruntime onnx numpy==1.24.2`.
# Usage: bash Benchmarks/run-all.sh [compare.py options, e.g. --size 1024]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product latent
swift build -c release --product LatentBenchmarks
bench=.build/release/LatentBenchmarks
day=$(date +%F)
results=Benchmarks/results
mkdir -p "$results" docs/figures

echo "== suites (load $(cut -d' ' -f1 /proc/loadavg))"
"$bench" codecs engine models compress --json | tee "$results/$day-suites.txt"
grep '^{' "$results/$day-suites.txt" > "$results/$day-suites.jsonl"
rm "$results/$day-suites.txt"

echo "== PyTorch and ONNX Runtime (load $(cut -d' ' -f1 /proc/loadavg))"
/usr/bin/python3 Benchmarks/peers/compare.py --json "$@" | tee "$results/$day-compare.jsonl"

"$bench" chart "$results/$day-compare.jsonl" -o docs/figures/benchmarks.png
echo "results in $results/$day-*.jsonl; chart in docs/figures/benchmarks.png"
