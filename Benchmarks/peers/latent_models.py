"""Rebuild Latent models in PyTorch, so that they can be compared with peer frameworks.

A Latent model is one `.safetensors` file (docs/model-format.md): PyTorch `state_dict` tensors
plus `__metadata__` with `latent.format_version`, `latent.architecture` (a JSON object whose
`kind` names the architecture) and optionally `latent.training`. This module

- reads and writes that file format without the `safetensors` package (which Debian does not
  ship), validating the same things as Latent's Swift reader;
- maps each architecture `kind` to a function that builds the matching `torch.nn.Module`
  (`ARCHITECTURES`); adding an architecture means writing one builder and decorating it with
  `@architecture("kind")`;
- loads the weights with `load_state_dict(strict=True)`, so a missing, extra or misshaped
  tensor is an error rather than a silently random layer.

Typical use (Debian's PyTorch 1.13 is installed for /usr/bin/python3, not for pyenv's python):

    from latent_models import load_model
    model = load_model("Pretrained/denoise-color.safetensors")
    restored = model(noisy)          # noisy: [N, C, H, W] float32 in [0, 1]

Not part of Latent's CI (which has no PyTorch); see test_latent_models.py for the self-test.
"""

import json
import math
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT_VERSION_KEY = "latent.format_version"
ARCHITECTURE_KEY = "latent.architecture"
TRAINING_KEY = "latent.training"
# The layout versions this reader understands; the format document says readers must reject
# the others rather than guess.
SUPPORTED_FORMAT_VERSIONS = {"1"}

# ---------------------------------------------------------------------------------------------
# safetensors reading and writing

# Same limit as the Swift reader: a header larger than this is a corrupt or hostile file.
MAX_HEADER_BYTES = 100 * 1024 * 1024

# Every dtype the format defines, with its size in bytes. Only those with a numpy equivalent in
# `_NUMPY_DTYPES` can be read into arrays; the others are recognised (so the tiling check still
# works) but reported as unsupported if a model actually contains them.
_DTYPE_SIZES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "U16": 2, "I16": 2, "F16": 2,
    "BF16": 2, "U32": 4, "I32": 4, "F32": 4, "U64": 8, "I64": 8, "F64": 8,
}
_NUMPY_DTYPES = {
    "BOOL": "|b1", "U8": "|u1", "I8": "|i1", "U16": "<u2", "I16": "<i2", "F16": "<f2", "U32": "<u4",
    "I32": "<i4", "F32": "<f4", "U64": "<u8", "I64": "<i8", "F64": "<f8",
}
# What the writer emits: Latent stores parameters and float buffers as F32, counters as I64 and a
# codec's frozen entropy tables as I32.
_WRITABLE = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8"), torch.int32: ("I32", "<i4")}


class LatentFormatError(ValueError):
    """A file that is not a valid Latent model; the message names the file and the problem."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def read_safetensors(path):
    """Returns (tensors, metadata): name -> numpy array (little-endian, read-only view of the
    file's bytes), and the `__metadata__` dict (str -> str, empty if absent).

    Everything is validated before any tensor is materialised, mirroring Latent's reader, so a
    truncated or hand-edited file fails here with a precise message instead of deep in torch.
    """
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise LatentFormatError(path, f"{len(blob)} bytes is shorter than the 8-byte header length")
    header_length = int.from_bytes(blob[:8], "little")
    if header_length > MAX_HEADER_BYTES:
        raise LatentFormatError(path, f"header length {header_length} exceeds {MAX_HEADER_BYTES}")
    if 8 + header_length > len(blob):
        raise LatentFormatError(path, f"header length {header_length} runs past the end of the file")
    try:
        header_text = blob[8:8 + header_length].decode("utf-8")
    except UnicodeDecodeError as error:
        raise LatentFormatError(path, f"header is not UTF-8 ({error})") from None
    if not header_text.startswith("{"):
        raise LatentFormatError(path, "header does not start with '{'")
    try:
        header = json.loads(header_text, object_pairs_hook=_reject_duplicate_keys)
    except ValueError as error:
        raise LatentFormatError(path, f"header is not valid JSON ({error})") from None
    if not isinstance(header, dict):
        raise LatentFormatError(path, "header is not a JSON object")

    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise LatentFormatError(path, "__metadata__ must be an object whose values are strings")

    data = memoryview(blob)[8 + header_length:]
    spans = []  # (begin, end, name), to check that the tensors tile the data section
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise LatentFormatError(path, f"tensor {name!r}: entry must have exactly dtype, shape, data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _DTYPE_SIZES:
            raise LatentFormatError(path, f"tensor {name!r}: unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
            raise LatentFormatError(path, f"tensor {name!r}: shape must be a list of non-negative integers")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_int(o) for o in offsets)):
            raise LatentFormatError(path, f"tensor {name!r}: data_offsets must be two integers")
        begin, end = offsets
        expected_bytes = math.prod(shape) * _DTYPE_SIZES[dtype]
        if not 0 <= begin <= end <= len(data):
            raise LatentFormatError(path, f"tensor {name!r}: data_offsets {offsets} outside the {len(data)}-byte data section")
        if end - begin != expected_bytes:
            raise LatentFormatError(path, f"tensor {name!r}: {end - begin} bytes for {dtype}{shape}, expected {expected_bytes}")
        spans.append((begin, end, name))

    # As in the reference implementation: no gaps, no overlaps, no trailing bytes.
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise LatentFormatError(path, f"tensor {name!r} begins at {begin}, expected {position} (gap or overlap)")
        position = end
    if position != len(data):
        raise LatentFormatError(path, f"{len(data) - position} trailing bytes after the last tensor")

    tensors = {}
    for begin, end, name in spans:
        dtype = header[name]["dtype"]
        if dtype not in _NUMPY_DTYPES:
            raise LatentFormatError(path, f"tensor {name!r}: dtype {dtype} cannot be read here")
        tensors[name] = np.frombuffer(data[begin:end], dtype=np.dtype(_NUMPY_DTYPES[dtype])).reshape(header[name]["shape"])
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes name -> torch tensor (float32 or int64) and str -> str metadata, atomically.

    Byte-for-byte the layout of Latent's Swift writer (and of Tests/Fixtures/torch/make_fixtures.py):
    compact JSON, `__metadata__` first with sorted keys, tensors sorted by name and laid out in
    that order, header padded with spaces to a multiple of 8. Deterministic output means the
    same weights always hash the same.
    """
    members = []
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError("metadata keys and values must be strings")
        pairs = ",".join(json.dumps(k) + ":" + json.dumps(metadata[k]) for k in sorted(metadata))
        members.append('"__metadata__":{' + pairs + "}")
    blobs, offset = [], 0
    for name in sorted(tensors):  # code point order == UTF-8 byte order
        tensor = tensors[name].detach().cpu().contiguous()
        if tensor.dtype not in _WRITABLE:
            raise TypeError(f"{name}: cannot store dtype {tensor.dtype} (Latent stores F32 and I64)")
        dtype_name, numpy_dtype = _WRITABLE[tensor.dtype]
        blob = tensor.numpy().astype(numpy_dtype).tobytes()
        members.append(json.dumps(name) + ':{"dtype":"%s","shape":[%s],"data_offsets":[%d,%d]}'
                       % (dtype_name, ",".join(str(d) for d in tensor.shape), offset, offset + len(blob)))
        blobs.append(blob)
        offset += len(blob)
    header = ("{" + ",".join(members) + "}").encode("utf-8")
    header += b" " * (-len(header) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(len(header).to_bytes(8, "little"))
        f.write(header)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)  # a reader never sees a half-written model


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _reject_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"duplicate keys {duplicates}")
    return dict(pairs)


