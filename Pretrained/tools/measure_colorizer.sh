#!/usr/bin/env bash
# Measures the shipped colorizer and writes its model card (Pretrained/colorize.md/.json):
# McMaster18 reduced to 8-bit BT.601 luma, colorized at a sweep of readout temperatures (the
# model's own T among them), PSNR against the originals and the gray baseline, colourfulness;
# inference speed from `latent colorize --json` on the same photos. Needs ../shared/datasets.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${DATASETS:-../shared/datasets}
out=${OUT:-/tmp/latent-measure-colorize}
model=${MODEL:-Pretrained/colorize.safetensors}
mkdir -p "$out"
swift build -c release --product latent >/dev/null
latent=${LATENT:-.build/release/latent}

model_t=$(python3 -c "import json,struct,sys; f=open(sys.argv[1],'rb'); n=struct.unpack('<Q',f.read(8))[0]; \
print(json.loads(json.loads(f.read(n))['__metadata__']['latent.architecture'])['temperature'])" "$model")
"$latent" eval colorize --model "$model" --data "$data/dev/mcmaster18" --json \
    --temperature "${TEMPERATURES:-0.2,0.3,$model_t,0.5,0.7,1}" --save-gray "$out/gray" > "$out/eval.jsonl"

# Speed: the batch command itself on the gray inputs, single image at a time, 2 threads.
rm -rf "$out/colour"
"$latent" colorize "$out/gray" -o "$out/colour" --model "$model" --json --threads 2 > "$out/run.jsonl"
python3 - "$out/run.jsonl" "$data/dev/mcmaster18" > "$out/speed.json" <<'PY'
import json, os, sys
from PIL import Image
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{") and '"status":"ok"' in l]
pixels = sum(Image.open(os.path.join(sys.argv[2], os.path.basename(r["input"]))).size[0] *
             Image.open(os.path.join(sys.argv[2], os.path.basename(r["input"]))).size[1] for r in rows)
ms = sum(r["ms"] for r in rows)
print(json.dumps({"inference_ms_per_mp": round(ms / (pixels / 1e6)), "images": len(rows), "threads": 2,
                  "note": "latent colorize wall time per file (decode, network at render size 256, recombine, encode)",
                  "load_average_1min": round(os.getloadavg()[0], 2)}))
PY
flops=$("$latent" models --json | python3 -c "import json,sys; print(next(m['flops_per_pixel'] for m in map(json.loads, sys.stdin) if m.get('path','').endswith(sys.argv[1])))" "$(basename "$model")")

python3 Pretrained/tools/make_card.py "$model" \
    --title "colorization of gray photos (CIE Lab, classification over ab bins)" --eval "$out/eval.jsonl" \
    --speed "$out/speed.json" --flops-per-pixel "$flops" --notes "${NOTES:-}"
grep '"mean_psnr"' "$out/eval.jsonl"
