#!/usr/bin/python3
"""Self-test for latent_models.py and compare.py's PNG reader.

NOT part of Latent's CI: CI has no PyTorch. Run by hand with Debian's interpreter:

    /usr/bin/python3 -m pytest Benchmarks/peers/test_latent_models.py
    /usr/bin/python3 Benchmarks/peers/test_latent_models.py        # without pytest
"""

import json
import math
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import latent_models  # noqa: E402

# The architecture exactly as Latent writes it (sorted keys, no spaces).
COLOR_DENOISER_JSON = ('{"channels":3,"decoderConvs":[1,1],"encoderConvs":[1,2,3],'
                       '"kind":"denoise-unet","unshuffle":2,"widths":[48,96,192]}')


class LatentModelsTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.directory.name, "model.safetensors")

    def tearDown(self):
        self.directory.cleanup()

    def test_random_denoiser_round_trips_strictly_and_keeps_the_shape(self):
        spec = json.loads(COLOR_DENOISER_JSON)
        written = latent_models.write_random_model(self.path, spec, seed=1)
        loaded = latent_models.load_model(self.path)  # load_state_dict(strict=True) inside

        self.assertEqual(loaded.kind, "denoise-unet")
        self.assertEqual(loaded.metadata["latent.architecture"], COLOR_DENOISER_JSON)
        self.assertEqual(loaded.metadata["latent.format_version"], "1")
        self.assertEqual(set(loaded.module.state_dict()), set(written.state_dict()))
        for name, tensor in written.state_dict().items():
            self.assertTrue(torch.equal(loaded.module.state_dict()[name], tensor), name)

        stride = latent_models.total_stride(loaded.module)
        self.assertEqual(stride, 8)
        x = torch.rand(2, 3, 3 * stride, 5 * stride)
        with torch.no_grad():
            y = loaded.module(x)
            self.assertEqual(y.shape, x.shape)
            self.assertTrue(torch.equal(y, written.eval()(x)))

    def test_gray_denoiser_with_other_hyper_parameters(self):
        spec = latent_models.denoise_unet_spec(1, unshuffle=1, widths=[8, 16], encoderConvs=[0, 2], decoderConvs=[3])
        latent_models.write_random_model(self.path, spec)
        model = latent_models.load_model(self.path).module
        x = torch.rand(1, 1, 6, 10)
        with torch.no_grad():
            self.assertEqual(model(x).shape, x.shape)
        with self.assertRaisesRegex(ValueError, "multiple of the stride 2"):
            model(torch.rand(1, 1, 5, 10))

    def test_residual_denoiser_loads_strictly_and_its_blocks_start_from_the_identity(self):
        spec = latent_models.denoise_unet_spec(3, widths=[8, 16], encoderConvs=[2, 4], decoderConvs=[2], residual=True)
        latent_models.write_random_model(self.path, spec, seed=2)
        model = latent_models.load_model(self.path).module
        self.assertIn("encoders.1.convs.3.weight", model.state_dict())
        stage = model.encoders[1]
        h = torch.rand(1, 16, 6, 6)
        with torch.no_grad():
            self.assertFalse(torch.equal(stage(h), h))
            for second in stage.convs[1::2]:
                second.weight.zero_()
                second.bias.zero_()
            self.assertTrue(torch.equal(stage(h), h))
        with self.assertRaisesRegex(ValueError, "even convolution counts"):
            latent_models.build_model(json.dumps(latent_models.denoise_unet_spec(1, widths=[8, 16], encoderConvs=[2, 3],
                                                                                 decoderConvs=[2], residual=True)))

    def test_writer_is_deterministic(self):
        spec = latent_models.denoise_unet_spec(3)
        module = latent_models.write_random_model(self.path, spec, seed=3)
        other = os.path.join(self.directory.name, "again.safetensors")
        latent_models.save_model(other, module, spec, training={"note": "randomly initialised", "seed": 3})
        with open(self.path, "rb") as a, open(other, "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(self.path, "rb") as f:
            header_length = int.from_bytes(f.read(8), "little")
        self.assertEqual(header_length % 8, 0)

    def test_strict_loading_rejects_missing_and_misshaped_weights(self):
        module = latent_models.build_model(COLOR_DENOISER_JSON)
        architecture = {"latent.format_version": "1", "latent.architecture": COLOR_DENOISER_JSON}
        state = dict(module.state_dict())
        del state["tail.bias"]
        latent_models.write_safetensors(self.path, state, architecture)
        with self.assertRaisesRegex(latent_models.LatentFormatError, "tail.bias"):
            latent_models.load_model(self.path)

        state = dict(module.state_dict())
        state["head.weight"] = torch.zeros(48, 4, 3, 3)  # a gray head in a colour model
        latent_models.write_safetensors(self.path, state, architecture)
        with self.assertRaisesRegex(latent_models.LatentFormatError, "head.weight"):
            latent_models.load_model(self.path)

    def test_metadata_is_checked(self):
        module = latent_models.build_model(COLOR_DENOISER_JSON)
        cases = [
            ({"latent.format_version": "2", "latent.architecture": COLOR_DENOISER_JSON}, "format_version"),
            ({"latent.format_version": "1"}, "not a Latent model"),
            ({"latent.format_version": "1", "latent.architecture": '{"kind":"nope"}'}, "unknown architecture"),
            ({"latent.format_version": "1", "latent.architecture": '{"name":"denoise-unet","channels":3}'}, "kind"),
            ({"latent.format_version": "1",
              "latent.architecture": COLOR_DENOISER_JSON.replace('"unshuffle"', '"extra":1,"unshuffle"')}, "unknown keys"),
        ]
        for metadata, message in cases:
            latent_models.write_safetensors(self.path, module.state_dict(), metadata)
            with self.assertRaisesRegex(latent_models.LatentFormatError, message):
                latent_models.load_model(self.path)

    def test_reader_rejects_malformed_files(self):
        def header_file(header, data=b""):
            text = json.dumps(header).encode()
            text += b" " * (-len(text) % 8)
            with open(self.path, "wb") as f:
                f.write(len(text).to_bytes(8, "little") + text + data)

        cases = [
            (lambda: open(self.path, "wb").write(b"\x01\x00"), "shorter than"),
            (lambda: open(self.path, "wb").write((1000).to_bytes(8, "little") + b"{}"), "past the end"),
            (lambda: header_file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, bytes(4)), "expected 8"),
            (lambda: header_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, bytes(8)), "trailing"),
            (lambda: header_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, bytes(8)), "gap or overlap"),
            (lambda: header_file({"a": {"dtype": "Q8", "shape": [1], "data_offsets": [0, 1]}}, bytes(1)), "unknown dtype"),
            (lambda: header_file({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}), "non-negative"),
            (lambda: header_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}}, bytes(4)), "exactly"),
            (lambda: header_file({"__metadata__": {"k": 1}}), "strings"),
        ]
        for write, message in cases:
            write()
            with self.assertRaisesRegex(latent_models.LatentFormatError, message):
                latent_models.read_safetensors(self.path)

    def test_reader_reads_int64_and_float32(self):
        latent_models.write_safetensors(self.path, {"n": torch.tensor(7), "w": torch.arange(6.0).reshape(2, 3)}, {})
        tensors, metadata = latent_models.read_safetensors(self.path)
        self.assertEqual(metadata, {})
        self.assertEqual(tensors["n"].dtype, np.dtype("<i8"))
        self.assertEqual(int(tensors["n"]), 7)
        np.testing.assert_array_equal(tensors["w"], np.arange(6.0, dtype=np.float32).reshape(2, 3))