# ---------------------------------------------------------------------------------------------
# architecture registry

# kind -> builder(architecture dict) -> nn.Module. Builders validate the hyper-parameters and
# fill in defaults themselves, because each architecture has its own schema.
ARCHITECTURES = {}


def registrar(table, what):
    """A decorator factory registering a function in `table` under one or more model kinds:
    `@registrar(TABLE, "builder")("kind-a", "kind-b")`. Used for the architecture builders here
    and for compare.py's network parts and training steps."""
    def for_kinds(*kinds):
        def register(function):
            for kind in kinds:
                if kind in table:
                    raise ValueError(f"{what} for {kind!r} registered twice")
                table[kind] = function
            return function
        return register
    return for_kinds


# Decorator registering a builder for `latent.architecture` objects with this `kind`.
architecture = registrar(ARCHITECTURES, "architecture")


def build_model(architecture_json):
    """Builds the untrained module described by a `latent.architecture` value (str or dict)."""
    spec = json.loads(architecture_json) if isinstance(architecture_json, str) else dict(architecture_json)
    if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
        raise ValueError(f"architecture must be a JSON object with a string \"kind\": {architecture_json!r}")
    builder = ARCHITECTURES.get(spec["kind"])
    if builder is None:
        raise ValueError(f"unknown architecture kind {spec['kind']!r}; known: {sorted(ARCHITECTURES)}")
    return builder(spec)


