#!/usr/bin/python3
"""Compare Latent models with PyTorch and ONNX Runtime: same outputs, and how fast.

For each model file (default: Pretrained/*.safetensors) this script

1. rebuilds the model in PyTorch with latent_models.py and loads the weights strictly;
2. exports it to ONNX (dynamic batch, and height and width for image inputs) and opens it in
   ONNX Runtime;
3. runs the same input through all three engines and checks that the outputs agree within
   --tolerance (default 1e-3, max absolute difference). What "the same input" is depends on the
   kind:
   - denoisers (IMAGE_TO_IMAGE_KINDS): the whole task. Latent's command-line tool denoises a
     photo (`latent_denoise_command`, the one place that knows how Latent is invoked), and its
     task is timed in-process (`LatentBenchmarks infer`: model loaded and image decoded
     beforehand, like the others); the whole command (start-up, PNG decode and encode) is
     reported as `latent_cli_ms_per_mp`;
   - every other kind (network_parts.py): the network alone on identical float tensors made
     from the photo (its luma planes for an upscaler's detail network, its L* for the colorizer,
     64 fixed codes for decoders and generators, 64 tiles of it for encoders and
     discriminators), because the steps around those networks (bicubic chroma, Lab conversion,
     resizing, code sampling) are Latent's own and not what PyTorch would do. Latent's side is
     `LatentBenchmarks forward`, timed in-process. A model with several networks reports each
     in `parts`; the top-level numbers are those of the first (the one the task runs:
     decoder, generator);
4. times inference (median of --runs runs after --warmup runs) in ms per megapixel of image
   (the image a network produces, or reads where it produces none), plus images/s where a call
   handles a batch of images;
5. times one training step at EQUAL batch and size in both (default: those of the model's
   training record): PyTorch with the same architecture, loss and optimizer (torch_training.py)
   against Latent's own training step (`LatentBenchmarks train-step`), in samples/s.

All engines are limited to --threads threads (default 2). Run with Debian's interpreter, which
has PyTorch 1.13 (pyenv's python3 on PATH does not):

    /usr/bin/python3 Benchmarks/peers/compare.py --json
    /usr/bin/python3 Benchmarks/peers/compare.py --random 3 --size 1024 --json   # no trained model needed

Requires: /usr/bin/python3 -m pip install --break-system-packages onnxruntime onnx "numpy==1.24.2"
(pinning numpy: otherwise pip upgrades it to 2.x, which Debian's torch 1.13 was not built for).

Exit status: 0 if every measurable difference is within tolerance, 1 otherwise, 2 for usage errors.
"""

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import latent_models  # noqa: E402  (needs the path above)
import network_parts  # noqa: E402
import torch_training  # noqa: E402

DEFAULT_LATENT_BINARY = os.path.join(REPOSITORY, ".build", "release", "latent")
DEFAULT_BENCHMARKS_BINARY = os.path.join(REPOSITORY, ".build", "release", "LatentBenchmarks")
# Kinds compared through the whole task, which `latent_denoise_command` applies (image in,
# same-size image out). Other kinds are compared network by network (network_parts.PARTS).
IMAGE_TO_IMAGE_KINDS = {"denoise-unet"}
DEFAULT_IMAGES = {1: os.path.join(REPOSITORY, "Assets", "camera.png"),
                  3: os.path.join(REPOSITORY, "Assets", "astronaut.png")}


# ---------------------------------------------------------------------------------------------
# input image