class PNGReaderTest(unittest.TestCase):
    """compare.py decodes Latent's 16-bit PNGs itself (PIL truncates 16-bit RGB to 8 bits)."""

    def test_matches_pil_on_bundled_photos(self):
        from PIL import Image
        import compare
        for name in ("camera.png", "astronaut.png"):
            path = os.path.join(compare.REPOSITORY, "Assets", name)
            expected = np.asarray(Image.open(path), dtype=np.float32) / 255
            expected = expected[None] if expected.ndim == 2 else expected.transpose(2, 0, 1)
            np.testing.assert_array_equal(compare.read_png(path), expected)

    def test_reads_16_bit_gray(self):
        from PIL import Image
        import compare
        values = (np.arange(40 * 24, dtype=np.uint32).reshape(40, 24) * 67 % 65536).astype(np.uint16)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "gray16.png")
            Image.fromarray(values.astype(np.int32), mode="I").convert("I;16").save(path)
            np.testing.assert_array_equal(compare.read_png(path)[0], values.astype(np.float32) / 65535)


class UpscaleNetTest(unittest.TestCase):
    """upscale-net: strict round trip, output size, and the bicubic base against Pillow itself."""

    def test_round_trips_strictly_and_upscales(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "upscale.safetensors")
            spec = latent_models.upscale_net_spec(1, 2)
            written = latent_models.write_random_model(path, spec, seed=4)
            loaded = latent_models.load_model(path)
            self.assertEqual(loaded.kind, "upscale-net")
            self.assertEqual(loaded.metadata["latent.architecture"],
                             '{"channels":1,"code":32,"features":48,"kind":"upscale-net","mapping":3,"scale":2}')
            self.assertEqual(sorted(loaded.module.state_dict()), sorted(written.state_dict()))
            self.assertIn("mapping.convs.2.weight", loaded.module.state_dict())
            self.assertEqual(tuple(loaded.module.state_dict()["upsample.weight"].shape), (4, 48, 3, 3))
            x = torch.rand(2, 1, 7, 9)
            with torch.no_grad():
                y = loaded.module(x)
                self.assertEqual(tuple(y.shape), (2, 1, 14, 18))
                self.assertTrue(torch.equal(y, written.eval()(x)))

    def test_bicubic_base_is_pillows(self):
        from PIL import Image
        rng = np.random.default_rng(3)
        for (h, w), (oh, ow) in [((7, 9), (14, 18)), ((5, 6), (20, 24)), ((12, 10), (6, 5)), ((11, 13), (33, 39))]:
            plane = rng.random((h, w), dtype=np.float32)
            expected = np.asarray(Image.fromarray(plane, mode="F").resize((ow, oh), Image.BICUBIC))
            got = latent_models.pillow_bicubic_resize(torch.from_numpy(plane)[None, None], oh, ow)[0, 0].numpy()
            np.testing.assert_allclose(got, expected, atol=2e-6, err_msg=f"{h}x{w} -> {oh}x{ow}")

    def test_zero_detail_is_bicubic(self):
        module = latent_models.build_model(latent_models.upscale_net_spec(3, 4, features=8, code=8, mapping=1))
        with torch.no_grad():
            module.upsample.weight.zero_()
            module.upsample.bias.zero_()
            x = torch.rand(1, 3, 5, 6)
            np.testing.assert_allclose(module(x).numpy(), latent_models.pillow_bicubic_resize(x, 20, 24).numpy(), atol=0)

    def test_schema_is_checked(self):
        for spec, message in [({"kind": "upscale-net", "channels": 1}, "scale"),
                              ({"kind": "upscale-net", "channels": 2, "scale": 2}, "channels"),
                              ({"kind": "upscale-net", "channels": 1, "scale": 1}, "scale"),
                              ({"kind": "upscale-net", "channels": 1, "scale": 2, "code": 0}, "positive"),
                              ({"kind": "upscale-net", "channels": 1, "scale": 2, "depth": 3}, "unknown keys")]:
            with self.assertRaisesRegex(ValueError, message):
                latent_models.build_model(spec)


