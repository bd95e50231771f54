#!/usr/bin/env bash
# Makes docs/figures/upscale-<photo>-x<scale>.png: original / bicubic / Latent crops of an Assets
# photo side by side. The photo is shrunk by the scale exactly as the evaluation does (crop to a
# multiple, antialiased bicubic, 8 bits) and enlarged back by `latent eval upscale --save`, which
# runs the same code as `latent upscale` and prints the PSNRs; Python/Pillow only crops and tiles.
set -euo pipefail
cd "$(dirname "$0")/../.."
latent=${LATENT:-.build/release/latent}
photo=${1:-chelsea}
scale=${2:-2}
crop=${3:-"150,60,160,120"}   # x,y,width,height in the photo
model=${4:-upscale-x$scale}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/original"
cp "Assets/$photo.png" "$work/original/"
"$latent" eval upscale --model "$model" --data "$work/original" --scale "$scale" --save "$work/results" > "$work/eval.txt"
python3 - "$work" "$photo" "$scale" "$crop" <<'PY'
import sys
from PIL import Image
work, photo, scale, crop = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(v) for v in sys.argv[4].split(",")]
x, y, w, h = crop
paths = [f"{work}/original/{photo}.png", f"{work}/results/{photo}_bicubic.png", f"{work}/results/{photo}_x{scale}.png"]
tiles = [Image.open(p).convert("RGB").crop((x, y, x + w, y + h)).resize((2 * w, 2 * h), Image.NEAREST) for p in paths]
gutter = 6
strip = Image.new("RGB", (3 * 2 * w + 2 * gutter, 2 * h), "white")
for i, tile in enumerate(tiles):
    strip.paste(tile, (i * (2 * w + gutter), 0))
strip.save(f"docs/figures/upscale-{photo}-x{scale}.png")
PY
cat "$work/eval.txt"
echo "wrote docs/figures/upscale-$photo-x$scale.png (original | bicubic ×$scale | Latent ×$scale, 2× nearest zoom)"
