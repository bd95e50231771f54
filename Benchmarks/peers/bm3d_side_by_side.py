#!/usr/bin/env python3
"""(C)BM3D on the very noisy inputs Latent was evaluated on, for the model cards.

Latent draws its evaluation noise with its own seeded generator; `latent eval denoise
--save-noisy DIR` writes those noisy inputs as 8-bit PNGs (exact: the noise lives on the 8-bit
grid). This script denoises them with the reference BM3D implementation (`pip install bm3d`;
`bm3d.bm3d_rgb` for colour, `bm3d.bm3d` for gray, σ known, default profile) and reports PSNR on
the 8-bit grid against the clean images, exactly as Latent computes it.

    latent eval denoise --model denoise-color --data DEV --sigma 25 --save-noisy /tmp/noisy
    python3 Benchmarks/peers/bm3d_side_by_side.py --clean DEV --noisy /tmp/noisy --sigma 25 --json

Not part of CI (it needs the bm3d package and takes minutes).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from PIL import Image


def psnr8(a, b):
    """PSNR of two float images in [0, 1] after rounding both to 8 bits."""
    qa = np.clip(np.round(a * 255), 0, 255)
    qb = np.clip(np.round(b * 255), 0, 255)
    mse = np.mean((qa - qb) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def load(path, gray):
    image = Image.open(path)
    image = image.convert("L" if gray else "RGB")
    return np.asarray(image, dtype=np.float64) / 255


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", required=True, help="folder of clean images")
    parser.add_argument("--noisy", required=True, help="folder written by latent eval denoise --save-noisy")
    parser.add_argument("--sigma", type=float, required=True, help="noise level on the 0-255 scale")
    parser.add_argument("--gray", action="store_true", help="gray images (BM3D) instead of colour (CBM3D)")
    parser.add_argument("--json", action="store_true", help="one JSON object per image and a summary")
    args = parser.parse_args()
    import bm3d

    results = []
    for name in sorted(os.listdir(args.clean)):
        stem, _ = os.path.splitext(name)
        noisy_path = os.path.join(args.noisy, f"{stem}_sigma{int(args.sigma)}.png")
        if not os.path.exists(noisy_path):
            continue
        clean = load(os.path.join(args.clean, name), args.gray)
        noisy = load(noisy_path, args.gray)
        started = time.time()
        if args.gray:
            denoised = bm3d.bm3d(noisy, sigma_psd=args.sigma / 255)
        else:
            denoised = bm3d.bm3d_rgb(noisy, sigma_psd=args.sigma / 255)
        seconds = time.time() - started
        entry = {"image": name, "sigma": args.sigma, "noisy_psnr": psnr8(noisy, clean),
                 "psnr": psnr8(np.asarray(denoised), clean), "seconds": seconds}
        results.append(entry)
        if args.json:
            print(json.dumps(entry), flush=True)
        else:
            print(f"{name}  σ={args.sigma:g}  {'BM3D' if args.gray else 'CBM3D'} {entry['psnr']:.2f} dB  "
                  f"(noisy {entry['noisy_psnr']:.2f} dB, {seconds:.1f} s)", flush=True)
    if not results:
        sys.exit(f"no noisy inputs for σ={args.sigma:g} found in {args.noisy}")
    mean = sum(r["psnr"] for r in results) / len(results)
    summary = {"method": "BM3D" if args.gray else "CBM3D", "sigma": args.sigma, "images": len(results),
               "mean_psnr": mean, "mean_noisy_psnr": sum(r["noisy_psnr"] for r in results) / len(results)}
    print(json.dumps(summary) if args.json else f"mean over {len(results)} images: {mean:.3f} dB")


if __name__ == "__main__":
    main()