def prepare_image(path, channels, stride, size=None):
    """Loads `path` as gray or RGB and returns uint8 [H, W, C] whose sides are multiples of `stride`.

    Without `size` the image is centre-cropped down to the stride. With `size` (height, width)
    it is centre-cropped where larger and mirror-padded where smaller, so any photo can feed a
    benchmark of a fixed size; mirroring keeps the padding photo-like (no flat borders that
    would be unrealistically easy).
    """
    image = Image.open(path).convert("L" if channels == 1 else "RGB")
    pixels = np.asarray(image, dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    height, width = pixels.shape[:2]
    target_h, target_w = size if size else (height // stride * stride, width // stride * stride)
    if target_h % stride or target_w % stride or target_h <= 0 or target_w <= 0:
        raise ValueError(f"size {target_h}x{target_w} must be positive multiples of the model's stride {stride}")
    pad_h, pad_w = max(0, target_h - height), max(0, target_w - width)
    if pad_h or pad_w:
        pixels = np.pad(pixels, ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)),
                        mode="symmetric")
        height, width = pixels.shape[:2]
    top, left = (height - target_h) // 2, (width - target_w) // 2
    return np.ascontiguousarray(pixels[top:top + target_h, left:left + target_w])


def to_tensor(pixels):
    """uint8 [H, W, C] -> float32 [1, C, H, W] in [0, 1], exactly as an 8-bit PNG decodes."""
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0).contiguous()


def save_png(pixels, path):
    Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels).save(path)


# ---------------------------------------------------------------------------------------------
# PNG reading (PIL reduces 16-bit RGB to 8 bits, which would hide differences below 1/255)


