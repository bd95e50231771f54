#!/usr/bin/env python3
"""Writes a model card (Pretrained/<name>.md and machine-readable <name>.json) from facts only:

- the model file's own metadata: architecture JSON and the training record that `latent train`
  stored (exact command, data, seed, steps, wall time, options);
- the JSON lines printed by `latent eval … --json` (one file per evaluation);
- optionally, the JSON lines of a baseline run (e.g. Benchmarks/peers/bm3d_side_by_side.py) and
  of the speed benchmark.

Nothing is typed by hand, so a card cannot drift from what was measured.

    python3 Pretrained/tools/make_card.py Pretrained/denoise-gray.safetensors \
        --eval eval-set12.jsonl --baseline bm3d.jsonl --speed speed.json --title "..." --notes "..."
"""
import argparse
import json
import os
import struct


def read_metadata(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    parameters = 0
    for entry in tensors.values():
        if entry["dtype"] == "F32":
            count = 1
            for d in entry["shape"]:
                count *= d
            parameters += count
    return header.get("__metadata__", {}), tensors, parameters


# Training options that only shape a new network: a run `--from` a model keeps that model's
# architecture and weights, so their recorded (default) values say nothing about it.
ARCHITECTURE_OPTIONS = {"widths", "encoderConvs", "decoderConvs", "negativeSlope", "residual", "initialization",
                        "width", "latentChannels", "activation", "features", "code", "mapping"}


def this_machine():
    """'a 2-core AMD EPYC (AVX-512)': cores, CPU model and vector width from /proc/cpuinfo. The
    card is written on the machine that trained the model, and the wall time means little without it."""
    try:
        with open("/proc/cpuinfo") as f:
            lines = f.read().splitlines()
    except OSError:
        return "an unrecorded machine"
    model = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), "CPU")
    cores = sum(1 for l in lines if l.startswith("processor"))
    flags = next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), [])
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    return f"a {cores}-core {model} ({isa})"


