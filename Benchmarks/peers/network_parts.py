"""The networks of a Latent model that compare.py runs in PyTorch, ONNX Runtime and Latent on
identical float inputs made from a real photo.

Whole tasks include steps around the network that other frameworks do not implement the way
Latent does (Pillow-exact bicubic chroma and resizing, Lab conversion, tiling, sampling codes),
so for these kinds the comparison is the network alone: the same tensor into each engine, the
raw outputs compared. Latent's side is `NetworkForward` (Sources/LatentTasks/Apply/NetworkForward.swift),
reached through `LatentBenchmarks forward MODEL INPUT -o OUTPUT --part NAME`; the part names here
are the ones it takes. A new kind adds a builder decorated with `@parts("kind")`.

Every part says how many megapixels of image a call handles (`megapixels`: the image the network
produces, or for encoders, discriminators and the colorizer, the image it reads) so that speeds
are in ms per megapixel, and how many images (`images`) where a call handles a batch of them.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

import latent_models

# Images per call for the generative models, as `LatentBenchmarks models` and `latent generate` decode.
GENERATIVE_BATCH = 64
# Seed of the codes the decoders and generators are compared on (`latent generate --seed 1`).
CODE_SEED = 1


@dataclass
class NetworkPart:
    name: str                  # NetworkForward's part name
    module: nn.Module          # PyTorch: input -> output
    input: torch.Tensor
    example: torch.Tensor      # ONNX export input, unlike `input` in every dynamic axis (tests them)
    dynamic_axes: tuple        # axes of input and output that vary
    megapixels: float
    images: Optional[int]
    description: str


class Call(nn.Module):
    """Wraps a bound method (module.detail, module.decode, ...) as a module to time and export."""

    def __init__(self, owner, function):
        super().__init__()
        self.owner = owner
        self.function = function

    def forward(self, x):
        return self.function(x)


PARTS = {}  # kind -> builder(loaded, pixels) -> [NetworkPart], Latent's default part first
parts = latent_models.registrar(PARTS, "network parts")


def network_parts(loaded, pixels):
    """The parts to compare for `loaded` (latent_models.LoadedModel), made from `pixels` (uint8
    [H, W, C]: gray for 1-channel models, else RGB), or None for kinds without them."""
    builder = PARTS.get(loaded.kind)
    return None if builder is None else builder(loaded, pixels)


def planes(pixels):
    """uint8 [H, W, C] -> float32 [1, C, H, W] in [0, 1], as an 8-bit image decodes."""
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0).contiguous()


def lightness(pixels):
    """CIE L* (D65) of sRGB uint8 [H, W, 3] -> float32 [H, W] in [0, 100]; Latent's Lab
    (ColorSpace.rgbToLab) up to float rounding — the input only has to be a real L plane."""
    c = pixels.astype(np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126729, 0.7151522, 0.0721750])
    f = np.where(y > 0.008856452, np.cbrt(y), y * 7.787037 + 0.13793103)
    return (116 * f - 16).astype(np.float32)


def photo_tiles(pixels, size, count=GENERATIVE_BATCH):
    """`count` size x size tiles of the photo (resized with Pillow's bicubic to a grid of them):
    real image content at a generative model's resolution. -> float32 [count, C, size, size]."""
    side = int(np.ceil(np.sqrt(count)))
    image = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels)
    grid = np.asarray(image.resize((side * size, side * size), Image.BICUBIC), dtype=np.uint8)
    grid = grid.reshape(side * size, side * size, -1)
    tiles = [grid[r * size:(r + 1) * size, c * size:(c + 1) * size] for r in range(side) for c in range(side)][:count]
    return torch.cat([planes(np.ascontiguousarray(t)) for t in tiles])


@parts("upscale-net")
def upscale_parts(loaded, pixels):
    module = loaded.module
    x = planes(pixels)
    _, channels, height, width = x.shape
    s = module.scale
    return [NetworkPart("detail", Call(module, module.detail), x, torch.rand(1, channels, 24, 40), (0, 2, 3),
                        height * s * width * s / 1e6, None,
                        f"the detail network on the photo's {'luma' if channels == 1 else 'RGB'} planes "
                        f"{height}x{width} -> {height * s}x{width * s} (per output MP; the bicubic base is not part of it)")]


