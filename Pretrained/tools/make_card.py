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


def json_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--title", required=True)
    parser.add_argument("--eval", action="append", default=[], help="JSON lines from latent eval --json")
    parser.add_argument("--baseline", action="append", default=[], help="JSON lines of a baseline on the same inputs")
    parser.add_argument("--speed", help="JSON object with speed measurements")
    parser.add_argument("--flops-per-pixel", type=float)
    parser.add_argument("--notes", default="", help="Markdown paragraph: what the model is for, choices made")
    args = parser.parse_args()

    metadata, tensors, parameters = read_metadata(args.model)
    architecture = json.loads(metadata.get("latent.architecture", "{}"))
    training = json.loads(metadata.get("latent.training", "{}"))
    options = json.loads(training.get("options", "{}")) if training.get("options") else {}
    summaries = [row for path in args.eval for row in json_lines(path) if "mean_psnr" in row]
    baselines = [row for path in args.baseline for row in json_lines(path) if "mean_psnr" in row]
    speed = json.load(open(args.speed)) if args.speed else None
    name = os.path.splitext(os.path.basename(args.model))[0]
    size_mb = os.path.getsize(args.model) / 1e6

    card = {
        "name": name, "architecture": architecture, "parameters": parameters,
        "flops_per_pixel": args.flops_per_pixel, "file_megabytes": round(size_mb, 2),
        "training": training, "evaluation": summaries, "baselines": baselines, "speed": speed,
    }
    base = os.path.splitext(args.model)[0]
    with open(base + ".json", "w") as f:
        json.dump(card, f, indent=2, sort_keys=True)
        f.write("\n")

    lines = [f"# {name}: {args.title}", ""]
    if args.notes:
        lines += [args.notes, ""]
    lines += ["## Architecture", "",
              f"- `{json.dumps(architecture, sort_keys=True)}`",
              f"- {parameters:,} parameters, {size_mb:.1f} MB on disk"]
    if args.flops_per_pixel:
        lines.append(f"- {args.flops_per_pixel / 1e3:.1f} kFLOP per input pixel (multiply–adds × 2)")
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
                  "invocations, on a 2-core AMD EPYC (AVX2) shared with other jobs; threads as in the command",
                  "- data paths are where `../shared/datasets` was mounted on the training machine"]
    elif training:
        lines += ["Exact command (the last invocation of the run; resumed runs continue from their checkpoint):", "",
                  "```sh", training.get("command", "?"), "```", "",
                  f"- data: `{training.get('data', '?')}`",
                  f"- seed: {training.get('seed', '?')}; steps: {training.get('steps', '?')}; "
                  f"batch {options.get('batch', '?')} × {options.get('patch', '?')}² patches; "
                  f"loss: {options.get('loss', '?')}; learning rate {options.get('learningRate', '?')} "
                  f"(cosine to {options.get('minimumLearningRate', '?')}); noise σ ∈ {options.get('sigmaRange', '?')}",
                  f"- wall time: {float(training.get('wall_seconds', 0)) / 60:.1f} minutes, summed over the run's "
                  "invocations, on a 2-core AMD EPYC (AVX2) shared with other jobs; threads as in the command",
                  "- data paths are where `../shared/datasets` was mounted on the training machine"]
    else:
        lines.append("No training record in the file.")
    if summaries and compress:
        def number(value, digits):
            return "n/a" if value is None else f"{value:.{digits}f}"
        lines += ["", "## Measured", "", "Real `.lat` files (header included) and baseline JPEG (libjpeg-turbo, 4:2:0) at the "
                  "closest file size, on the same images (`latent eval compress`):", "",
                  "| data | images | bpp | PSNR (dB) | MS-SSIM | JPEG bpp | JPEG PSNR (dB) | JPEG MS-SSIM |",
                  "|---|---|---|---|---|---|---|---|"]
        for s in summaries:
            lines.append(f"| `{s.get('data', '?')}` | {s['images']} | {s['mean_bpp']:.4f} | {s['mean_psnr']:.2f} | "
                         f"{number(s.get('mean_ms_ssim'), 4)} | {number(s.get('mean_jpeg_bpp'), 4)} | "
                         f"{number(s.get('mean_jpeg_psnr'), 2)} | {number(s.get('mean_jpeg_ms_ssim'), 4)} |")
    elif summaries:
        lines += ["", "## Measured", "", "| data | σ | images | PSNR (dB) | SSIM | noisy input PSNR |", "|---|---|---|---|---|---|"]
        for s in summaries:
            lines.append(f"| `{s.get('data', '?')}` | {s['sigma']:g} | {s['images']} | {s['mean_psnr']:.2f} | "
                         f"{s.get('mean_ssim', float('nan')):.4f} | {s.get('mean_noisy_psnr', float('nan')):.2f} |")
    if baselines:
        lines += ["", "Baselines on the same noisy inputs:", "", "| method | σ | images | PSNR (dB) |", "|---|---|---|---|"]
        for b in baselines:
            lines.append(f"| {b.get('method', '?')} | {b['sigma']:g} | {b['images']} | {b['mean_psnr']:.2f} |")
    if speed:
        lines += ["", "## Speed", ""] + [f"- {k}: {v}" for k, v in sorted(speed.items())]
    measure = (f"`latent eval compress --model {name} --data DEV --json`" if compress
               else "`latent eval denoise --model " + name + " --data DEV --sigma 15,25,50 --json`")
    lines += ["", "## Reproduce", "", "Run the command above from a clone with `../shared/datasets` beside it; "
              + measure + " measures it.", ""]
    with open(base + ".md", "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {base}.md and {base}.json")


if __name__ == "__main__":
    main()
