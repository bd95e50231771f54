#!/usr/bin/env python3
"""Adobe CMYK JPEG fixture: a 32×16 RGB pattern converted by Pillow to CMYK (C = 255 − R, …,
K = 0) and saved at quality 100 without subsampling. Pillow writes CMYK inverted with an Adobe
APP14 marker, the common case (Photoshop). The RGB pattern is written as rgb_pattern.png so the
test compares the decoded CMYK file against it.

Usage: python3 make_cmyk.py   (writes cmyk_adobe.jpg and rgb_pattern.png next to this script)
"""
import os
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
rgb = Image.new("RGB", (32, 16))
rgb.putdata([(x * 8, y * 16, 255 - x * 4 - y * 4) for y in range(16) for x in range(32)])
rgb.save(os.path.join(here, "rgb_pattern.png"))
rgb.convert("CMYK").save(os.path.join(here, "cmyk_adobe.jpg"), quality=100, subsampling=0)