def json_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--title", required=True)
    parser.add_argument("--eval", action="append", default=[],
                        help="JSON lines from latent eval --json; LABEL=PATH labels its rows (e.g. step=2500=eval.json)")
    parser.add_argument("--figure", action="append", default=[], help="CAPTION=PATH of an image to show (path relative to the card)")
    parser.add_argument("--baseline", action="append", default=[], help="JSON lines of a baseline on the same inputs")
    parser.add_argument("--speed", help="JSON object with speed measurements")
    parser.add_argument("--flops-per-pixel", type=float)
    parser.add_argument("--notes", default="", help="Markdown paragraph: what the model is for, choices made")
    parser.add_argument("--machine", default=this_machine(),
                        help="the training machine, for the wall time (default: this one, from /proc/cpuinfo)")
    args = parser.parse_args()

    metadata, tensors, parameters = read_metadata(args.model)
    architecture = json.loads(metadata.get("latent.architecture", "{}"))
    training = json.loads(metadata.get("latent.training", "{}"))
    options = json.loads(training.get("options", "{}")) if training.get("options") else {}
    labelled = []  # (label, row) for every evaluation row
    for spec in args.eval:
        label, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        labelled += [(label, row) for row in json_lines(path)]
    # Denoising (sigma), upscaling (scale), colorization (gray baseline) and codec (bpp) rows get
    # their own tables; any other rows a generic one.
    def known(row):
        return "mean_psnr" in row and ("sigma" in row or "scale" in row or "mean_gray_psnr" in row or "mean_bpp" in row)
    # Their per-image rows (an "image" key) are left out: the summaries carry the result.
    def per_image(row):
        return "image" in row and ("sigma" in row or "scale" in row or "gray_psnr" in row or "bpp" in row)
    summaries = [row for _, row in labelled if known(row)]
    other_rows = [(label, row) for label, row in labelled if not known(row) and not per_image(row)]
    baselines = [row for path in args.baseline for row in json_lines(path) if "mean_psnr" in row]
    speed = json.load(open(args.speed)) if args.speed else None
    name = os.path.splitext(os.path.basename(args.model))[0]
    size_mb = os.path.getsize(args.model) / 1e6

    card = {
        "name": name, "architecture": architecture, "parameters": parameters,
        "flops_per_pixel": args.flops_per_pixel, "file_megabytes": round(size_mb, 2),
        "training": training, "evaluation": summaries + [dict(row, label=label) if label else row for label, row in other_rows],
        "baselines": baselines, "speed": speed,
    }
    base = os.path.splitext(args.model)[0]
    with open(base + ".json", "w") as f:
        json.dump(card, f, indent=2, sort_keys=True)
        f.write("\n")

    # A colorizer's bin list (hundreds of pairs) stays in the JSON card; the page gives the count.
    shown_architecture = dict(architecture)
    if "bins" in shown_architecture:
        shown_architecture["bins"] = f"{len(architecture['bins'])} (a, b) pairs"
    lines = [f"# {name}: {args.title}", ""]
    if args.notes:
        lines += [args.notes, ""]
    lines += ["## Architecture", "",
              f"- `{json.dumps(shown_architecture, sort_keys=True)}`",
              f"- {parameters:,} parameters, {size_mb:.1f} MB on disk"]
    scale = architecture.get("scale")
    if args.flops_per_pixel:
        per_output = f" = {args.flops_per_pixel / scale ** 2 / 1e3:.1f} kFLOP per output pixel" if scale else ""
        lines.append(f"- {args.flops_per_pixel / 1e3:.1f} kFLOP per input pixel (multiply–adds × 2){per_output}")
    lines += ["", "## Training", ""]
    compress = architecture.get("kind") == "compress-factorized"
    if training and compress:
        lines += ["Exact command (the last invocation of the run; resumed runs continue from their checkpoint):", "",
                  "```sh", training.get("command", "?"), "```", "",
                  f"- data: `{training.get('data', '?')}`",
                  f"- seed: {training.get('seed', '?')}; steps: {training.get('steps', '?')}; "
                  f"batch {options.get('batch', '?')} × {options.get('patch', '?')}² patches; "
                  f"loss λ·255²·MSE + bpp with λ = {options.get('lambda', '?')}; learning rate {options.get('learningRate', '?')} "
                  f"(cosine to {options.get('minimumLearningRate', '?')}), densities × {options.get('densityLearningRateFactor', '?')}",
                  f"- wall time: {float(training.get('wall_seconds', 0)) / 60:.1f} minutes, summed over the run's "
                  f"invocations, on {args.machine} shared with other jobs; threads as in the command",
                  "- data paths are where `../shared/datasets` was mounted on the training machine"]
    elif training:
        lines += ["Exact command (the last invocation of the run; resumed runs continue from their checkpoint):", "",
                  "```sh", training.get("command", "?"), "```", "",
                  f"- data: `{training.get('data', '?')}`",
                  f"- seed: {training.get('seed', '?')}; steps: {training.get('steps', '?')}" + (
                      f"; ×{scale} on {'luma' if options.get('channels') == 1 else 'RGB'}, patches are high-resolution sides" if scale else ""),
                  "- options: " + ", ".join(f"{k} {json.dumps(v)}" for k, v in sorted(options.items())
                                            if k not in ("data", "validation", "output", "from") and v is not None
                                            and not (options.get("from") and k in ARCHITECTURE_OPTIONS))
                  + ("; the architecture is the `--from` model's (above)" if options.get("from") else ""),
                  f"- wall time: {float(training.get('wall_seconds', 0)) / 60:.1f} minutes, summed over the run's "
                  f"invocations, on {args.machine} shared with other jobs; threads as in the command",
                  "- data paths are where `../shared/datasets` was mounted on the training machine"]
    else:
        lines.append("No training record in the file.")
    upscaling = [s for s in summaries if "scale" in s]
    colorize = [s for s in summaries if "mean_gray_psnr" in s]
    codecs = [s for s in summaries if "mean_bpp" in s]
    summaries = [s for s in summaries if "sigma" in s]
    if upscaling:
        lines += ["", "## Measured", "", "Luma PSNR (BT.601 Y of the 8-bit output, `scale` pixels of border cropped) "
                  "against plain bicubic on the same low-resolution inputs:", "",
                  "| data | scale | passes | images | PSNR (dB) | bicubic PSNR (dB) | gain (dB) |", "|---|---|---|---|---|---|---|"]
        for s in upscaling:
            lines.append(f"| `{s.get('data', '?')}` | ×{s['scale']:g} | {s.get('passes', 1):g} | {s['images']} | {s['mean_psnr']:.2f} | "
                         f"{s['mean_bicubic_psnr']:.2f} | {s['mean_psnr'] - s['mean_bicubic_psnr']:+.2f} |")
    if colorize:
        lines += ["", "## Measured", "",
                  "Each colour photo reduced to its 8-bit BT.601 luma, colorized, compared with the original "
                  "(PSNR in RGB); the gray image itself is the baseline; colourfulness after Hasler & Süsstrunk (2003). "
                  f"The model's readout temperature is T = {architecture.get('temperature', '?')}.", "",
                  "| data | T | images | PSNR (dB) | gray PSNR (dB) | colourfulness | original colourfulness | ratio |",
                  "|---|---|---|---|---|---|---|---|"]
        for s in colorize:
            lines.append(f"| `{s.get('data', '?')}` | {s['temperature']:g} | {s['images']} | {s['mean_psnr']:.2f} | "
                         f"{s['mean_gray_psnr']:.2f} | {s['mean_colorfulness']:.1f} | {s['mean_original_colorfulness']:.1f} | "
                         f"{s['colorfulness_ratio']:.0%} |")
    if codecs:
        def number(value, digits):
            return "n/a" if value is None else f"{value:.{digits}f}"

        def throughput(value):  # refined encoding runs at thousandths of a megapixel per second
            return "n/a" if value is None else f"{value:.3g}"
        lines += ["", "## Measured", "", "Real `.lat` files (header included) and baseline JPEG (libjpeg-turbo, 4:2:0) at the "
                  "closest file size, on the same images (`latent eval compress`):", "",
                  "| data | encode | images | bpp | PSNR (dB) | MS-SSIM | JPEG bpp | JPEG PSNR (dB) | JPEG MS-SSIM | encode / decode MP/s |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for s in codecs:
            steps = int(s.get("refine_steps") or 0)
            encode = f"`--refine {steps}`" if steps else "plain"
            lines.append(f"| `{s.get('data', '?')}` | {encode} | {s['images']} | {s['mean_bpp']:.4f} | {s['mean_psnr']:.2f} | "
                         f"{number(s.get('mean_ms_ssim'), 4)} | {number(s.get('mean_jpeg_bpp'), 4)} | "
                         f"{number(s.get('mean_jpeg_psnr'), 2)} | {number(s.get('mean_jpeg_ms_ssim'), 4)} | "
                         f"{throughput(s.get('encode_mp_per_s'))} / {throughput(s.get('decode_mp_per_s'))} |")
        lines += ["", "Encode and decode speeds are those of the evaluation run (threads as given to it, "
                  "on a machine shared with other jobs)."]
    if summaries:
        lines += ["", "## Measured", "", "| data | σ | inference | images | PSNR (dB) | SSIM | noisy input PSNR |",
                  "|---|---|---|---|---|---|---|"]
        for s in summaries:
            inference = "`--ensemble` (8 flips/rotations)" if s.get("self_ensemble") else "plain"
            lines.append(f"| `{s.get('data', '?')}` | {s['sigma']:g} | {inference} | {s['images']} | {s['mean_psnr']:.2f} | "
                         f"{s.get('mean_ssim', float('nan')):.4f} | {s.get('mean_noisy_psnr', float('nan')):.2f} |")
    if other_rows:
        keys = []
        for _, row in other_rows:
            keys += [k for k, v in row.items() if isinstance(v, (int, float)) and k not in keys]
        has_label = any(label for label, _ in other_rows)
        lines += ["", "## Measured", "", "| " + " | ".join((["at"] if has_label else []) + ["data"] + keys) + " |",
                  "|" + "---|" * (len(keys) + 1 + has_label)]
        for label, row in other_rows:
            cells = ([label] if has_label else []) + [f"`{row.get('data', '?')}`"]
            cells += [f"{row[k]:.6g}" if isinstance(row.get(k), float) else str(row.get(k, "")) for k in keys]
            lines.append("| " + " | ".join(cells) + " |")
    if baselines:
        lines += ["", "Baselines on the same noisy inputs:", "", "| method | σ | images | PSNR (dB) |", "|---|---|---|---|"]
        for b in baselines:
            lines.append(f"| {b.get('method', '?')} | {b['sigma']:g} | {b['images']} | {b['mean_psnr']:.2f} |")
    if speed:
        lines += ["", "## Speed", ""] + [f"- {k}: {v}" for k, v in sorted(speed.items())]
    if args.figure:
        lines += ["", "## Figures", ""]
        for spec in args.figure:
            caption, _, path = spec.rpartition("=")
            lines += [f"![{caption}]({path})", "", f"*{caption}*", ""]
    measure = {
        "denoise-unet": f"`latent eval denoise --model {name} --data DEV --sigma 15,25,50 --json` measures it.",
        "upscale-net": f"`latent eval upscale --model {name} --data DEV --scale {scale} --json` measures it.",
        "colorize-unet": f"`latent eval colorize --model {name} --data DEV --json` measures it.",
        "compress-factorized": f"`latent eval compress --model {name} --data DEV --json` measures it.",
        "vae": f"`latent eval vae --model {name} --data TEST --json` measures it.",
        "ae": f"`latent eval vae --model {name} --data TEST --json` measures it.",
        "gan": f"`latent eval gan --model {name} --data TRAIN --test TEST --json` measures it.",
    }.get(architecture.get("kind"), "")
    lines += ["", "## Reproduce", "", "Run the command above from a clone with `../shared/datasets` beside it; " + measure, ""]
    with open(base + ".md", "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {base}.md and {base}.json")


if __name__ == "__main__":
    main()