def canonical_architecture_json(spec):
    """The architecture as Latent's Swift encoder writes it: sorted keys, no spaces."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


@dataclass
class LoadedModel:
    module: nn.Module
    architecture: dict
    metadata: dict = field(default_factory=dict)

    @property
    def kind(self):
        return self.architecture["kind"]

    @property
    def training(self):
        """The `latent.training` record as a dict, or None (informational only)."""
        text = self.metadata.get(TRAINING_KEY)
        return json.loads(text) if text else None


def load_model(path):
    """Reads a Latent model file and returns a LoadedModel whose module is in eval mode."""
    tensors, metadata = read_safetensors(path)
    version = metadata.get(FORMAT_VERSION_KEY)
    if version not in SUPPORTED_FORMAT_VERSIONS:
        raise LatentFormatError(path, f"{FORMAT_VERSION_KEY} is {version!r}; this reader knows {sorted(SUPPORTED_FORMAT_VERSIONS)}")
    if ARCHITECTURE_KEY not in metadata:
        raise LatentFormatError(path, f"no {ARCHITECTURE_KEY} in the metadata: not a Latent model")
    try:
        module = build_model(metadata[ARCHITECTURE_KEY])
    except ValueError as error:
        raise LatentFormatError(path, str(error)) from None
    # np.frombuffer views are read-only; copy so torch does not warn and owns its memory.
    state = {name: torch.from_numpy(np.array(array)) for name, array in tensors.items()}
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise LatentFormatError(path, f"weights do not match the architecture: {error}") from None
    module.eval()
    return LoadedModel(module, json.loads(metadata[ARCHITECTURE_KEY]), metadata)


def save_model(path, module, architecture_spec, training=None):
    """Writes `module`'s state_dict with the metadata Latent expects.

    `architecture_spec` is the dict that `build_model` accepts (it must describe `module`);
    `training` is an optional dict stored as `latent.training`.
    """
    metadata = {
        FORMAT_VERSION_KEY: "1",
        ARCHITECTURE_KEY: canonical_architecture_json(architecture_spec),
    }
    if training is not None:
        metadata[TRAINING_KEY] = json.dumps(training, sort_keys=True, separators=(",", ":"))
    write_safetensors(path, module.state_dict(), metadata)


def write_random_model(path, architecture_spec, seed=0, training=None):
    """Builds `architecture_spec` with PyTorch's default initialisation (seeded) and saves it.
    Returns the module, so callers can compare against what they read back."""
    torch.manual_seed(seed)
    module = build_model(architecture_spec)
    save_model(path, module, architecture_spec,
               training if training is not None else {"note": "randomly initialised", "seed": seed})
    return module


# ---------------------------------------------------------------------------------------------
# denoise-unet (Sources/LatentModels/Denoise/DenoiseUNet.swift)

DENOISE_UNET_DEFAULTS = {
    "unshuffle": 2,
    "widths": [48, 96, 192],
    "encoderConvs": [1, 2, 3],
    "decoderConvs": [1, 1],
    "negativeSlope": 0,
    "residual": False,
}


def denoise_unet_spec(channels, **overrides):
    """A complete denoise-unet architecture object, every key spelled out as Latent writes it."""
    return {"kind": "denoise-unet", "channels": channels, **DENOISE_UNET_DEFAULTS, **overrides}


class ConvStage(nn.Module):
    """3x3 convolutions at one resolution (Swift `ConvStage`); `dilations` (one per convolution)
    widens them, with padding = dilation ("same"). Plain: each followed by (leaky) ReLU.
    Residual: in pairs, x + conv2(act(conv1(x))), nothing after the sum."""

    def __init__(self, width, count, negative_slope=0.0, dilations=None, residual=False):
        super().__init__()
        if residual and count % 2:
            raise ValueError(f"a residual stage needs an even number of convolutions, got {count}")
        self.negative_slope = negative_slope
        self.residual = residual
        dilations = dilations or [1] * count
        self.convs = nn.ModuleList(nn.Conv2d(width, width, 3, padding=d, dilation=d) for d in dilations)

    def forward(self, x):
        act = lambda t: F.leaky_relu(t, self.negative_slope)
        if self.residual:
            for first, second in zip(self.convs[0::2], self.convs[1::2]):
                x = x + second(act(first(x)))
            return x
        for conv in self.convs:
            x = act(conv(x))
        return x


class DenoiseUNet(nn.Module):
    """The denoising U-Net: predicts the noise and returns input minus noise.

    x: [N, C, H, W] in [0, 1], H and W multiples of `total_stride` -> same shape.
    """

    def __init__(self, channels, unshuffle, widths, encoder_convs, decoder_convs, negative_slope=0.0, residual=False):
        super().__init__()
        self.channels = channels
        self.unshuffle = unshuffle
        self.negative_slope = negative_slope
        packed = channels * unshuffle * unshuffle
        levels = len(widths)
        self.head = nn.Conv2d(packed, widths[0], 3, padding=1)
        self.encoders = nn.ModuleList(ConvStage(widths[i], encoder_convs[i], negative_slope, residual=residual)
                                      for i in range(levels))
        self.downs = nn.ModuleList(nn.Conv2d(widths[i], widths[i + 1], 2, stride=2) for i in range(levels - 1))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in range(levels - 1))
        self.decoders = nn.ModuleList(ConvStage(widths[i], decoder_convs[i], negative_slope, residual=residual)
                                      for i in range(levels - 1))
        self.tail = nn.Conv2d(widths[0], packed, 3, padding=1)
        self.total_stride = unshuffle * 2 ** (levels - 1)

    def forward(self, x):
        # A wrong size would otherwise fail deep inside a skip addition with an unhelpful
        # message. Skipped while tracing for ONNX: the check would be frozen into the graph
        # for the example size and break dynamic height/width.
        if not torch.jit.is_tracing():
            height, width = x.shape[-2:]
            if height % self.total_stride or width % self.total_stride:
                raise ValueError(f"input {height}x{width} is not a multiple of the stride {self.total_stride}")
        act = lambda t: F.leaky_relu(t, self.negative_slope)
        h = act(self.head(F.pixel_unshuffle(x, self.unshuffle)))
        skips = []
        for encoder, down in zip(self.encoders, self.downs):
            h = encoder(h)
            skips.append(h)
            h = act(down(h))
        h = self.encoders[-1](h)
        for level in reversed(range(len(self.ups))):
            h = act(self.ups[level](h)) + skips[level]
            h = self.decoders[level](h)
        noise = F.pixel_shuffle(self.tail(h), self.unshuffle)
        return x - noise


@architecture("denoise-unet")
def build_denoise_unet(spec):
    known = {"kind", "channels", *DENOISE_UNET_DEFAULTS}
    unknown = set(spec) - known
    if unknown:
        # Latent's Swift decoder ignores unknown keys; here they are an error, because a
        # hyper-parameter this builder does not implement would make the rebuilt model differ.
        raise ValueError(f"denoise-unet: unknown keys {sorted(unknown)}")
    if "channels" not in spec:
        raise ValueError("denoise-unet: \"channels\" is required")
    spec = {**DENOISE_UNET_DEFAULTS, **spec}
    channels, unshuffle = spec["channels"], spec["unshuffle"]
    widths, encoder_convs, decoder_convs = spec["widths"], spec["encoderConvs"], spec["decoderConvs"]

    def positive_ints(value):
        return isinstance(value, list) and value and all(_is_int(v) and v > 0 for v in value)

    def counts(value, length):
        return isinstance(value, list) and len(value) == length and all(_is_int(v) and v >= 0 for v in value)

    if channels not in (1, 3):
        raise ValueError(f"denoise-unet: channels must be 1 or 3, got {channels!r}")
    if not (_is_int(unshuffle) and unshuffle >= 1):
        raise ValueError(f"denoise-unet: unshuffle must be a positive integer, got {unshuffle!r}")
    if not positive_ints(widths):
        raise ValueError(f"denoise-unet: widths must be a non-empty list of positive integers, got {widths!r}")
    # Zero convolutions in a stage is allowed, as in Swift: the level then only resamples
    # (encoder) or only merges the skip (decoder).
    if not counts(encoder_convs, len(widths)):
        raise ValueError(f"denoise-unet: encoderConvs needs {len(widths)} non-negative integers, got {encoder_convs!r}")
    if not counts(decoder_convs, len(widths) - 1):
        raise ValueError(f"denoise-unet: decoderConvs needs {len(widths) - 1} non-negative integers, got {decoder_convs!r}")
    slope = spec["negativeSlope"]
    if not (isinstance(slope, (int, float)) and not isinstance(slope, bool) and 0 <= slope < 1):
        raise ValueError(f"denoise-unet: negativeSlope must be a number in [0, 1), got {slope!r}")
    residual = spec["residual"]
    if not isinstance(residual, bool):
        raise ValueError(f"denoise-unet: residual must be true or false, got {residual!r}")
    if residual and any(c % 2 for c in encoder_convs + decoder_convs):
        raise ValueError(f"denoise-unet: a residual network needs even convolution counts, got "
                         f"{encoder_convs!r} / {decoder_convs!r}")
    return DenoiseUNet(channels, unshuffle, widths, encoder_convs, decoder_convs, float(slope), residual)


# ---------------------------------------------------------------------------------------------
# upscale-net (Sources/LatentModels/Upscale/UpscaleNet.swift, Sources/LatentTasks/Upscale/Upscaler.swift)

UPSCALE_NET_DEFAULTS = {"features": 48, "code": 32, "mapping": 3}


def upscale_net_spec(channels, scale, **overrides):
    """A complete upscale-net architecture object, every key spelled out as Latent writes it."""
    return {"kind": "upscale-net", "channels": channels, "scale": scale, **UPSCALE_NET_DEFAULTS, **overrides}


def _keys_cubic(t, a=-0.5):
    """Keys' cubic convolution kernel (a = -0.5, Pillow's BICUBIC)."""
    x = abs(t)
    if x < 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def pillow_bicubic_matrix(size_in, size_out):
    """[size_out, size_in] weights of Pillow's antialiased BICUBIC resize along one axis, computed
    as Pillow (and Latent's `Resize`) do: centres at (o + 0.5) * scale, the kernel stretched by the
    scale when shrinking, taps clipped at the border and renormalised to sum to 1."""
    scale = size_in / size_out
    filter_scale = max(scale, 1.0)
    support = 2.0 * filter_scale
    weights = np.zeros((size_out, size_in), np.float64)
    for o in range(size_out):
        center = (o + 0.5) * scale
        first = max(int(center - support + 0.5), 0)  # int() truncates toward zero, like Pillow's C cast
        last = min(int(center + support + 0.5), size_in)
        taps = [_keys_cubic((first + k - center + 0.5) / filter_scale) for k in range(last - first)]
        total = sum(taps)
        for k, tap in enumerate(taps):
            weights[o, first + k] = tap / total if total != 0 else tap
    return torch.from_numpy(weights.astype(np.float32))


def pillow_bicubic_resize(x, height, width):
    """x: [N, C, H, W] -> [N, C, height, width], Pillow's BICUBIC on float images (not clamped)."""
    rows = pillow_bicubic_matrix(x.shape[-2], height).to(x.dtype)
    columns = pillow_bicubic_matrix(x.shape[-1], width).to(x.dtype)
    return torch.einsum("oh,nchw,pw->ncop", rows, x, columns)


class UpscaleNet(nn.Module):
    """The upscaling autoencoder: bicubic(x) + detail(x).

    detail: a 5x5 head to `features` channels, a 1x1 shrink to the `code`, `mapping` 3x3
    convolutions on the code, a 1x1 expansion back to `features`, and a 3x3 convolution to
    C * scale^2 channels pixel-shuffled to the output size (ReLU after every layer but the last).
    x: [N, C, h, w] in [0, 1] -> [N, C, h * scale, w * scale].
    """

    def __init__(self, channels, scale, features, code, mapping):
        super().__init__()
        self.channels, self.scale = channels, scale
        self.head = nn.Conv2d(channels, features, 5, padding=2)
        self.shrink = nn.Conv2d(features, code, 1)
        self.mapping = ConvStage(code, mapping)
        self.expand = nn.Conv2d(code, features, 1)
        self.upsample = nn.Conv2d(features, channels * scale * scale, 3, padding=1)
        self.total_stride = 1

    def detail(self, x):
        h = F.relu(self.head(x))
        h = self.mapping(F.relu(self.shrink(h)))
        h = F.relu(self.expand(h))
        return F.pixel_shuffle(self.upsample(h), self.scale)

    def forward(self, x):
        height, width = x.shape[-2] * self.scale, x.shape[-1] * self.scale
        return pillow_bicubic_resize(x, height, width) + self.detail(x)


@architecture("upscale-net")
def build_upscale_net(spec):
    known = {"kind", "channels", "scale", *UPSCALE_NET_DEFAULTS}
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"upscale-net: unknown keys {sorted(unknown)}")
    for key in ("channels", "scale"):
        if key not in spec:
            raise ValueError(f"upscale-net: \"{key}\" is required")
    spec = {**UPSCALE_NET_DEFAULTS, **spec}
    channels, scale = spec["channels"], spec["scale"]
    features, code, mapping = spec["features"], spec["code"], spec["mapping"]
    if channels not in (1, 3):
        raise ValueError(f"upscale-net: channels must be 1 or 3, got {channels!r}")
    if not (_is_int(scale) and 2 <= scale <= 8):
        raise ValueError(f"upscale-net: scale must be an integer 2..8, got {scale!r}")
    if not all(_is_int(v) and v > 0 for v in (features, code)):
        raise ValueError(f"upscale-net: features and code must be positive integers, got {features!r}, {code!r}")
    if not (_is_int(mapping) and mapping >= 0):
        raise ValueError(f"upscale-net: mapping must be a non-negative integer, got {mapping!r}")
    return UpscaleNet(channels, scale, features, code, mapping)