def read_png(path):
    """Decodes a non-interlaced 8- or 16-bit gray/RGB(A) PNG to float32 [C, H, W] in [0, 1]
    (alpha dropped). Small and slow (pure Python unfiltering), but exact at 16 bits."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    position, compressed, header = 8, [], None
    while position < len(blob):
        length = int.from_bytes(blob[position:position + 4], "big")
        kind = blob[position + 4:position + 8]
        body = blob[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed.append(body)
        elif kind == b"IEND":
            break
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    bit_depth, color_type, interlace = header[8], header[9], header[12]
    samples = {0: 1, 2: 3, 4: 2, 6: 4}.get(color_type)
    if samples is None or bit_depth not in (8, 16) or interlace:
        raise ValueError(f"{path}: unsupported PNG (color type {color_type}, depth {bit_depth}, interlace {interlace})")
    pixel_bytes = samples * bit_depth // 8
    stride = width * pixel_bytes
    raw = zlib.decompress(b"".join(compressed))
    rows = np.empty((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], np.frombuffer(raw, np.uint8, stride, start + 1), previous, pixel_bytes)
        rows[y] = row
        previous = row
    dtype = np.dtype(">u2") if bit_depth == 16 else np.dtype(np.uint8)
    values = rows.view(dtype).reshape(height, width, samples).astype(np.float32) / float(2 ** bit_depth - 1)
    color = 1 if samples <= 2 else 3  # drop alpha
    return np.ascontiguousarray(values[:, :, :color].transpose(2, 0, 1))


def _unfilter(kind, row, previous, pixel_bytes):
    if kind == 0:  # None
        return row.copy()
    if kind == 2:  # Up
        return (row.astype(np.uint16) + previous).astype(np.uint8)
    if kind == 1:  # Sub: a running sum per byte lane, mod 256
        lanes = row.reshape(-1, pixel_bytes).astype(np.int64)
        return (np.cumsum(lanes, axis=0) % 256).astype(np.uint8).reshape(-1)
    # Average and Paeth depend on the byte just decoded, so they go byte by byte.
    out = bytearray(len(row))
    up = previous.tolist()
    data = row.tolist()
    for i, value in enumerate(data):
        left = out[i - pixel_bytes] if i >= pixel_bytes else 0
        if kind == 3:
            predictor = (left + up[i]) >> 1
        elif kind == 4:
            upper_left = up[i - pixel_bytes] if i >= pixel_bytes else 0
            estimate = left + up[i] - upper_left
            pa, pb, pc = abs(estimate - left), abs(estimate - up[i]), abs(estimate - upper_left)
            predictor = left if pa <= pb and pa <= pc else (up[i] if pb <= pc else upper_left)
        else:
            raise ValueError(f"unknown PNG filter {kind}")
        out[i] = (value + predictor) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8)


# ---------------------------------------------------------------------------------------------
# Latent


def latent_denoise_command(binary, model_path, input_png, output_dir):
    """The command that makes Latent denoise one image with a given model file.

    This is the only place that knows Latent's command line; adapt it when the CLI changes.
    Contract the rest of the script relies on: the command writes exactly one image into the
    (fresh, empty) `output_dir`, either a 16-bit PNG (values clamped to [0, 1], quantised to
    1/65535) or raw little-endian float32 `.f32`/`.bin` in [C, H, W] order (unclamped), and
    does not pad or tile the input (it is already a multiple of the model's stride).
    """
    return [binary, "denoise", input_png, "-o", output_dir, "--model", model_path, "--depth", "16"]


def read_latent_output(output_dir, shape):
    """Reads the single image the command above wrote; returns (float32 [C, H, W], clamped)."""
    produced = sorted(os.listdir(output_dir))
    if len(produced) != 1:
        raise RuntimeError(f"expected one output file in {output_dir}, found {produced}")
    path = os.path.join(output_dir, produced[0])
    if path.endswith((".f32", ".bin")):
        values = np.fromfile(path, dtype="<f4")
        if values.size != int(np.prod(shape)):
            raise RuntimeError(f"{path}: {values.size} floats, expected {shape}")
        return values.reshape(shape), False
    return read_png(path), True


def run_latent(binary, model_path, pixels, workdir, warmup, runs):
    """Runs Latent end to end; returns (output [C, H, W], clamped, seconds per run).

    The timing includes process start, model loading and PNG decoding/encoding, so it is an
    upper bound on Latent's inference time, unlike the in-process PyTorch and ORT timings.
    """
    input_png = os.path.join(workdir, "input.png")
    save_png(pixels, input_png)
    seconds, output, clamped = [], None, False
    for run in range(warmup + runs):
        output_dir = tempfile.mkdtemp(prefix="latent-out-", dir=workdir)
        command = latent_denoise_command(binary, model_path, input_png, output_dir)
        start = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if finished.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {finished.returncode}: {finished.stderr.strip()[-500:]}")
        if run >= warmup:
            seconds.append(elapsed)
        if output is None:  # every run computes the same image; decode one
            output, clamped = read_latent_output(output_dir, (pixels.shape[2],) + pixels.shape[:2])
    return output, clamped, seconds


# ---------------------------------------------------------------------------------------------
# PyTorch and ONNX Runtime


def median_seconds(function, warmup, runs):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_wall_and_cpu_seconds(function, warmup, runs):
    """Medians of wall time and of this process's CPU time (all threads; an ORT thread pool that
    spin-waits counts its spinning)."""
    for _ in range(warmup):
        function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def export_onnx(module, channels, stride, path, opset):
    """Exports with dynamic batch/height/width. The example input is deliberately small and
    unlike the benchmark size, so running the benchmark also tests the dynamic axes."""
    example = torch.rand(1, channels, 2 * stride, 3 * stride)
    axes = {0: "batch", 2: "height", 3: "width"}
    with torch.no_grad():
        torch.onnx.export(module, example, path, opset_version=opset, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": axes, "output": axes},
                          do_constant_folding=True)


def ort_session(path, threads):
    import onnxruntime
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


# ---------------------------------------------------------------------------------------------
# Latent's benchmark executable


def latent_benchmarks_command(binary, tool, *arguments):
    """The one place that knows LatentBenchmarks' command line (see Benchmarks/Sources/main.swift)."""
    return [binary, tool, *map(str, arguments), "--json"]