@parts("colorize-unet")
def colorize_parts(loaded, pixels):
    module = loaded.module
    if pixels.shape[2] != 3:
        raise ValueError("colorize-unet: needs a colour photo for its L plane")
    x = torch.from_numpy((lightness(pixels) - 50) / 50)[None, None].contiguous()
    height, width = x.shape[-2:]
    stride = module.total_stride
    return [NetworkPart("logits", module, x, torch.rand(1, 1, 2 * stride, 3 * stride) * 2 - 1, (0, 2, 3),
                        height * width / 1e6, None,
                        f"the network on the photo's normalised L* {height}x{width} -> bin logits (per input MP)")]


def _codes(architecture):
    return latent_models.LatentRandomSource(CODE_SEED).codes(GENERATIVE_BATCH, architecture["latentDim"])


@parts("vae", "ae")
def autoencoder_parts(loaded, pixels):
    module, a = loaded.module, loaded.architecture
    size, channels = a["imageSize"], a["channels"]
    megapixels = GENERATIVE_BATCH * size * size / 1e6
    return [NetworkPart("decoder", Call(module, module.decode), _codes(a), torch.randn(3, a["latentDim"]), (0,),
                        megapixels, GENERATIVE_BATCH,
                        f"the decoder on {GENERATIVE_BATCH} codes (seed {CODE_SEED}) -> {size}x{size} images"),
            NetworkPart("encoder", Call(module, lambda x: module.encode(x)[0]), photo_tiles(pixels, size),
                        torch.rand(3, channels, size, size), (0,), megapixels, GENERATIVE_BATCH,
                        f"the encoder's mean on {GENERATIVE_BATCH} {size}x{size} tiles of the photo")]


@parts("gan")
def gan_parts(loaded, pixels):
    module, a = loaded.module, loaded.architecture
    size, channels = a["imageSize"], a["channels"]
    megapixels = GENERATIVE_BATCH * size * size / 1e6
    return [NetworkPart("generator", module, _codes(a), torch.randn(3, a["latentDim"]), (0,), megapixels, GENERATIVE_BATCH,
                        f"the generator on {GENERATIVE_BATCH} codes (seed {CODE_SEED}) -> {size}x{size} images in [0, 1]"),
            NetworkPart("discriminator", Call(module, lambda x: module.discriminator(x * 2 - 1)), photo_tiles(pixels, size),
                        torch.rand(3, channels, size, size), (0,), megapixels, GENERATIVE_BATCH,
                        f"the discriminator's logits on {GENERATIVE_BATCH} {size}x{size} tiles of the photo")]


@parts("compress-factorized")
def codec_parts(loaded, pixels):
    module = loaded.module
    if pixels.shape[2] != 3:
        raise ValueError("compress-factorized: needs a colour photo")
    stride = module.total_stride
    height, width = (pixels.shape[0] // stride) * stride, (pixels.shape[1] // stride) * stride
    x = planes(np.ascontiguousarray(pixels[:height, :width]))
    with torch.no_grad():  # the photo's own quantized latent: what `latent decode` decodes
        latent = module.quantize(module.analysis(x)).contiguous()
    channels = latent.shape[1]
    megapixels = height * width / 1e6
    return [NetworkPart("synthesis", Call(module, module.synthesis), latent, torch.randn(1, channels, 2, 3) * 4, (0, 2, 3),
                        megapixels, None,
                        f"the synthesis transform on the photo's quantized latent {latent.shape[2]}x{latent.shape[3]} "
                        f"-> {height}x{width} (what decode runs; per output MP; range decoding not included)"),
            NetworkPart("analysis", Call(module, module.analysis), x, torch.rand(1, 3, 2 * stride, 3 * stride), (0, 2, 3),
                        megapixels, None,
                        f"the analysis transform on the photo {height}x{width} -> its latent before rounding "
                        f"(what encode runs; per input MP; range coding not included)")]
