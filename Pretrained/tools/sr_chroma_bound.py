#!/usr/bin/env python3
"""How much can a luma-only upscaler lose to an RGB one? An upper bound, measured on a dev set.

For each image (cropped to a multiple of the scale, shrunk with Pillow's antialiased BICUBIC,
rounded to 8 bits, as `latent eval upscale` does) it compares, in RGB PSNR with `scale` pixels of
border cropped:

- plain bicubic enlargement of R, G and B;
- the *true* high-resolution luma with bicubically enlarged chroma (full-range BT.601 YCbCr, as
  `latent upscale` combines a luma model's output with the chroma planes).

The second is what a perfect luma model would reach: if it is far above what any upscaler gets,
bicubic chroma costs nothing that matters, and the network's capacity belongs on luma. (The
literature's metric, PSNR on luma, does not see chroma at all.)

    python3 Pretrained/tools/sr_chroma_bound.py ../shared/datasets/dev/set5 --scale 2 4
"""
import argparse
import glob
import os

import numpy as np
from PIL import Image


def to_ycc(a):
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    return np.stack([0.299 * r + 0.587 * g + 0.114 * b,
                     0.5 - 0.168735892 * r - 0.331264108 * g + 0.5 * b,
                     0.5 + 0.5 * r - 0.418687589 * g - 0.081312411 * b], -1)


def to_rgb(ycc):
    y, cb, cr = ycc[..., 0], ycc[..., 1] - 0.5, ycc[..., 2] - 0.5
    return np.stack([y + 1.402 * cr, y - 0.344136286 * cb - 0.714136286 * cr, y + 1.772 * cb], -1)


def resize(plane, width, height):
    return np.asarray(Image.fromarray(plane.astype(np.float32), mode="F").resize((width, height), Image.BICUBIC))


def psnr(output, reference, border):
    a = np.clip(np.round(output * 255), 0, 255)[border:-border, border:-border]
    b = np.round(reference * 255)[border:-border, border:-border]
    return 10 * np.log10(255 ** 2 / np.mean((a - b) ** 2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--scale", type=int, nargs="+", default=[2, 4])
    args = parser.parse_args()
    files = sorted(f for f in glob.glob(os.path.join(args.data, "*")) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    for s in args.scale:
        rows = []
        for path in files:
            image = np.asarray(Image.open(path).convert("RGB"), np.float32) / 255
            h, w = image.shape[0] // s * s, image.shape[1] // s * s
            image = image[:h, :w]
            low = np.stack([resize(image[..., c], w // s, h // s) for c in range(3)], -1)
            low = np.clip(np.round(low * 255), 0, 255) / 255
            bicubic = np.stack([resize(low[..., c], w, h) for c in range(3)], -1)
            low_ycc = to_ycc(low)
            ideal = to_rgb(np.stack([to_ycc(image)[..., 0], resize(low_ycc[..., 1], w, h), resize(low_ycc[..., 2], w, h)], -1))
            rows.append((psnr(bicubic, image, s), psnr(ideal, image, s)))
        bicubic, ideal = np.mean(rows, 0)
        print(f"x{s} on {len(files)} images: RGB PSNR bicubic {bicubic:.2f} dB; true luma + bicubic chroma {ideal:.2f} dB")


if __name__ == "__main__":
    main()