class GenerativeModelsTest(unittest.TestCase):
    """vae, ae and gan builders: strict round trips, shapes, and Latent's random codes."""

    def test_generative_kinds_round_trip_strictly(self):
        specs = [{"kind": "vae", "imageSize": 48, "channels": 1, "latentDim": 32, "widths": [32, 64, 128]},
                 {"kind": "ae", "imageSize": 32, "channels": 3, "latentDim": 8, "widths": [8, 16, 32]},
                 {"kind": "gan", "imageSize": 48, "channels": 1, "latentDim": 64, "widths": [32, 64, 128]}]
        with tempfile.TemporaryDirectory() as directory:
            for spec in specs:
                path = os.path.join(directory, spec["kind"] + ".safetensors")
                written = latent_models.write_random_model(path, spec, seed=2)
                loaded = latent_models.load_model(path)
                self.assertEqual(set(loaded.module.state_dict()), set(written.state_dict()))
                size, channels = spec["imageSize"], spec["channels"]
                with torch.no_grad():
                    if spec["kind"] == "gan":
                        images = loaded.module(torch.randn(2, spec["latentDim"]))
                        self.assertEqual(loaded.module.discriminator(images * 2 - 1).shape, (2,))
                    else:
                        images = loaded.module(torch.rand(2, channels, size, size))
                self.assertEqual(tuple(images.shape), (2, channels, size, size))
                self.assertTrue(bool(((images >= 0) & (images <= 1)).all()))
        state = latent_models.build_model(specs[0]).state_dict()
        self.assertIn("toLogVariance.weight", state)
        self.assertNotIn("toLogVariance.weight", latent_models.build_model(specs[1]).state_dict())

    def test_generative_schema_is_checked(self):
        with self.assertRaises(ValueError):
            latent_models.build_model({"kind": "vae", "imageSize": 50, "channels": 1, "latentDim": 4, "widths": [8, 16]})
        with self.assertRaises(ValueError):
            latent_models.build_model({"kind": "gan", "imageSize": 32, "channels": 1, "latentDim": 4, "widths": [8], "extra": 1})

    def test_random_source_matches_latent(self):
        # The same numbers are pinned in Tests/LatentTasksTests/GenerativeTasksTests.swift.
        source = latent_models.LatentRandomSource(7)
        self.assertEqual([source.next(), source.next()], [12923355070828475994, 5142052590334782674])
        codes = latent_models.LatentRandomSource(7).codes(1, 3)
        np.testing.assert_array_equal(codes.numpy(), np.float32([[-0.15157274901866913, 0.587099552154541, 0.09447186440229416]]))


