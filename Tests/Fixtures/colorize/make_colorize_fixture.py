#!/usr/bin/python3
"""PyTorch parity fixture for the colorize-unet architecture, written next to this script:

- colorize_small.safetensors: a small randomly initialised colorize-unet model file, built and
  saved by Benchmarks/peers/latent_models.py (the PyTorch builder of the kind), with the bins
  that builder's `ab_gamut_bins(10)` computes (Swift's ABGamut must find the same);
- colorize_small_io.safetensors: an input `l` [2, 1, 16, 32] (normalised L*), the builder's
  `logits` and the annealed-mean readout `ab` at the model's temperature and at T = 1 (`ab_t1`).

Run with Debian's PyTorch 1.13 from the repository root:

    /usr/bin/python3 Tests/Fixtures/colorize/make_colorize_fixture.py

Seeded, so re-running reproduces the files byte for byte.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "Benchmarks", "peers"))
import latent_models  # noqa: E402

torch.set_num_threads(1)
spec = latent_models.colorize_unet_spec(latent_models.ab_gamut_bins(10), widths=[8, 16, 16], encoderConvs=[1, 1, 2],
                                        bottleneckDilations=[1, 2], outputLevel=1, decoderConvs=[1], temperature=0.38)
model_path = os.path.join(HERE, "colorize_small.safetensors")
module = latent_models.write_random_model(model_path, spec, seed=11, training={"note": "parity fixture", "seed": 11})
module.eval()
generator = torch.Generator().manual_seed(12)
l = torch.rand((2, 1, 16, 32), generator=generator) * 2 - 1
with torch.no_grad():
    logits = module(l)
    tensors = {"l": l, "logits": logits, "ab": module.ab(logits), "ab_t1": module.ab(logits, temperature=1.0)}
latent_models.write_safetensors(os.path.join(HERE, "colorize_small_io.safetensors"), tensors,
                                {"torch_version": torch.__version__, "bins": str(len(spec["bins"]))})
print(f"wrote {model_path} ({len(spec['bins'])} bins) and colorize_small_io.safetensors")
