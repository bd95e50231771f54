#!/usr/bin/env bash
# Measures the shipped denoisers and writes their model cards (Pretrained/denoise-*.md/.json):
# dev-set PSNR/SSIM at σ = 15/25/50 (Set12 gray, McMaster18 colour), (C)BM3D on the very same
# noisy inputs, and speed from the release benchmark. Needs ../shared/datasets and `pip install bm3d`.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${DATASETS:-../shared/datasets}
out=${OUT:-/tmp/latent-measure}
mkdir -p "$out"
# One product per call: given two --product options, swift build builds only the last.
for product in latent LatentBenchmarks; do swift build -c release --product $product >/dev/null; done
latent=.build/release/latent

# Plain inference, then the self-ensemble (--ensemble) on the same seeded noise; the plain pass
# saves the noisy files the baselines read.
save() { [[ -z "$ensemble" ]] && echo --save-noisy "$out/noisy-$1"; true; }
for ensemble in "" --ensemble; do
    "$latent" eval denoise --model Pretrained/denoise-gray.safetensors --data "$data/dev/set12-gray" \
        --sigma 15,25,50 --json $ensemble $(save gray) | grep '"mean_psnr"'
    "$latent" eval denoise --model Pretrained/denoise-color.safetensors --data "$data/dev/mcmaster18" \
        --sigma 15,25,50 --json $ensemble $(save color) | grep '"mean_psnr"' >&3
done > "$out/gray.jsonl" 3> "$out/color.jsonl"
# (C)BM3D on the very same noisy files: BM3D at every σ of the published table, CBM3D at σ = 25.
# The noise is seeded, so the noisy files and the baselines' results do not change between runs
# of this script: REUSE_BASELINES=1 keeps the results already in $out (CBM3D takes ~25 s an image).
if [[ "${REUSE_BASELINES:-0}" == 1 && -s "$out/bm3d-gray.jsonl" && -s "$out/cbm3d-color.jsonl" ]]; then
    echo "reusing the (C)BM3D results in $out" >&2
else
    for sigma in 15 25 50; do
        python3 Benchmarks/peers/bm3d_side_by_side.py --gray --clean "$data/dev/set12-gray" --noisy "$out/noisy-gray" \
            --sigma $sigma --json | grep '"method"'
    done > "$out/bm3d-gray.jsonl"
    python3 Benchmarks/peers/bm3d_side_by_side.py --clean "$data/dev/mcmaster18" --noisy "$out/noisy-color" \
        --sigma 25 --json > "$out/cbm3d-color.jsonl"
fi
.build/release/LatentBenchmarks models --only denoise-gray,denoise-color --json | grep '^{' > "$out/speed.jsonl"

for model in gray color; do
    grep "\"denoise-$model\"" "$out/speed.jsonl" > "$out/speed-$model.json" || echo '{}' > "$out/speed-$model.json"
done
flops() {  # FLOPs per pixel as the architecture states it (`latent models --json`)
    "$latent" models --json | python3 -c "import json,sys; print(next(m['flops_per_pixel'] for m in map(json.loads, sys.stdin) if m.get('name') == sys.argv[1]))" "$1"
}

python3 Pretrained/tools/make_card.py Pretrained/denoise-gray.safetensors \
    --title "blind Gaussian denoising of gray photos" --eval "$out/gray.jsonl" --baseline "$out/bm3d-gray.jsonl" \
    --speed "$out/speed-gray.json" --flops-per-pixel "$(flops denoise-gray)" \
    --notes "${GRAY_NOTES:-}"
python3 Pretrained/tools/make_card.py Pretrained/denoise-color.safetensors \
    --title "blind Gaussian denoising of colour photos" --eval "$out/color.jsonl" --baseline "$out/cbm3d-color.jsonl" \
    --speed "$out/speed-color.json" --flops-per-pixel "$(flops denoise-color)" \
    --notes "${COLOR_NOTES:-}"