# Stands in for `latent denoise IN -o DIR --model PATH --depth 16` (the command compare.py
# calls), computing the result with PyTorch and writing a 16-bit PNG, so that compare.py's whole
# Latent path (command, timing, 16-bit decoding, clamped comparison) is tested without Swift.
FAKE_LATENT = """#!/usr/bin/python3
import os, struct, sys, zlib
import numpy as np, torch
from PIL import Image
sys.path.insert(0, %r)
import latent_models
if sys.argv[1:] == ["models", "--json"]:
    sys.exit(0)  # lists no models: compare.py then pads with no tile margin
_, command, input_png, _, output_dir, _, model_path, _, depth = sys.argv
assert command == "denoise" and depth == "16", sys.argv
pixels = np.asarray(Image.open(input_png), dtype=np.float32) / 255
x = torch.from_numpy(pixels.reshape(pixels.shape[0], pixels.shape[1], -1)).permute(2, 0, 1)[None]
with torch.no_grad():
    y = latent_models.load_model(model_path).module(x)[0].clamp(0, 1)
values = np.round(y.permute(1, 2, 0).numpy() * 65535).astype(">u2")
height, width, channels = values.shape
rows = b"".join(b"\\x00" + values[r].tobytes() for r in range(height))
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
header = struct.pack(">IIBBBBB", width, height, 16, 0 if channels == 1 else 2, 0, 0, 0)
with open(os.path.join(output_dir, "denoised.png"), "wb") as f:
    f.write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
"""

# Stands in for `LatentBenchmarks infer MODEL IMAGE ...`, `LatentBenchmarks train-step MODEL
# --batch B --patch P ...` and `LatentBenchmarks forward MODEL IN -o OUT --part P ...`: answers
# with recognisable numbers, reports back the batch and patch it was asked for, and computes
# each network part from latent_models' modules directly (not through network_parts.py, whose
# choices compare.py is being tested on).
FAKE_BENCHMARKS = """#!/usr/bin/python3
import json, sys
import torch
sys.path.insert(0, %r)
import latent_models
arguments = sys.argv[1:]
tool = arguments[0]
options = {word: arguments[i + 1] for i, word in enumerate(arguments[:-1]) if word.startswith("-")}
assert arguments[-1] == "--json" and options["--threads"] == "2", arguments
if tool == "infer":
    print(json.dumps({"latent_ms_per_mp": 123.5}))
elif tool == "train-step":
    print(json.dumps({"train_samples_per_s": 4.25, "train_batch": int(options["--batch"]), "train_patch": int(options["--patch"])}))
elif tool == "forward":
    model = latent_models.load_model(arguments[1]).module
    x = torch.from_numpy(latent_models.read_safetensors(arguments[2])[0]["input"].copy())
    run = {"detail": lambda: model.detail(x), "logits": lambda: model(x), "decoder": lambda: model.decode(x),
           "encoder": lambda: model.encode(x)[0], "generator": lambda: model(x),
           "discriminator": lambda: model.discriminator(x * 2 - 1), "synthesis": lambda: model.synthesis(x),
           "analysis": lambda: model.analysis(x)}[options["--part"]]
    with torch.no_grad():
        latent_models.write_safetensors(options["-o"], {"output": run().contiguous()}, {})
    print(json.dumps({"latent_ms": 7.5, "latent_cpu_ms": 9.0, "part": options["--part"]}))
else:
    sys.exit(f"unexpected tool {tool}")
"""


