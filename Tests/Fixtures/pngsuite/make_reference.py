#!/usr/bin/env python3
"""Reference decode of PngSuite with pypng (pure Python, independent of libpng).

Usage: python3 make_reference.py /work/shared/datasets/conformance/pngsuite > reference.json

Conventions, chosen to match what Latent's decoder promises:
- samples as stored: no gamma correction (gAMA/sRGB/cHRM/iCCP ignored), sBIT ignored
  (pypng's asDirect would shift samples down to the significant bits, so sbit is cleared);
- palette expanded to RGB, tRNS expanded to an alpha channel (RGBA / gray+alpha);
- gray of 1/2/4 bits scaled to 8 bits (v * 255 / (2^b - 1)), as libpng's expand does;
- 16-bit samples kept at 16 bits.
The digest is SHA-256 of the interleaved (HWC) samples: uint8 for 8-bit output, little-endian
uint16 for 16-bit output. Files named x*.png are deliberately corrupt and listed as invalid.
"""
import hashlib, json, os, struct, sys
import png

def reference(path):
    reader = png.Reader(filename=path)
    reader.preamble()
    reader.sbit = None
    width, height, rows, info = reader.asDirect()
    depth = info["bitdepth"]
    channels = info["planes"]
    samples = [v for row in rows for v in row]
    if depth < 8:
        samples = [v * 255 // ((1 << depth) - 1) for v in samples]
    if depth == 16:
        data = struct.pack("<%dH" % len(samples), *samples)
    else:
        data = bytes(samples)
    return {"width": width, "height": height, "channels": channels,
            "bitDepth": 16 if depth == 16 else 8, "sha256": hashlib.sha256(data).hexdigest()}

def main(folder):
    valid, invalid = {}, []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".png"):
            continue
        if name.startswith("x"):
            invalid.append(name)
        else:
            valid[name] = reference(os.path.join(folder, name))
    json.dump({"decoder": "pypng %s" % png.__version__, "valid": valid, "invalid": invalid},
              sys.stdout, indent=1, sort_keys=True)
    print()

if __name__ == "__main__":
    main(sys.argv[1])
