#!/usr/bin/env bash
# Makes docs/figures/denoise-<photo>.png: clean / noisy (σ = 25) / denoised crops of an Assets
# photo, side by side. The noise comes from `latent eval denoise --save-noisy` (seeded, on the
# 8-bit grid) and the denoising from `latent denoise` itself; Python/Pillow only crops and tiles.
set -euo pipefail
cd "$(dirname "$0")/../.."
latent=.build/release/latent
photo=${1:-coffee}
crop=${2:-"180,120,200,150"}   # x,y,width,height in the photo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/clean"
cp "Assets/$photo.png" "$work/clean/"
"$latent" eval denoise --model denoise-color --data "$work/clean" --sigma 25 --save-noisy "$work/noisy" > "$work/eval.txt"
"$latent" denoise "$work/noisy" -o "$work/denoised" --model denoise-color --quiet
python3 - "$work" "$photo" "$crop" <<'PY'
import sys
from PIL import Image, ImageDraw
work, photo, crop = sys.argv[1], sys.argv[2], [int(v) for v in sys.argv[3].split(",")]
x, y, w, h = crop
paths = [f"{work}/clean/{photo}.png", f"{work}/noisy/{photo}_sigma25.png", f"{work}/denoised/{photo}_sigma25.png"]
tiles = [Image.open(p).convert("RGB").crop((x, y, x + w, y + h)).resize((2 * w, 2 * h), Image.NEAREST) for p in paths]
gutter = 6
strip = Image.new("RGB", (3 * 2 * w + 2 * gutter, 2 * h), "white")
for i, tile in enumerate(tiles):
    strip.paste(tile, (i * (2 * w + gutter), 0))
strip.save(f"docs/figures/denoise-{photo}.png")
PY
cat "$work/eval.txt"
echo "wrote docs/figures/denoise-$photo.png (clean | noisy σ=25 | denoised, 2× nearest zoom)"
