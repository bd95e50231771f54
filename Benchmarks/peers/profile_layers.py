#!/usr/bin/python3
"""Per-layer times of one model in Latent (oneDNN's own verbose log) and ONNX Runtime (its profiler).

Where compare.py says Latent is slower or faster than ONNX Runtime, this says where: it runs
`LatentBenchmarks infer` with DNNL_VERBOSE=1 (every oneDNN primitive's execution time) and
ONNX Runtime with profiling on (every node's kernel time) on the same mirrored-margin input,
then sums each engine's time per convolution shape, so the two columns compare the same layers.
Only the timed runs are counted (Latent: --runs after one warm-up; ORT: --runs after --warmup).

    /usr/bin/python3 Benchmarks/peers/profile_layers.py Pretrained/denoise-color.safetensors

Needs the release build of LatentBenchmarks and, like compare.py, PyTorch and onnxruntime.
Times are wall times: on a busy machine compare the shares, not the milliseconds.
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
import latent_models  # noqa: E402


def latent_layers(benchmarks, model_path, image_png, threads, runs):
    """{(in, out, kernel, stride, output height): ms per run} and the total, from DNNL_VERBOSE."""
    environment = dict(os.environ, DNNL_VERBOSE="1", ONEDNN_VERBOSE="1")
    finished = subprocess.run([benchmarks, "infer", model_path, image_png, "--threads", str(threads), "--runs", str(runs)],
                              capture_output=True, text=True, env=environment, check=True)
    executions = [line.split(",") for line in finished.stdout.splitlines()
                  if line.startswith(("onednn_verbose,exec", "dnnl_verbose,exec"))]
    # infer runs the task once to load the model, once to warm up, then `runs` times: keep the last runs.
    per_pass = len(executions) // (runs + 2)
    timed = executions[-runs * per_pass:] if per_pass else []
    layers = collections.defaultdict(float)
    for fields in timed:
        kind, problem, milliseconds = fields[3], fields[-2], float(fields[-1])
        layers[(kind,) + describe_dnnl_problem(kind, problem)] += milliseconds / runs
    return layers


def block(channels):
    """Channels rounded up to the 8-lane block both engines pad to on AVX2 (12 → 16)."""
    return (channels + 7) // 8 * 8


def describe_dnnl_problem(kind, problem):
    """'mb1_ic96oc96_ih160oh160kh3sh1...' → (96, 96, 3, 1, 160) for convolutions, else the text."""
    if kind != "convolution":
        return (problem.split("_")[0] if "x" in problem else problem,)
    values = {}
    for key in ("ic", "oc", "oh", "kh", "sh"):
        start = problem.index(key) + 2
        end = start
        while end < len(problem) and problem[end].isdigit():
            end += 1
        values[key] = int(problem[start:end])
    return block(values["ic"]), values["oc"], values["kh"], values["sh"], values["oh"]


def ort_layers(onnx_path, feed, threads, warmup, runs, workdir):
    import onnxruntime
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(workdir, "ort")
    session = onnxruntime.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    for _ in range(warmup + runs):
        session.run(None, feed)
    profile = session.end_profiling()
    with open(profile) as f:
        events = json.load(f)
    if os.environ.get("PROFILE_DUMP"):
        for e in events:
            if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time"):
                print(e["name"], e.get("args"))
        return {}
    nodes = [e for e in events if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time")]
    per_pass = len(nodes) // (warmup + runs)
    layers = collections.defaultdict(float)
    for event in nodes[-runs * per_pass:]:
        arguments = event.get("args", {})
        op = arguments.get("op_name", "?")
        key = (op,)
        shapes = [list(d.values())[0] for d in arguments.get("input_type_shape", [])]
        output = [list(d.values())[0] for d in arguments.get("output_type_shape", [])]
        if op in ("Conv", "FusedConv") and len(shapes) >= 2 and len(shapes[1]) == 4 and output:
            weight, x, y = shapes[1], shapes[0], output[0]  # weight [out, in, kh, kw], NCHWc or not
            stride = max(1, round(x[2] / y[2])) if y[2] else 1
            key = ("convolution", block(weight[1]), weight[0], weight[2], stride, y[2])
        layers[key] += event["dur"] / 1000 / runs
    return layers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="model file")
    parser.add_argument("--image", help="input photo (default: compare.py's)")
    parser.add_argument("--benchmarks", default=compare.DEFAULT_BENCHMARKS_BINARY)
    parser.add_argument("--latent", default=compare.DEFAULT_LATENT_BINARY, help="for the tile margin")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    loaded = latent_models.load_model(args.model)
    channels = loaded.architecture.get("channels", 3)
    stride = latent_models.total_stride(loaded.module)
    pixels = compare.prepare_image(args.image or compare.DEFAULT_IMAGES[channels], channels, stride)
    margin = compare.latent_tile_margin(args.latent, args.model)
    x = compare.to_tensor(pixels)
    if margin:
        x = torch.from_numpy(np.pad(x.numpy(), ((0, 0), (0, 0), (margin, margin), (margin, margin)), mode="reflect").copy())
    with tempfile.TemporaryDirectory(prefix="latent-profile-") as workdir:
        image_png = os.path.join(workdir, "input.png")
        compare.save_png(pixels, image_png)
        onnx_path = os.path.join(workdir, "model.onnx")
        compare.export_onnx(loaded.module, channels, stride, onnx_path, 17)
        ort = ort_layers(onnx_path, {"input": x.numpy()}, args.threads, args.warmup, args.runs, workdir)
        latent = latent_layers(args.benchmarks, args.model, image_png, args.threads, args.runs)

    print(f"{args.model}: {pixels.shape[1]}x{pixels.shape[0]} photo + {margin} px margin, {args.threads} threads, "
          f"ms per run (mean of {args.runs}), load {os.getloadavg()[0]:.1f}")
    print(f"{'layer':48s} {'Latent':>9s} {'ORT':>9s} {'Latent/ORT':>10s}")
    keys = sorted(set(latent) | set(ort), key=lambda k: -(latent.get(k, 0) + ort.get(k, 0)))
    for key in keys:
        a, b = latent.get(key), ort.get(key)
        if key[0] == "convolution":
            ic, oc, kernel, step, height = key[1:]
            name = f"conv {kernel}x{kernel}/{step} {ic}->{oc} at {height}^2 (inputs padded to 8)"
        else:
            name = " ".join(map(str, key))
        ratio = f"{a / b:10.2f}" if a and b else f"{'':10s}"
        print(f"{name:48s} {a or 0:9.1f} {b or 0:9.1f} {ratio}")
    total_a, total_b = sum(latent.values()), sum(ort.values())
    print(f"{'total':48s} {total_a:9.1f} {total_b:9.1f} {total_a / total_b:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