# ---------------------------------------------------------------------------------------------
# colorize-unet (Sources/LatentModels/Colorize/ColorizeNet.swift)

COLORIZE_UNET_DEFAULTS = {
    "unshuffle": 2,
    "widths": [32, 64, 128, 256],
    "encoderConvs": [1, 2, 2, 3],
    "bottleneckDilations": [1, 2, 4],
    "outputLevel": 1,
    "decoderConvs": [1, 1],
    "binSize": 10,
    "temperature": 0.38,
}


class ColorizeUNet(nn.Module):
    """L in, logits over ab bins out; `ab(logits)` is the annealed-mean readout.

    forward(l): l = (L* - 50) / 50, [N, 1, H, W], H and W multiples of `total_stride`
    -> logits [N, K, H / output_stride, W / output_stride]. The bin centres are not weights
    (they live in the architecture JSON), so they are a plain attribute, not in the state_dict.
    """

    def __init__(self, unshuffle, widths, encoder_convs, dilations, output_level, decoder_convs, bins, temperature):
        super().__init__()
        top = len(widths) - 1
        self.unshuffle, self.output_level, self.temperature = unshuffle, output_level, temperature
        self.head = nn.Conv2d(unshuffle * unshuffle, widths[0], 3, padding=1)
        self.encoders = nn.ModuleList(ConvStage(widths[i], encoder_convs[i], dilations=dilations if i == top else None)
                                      for i in range(len(widths)))
        self.downs = nn.ModuleList(nn.Conv2d(widths[i], widths[i + 1], 2, stride=2) for i in range(top))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in range(output_level, top))
        self.decoders = nn.ModuleList(ConvStage(widths[i], decoder_convs[i - output_level]) for i in range(output_level, top))
        self.classifier = nn.Conv2d(widths[output_level], len(bins), 1)
        self.bins = torch.tensor(bins, dtype=torch.float32)  # [K, 2]
        self.total_stride = unshuffle * 2 ** top
        self.output_stride = unshuffle * 2 ** output_level

    def forward(self, l):
        if not torch.jit.is_tracing():
            height, width = l.shape[-2:]
            if height % self.total_stride or width % self.total_stride:
                raise ValueError(f"input {height}x{width} is not a multiple of the stride {self.total_stride}")
        h = F.relu(self.head(F.pixel_unshuffle(l, self.unshuffle)))
        skips = []
        for encoder, down in zip(self.encoders, self.downs):
            h = encoder(h)
            skips.append(h)
            h = F.relu(down(h))
        h = self.encoders[-1](h)
        for level in reversed(range(self.output_level, len(self.downs))):
            j = level - self.output_level
            h = F.relu(self.ups[j](h)) + skips[level]
            h = self.decoders[j](h)
        return self.classifier(h)

    def ab(self, logits, temperature=None):
        """Annealed mean: sum_k softmax(z / T)_k * bin_k -> [N, 2, h, w] (a*, b*)."""
        p = F.softmax(logits / (temperature or self.temperature), dim=1)
        return torch.einsum("nkhw,kc->nchw", p, self.bins)


