#!/usr/bin/env bash
# Makes docs/figures/colorize-<photo>.png: gray / Latent's colorization / original of an Assets
# photo, side by side. The gray is the photo's 8-bit BT.601 luma written by
# `latent eval colorize --save-gray` (the evaluation's own input) and the colour comes from
# `latent colorize` itself; Python/Pillow only scales and tiles.
set -euo pipefail
cd "$(dirname "$0")/../.."
latent=${LATENT:-.build/release/latent}
photo=${1:-astronaut}
model=${2:-colorize}
height=${HEIGHT:-256}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/original"
cp "Assets/$photo".* "$work/original/"
"$latent" eval colorize --model "$model" --data "$work/original" --save-gray "$work/gray" > "$work/eval.txt"
"$latent" colorize "$work/gray" -o "$work/colour" --model "$model" --format png --quiet
python3 - "$work" "$photo" "$height" <<'PY'
import glob, sys
from PIL import Image
work, photo, height = sys.argv[1], sys.argv[2], int(sys.argv[3])
paths = [f"{work}/gray/{photo}.png", f"{work}/colour/{photo}.png", glob.glob(f"{work}/original/{photo}.*")[0]]
images = [Image.open(p).convert("RGB") for p in paths]
width = round(images[2].width * height / images[2].height)
tiles = [im.resize((width, height), Image.LANCZOS) for im in images]
gutter = 6
strip = Image.new("RGB", (3 * width + 2 * gutter, height), "white")
for i, tile in enumerate(tiles):
    strip.paste(tile, (i * (width + gutter), 0))
strip.save(f"docs/figures/colorize-{photo}.png", optimize=True)
PY
cat "$work/eval.txt"
echo "wrote docs/figures/colorize-$photo.png (gray | latent colorize | original)"