class ColorizeModelTest(unittest.TestCase):
    def test_gamut_bins(self):
        bins = latent_models.ab_gamut_bins(10)
        self.assertEqual(len(bins), 261)  # Swift's ABGamut finds the same (ColorizeTests)
        self.assertIn([0.0, 0.0], bins)
        self.assertEqual(len(latent_models.ab_gamut_bins(20)), 76)

    def test_colorize_unet_round_trips_and_reads_out(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "colorize.safetensors")
            bins = [[-10.0, 0.0], [10.0, 0.0], [0.0, -10.0], [0.0, 10.0]]
            spec = latent_models.colorize_unet_spec(bins, widths=[8, 16, 16], encoderConvs=[1, 1, 2],
                                                    bottleneckDilations=[1, 2], decoderConvs=[1])
            written = latent_models.write_random_model(path, spec, seed=2)
            loaded = latent_models.load_model(path)
            self.assertEqual(loaded.kind, "colorize-unet")
            self.assertEqual(set(loaded.module.state_dict()), set(written.state_dict()))
            x = torch.rand(2, 1, 16, 24) * 2 - 1
            with torch.no_grad():
                logits = loaded.module(x)
                self.assertEqual(tuple(logits.shape), (2, 4, 4, 6))
                self.assertTrue(torch.equal(logits, written.eval()(x)))
                ab = loaded.module.ab(logits)
            self.assertEqual(tuple(ab.shape), (2, 2, 4, 6))
            self.assertTrue(bool(((ab[:, 0].abs() + ab[:, 1].abs()) <= 10 + 1e-4).all()))
            # T = 1 is the plain mean of the bins under softmax(logits).
            p = torch.softmax(logits, 1)
            self.assertTrue(torch.allclose(loaded.module.ab(logits, 1.0)[:, 0], 10 * (p[:, 1] - p[:, 0]), atol=1e-5))
            with self.assertRaisesRegex(ValueError, "multiple of the stride 8"):
                loaded.module(torch.rand(1, 1, 12, 16))

    def test_colorize_schema_is_checked(self):
        bins = [[0.0, 0.0], [10.0, 0.0]]
        for overrides, message in [({"bottleneckDilations": [1, 2]}, "bottleneckDilations"),
                                   ({"decoderConvs": [1]}, "decoderConvs"), ({"extra": 1}, "unknown keys"),
                                   ({"bins": [[0.0, 0.0]]}, "bins")]:
            with self.assertRaisesRegex(ValueError, message):
                latent_models.build_model({**latent_models.colorize_unet_spec(bins), **overrides})


class CompressModelsTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.directory.name, "codec.safetensors")

    def tearDown(self):
        self.directory.cleanup()

    def test_codec_round_trips_strictly_with_resized_tables(self):
        spec = latent_models.compress_spec(width=8, latentChannels=6, levels=3)
        written = latent_models.write_random_model(self.path, spec, seed=2)
        # Tables of a trained model: ragged CDFs back to back, I32.
        tensors, metadata = latent_models.read_safetensors(self.path)
        state = {name: torch.from_numpy(np.array(array)) for name, array in tensors.items()}
        lengths = torch.tensor([3, 5, 4, 3, 6, 3], dtype=torch.int32)
        state["entropy_tables.cdf_length"] = lengths
        state["entropy_tables.cdf"] = torch.arange(int(lengths.sum()), dtype=torch.int32)
        state["entropy_tables.median"] = torch.linspace(-1, 1, 6)
        latent_models.write_safetensors(self.path, state, metadata)
        loaded = latent_models.load_model(self.path)
        self.assertEqual(loaded.kind, "compress-factorized")
        tables = loaded.module.entropy_tables
        self.assertEqual(tables.cdf.dtype, torch.int32)
        self.assertEqual(tables.table(1).tolist(), [3, 4, 5, 6, 7])
        for name, tensor in written.state_dict().items():
            if not name.startswith("entropy_tables."):
                self.assertTrue(torch.equal(loaded.module.state_dict()[name], tensor), name)

        x = torch.rand(2, 3, 24, 40)
        with torch.no_grad():
            x_hat, likelihoods = loaded.module(x)
        self.assertEqual(x_hat.shape, x.shape)
        self.assertEqual(likelihoods.shape, (2, 6, 3, 5))
        self.assertTrue(bool(((likelihoods >= 1e-9) & (likelihoods <= 1)).all()))
        # Quantization rounds half away from zero around the medians, as Swift's rounded().
        y = torch.tensor([0.5, -0.5, 1.5, 2.49]).reshape(1, 4, 1, 1)
        loaded.module.entropy_tables.median[:4] = 0
        self.assertEqual(loaded.module.quantize(torch.cat([y, torch.zeros(1, 2, 1, 1)], 1))[0, :4, 0, 0].tolist(), [1, -1, 2, 2])

    def test_density_probabilities_sum_to_one(self):
        model = latent_models.build_model(latent_models.compress_spec(width=8, latentChannels=2, levels=2))
        with torch.no_grad():
            for layer in model.density.layers:
                layer.matrix.normal_(0, 1)
                layer.bias.uniform_(-0.5, 0.5)
            integers = torch.arange(-200, 201, dtype=torch.float32)
            y = integers.reshape(1, 1, 1, -1).repeat(1, 2, 1, 1)
            total = model.density.likelihood(y).sum(dim=3).flatten()
        self.assertTrue(torch.allclose(total, torch.ones(2), atol=1e-3), total)

    def test_compress_schema_is_checked(self):
        with self.assertRaisesRegex(ValueError, "activation"):
            latent_models.build_model(latent_models.compress_spec(activation="tanh"))
        with self.assertRaisesRegex(ValueError, "unknown keys"):
            latent_models.build_model({**latent_models.compress_spec(), "lambda": 0.01})


