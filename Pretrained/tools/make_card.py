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
    # Denoise summaries carry a σ, colorize summaries a gray-image baseline.
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
    if args.flops_per_pixel:
        lines.append(f"- {args.flops_per_pixel / 1e3:.1f} kFLOP per input pixel (multiply–adds × 2)")
    lines += ["", "## Training", ""]
    if training:
        lines += ["Exact command (the last invocation of the run; resumed runs continue from their checkpoint):", "",
                  "```sh", training.get("command", "?"), "```", "",
                  f"- data: `{training.get('data', '?')}`",
                  f"- seed: {training.get('seed', '?')}; steps: {training.get('steps', '?')}; "
                  f"batch {options.get('batch', '?')} × {options.get('patch', '?')}² patches; "
                  f"loss: {options.get('loss', 'cross-entropy over ab bins' if 'rebalance' in options else '?')}; "
                  f"learning rate {options.get('learningRate', '?')} (cosine to {options.get('minimumLearningRate', '?')}); "
                  + (f"noise σ ∈ {options['sigmaRange']}" if "sigmaRange" in options else
                     f"photos resized to {options.get('renderSize', '?')} px on the short side; class rebalancing "
                     f"λ = {options.get('rebalance', '?')}; readout temperature {architecture.get('temperature', '?')}"),
                  f"- wall time: {float(training.get('wall_seconds', 0)) / 60:.1f} minutes, summed over the run's "
                  "invocations, on a 2-core AMD EPYC (AVX2) shared with other jobs; threads as in the command",
                  "- data paths are where `../shared/datasets` was mounted on the training machine"]
    else:
        lines.append("No training record in the file.")
    colorize = [s for s in summaries if "mean_gray_psnr" in s]
    summaries = [s for s in summaries if "sigma" in s]
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
    if summaries:
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
    measure = ("eval colorize --model " + name + " --data DEV --json" if architecture.get("kind") == "colorize-unet"
               else "eval denoise --model " + name + " --data DEV --sigma 15,25,50 --json")
    lines += ["", "## Reproduce", "", "Run the command above from a clone with `../shared/datasets` beside it; "
              f"`latent {measure}` measures it.", ""]
    with open(base + ".md", "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {base}.md and {base}.json")


if __name__ == "__main__":
    main()