def colorize_unet_spec(bins, **overrides):
    """A complete colorize-unet architecture object, every key spelled out as Latent writes it."""
    return {"kind": "colorize-unet", "bins": bins, **COLORIZE_UNET_DEFAULTS, **overrides}


def ab_gamut_bins(bin_size=10):
    """The (a*, b*) bin centres Latent's ABGamut finds: bins of side `bin_size` hit by sRGB colours
    (every channel level in steps of 3, plus 255), sorted by a then b; Latent's Lab (D65)."""
    v = np.append(np.arange(0, 256, 3), 255) / 255.0
    r, g, b = np.meshgrid(v, v, v, indexing="ij")
    linear = [np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4) for c in (r, g, b)]
    x = (0.4124564 * linear[0] + 0.3575761 * linear[1] + 0.1804375 * linear[2]) / 0.95047
    y = 0.2126729 * linear[0] + 0.7151522 * linear[1] + 0.0721750 * linear[2]
    z = (0.0193339 * linear[0] + 0.1191920 * linear[1] + 0.9503041 * linear[2]) / 1.08883
    f = [np.where(t > 0.008856452, np.cbrt(t), t * 7.787037 + 0.13793103) for t in (x, y, z)]
    a, bb = 500 * (f[0] - f[1]), 200 * (f[1] - f[2])
    cells = sorted(set(zip(np.round(a / bin_size).astype(int).ravel().tolist(), np.round(bb / bin_size).astype(int).ravel().tolist())))
    return [[float(i * bin_size), float(j * bin_size)] for i, j in cells]