class CompareWithFakeLatentTest(unittest.TestCase):
    def test_compare_runs_latent_and_agrees(self):
        import contextlib
        import io
        import compare
        with tempfile.TemporaryDirectory() as directory:
            binary = os.path.join(directory, "latent")
            with open(binary, "w") as f:
                f.write(FAKE_LATENT % HERE)
            os.chmod(binary, 0o755)
            benchmarks = os.path.join(directory, "LatentBenchmarks")
            with open(benchmarks, "w") as f:
                f.write(FAKE_BENCHMARKS % HERE)
            os.chmod(benchmarks, 0o755)
            model_path = os.path.join(directory, "gray.safetensors")
            latent_models.write_random_model(model_path, latent_models.denoise_unet_spec(1, widths=[8, 16, 32]), seed=5)
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                status = compare.main([model_path, "--latent", binary, "--benchmarks", benchmarks, "--size", "64", "--runs", "1",
                                       "--warmup", "0", "--latent-warmup", "0", "--train-steps", "1",
                                       "--train-batch", "2", "--train-patch", "32", "--json"])
            result = json.loads(printed.getvalue())
            self.assertEqual(status, 0, result)
            self.assertEqual(set(result["diffs"]), {"torch-ort", "torch-latent", "ort-latent"})
            self.assertLessEqual(result["diffs"]["torch-latent"], 1 / 65535)  # only 16-bit rounding
            for key in ("latent_cli_ms_per_mp", "torch_ms_per_mp", "ort_ms_per_mp", "torch_train_samples_per_s"):
                self.assertGreater(result[key], 0, key)
            self.assertEqual(result["latent_ms_per_mp"], 123.5)
            self.assertAlmostEqual(result["latent_over_torch"], 123.5 / result["torch_ms_per_mp"])
            self.assertEqual((result["train_batch"], result["train_patch"], result["train_loss"]), (2, 32, "charbonnier"))
            self.assertEqual(result["latent_train_samples_per_s"], 4.25)


def _write_fake_benchmarks(directory, text=FAKE_BENCHMARKS):
    benchmarks = os.path.join(directory, "LatentBenchmarks")
    with open(benchmarks, "w") as f:
        f.write(text % HERE)
    os.chmod(benchmarks, 0o755)
    return benchmarks


SMALL_NETWORK_SPECS = {
    "upscale": latent_models.upscale_net_spec(1, 2, features=8, code=8, mapping=1),
    "colorize": latent_models.colorize_unet_spec([[-10.0, 0.0], [10.0, 0.0], [0.0, -10.0], [0.0, 10.0], [0.0, 0.0], [10.0, 10.0]],
                                                 widths=[8, 16, 16], encoderConvs=[1, 1, 2], bottleneckDilations=[1, 2],
                                                 decoderConvs=[1]),
    "vae": {"kind": "vae", "imageSize": 16, "channels": 1, "latentDim": 4, "widths": [8, 16]},
    "gan": {"kind": "gan", "imageSize": 16, "channels": 3, "latentDim": 5, "widths": [8, 16]},
    "compress": latent_models.compress_spec(width=8, latentChannels=6, levels=3),
}


