#!/usr/bin/env python3
"""Tiles images into rows for a model card: each argument group after --row is one row.

    python3 Pretrained/tools/pair_grid.py -o out.png --scale 2 --row a.png b.png --row ra.png rb.png

Rows are drawn left to right with a 2-pixel white gutter, each image scaled by --scale
(nearest neighbour, so pixels stay visible). Used for "originals above, reconstructions below".
"""
import argparse
from PIL import Image

parser = argparse.ArgumentParser()
parser.add_argument("-o", "--output", required=True)
parser.add_argument("--scale", type=int, default=1)
parser.add_argument("--row", nargs="+", action="append", required=True)
args = parser.parse_args()
rows = [[Image.open(p).convert("RGB") for p in row] for row in args.row]
w = max(im.width for row in rows for im in row) * args.scale
h = max(im.height for row in rows for im in row) * args.scale
gutter = 2
columns = max(len(row) for row in rows)
canvas = Image.new("RGB", (columns * (w + gutter) - gutter, len(rows) * (h + gutter) - gutter), "white")
for r, row in enumerate(rows):
    for c, im in enumerate(row):
        canvas.paste(im.resize((im.width * args.scale, im.height * args.scale), Image.NEAREST), (c * (w + gutter), r * (h + gutter)))
canvas.save(args.output)
print(f"wrote {args.output}")