def run_latent_benchmarks(binary, tool, *arguments):
    """Runs a LatentBenchmarks tool and returns the JSON object it prints last."""
    command = latent_benchmarks_command(binary, tool, *arguments)
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {finished.returncode}: {finished.stderr.strip()[-500:]}")
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(command)} printed no JSON: {finished.stdout.strip()[-300:]}")
    return json.loads(lines[-1])


def machine_description():
    """CPU model and core count, for the record next to the numbers."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = " ".join(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


# ---------------------------------------------------------------------------------------------
# one model


def latent_tile_margin(binary, model_path):
    """The mirrored context Latent adds around tiles of this model (`latent models --json`), or 0."""
    if not os.path.exists(binary):
        return 0
    environment = dict(os.environ, LATENT_MODELS=os.path.dirname(os.path.abspath(model_path)))
    listing = subprocess.run([binary, "models", "--json"], capture_output=True, text=True, env=environment, check=True)
    for line in listing.stdout.splitlines():
        entry = json.loads(line)
        if os.path.abspath(entry.get("path", "")) == os.path.abspath(model_path):
            return entry.get("tile_margin") or 0
    return 0


def compare_model(model_path, args, workdir):
    loaded = latent_models.load_model(model_path)
    channels = loaded.architecture.get("channels", 3)
    stride = latent_models.total_stride(loaded.module)
    image_path = args.image or DEFAULT_IMAGES[channels]
    pixels = prepare_image(image_path, channels, stride, args.size)
    height, width = pixels.shape[:2]
    inside = os.path.abspath(model_path).startswith(REPOSITORY + os.sep)
    result = {"model": os.path.relpath(model_path, REPOSITORY) if inside else model_path, "kind": loaded.kind, "image": os.path.relpath(image_path, REPOSITORY),
              "height": height, "width": width, "threads": args.threads, "compared": None,
              "latent_ms_per_mp": None, "torch_ms_per_mp": None, "ort_ms_per_mp": None, "latent_cli_ms_per_mp": None,
              "max_abs_diff": None, "latent_train_samples_per_s": None, "torch_train_samples_per_s": None,
              "train_batch": None, "train_patch": None, "train_loss": None,
              "date": time.strftime("%Y-%m-%d"), "machine": machine_description(),
              "load_average_1min": round(os.getloadavg()[0], 2), "notes": []}
    if loaded.kind in IMAGE_TO_IMAGE_KINDS:
        compare_whole_task(loaded, model_path, pixels, args, workdir, result)
    elif loaded.kind in network_parts.PARTS:
        compare_networks(loaded, model_path, pixels, args, workdir, result)
    else:
        result["notes"].append(f"{loaded.kind}: no comparison for this kind yet (add it to network_parts.py)")

    for engine in ("torch", "ort"):
        if result["latent_ms_per_mp"] and result[f"{engine}_ms_per_mp"]:
            result[f"latent_over_{engine}"] = result["latent_ms_per_mp"] / result[f"{engine}_ms_per_mp"]
    if args.train_steps > 0:
        compare_training_step(loaded, model_path, pixels, args, result)
    result["notes"] = list(dict.fromkeys(result["notes"]))  # each part may say the same
    return result


def compare_whole_task(loaded, model_path, pixels, args, workdir, result):
    """Denoisers: `latent denoise` on the photo against the PyTorch and ONNX Runtime model on it."""
    module, channels, stride = loaded.module, pixels.shape[2], latent_models.total_stride(loaded.module)
    height, width = pixels.shape[:2]
    megapixels = height * width / 1e6
    x = to_tensor(pixels)
    result["compared"] = f"the whole task on the photo ({height}x{width})"
    # Latent reads every tile with mirrored context of the model's receptive field (its
    # `tile_margin`); the references get the same context, so that border pixels see the same
    # inputs, and are timed on it, since Latent does that work too.
    margin = latent_tile_margin(args.latent, model_path)
    if margin:
        result["notes"].append(f"references padded with {margin} mirrored pixels per side, as Latent does")
        x = torch.nn.functional.pad(x, (margin, margin, margin, margin), mode="reflect") if margin < min(height, width) \
            else torch.from_numpy(np.pad(x.numpy(), ((0, 0), (0, 0), (margin, margin), (margin, margin)), mode="reflect").copy())
    crop = (slice(None), slice(margin, margin + height), slice(margin, margin + width))

    with torch.inference_mode():
        reference = module(x)[0].numpy()[crop]
        wall, cpu = median_wall_and_cpu_seconds(lambda: module(x), args.warmup, args.runs)
        result["torch_ms_per_mp"], result["torch_cpu_ms_per_mp"] = 1000 * wall / megapixels, 1000 * cpu / megapixels

    differences = {}
    try:
        onnx_path = os.path.join(workdir, "model.onnx")
        export_onnx(module, channels, stride, onnx_path, args.opset)
        session = ort_session(onnx_path, args.threads)
        feed = {"input": x.numpy()}
        ort_output = session.run(None, feed)[0][0][crop]
        differences["torch-ort"] = float(np.abs(ort_output - reference).max())
        wall, cpu = median_wall_and_cpu_seconds(lambda: session.run(None, feed), args.warmup, args.runs)
        result["ort_ms_per_mp"], result["ort_cpu_ms_per_mp"] = 1000 * wall / megapixels, 1000 * cpu / megapixels
    except ImportError as error:
        result["notes"].append(f"ONNX Runtime unavailable: {error}")
        ort_output = None

    if os.path.exists(args.latent):
        try:
            latent_output, clamped, seconds = run_latent(args.latent, model_path, pixels, workdir, args.latent_warmup, args.runs)
            # A PNG can only hold [0, 1]; compare against references clamped the same way.
            limit = (lambda a: np.clip(a, 0, 1)) if clamped else (lambda a: a)
            differences["torch-latent"] = float(np.abs(latent_output - limit(reference)).max())
            if ort_output is not None:
                differences["ort-latent"] = float(np.abs(latent_output - limit(ort_output)).max())
            result["latent_cli_ms_per_mp"] = 1000 * statistics.median(seconds) / megapixels
        except (OSError, RuntimeError, ValueError) as error:
            result["notes"].append(f"Latent run failed: {error}")
    else:
        result["notes"].append(f"no Latent binary at {args.latent}")

    if os.path.exists(args.benchmarks):
        try:
            input_png = os.path.join(workdir, "input.png")
            if not os.path.exists(input_png):
                save_png(pixels, input_png)
            measured = run_latent_benchmarks(args.benchmarks, "infer", model_path, input_png,
                                             "--threads", args.threads, "--runs", args.runs)
            result["latent_ms_per_mp"] = measured["latent_ms_per_mp"]
            result["latent_cpu_ms_per_mp"] = measured.get("latent_cpu_ms_per_mp")
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            result["notes"].append(f"LatentBenchmarks infer failed: {error}")
    else:
        result["notes"].append(f"no LatentBenchmarks binary at {args.benchmarks}")

    if differences:
        result["max_abs_diff"] = max(differences.values())
        result["diffs"] = differences


def export_part_onnx(part, path, opset):
    """Exports one network part; its dynamic axes vary in the example, which is deliberately
    unlike the benchmark input, so running the benchmark also tests them."""
    axes = {axis: f"axis{axis}" for axis in part.dynamic_axes}
    with torch.no_grad():
        torch.onnx.export(part.module, part.example, path, opset_version=opset, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": axes, "output": axes},
                          do_constant_folding=True)


def record_speed(record, engine, milliseconds, cpu_milliseconds):
    record[f"{engine}_ms"] = milliseconds
    record[f"{engine}_ms_per_mp"] = milliseconds / record["megapixels"]
    if cpu_milliseconds is not None:
        record[f"{engine}_cpu_ms_per_mp"] = cpu_milliseconds / record["megapixels"]
    if record["images"]:
        record[f"{engine}_images_per_s"] = record["images"] * 1000 / milliseconds


def compare_part(part, model_path, args, workdir, notes):
    """One network of the model on identical input in PyTorch, ONNX Runtime and Latent."""
    record = {"part": part.name, "description": part.description, "input_shape": list(part.input.shape),
              "megapixels": part.megapixels, "images": part.images}
    with torch.inference_mode():
        reference = part.module(part.input).numpy()
        wall, cpu = median_wall_and_cpu_seconds(lambda: part.module(part.input), args.warmup, args.runs)
    record["output_shape"] = list(reference.shape)
    record_speed(record, "torch", 1000 * wall, 1000 * cpu)

    differences, ort_output = {}, None
    try:
        onnx_path = os.path.join(workdir, f"{part.name}.onnx")
        export_part_onnx(part, onnx_path, args.opset)
        session = ort_session(onnx_path, args.threads)
        feed = {"input": part.input.numpy()}
        ort_output = session.run(None, feed)[0]
        differences["torch-ort"] = float(np.abs(ort_output - reference).max())
        wall, cpu = median_wall_and_cpu_seconds(lambda: session.run(None, feed), args.warmup, args.runs)
        record_speed(record, "ort", 1000 * wall, 1000 * cpu)
    except ImportError as error:
        notes.append(f"ONNX Runtime unavailable: {error}")

    if os.path.exists(args.benchmarks):
        try:
            input_path = os.path.join(workdir, f"{part.name}-input.safetensors")
            output_path = os.path.join(workdir, f"{part.name}-output.safetensors")
            latent_models.write_safetensors(input_path, {"input": part.input.contiguous()}, {})
            measured = run_latent_benchmarks(args.benchmarks, "forward", model_path, input_path, "-o", output_path,
                                             "--part", part.name, "--threads", args.threads, "--runs", args.runs)
            latent_output = latent_models.read_safetensors(output_path)[0]["output"]
            if latent_output.shape != reference.shape:
                raise RuntimeError(f"Latent's {part.name} gave {list(latent_output.shape)}, PyTorch's {list(reference.shape)}")
            differences["torch-latent"] = float(np.abs(latent_output - reference).max())
            if ort_output is not None:
                differences["ort-latent"] = float(np.abs(latent_output - ort_output).max())
            record_speed(record, "latent", measured["latent_ms"], measured.get("latent_cpu_ms"))
        except (OSError, RuntimeError, ValueError, KeyError) as error:
            notes.append(f"LatentBenchmarks forward --part {part.name} failed: {error}")
    else:
        notes.append(f"no LatentBenchmarks binary at {args.benchmarks}")

    record["diffs"] = differences
    record["max_abs_diff"] = max(differences.values()) if differences else None
    for engine in ("torch", "ort"):
        if record.get("latent_ms") and record.get(f"{engine}_ms"):
            record[f"latent_over_{engine}"] = record["latent_ms"] / record[f"{engine}_ms"]
    return record


def compare_networks(loaded, model_path, pixels, args, workdir, result):
    """Every network part of the model (network_parts.py); the first one's numbers go to the top level."""
    try:
        parts = network_parts.network_parts(loaded, pixels)
    except ValueError as error:
        result["notes"].append(str(error))
        return
    records = [compare_part(part, model_path, args, workdir, result["notes"]) for part in parts]
    result["parts"] = records
    first = records[0]
    result["compared"] = first["description"]
    for key in ("latent_ms_per_mp", "torch_ms_per_mp", "ort_ms_per_mp", "latent_cpu_ms_per_mp", "torch_cpu_ms_per_mp",
                "ort_cpu_ms_per_mp", "latent_images_per_s", "torch_images_per_s", "ort_images_per_s"):
        if key in first:
            result[key] = first[key]
    differences = {f"{record['part']}:{pair}": value for record in records for pair, value in record["diffs"].items()}
    if differences:
        result["diffs"] = differences
        result["max_abs_diff"] = max(differences.values())