class CompareEveryKindWithFakeBenchmarksTest(unittest.TestCase):
    """compare.py on the kinds it compares network by network: every part through PyTorch, ONNX
    Runtime and (a stand-in for) `LatentBenchmarks forward`, and a training step of each."""

    def run_compare(self, directory, names, fake=FAKE_BENCHMARKS):
        import contextlib
        import io
        import compare
        paths = []
        for name in names:
            paths.append(os.path.join(directory, name + ".safetensors"))
            latent_models.write_random_model(paths[-1], SMALL_NETWORK_SPECS[name], seed=6)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = compare.main(paths + ["--benchmarks", _write_fake_benchmarks(directory, fake),
                                           "--latent", os.path.join(directory, "no-latent"), "--size", "32", "--runs", "1",
                                           "--warmup", "0", "--train-steps", "1", "--train-batch", "2", "--json"])
        return status, [json.loads(line) for line in printed.getvalue().splitlines()]

    def test_every_part_agrees_and_is_timed_and_every_kind_trains(self):
        expected_parts = {"upscale": ["detail"], "colorize": ["logits"], "vae": ["decoder", "encoder"],
                          "gan": ["generator", "discriminator"], "compress": ["synthesis", "analysis"]}
        with tempfile.TemporaryDirectory() as directory:
            status, results = self.run_compare(directory, list(expected_parts))
        self.assertEqual(status, 0, results)
        for name, result in zip(expected_parts, results):
            self.assertEqual([part["part"] for part in result["parts"]], expected_parts[name], name)
            for part in result["parts"]:
                self.assertEqual(set(part["diffs"]), {"torch-ort", "torch-latent", "ort-latent"}, (name, part))
                self.assertLessEqual(part["max_abs_diff"], 1e-4, (name, part))
                self.assertAlmostEqual(part["latent_ms_per_mp"], 7.5 / part["megapixels"], msg=name)
                for engine in ("torch", "ort"):
                    self.assertGreater(part[f"{engine}_ms_per_mp"], 0, (name, engine))
            first = result["parts"][0]
            self.assertEqual(result["latent_ms_per_mp"], first["latent_ms_per_mp"], name)
            self.assertAlmostEqual(result["latent_over_ort"], first["latent_ms_per_mp"] / first["ort_ms_per_mp"], msg=name)
            self.assertEqual(result["max_abs_diff"], max(part["max_abs_diff"] for part in result["parts"]), name)
            self.assertEqual(result["train_batch"], 2, name)
            self.assertEqual(result["latent_train_samples_per_s"], 4.25, name)
            self.assertGreater(result["torch_train_samples_per_s"], 0, name)
            self.assertEqual(result["notes"], [], name)  # the CLI (absent here) is only run for denoisers
        upscale, colorize, vae, gan, compress = results
        self.assertEqual(upscale["parts"][0]["output_shape"], [1, 1, 64, 64])
        self.assertAlmostEqual(upscale["parts"][0]["megapixels"], 64 * 64 / 1e6)  # per output megapixel
        self.assertEqual(colorize["parts"][0]["output_shape"], [1, 6, 8, 8])
        self.assertEqual(vae["parts"][0]["input_shape"], [64, 4])
        self.assertEqual(vae["parts"][1]["output_shape"], [64, 4])
        self.assertAlmostEqual(gan["latent_images_per_s"], 64 * 1000 / 7.5)
        self.assertEqual((upscale["train_patch"], colorize["train_patch"], vae["train_patch"], compress["train_patch"]),
                         (96, 128, 16, 128))
        # The codec's synthesis decodes the photo's own quantized latent (integers around the medians).
        self.assertEqual(compress["parts"][0]["input_shape"], [1, 6, 4, 4])
        self.assertEqual(compress["parts"][0]["output_shape"], [1, 3, 32, 32])
        self.assertEqual(compress["parts"][1]["output_shape"], [1, 6, 4, 4])

    def test_an_unreadable_model_is_named_and_the_others_go_on(self):
        import contextlib
        import io
        import compare
        with tempfile.TemporaryDirectory() as directory:
            broken = os.path.join(directory, "broken.safetensors")
            with open(broken, "wb") as f:
                f.write(b"\x02\x00")
            good = os.path.join(directory, "vae.safetensors")
            latent_models.write_random_model(good, SMALL_NETWORK_SPECS["vae"], seed=1)
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                status = compare.main([broken, good, "--benchmarks", os.path.join(directory, "none"), "--size", "32",
                                       "--runs", "1", "--warmup", "0", "--train-steps", "0", "--json"])
        first, second = [json.loads(line) for line in printed.getvalue().splitlines()]
        self.assertEqual(status, 1)
        self.assertIn("broken.safetensors", first["error"])
        self.assertIn("shorter than", first["error"])
        self.assertEqual(second["kind"], "vae")
        self.assertLessEqual(second["max_abs_diff"], 1e-4)  # PyTorch against ONNX Runtime

    def test_a_disagreeing_latent_fails_the_run(self):
        bad = FAKE_BENCHMARKS.replace('{"output": run().contiguous()}', '{"output": (run() + 0.01).contiguous()}')
        self.assertNotEqual(bad, FAKE_BENCHMARKS)
        with tempfile.TemporaryDirectory() as directory:
            status, results = self.run_compare(directory, ["vae"], fake=bad)
        self.assertEqual(status, 1)
        self.assertAlmostEqual(results[0]["diffs"]["decoder:torch-latent"], 0.01, places=4)
        self.assertTrue(any("exceeds" in note for note in results[0]["notes"]), results[0]["notes"])