@architecture("colorize-unet")
def build_colorize_unet(spec):
    known = {"kind", "bins", *COLORIZE_UNET_DEFAULTS}
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"colorize-unet: unknown keys {sorted(unknown)}")
    if "bins" not in spec:
        raise ValueError("colorize-unet: \"bins\" is required")
    spec = {**COLORIZE_UNET_DEFAULTS, **spec}
    widths, encoder_convs, dilations = spec["widths"], spec["encoderConvs"], spec["bottleneckDilations"]
    output_level, decoder_convs, bins = spec["outputLevel"], spec["decoderConvs"], spec["bins"]
    if not (isinstance(widths, list) and widths and all(_is_int(w) and w > 0 for w in widths)):
        raise ValueError(f"colorize-unet: widths must be a non-empty list of positive integers, got {widths!r}")
    if not (_is_int(spec["unshuffle"]) and spec["unshuffle"] >= 1):
        raise ValueError(f"colorize-unet: unshuffle must be a positive integer, got {spec['unshuffle']!r}")
    if not (isinstance(encoder_convs, list) and len(encoder_convs) == len(widths) and all(_is_int(c) and c >= 0 for c in encoder_convs)):
        raise ValueError(f"colorize-unet: encoderConvs needs {len(widths)} non-negative integers, got {encoder_convs!r}")
    if not (isinstance(dilations, list) and len(dilations) == encoder_convs[-1] and all(_is_int(d) and d > 0 for d in dilations)):
        raise ValueError(f"colorize-unet: bottleneckDilations needs {encoder_convs[-1]} positive integers, got {dilations!r}")
    if not (_is_int(output_level) and 0 <= output_level < len(widths)):
        raise ValueError(f"colorize-unet: outputLevel must be in 0..{len(widths) - 1}, got {output_level!r}")
    if not (isinstance(decoder_convs, list) and len(decoder_convs) == len(widths) - 1 - output_level
            and all(_is_int(c) and c >= 0 for c in decoder_convs)):
        raise ValueError(f"colorize-unet: decoderConvs needs {len(widths) - 1 - output_level} non-negative integers, got {decoder_convs!r}")
    if not (isinstance(bins, list) and len(bins) >= 2 and all(isinstance(c, list) and len(c) == 2 for c in bins)):
        raise ValueError("colorize-unet: bins must be a list of at least two [a, b] pairs")
    if not spec["temperature"] > 0:
        raise ValueError(f"colorize-unet: temperature must be positive, got {spec['temperature']!r}")
    return ColorizeUNet(spec["unshuffle"], widths, encoder_convs, dilations, output_level, decoder_convs, bins,
                        float(spec["temperature"]))


# ---------------------------------------------------------------------------------------------
# vae / ae (Sources/LatentModels/Generative/ConvAutoencoder.swift) and gan (DCGAN.swift)

GENERATIVE_KEYS = {"kind", "imageSize", "channels", "latentDim", "widths"}


def _generative_geometry(spec):
    """Validates the shared generative schema; returns (image_size, channels, latent_dim, widths, bottom)."""
    kind = spec["kind"]
    unknown = set(spec) - GENERATIVE_KEYS
    if unknown:
        raise ValueError(f"{kind}: unknown keys {sorted(unknown)}")
    missing = GENERATIVE_KEYS - set(spec)
    if missing:
        raise ValueError(f"{kind}: missing keys {sorted(missing)}")
    size, channels, latent, widths = spec["imageSize"], spec["channels"], spec["latentDim"], spec["widths"]
    if channels not in (1, 3):
        raise ValueError(f"{kind}: channels must be 1 or 3, got {channels!r}")
    if not (_is_int(latent) and latent > 0):
        raise ValueError(f"{kind}: latentDim must be a positive integer, got {latent!r}")
    if not (isinstance(widths, list) and widths and all(_is_int(w) and w > 0 for w in widths)):
        raise ValueError(f"{kind}: widths must be a non-empty list of positive integers, got {widths!r}")
    factor = 2 ** len(widths)
    if not (_is_int(size) and size >= factor and size % factor == 0):
        raise ValueError(f"{kind}: imageSize {size!r} is not a positive multiple of 2^{len(widths)}")
    return size, channels, latent, widths, size // factor


class ConvEncoder(nn.Module):
    def __init__(self, channels, widths):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(i, o, 4, stride=2, padding=1) for i, o in zip([channels] + widths[:-1], widths))

    def forward(self, x):  # [N, C, S, S] -> [N, widths[-1] * b * b]
        for conv in self.convs:
            x = F.leaky_relu(conv(x), 0.2)
        return x.flatten(1)


class ConvDecoder(nn.Module):
    def __init__(self, latent, channels, widths, bottom):
        super().__init__()
        coarse_first = widths[::-1]
        self.bottom, self.bottom_width = bottom, coarse_first[0]
        self.fromCode = nn.Linear(latent, coarse_first[0] * bottom * bottom)
        self.ups = nn.ModuleList(nn.ConvTranspose2d(i, o, 4, stride=2, padding=1)
                                 for i, o in zip(coarse_first[:-1], coarse_first[1:]))
        self.toImage = nn.ConvTranspose2d(coarse_first[-1], channels, 4, stride=2, padding=1)

    def forward(self, z):  # [N, D] -> Bernoulli logits [N, C, S, S]
        h = F.relu(self.fromCode(z)).view(-1, self.bottom_width, self.bottom, self.bottom)
        for up in self.ups:
            h = F.relu(up(h))
        return self.toImage(h)


class ConvAutoencoder(nn.Module):
    """Latent's `vae` (with toLogVariance) or `ae` (without). forward(x) reconstructs through
    the posterior mean: sigmoid(decoder(toMean(encoder(x))))."""

    def __init__(self, variational, size, channels, latent, widths, bottom):
        super().__init__()
        self.variational = variational
        self.encoder = ConvEncoder(channels, widths)
        features = widths[-1] * bottom * bottom
        self.toMean = nn.Linear(features, latent)
        self.toLogVariance = nn.Linear(features, latent) if variational else None
        self.decoder = ConvDecoder(latent, channels, widths, bottom)

    def encode(self, x):  # -> (mean [N, D], log variance [N, D] or None)
        h = self.encoder(x)
        return self.toMean(h), (self.toLogVariance(h) if self.variational else None)

    def decode(self, z):  # -> images in (0, 1)
        return torch.sigmoid(self.decoder(z))

    def forward(self, x):
        return self.decode(self.encode(x)[0])


@architecture("vae")
def build_vae(spec):
    return ConvAutoencoder(True, *_generative_geometry(spec))


@architecture("ae")
def build_ae(spec):
    return ConvAutoencoder(False, *_generative_geometry(spec))