def compare_training_step(loaded, model_path, pixels, args, result):
    """One training step in PyTorch (torch_training.py) and in Latent (`LatentBenchmarks
    train-step`), at equal batch and size, in samples/s."""
    try:
        step = torch_training.build_training_step(loaded, pixels, args.train_batch, args.train_patch)
    except ValueError as error:
        result["notes"].append(f"no training comparison: {error}")
        return
    result.update(train_batch=step.batch, train_patch=step.size, train_loss=step.loss)
    result["torch_train_samples_per_s"] = step.batch / median_seconds(step.run, args.warmup, args.train_steps)
    if not os.path.exists(args.benchmarks):
        return
    try:
        measured = run_latent_benchmarks(args.benchmarks, "train-step", model_path, "--batch", step.batch,
                                         "--patch", step.size, "--threads", args.threads, "--runs", args.train_steps)
        if (measured.get("train_batch"), measured.get("train_patch")) != (step.batch, step.size):
            raise RuntimeError(f"Latent trained at batch {measured.get('train_batch')} x {measured.get('train_patch')}, "
                               f"PyTorch at {step.batch} x {step.size}")
        result["latent_train_samples_per_s"] = measured["train_samples_per_s"]
        result["latent_train_over_torch"] = measured["train_samples_per_s"] / result["torch_train_samples_per_s"]
    except (OSError, RuntimeError, ValueError, KeyError) as error:
        result["notes"].append(f"LatentBenchmarks train-step failed: {error}")