class TorchTrainingStepsTest(unittest.TestCase):
    """torch_training.py: each kind's step at the recorded batch and size, and it learns."""

    def loaded(self, directory, name, options):
        path = os.path.join(directory, name + ".safetensors")
        latent_models.write_random_model(path, SMALL_NETWORK_SPECS[name], seed=2, training={"options": json.dumps(options)})
        return latent_models.load_model(path)

    def test_steps_use_the_record_and_fit_a_repeated_batch(self):
        import torch_training
        pixels = np.zeros((8, 8, 3), np.uint8)
        cases = [("upscale", {"batch": 3, "patch": 16, "loss": "l1"}, (3, 16, "l1")),
                 ("colorize", {"batch": 2, "patch": 16}, (2, 16, "soft cross-entropy")),
                 ("vae", {"batch": 4, "learningRate": 3e-3, "adamBeta1": 0.9, "beta": 1}, (4, 16, "Bernoulli NLL + beta*KL")),
                 ("compress", {"batch": 2, "patch": 16, "learningRate": 1e-2, "lambda": 0.05},
                  (2, 16, "lambda*255^2*MSE + bpp (uniform noise)"))]
        with tempfile.TemporaryDirectory() as directory:
            for name, options, expected in cases:
                torch.manual_seed(0)
                step = torch_training.build_training_step(self.loaded(directory, name, options), pixels)
                self.assertEqual((step.batch, step.size, step.loss), expected, name)
                losses = [step.run() for _ in range(8)]
                self.assertTrue(all(np.isfinite(losses)), (name, losses))
                self.assertLess(losses[-1], losses[0], (name, losses))

            loaded = self.loaded(directory, "gan", {"batch": 4, "learningRate": 2e-4, "adamBeta1": 0.5, "realLabel": 0.9})
            step = torch_training.build_training_step(loaded, pixels)
            self.assertEqual((step.batch, step.size), (4, 16))
            self.assertTrue(np.isfinite(step.run()))
            with self.assertRaisesRegex(ValueError, "whole 16x16 images"):
                torch_training.build_training_step(loaded, pixels, size=32)
            with self.assertRaisesRegex(ValueError, "multiple of the scale"):
                torch_training.build_training_step(self.loaded(directory, "upscale", {}), pixels, size=17)

    def test_soft_encoding_spreads_over_the_nearest_bins(self):
        import torch_training
        bins = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [-10.0, 0.0], [0.0, -10.0], [50.0, 50.0]])
        ab = torch.tensor([[0.0, 0.0], [9.0, 1.0]]).T.reshape(1, 2, 1, 2)
        targets, weights = torch_training.soft_encode(ab, bins)
        self.assertEqual(tuple(targets.shape), (1, 6, 1, 2))
        np.testing.assert_allclose(targets.sum(1).numpy(), 1, atol=1e-6)
        self.assertEqual(int(targets[0, :, 0, 0].argmax()), 0)
        self.assertEqual(int(targets[0, :, 0, 1].argmax()), 1)
        self.assertEqual(float(targets[0, 5].max()), 0)  # the far bin is not among the 5 nearest
        # Gaussian of the squared distance, sigma 5: the centre against a bin 10 away.
        self.assertAlmostEqual(float(targets[0, 1, 0, 0] / targets[0, 0, 0, 0]), math.exp(-100 / 50), places=5)
        self.assertTrue(bool((weights == 1).all()))


class NetworkPartsTest(unittest.TestCase):
    def test_lightness_and_tiles(self):
        import network_parts
        pixels = np.array([[[0, 0, 0], [255, 255, 255], [119, 119, 119]]], np.uint8)
        np.testing.assert_allclose(network_parts.lightness(pixels)[0], [0, 100, 50.03], atol=0.05)
        photo = (np.arange(40 * 40 * 3) % 251).astype(np.uint8).reshape(40, 40, 3)
        tiles = network_parts.photo_tiles(photo, 8, count=5)
        self.assertEqual(tuple(tiles.shape), (5, 3, 8, 8))
        self.assertTrue(bool(((tiles >= 0) & (tiles <= 1)).all()))


if __name__ == "__main__":
    unittest.main()