class UpsamplingBlock(nn.Module):
    def __init__(self, i, o, kernel, stride, padding):
        super().__init__()
        self.conv = nn.ConvTranspose2d(i, o, kernel, stride=stride, padding=padding, bias=False)
        self.norm = nn.BatchNorm2d(o)

    def forward(self, x):
        return F.relu(self.norm(self.conv(x)))


class DownsamplingBlock(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.conv = nn.Conv2d(i, o, 4, stride=2, padding=1, bias=False)
        self.norm = nn.BatchNorm2d(o)

    def forward(self, x):
        return F.leaky_relu(self.norm(self.conv(x)), 0.2)


class DCGANGenerator(nn.Module):
    def __init__(self, channels, latent, widths, bottom):
        super().__init__()
        coarse_first = widths[::-1]
        self.latent = latent
        self.blocks = nn.ModuleList([UpsamplingBlock(latent, coarse_first[0], bottom, 1, 0)] +
                                    [UpsamplingBlock(i, o, 4, 2, 1) for i, o in zip(coarse_first[:-1], coarse_first[1:])])
        self.toImage = nn.ConvTranspose2d(coarse_first[-1], channels, 4, stride=2, padding=1)

    def forward(self, z):  # [N, D] -> [N, C, S, S] in [-1, 1]
        h = z.view(-1, self.latent, 1, 1)
        for block in self.blocks:
            h = block(h)
        return torch.tanh(self.toImage(h))


class DCGANDiscriminator(nn.Module):
    def __init__(self, channels, widths, bottom):
        super().__init__()
        self.fromImage = nn.Conv2d(channels, widths[0], 4, stride=2, padding=1)
        self.blocks = nn.ModuleList(DownsamplingBlock(i, o) for i, o in zip(widths[:-1], widths[1:]))
        self.toLogit = nn.Conv2d(widths[-1], 1, bottom)

    def forward(self, x):  # [N, C, S, S] in [-1, 1] -> logits [N]
        h = F.leaky_relu(self.fromImage(x), 0.2)
        for block in self.blocks:
            h = block(h)
        return self.toLogit(h).view(-1)


class DCGAN(nn.Module):
    """Latent's `gan`. forward(z) gives images in [0, 1]: (generator(z) + 1) / 2."""

    def __init__(self, size, channels, latent, widths, bottom):
        super().__init__()
        self.generator = DCGANGenerator(channels, latent, widths, bottom)
        self.discriminator = DCGANDiscriminator(channels, widths, bottom)

    def forward(self, z):
        return (self.generator(z) + 1) * 0.5


@architecture("gan")
def build_gan(spec):
    return DCGAN(*_generative_geometry(spec))


class LatentRandomSource:
    """Latent's RandomSource (xoshiro256** seeded by SplitMix64, Box-Muller normals in double),
    so that `latent generate --seed S` codes can be rebuilt here: codes(count, dim) equals
    GenerativeModel.sampleCodes(count:seed:) with temperature 1."""
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        s = seed & self.MASK
        words = []
        for _ in range(4):
            s = (s + 0x9E3779B97F4A7C15) & self.MASK
            z = s
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
            words.append(z ^ (z >> 31))
        self.s = words

    def next(self):
        s, M = self.s, self.MASK
        r = (((s[1] * 5) & M) << 7 | ((s[1] * 5) & M) >> 57) & M
        result = (r * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & M
        return result

    def normal(self):
        u1 = max((self.next() >> 11) * 2.0 ** -53, 2.0 ** -60)
        u2 = (self.next() >> 11) * 2.0 ** -53
        return float(np.float32(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)))

    def codes(self, count, dim):
        return torch.tensor([[self.normal() for _ in range(dim)] for _ in range(count)], dtype=torch.float32)


def total_stride(module):
    """The multiple that input heights and widths must have (1 if the model does not care)."""
    return getattr(module, "total_stride", 1)


# ---------------------------------------------------------------------------------------------
# compress-factorized (Sources/LatentModels/Compression/*.swift; entropy tables in
# Sources/LatentTasks/Compression/EntropyTables*.swift)

COMPRESS_DEFAULTS = {
    "channels": 3,
    "width": 128,
    "latentChannels": 192,
    "kernelSize": 5,
    "levels": 4,
    "activation": "gdn",
    "densityFilters": [3, 3, 3],
}


def compress_spec(**overrides):
    """A complete compress-factorized architecture object, every key spelled out."""
    return {"kind": "compress-factorized", **COMPRESS_DEFAULTS, **overrides}


class GDN(nn.Module):
    """y = x / sqrt(beta + conv1x1(x^2, gamma)), or x * sqrt(...) when inverse (IGDN). beta [C] and
    gamma [C, C] are the effective values (Latent keeps beta >= 1e-6, gamma >= 0 by projection)."""

    def __init__(self, channels, inverse=False):
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.ones(channels))
        self.gamma = nn.Parameter(0.1 * torch.eye(channels))

    def forward(self, x):
        c = self.beta.shape[0]
        norm = torch.sqrt(F.conv2d(x * x, self.gamma.reshape(c, c, 1, 1), self.beta))
        return x * norm if self.inverse else x / norm