def parse_size(text):
    parts = text.lower().split("x")
    if len(parts) == 1:
        parts = parts * 2
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be N or HxW, got {text!r}") from None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="model files (default: Pretrained/*.safetensors)")
    parser.add_argument("--random", type=int, choices=(1, 3), metavar="CHANNELS",
                        help="also benchmark a randomly initialised denoise-unet (default widths) with 1 or 3 channels")
    parser.add_argument("--image", help="input photo (default: Assets/astronaut.png, or camera.png for gray models)")
    parser.add_argument("--size", type=parse_size, help="crop/mirror-pad the photo to N or HxW (default: crop to the stride)")
    parser.add_argument("--latent", default=DEFAULT_LATENT_BINARY, help="Latent binary (default: %(default)s)")
    parser.add_argument("--benchmarks", default=DEFAULT_BENCHMARKS_BINARY,
                        help="LatentBenchmarks binary, for Latent's in-process inference and training step (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per engine; the median is reported")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs before timing (PyTorch, ORT)")
    parser.add_argument("--latent-warmup", type=int, default=1, help="untimed Latent runs (fills the file cache)")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset (>= 13; torch 1.13 supports up to 17)")
    parser.add_argument("--tolerance", type=float, default=1e-3, help="allowed max absolute difference")
    parser.add_argument("--train-steps", type=int, default=5, help="timed training steps (0 skips training)")
    parser.add_argument("--train-batch", type=int, help="training batch for both engines (default: the model's, else 16)")
    parser.add_argument("--train-patch", type=int, help="training patch side for both engines (default: the model's, else 96)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per model")
    args = parser.parse_args(argv)
    if args.opset < 13:
        parser.error("--opset must be at least 13")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    torch.set_num_threads(args.threads)
    if torch.get_num_interop_threads() != 1:
        try:
            # Only settable before the first parallel operation; a second call in the same
            # process (compare.main run twice, as the tests do) can abort, hence the check.
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass

    models = list(args.models) or sorted(path for path in glob.glob(os.path.join(REPOSITORY, "Pretrained", "*.safetensors"))
                                         if not path.endswith(".checkpoint.safetensors"))
    failed = False
    with tempfile.TemporaryDirectory(prefix="latent-peers-") as workdir:
        if args.random:
            random_path = os.path.join(workdir, f"random-denoise-unet-c{args.random}.safetensors")
            latent_models.write_random_model(random_path, latent_models.denoise_unet_spec(args.random), seed=0)
            models.append(random_path)
        if not models:
            parser.error("no models: pass paths, add Pretrained/*.safetensors, or use --random 3")
        for model_path in models:
            model_dir = tempfile.mkdtemp(dir=workdir)
            try:
                result = compare_model(model_path, args, model_dir)
            except (OSError, latent_models.LatentFormatError) as error:
                # One unreadable file must not stop the others; it fails the run, named.
                print(json.dumps({"model": model_path, "error": str(error)}) if args.json else f"{model_path}: {error}",
                      flush=True)
                failed = True
                continue
            if result["max_abs_diff"] is not None and result["max_abs_diff"] > args.tolerance:
                result["notes"].append(f"max_abs_diff {result['max_abs_diff']:.3g} exceeds {args.tolerance:g}")
                failed = True
            if model_path.startswith(workdir):
                result["model"] = "random:" + os.path.basename(model_path)
            print(json.dumps(result) if args.json else describe(result), flush=True)
    return 1 if failed else 0


def describe(result):
    def number(value, unit):
        return "n/a" if value is None else f"{value:.1f} {unit}"

    def ratio(record, key, what):
        return f"  ({record[key]:.2f}x {what})" if record.get(key) else ""

    def speeds(record, indent):
        per_images = lambda engine: (f", {record[engine + '_images_per_s']:.0f} images/s"
                                     if record.get(engine + "_images_per_s") else "")
        return [f"{indent}PyTorch       {number(record.get('torch_ms_per_mp'), 'ms/MP')}{per_images('torch')}",
                f"{indent}ONNX Runtime  {number(record.get('ort_ms_per_mp'), 'ms/MP')}{per_images('ort')}",
                f"{indent}Latent        {number(record.get('latent_ms_per_mp'), 'ms/MP')}{per_images('latent')}"
                + ratio(record, "latent_over_torch", "PyTorch's time") + ratio(record, "latent_over_ort", "ORT's time"),
                f"{indent}CPU time      Latent {number(record.get('latent_cpu_ms_per_mp'), 'ms/MP')}, PyTorch "
                f"{number(record.get('torch_cpu_ms_per_mp'), 'ms/MP')}, ORT {number(record.get('ort_cpu_ms_per_mp'), 'ms/MP')}"]

    lines = [f"{result['model']} ({result['kind']}, {result['image']} {result['height']}x{result['width']}, "
             f"{result['threads']} threads, load {result['load_average_1min']})"]
    if result.get("parts"):
        for record in result["parts"]:
            lines.append(f"  {record['part']}: {record['description']}")
            lines += speeds(record, "    ")
            diff = record.get("max_abs_diff")
            lines.append(f"    max |diff|    {'n/a' if diff is None else format(diff, '.3g')}  {record['diffs']}")
    else:
        lines += speeds(result, "  ")
        lines.append(f"  Latent (CLI)  {number(result['latent_cli_ms_per_mp'], 'ms/MP')} (whole process: start-up, PNG decode/encode)")
        lines.append(f"  max |diff|    {'n/a' if result['max_abs_diff'] is None else format(result['max_abs_diff'], '.3g')}"
                     + (f"  {result.get('diffs')}" if result.get("diffs") else ""))
    if result.get("train_batch"):
        lines += [f"  training      batch {result['train_batch']} x {result['train_patch']}^2, {result['train_loss']} loss, Adam:",
                  f"    PyTorch     {number(result['torch_train_samples_per_s'], 'samples/s')}",
                  f"    Latent      {number(result['latent_train_samples_per_s'], 'samples/s')}"
                  + ratio(result, "latent_train_over_torch", "PyTorch's rate")]
    lines += [f"  note: {note}" for note in result["notes"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
