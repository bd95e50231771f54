#!/usr/bin/env python3
"""Pillow reference for Latent's antialiased bicubic resize.

Usage: python3 make_resize.py > pillow_bicubic.json   (Pillow 13.0.0 made the committed file)

One pseudo-random float plane (seeded) resized with Image.resize(size, Image.BICUBIC) on a
mode "F" image, which is Pillow's float path: no clamping, no 8-bit rounding. Sizes cover
downscaling by integer and non-integer factors, upscaling, and one axis at a time.
"""
import json, random, sys
import PIL
from PIL import Image

random.seed(20240601)
width, height = 29, 23
values = [round(random.random(), 6) for _ in range(width * height)]
plane = Image.new("F", (width, height))
plane.putdata(values)
cases = []
for size in [(7, 5), (12, 9), (10, 23), (29, 11), (58, 46), (41, 30), (3, 2)]:
    out = plane.resize(size, Image.BICUBIC)
    cases.append({"width": size[0], "height": size[1], "values": [round(float(v), 7) for v in out.get_flattened_data()]})
json.dump({"pillow": PIL.__version__, "width": width, "height": height, "input": values, "cases": cases},
          sys.stdout)
print()
