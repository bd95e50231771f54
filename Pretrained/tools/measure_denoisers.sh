#!/usr/bin/env bash
# Measures the shipped denoisers and writes their model cards (Pretrained/denoise-*.md/.json):
# dev-set PSNR/SSIM at σ = 15/25/50 (Set12 gray, McMaster18 colour), (C)BM3D on the very same
# noisy inputs, and speed from the release benchmark. Needs ../shared/datasets and `pip install bm3d`.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${DATASETS:-../shared/datasets}
out=${OUT:-/tmp/latent-measure}
mkdir -p "$out"
swift build -c release --product latent --product LatentBenchmarks >/dev/null
latent=.build/release/latent

"$latent" eval denoise --model Pretrained/denoise-gray.safetensors --data "$data/dev/set12-gray" \
    --sigma 15,25,50 --json --save-noisy "$out/noisy-gray" > "$out/gray.jsonl"
"$latent" eval denoise --model Pretrained/denoise-color.safetensors --data "$data/dev/mcmaster18" \
    --sigma 15,25,50 --json --save-noisy "$out/noisy-color" > "$out/color.jsonl"
python3 Benchmarks/peers/bm3d_side_by_side.py --gray --clean "$data/dev/set12-gray" --noisy "$out/noisy-gray" \
    --sigma 25 --json > "$out/bm3d-gray.jsonl"
python3 Benchmarks/peers/bm3d_side_by_side.py --clean "$data/dev/mcmaster18" --noisy "$out/noisy-color" \
    --sigma 25 --json > "$out/cbm3d-color.jsonl"
.build/release/LatentBenchmarks models --json | grep '^{' > "$out/speed.jsonl"

for model in gray color; do
    grep "\"denoise-$model\"" "$out/speed.jsonl" > "$out/speed-$model.json" || echo '{}' > "$out/speed-$model.json"
done
flops() { python3 -c "
import json,struct,sys
b=open(sys.argv[1],'rb'); n=struct.unpack('<Q',b.read(8))[0]; a=json.loads(json.loads(b.read(n))['__metadata__']['latent.architecture'])
C,u,w,e,d=a['channels'],a['unshuffle'],a['widths'],a['encoderConvs'],a['decoderConvs']
P=C*u*u; area=1/(u*u); f=2*9*P*w[0]*area
for l in range(len(w)):
    f+=e[l]*2*9*w[l]*w[l]*area
    if l+1<len(w): f+=2*4*w[l]*w[l+1]*area/4+2*w[l]*w[l+1]*area+d[l]*2*9*w[l]*w[l]*area
    area/=4
print(f+2*9*w[0]*P/(u*u))" "$1"; }

python3 Pretrained/tools/make_card.py Pretrained/denoise-gray.safetensors \
    --title "blind Gaussian denoising of gray photos" --eval "$out/gray.jsonl" --baseline "$out/bm3d-gray.jsonl" \
    --speed "$out/speed-gray.json" --flops-per-pixel "$(flops Pretrained/denoise-gray.safetensors)" \
    --notes "${GRAY_NOTES:-}"
python3 Pretrained/tools/make_card.py Pretrained/denoise-color.safetensors \
    --title "blind Gaussian denoising of colour photos" --eval "$out/color.jsonl" --baseline "$out/cbm3d-color.jsonl" \
    --speed "$out/speed-color.json" --flops-per-pixel "$(flops Pretrained/denoise-color.safetensors)" \
    --notes "${COLOR_NOTES:-}"
