#!/usr/bin/python3
"""Writes the upscale-net parity fixtures: small random models built by the PyTorch rebuild in
Benchmarks/peers/latent_models.py, and for each an input and PyTorch's output, so that
Tests/LatentTasksTests/UpscalerParityTests.swift checks that Latent computes the same model
(names, layouts, the network and the Pillow-exact bicubic base).

    /usr/bin/python3 Tests/Fixtures/upscale/make_upscale_fixtures.py     # Debian's PyTorch 1.13

For each case: `<name>.safetensors` (a Latent model file) and `<name>.io.safetensors`
(`input` [1, C, h, w] and `output` [1, C, h*s, w*s], float32).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "Benchmarks", "peers"))
import latent_models  # noqa: E402

CASES = [
    # name, channels, scale, hyper-parameters, input height, width
    ("upscale-net-c1-x2", 1, 2, {"features": 8, "code": 8, "mapping": 2}, 9, 7),
    ("upscale-net-c3-x3", 3, 3, {"features": 16, "code": 8, "mapping": 1}, 6, 10),
]


def main():
    for index, (name, channels, scale, hyper, height, width) in enumerate(CASES):
        spec = latent_models.upscale_net_spec(channels, scale, **hyper)
        module = latent_models.write_random_model(os.path.join(HERE, name + ".safetensors"), spec, seed=index + 1)
        module.eval()
        generator = torch.Generator().manual_seed(100 + index)
        x = torch.rand(1, channels, height, width, generator=generator)
        with torch.no_grad():
            y = module(x)
        latent_models.write_safetensors(os.path.join(HERE, name + ".io.safetensors"), {"input": x, "output": y}, {})
        print(f"wrote {name}: {tuple(x.shape)} -> {tuple(y.shape)}")


if __name__ == "__main__":
    main()