class AnalysisTransform(nn.Module):
    def __init__(self, channels, width, latent, kernel, levels, gdn):
        super().__init__()
        inputs = [channels] + [width] * (levels - 1)
        outputs = [width] * (levels - 1) + [latent]
        self.convs = nn.ModuleList(nn.Conv2d(i, o, kernel, stride=2, padding=kernel // 2) for i, o in zip(inputs, outputs))
        self.gdns = nn.ModuleList(GDN(width) for _ in range(levels - 1)) if gdn else nn.ModuleList()

    def forward(self, x):
        for level, conv in enumerate(self.convs):
            x = conv(x)
            if level < len(self.convs) - 1:
                x = self.gdns[level](x) if len(self.gdns) else F.relu(x)
        return x


class SynthesisTransform(nn.Module):
    def __init__(self, channels, width, latent, kernel, levels, gdn):
        super().__init__()
        inputs = [latent] + [width] * (levels - 1)
        outputs = [width] * (levels - 1) + [channels]
        self.deconvs = nn.ModuleList(nn.ConvTranspose2d(i, o, kernel, stride=2, padding=kernel // 2, output_padding=1)
                                     for i, o in zip(inputs, outputs))
        self.gdns = nn.ModuleList(GDN(width, inverse=True) for _ in range(levels - 1)) if gdn else nn.ModuleList()

    def forward(self, y):
        for level, deconv in enumerate(self.deconvs):
            y = deconv(y)
            if level < len(self.deconvs) - 1:
                y = self.gdns[level](y) if len(self.gdns) else F.relu(y)
        return y


class FactorizedDensityLayer(nn.Module):
    def __init__(self, channels, inputs, outputs, gated):
        super().__init__()
        self.matrix = nn.Parameter(torch.zeros(channels, outputs, inputs))
        self.bias = nn.Parameter(torch.zeros(channels, outputs, 1))
        self.factor = nn.Parameter(torch.zeros(channels, outputs, 1)) if gated else None


class FactorizedDensity(nn.Module):
    """CompressAI's EntropyBottleneck density: per-channel monotone network for the CDF's logit."""

    def __init__(self, channels, filters):
        super().__init__()
        widths = [1] + list(filters) + [1]
        self.layers = nn.ModuleList(FactorizedDensityLayer(channels, widths[k], widths[k + 1], k < len(filters))
                                    for k in range(len(widths) - 1))

    def cumulative_logits(self, x):  # [N, C, H, W] -> same
        n, c, h, w = x.shape
        v = x.permute(1, 0, 2, 3).reshape(c, 1, -1)
        for layer in self.layers:
            v = torch.matmul(F.softplus(layer.matrix), v) + layer.bias
            if layer.factor is not None:
                v = v + torch.tanh(layer.factor) * torch.tanh(v)
        return v.reshape(c, n, h, w).permute(1, 0, 2, 3)

    def likelihood(self, y):
        lower, upper = self.cumulative_logits(y - 0.5), self.cumulative_logits(y + 0.5)
        sign = 1.0 - 2.0 * (lower + upper > 0).float()
        return torch.clamp(torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower)), min=1e-9)


class EntropyTables(nn.Module):
    """The frozen integer tables (what Latent's range coder uses). Their length depends on the
    trained density, so loading resizes the buffers to what the file holds."""

    def __init__(self, channels):
        super().__init__()
        self.register_buffer("median", torch.zeros(channels))
        self.register_buffer("offset", torch.zeros(channels, dtype=torch.int32))
        self.register_buffer("cdf_length", torch.zeros(channels, dtype=torch.int32))
        self.register_buffer("cdf", torch.zeros(0, dtype=torch.int32))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        if prefix + "cdf" in state_dict:
            self.cdf = torch.zeros_like(state_dict[prefix + "cdf"])
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def table(self, c):
        """Channel c's cumulative frequencies (0 ... 2^16; the last interval is the escape)."""
        start = int(self.cdf_length[:c].sum())
        return self.cdf[start:start + int(self.cdf_length[c])]


class FactorizedPriorCodec(nn.Module):
    """forward(x) is what `latent encode` + `latent decode` compute, without the bytes: x [N, 3, H, W]
    in [0, 1], H and W multiples of 2^levels -> (x_hat, likelihoods of y_hat). The latent is
    quantized around the frozen medians: y_hat = round(y - median) + median, rounding half away
    from zero as Swift's `rounded()`."""

    def __init__(self, channels, width, latent, kernel, levels, activation, filters):
        super().__init__()
        gdn = activation == "gdn"
        self.analysis = AnalysisTransform(channels, width, latent, kernel, levels, gdn)
        self.synthesis = SynthesisTransform(channels, width, latent, kernel, levels, gdn)
        self.density = FactorizedDensity(latent, filters)
        self.entropy_tables = EntropyTables(latent)
        self.total_stride = 2 ** levels

    def quantize(self, y):
        m = self.entropy_tables.median.reshape(1, -1, 1, 1)
        d = y - m
        return torch.sign(d) * torch.floor(torch.abs(d) + 0.5) + m

    def forward(self, x):
        y_hat = self.quantize(self.analysis(x))
        return self.synthesis(y_hat), self.density.likelihood(y_hat)


@architecture("compress-factorized")
def build_compress_factorized(spec):
    unknown = set(spec) - {"kind", *COMPRESS_DEFAULTS}
    if unknown:
        raise ValueError(f"compress-factorized: unknown keys {sorted(unknown)}")
    spec = {**COMPRESS_DEFAULTS, **spec}
    if spec["channels"] != 3:
        raise ValueError("compress-factorized: channels must be 3")
    if spec["activation"] not in ("gdn", "relu"):
        raise ValueError(f"compress-factorized: activation must be gdn or relu, got {spec['activation']!r}")
    kernel, levels = spec["kernelSize"], spec["levels"]
    if not (_is_int(kernel) and kernel >= 3 and kernel % 2 == 1):
        raise ValueError(f"compress-factorized: kernelSize must be odd and at least 3, got {kernel!r}")
    if not (_is_int(levels) and 1 <= levels <= 6):
        raise ValueError(f"compress-factorized: levels must be 1-6, got {levels!r}")
    filters = spec["densityFilters"]
    if not (isinstance(filters, list) and all(_is_int(f) and f > 0 for f in filters)):
        raise ValueError(f"compress-factorized: densityFilters must be positive integers, got {filters!r}")
    return FactorizedPriorCodec(3, spec["width"], spec["latentChannels"], kernel, levels, spec["activation"], filters)

