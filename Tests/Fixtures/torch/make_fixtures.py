#!/usr/bin/python3
"""PyTorch parity fixtures for Latent: one small .safetensors file per operation, loss,
optimizer, schedule and model, written next to this script.

Run (from the repository root; uses Debian's PyTorch 1.13, not the pyenv python on PATH):

    /usr/bin/python3 Tests/Fixtures/torch/make_fixtures.py

Everything is float32 on the CPU, single-threaded, and seeded per case (the seed is the CRC-32 of
the case name), so re-running reproduces the files byte for byte and adding a case does not
change the others. No `safetensors` package is needed: `write_safetensors` below writes the same
layout as Latent's Swift writer (keys sorted, `__metadata__` first, compact JSON, header padded
with spaces to a multiple of 8 bytes). The naming convention is specified in README.md here.
"""

import json
import math
import os
import sys
import warnings
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT_VERSION = "1"

torch.set_num_threads(1)
# warn_only: max_unpool2d is flagged non-deterministic for duplicate indices, which a
# non-overlapping pool never produces.
torch.use_deterministic_algorithms(True, warn_only=True)
warnings.filterwarnings("ignore", message="max_unpooling2d_forward_out does not have a deterministic")

# ---------------------------------------------------------------------------------------------
# safetensors writer

_DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors, metadata):
    """Writes `tensors` (name -> float32/int64 tensor) and `metadata` (str -> str) atomically."""
    names = sorted(tensors)  # code point order == UTF-8 byte order, as the Swift writer sorts
    members = []
    if metadata:
        pairs = ",".join(json.dumps(k) + ":" + json.dumps(metadata[k]) for k in sorted(metadata))
        members.append('"__metadata__":{' + pairs + "}")
    blobs, offset = [], 0
    for name in names:
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _DTYPES:
            raise TypeError(f"{name}: unsupported dtype {t.dtype}")
        dtype_name, numpy_dtype = _DTYPES[t.dtype]
        blob = t.numpy().astype(numpy_dtype).tobytes()
        shape = ",".join(str(d) for d in t.shape)
        members.append(json.dumps(name) + ':{"dtype":"%s","shape":[%s],"data_offsets":[%d,%d]}'
                       % (dtype_name, shape, offset, offset + len(blob)))
        blobs.append(blob)
        offset += len(blob)
    header = ("{" + ",".join(members) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(len(header).to_bytes(8, "little"))
        f.write(header)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


# ---------------------------------------------------------------------------------------------
# helpers


def generator_for(name):
    return torch.Generator().manual_seed(zlib.crc32(name.encode("utf-8")))


def randn(g, *shape):
    return torch.randn(tuple(shape), generator=g, dtype=torch.float32)


def rand(g, *shape):
    return torch.rand(tuple(shape), generator=g, dtype=torch.float32)


def args_json(args):
    return json.dumps(args, sort_keys=True, separators=(",", ":"))


WRITTEN = []


def save(name, tensors, op, args, extra_metadata=None):
    metadata = {"op": op, "args": args_json(args), "latent.fixture_version": FORMAT_VERSION,
                "torch_version": torch.__version__, "seed": str(zlib.crc32(name.encode("utf-8")))}
    metadata.update(extra_metadata or {})
    path = os.path.join(HERE, name + ".safetensors")
    write_safetensors(path, tensors, metadata)
    WRITTEN.append(path)


def op_case(name, op, args, inputs, fn, params=None, buffers=None, grad_inputs=None, loss=False,
            extra_metadata=None):
    """Runs `fn(inputs, params, buffers)` forward and backward and saves the file.

    inputs: list of tensors (input.0, input.1, ...); params: name -> tensor (param.<name>, these
    get gradients); buffers: name -> tensor saved as param.<name> before and param.after.<name>
    after the call (they are updated in place, e.g. batch norm running statistics);
    grad_inputs: which inputs receive gradients (default: all floating inputs);
    loss: scalar loss, backpropagated with grad_output = 1.
    """
    g = generator_for(name + "/grad_output")
    params = params or {}
    buffers = buffers or {}
    if grad_inputs is None:
        grad_inputs = [i for i, t in enumerate(inputs) if t.is_floating_point()]
    tensors = {}
    leaves = []
    for i, t in enumerate(inputs):
        tensors[f"input.{i}"] = t.clone()
        leaf = t.clone().requires_grad_(i in grad_inputs)
        leaves.append(leaf)
    param_leaves = {}
    for pname, t in params.items():
        tensors[f"param.{pname}"] = t.clone()
        param_leaves[pname] = t.clone().requires_grad_(True)
    buffer_copies = {}
    for bname, t in buffers.items():
        tensors[f"param.{bname}"] = t.clone()
        buffer_copies[bname] = t.clone()

    result = fn(leaves, param_leaves, buffer_copies)
    if isinstance(result, tuple):
        for k, t in enumerate(result):
            tensors[f"output.{k}"] = t.detach().clone()
        differentiable = result[0]
    else:
        tensors["output"] = result.detach().clone()
        differentiable = result
    if loss:
        assert differentiable.dim() == 0, name
        grad_output = torch.ones((), dtype=torch.float32)
    else:
        grad_output = randn(g, *differentiable.shape)
    tensors["grad_output"] = grad_output
    differentiable.backward(grad_output)
    for i in grad_inputs:
        tensors[f"grad.input.{i}"] = leaves[i].grad.clone()
    for pname, leaf in param_leaves.items():
        tensors[f"grad.param.{pname}"] = leaf.grad.clone()
    for bname, t in buffer_copies.items():
        tensors[f"param.after.{bname}"] = t.clone()
    save(name, tensors, op, args, extra_metadata)


# ---------------------------------------------------------------------------------------------
# operations


def conv_cases():
    def conv(name, x_shape, w_shape, bias, args):
        g = generator_for(name)
        x, w = randn(g, *x_shape), randn(g, *w_shape) * 0.3
        params = {"weight": w}
        if bias:
            params["bias"] = randn(g, w_shape[0]) * 0.1

        def fn(i, p, _):
            return F.conv2d(i[0], p["weight"], p.get("bias"), stride=args["stride"], padding=args["padding"],
                            dilation=args["dilation"], groups=args["groups"])
        op_case(name, "conv2d", dict(args, bias=bias), [x], fn, params)

    conv("conv2d_s1_p1", (2, 3, 7, 9), (4, 3, 3, 3), True, dict(stride=1, padding=1, dilation=1, groups=1))
    conv("conv2d_s2_p1", (2, 3, 7, 9), (4, 3, 3, 3), True, dict(stride=2, padding=1, dilation=1, groups=1))
    conv("conv2d_same_d2", (2, 3, 7, 9), (4, 3, 3, 3), True, dict(stride=1, padding="same", dilation=2, groups=1))
    conv("conv2d_nobias", (2, 3, 7, 9), (5, 3, 3, 3), False, dict(stride=1, padding=0, dilation=1, groups=1))
    conv("conv2d_groups2_s2", (2, 4, 7, 9), (6, 2, 3, 3), True, dict(stride=2, padding=1, dilation=1, groups=2))

    def deconv(name, x_shape, w_shape, args):
        g = generator_for(name)
        x, w, b = randn(g, *x_shape), randn(g, *w_shape) * 0.3, randn(g, w_shape[1]) * 0.1

        def fn(i, p, _):
            return F.conv_transpose2d(i[0], p["weight"], p["bias"], stride=args["stride"], padding=args["padding"],
                                      output_padding=args["output_padding"], groups=args["groups"],
                                      dilation=args["dilation"])
        op_case(name, "conv_transpose2d", dict(args, bias=True), [x], fn, {"weight": w, "bias": b})

    deconv("conv_transpose2d_k3_s2_p1_op1", (2, 4, 5, 7), (4, 3, 3, 3),
           dict(stride=2, padding=1, output_padding=1, dilation=1, groups=1))
    deconv("conv_transpose2d_k4_s2_p1", (2, 4, 5, 7), (4, 3, 4, 4),
           dict(stride=2, padding=1, output_padding=0, dilation=1, groups=1))


def pooling_cases():
    for name, k, s, p in [("max_pool2d_k2_s2", 2, 2, 0), ("max_pool2d_k3_s2_p1", 3, 2, 1)]:
        g = generator_for(name)
        x = randn(g, 2, 3, 7, 9)
        op_case(name, "max_pool2d", dict(kernel_size=k, stride=s, padding=p, dilation=1, ceil_mode=False,
                                         return_indices=True),
                [x], lambda i, _p, _b, k=k, s=s, p=p: F.max_pool2d(i[0], k, s, p, return_indices=True),
                extra_metadata={"indices": "output.1 is I64: flat index h*W+w into each (n, c) input plane"})

    name = "max_unpool2d_k2_s2"
    g = generator_for(name)
    values, indices = F.max_pool2d(randn(g, 2, 3, 7, 9), 2, 2, return_indices=True)
    op_case(name, "max_unpool2d", dict(kernel_size=2, stride=2, padding=0, output_size=[7, 9]),
            [values, indices], lambda i, _p, _b: F.max_unpool2d(i[0], i[1], 2, 2, output_size=(7, 9)),
            grad_inputs=[0],
            extra_metadata={"indices": "input.1 is I64: flat index h*W+w into each (n, c) output plane"})

    for name, k, s, p in [("avg_pool2d_k2_s2", 2, 2, 0), ("avg_pool2d_k3_s2_p1", 3, 2, 1)]:
        g = generator_for(name)
        x = randn(g, 2, 3, 7, 9)
        op_case(name, "avg_pool2d", dict(kernel_size=k, stride=s, padding=p, ceil_mode=False,
                                         count_include_pad=True, divisor_override=None),
                [x], lambda i, _p, _b, k=k, s=s, p=p: F.avg_pool2d(i[0], k, s, p))


def resampling_cases():
    g = generator_for("interpolate_nearest_x2")
    op_case("interpolate_nearest_x2", "interpolate", dict(scale_factor=2, mode="nearest"),
            [randn(g, 2, 3, 5, 7)], lambda i, _p, _b: F.interpolate(i[0], scale_factor=2, mode="nearest"))
    g = generator_for("interpolate_bilinear_x2")
    op_case("interpolate_bilinear_x2", "interpolate", dict(scale_factor=2, mode="bilinear", align_corners=False),
            [randn(g, 2, 3, 5, 7)],
            lambda i, _p, _b: F.interpolate(i[0], scale_factor=2, mode="bilinear", align_corners=False))
    g = generator_for("pixel_shuffle_2")
    op_case("pixel_shuffle_2", "pixel_shuffle", dict(upscale_factor=2),
            [randn(g, 2, 12, 3, 5)], lambda i, _p, _b: F.pixel_shuffle(i[0], 2))


def linear_and_norm_cases():
    g = generator_for("linear")
    op_case("linear", "linear", dict(bias=True), [randn(g, 3, 5)],
            lambda i, p, _b: F.linear(i[0], p["weight"], p["bias"]),
            params={"weight": randn(g, 4, 5) * 0.4, "bias": randn(g, 4) * 0.1})

    for training in (True, False):
        name = "batch_norm2d_train" if training else "batch_norm2d_eval"
        g = generator_for(name)
        x = randn(g, 2, 3, 7, 9) * 2 + 0.5
        params = {"weight": 1 + 0.2 * randn(g, 3), "bias": 0.1 * randn(g, 3)}
        buffers = {"running_mean": 0.1 * randn(g, 3), "running_var": 1 + 0.5 * rand(g, 3)}
        args = dict(training=training, momentum=0.1, eps=1e-5)
        op_case(name, "batch_norm", args, [x],
                lambda i, p, b: F.batch_norm(i[0], b["running_mean"], b["running_var"], p["weight"], p["bias"],
                                             training=training, momentum=0.1, eps=1e-5),
                params=params, buffers=buffers,
                extra_metadata={"running_stats": "param.after.running_mean/var: running = (1 - momentum) * running "
                                                 "+ momentum * batch statistic; the variance uses the unbiased "
                                                 "(n - 1) estimator, normalisation uses the biased one"})


def elementwise_cases():
    x_shape = (2, 3, 7, 9)
    unary = [
        ("relu", "relu", {}, lambda t: F.relu(t)),
        ("leaky_relu_0.2", "leaky_relu", dict(negative_slope=0.2), lambda t: F.leaky_relu(t, 0.2)),
        ("sigmoid", "sigmoid", {}, torch.sigmoid),
        ("tanh", "tanh", {}, torch.tanh),
        ("exp", "exp", {}, torch.exp),
        ("softplus", "softplus", dict(beta=1, threshold=20), F.softplus),
    ]
    for name, op, args, f in unary:
        g = generator_for(name)
        op_case(name, op, args, [randn(g, *x_shape)], lambda i, _p, _b, f=f: f(i[0]))
    g = generator_for("log")
    op_case("log", "log", {"input_range": "uniform [0.1, 2.1)"}, [rand(g, *x_shape) * 2 + 0.1],
            lambda i, _p, _b: torch.log(i[0]))

    g = generator_for("add")
    op_case("add", "add", {}, [randn(g, *x_shape), randn(g, *x_shape)], lambda i, _p, _b: i[0] + i[1])
    g = generator_for("add_broadcast")
    op_case("add_broadcast", "add", {"broadcast": "input.1 [1, 3, 1, 1] broadcast over input.0"},
            [randn(g, *x_shape), randn(g, 1, 3, 1, 1)], lambda i, _p, _b: i[0] + i[1])
    g = generator_for("mul")
    op_case("mul", "mul", {}, [randn(g, *x_shape), randn(g, *x_shape)], lambda i, _p, _b: i[0] * i[1])
    g = generator_for("softmax_dim1_t0.38")
    op_case("softmax_dim1_t0.38", "softmax", dict(dim=1, temperature=0.38, formula="softmax(x / temperature, dim=1)"),
            [randn(g, 2, 6, 3, 4) * 2], lambda i, _p, _b: F.softmax(i[0] / 0.38, dim=1))


def codec_layer_cases():
    # GDN / IGDN (Balle et al. 2016) with effective beta [C] and gamma [C, C], as Latent's GDN:
    # y = x / sqrt(beta + conv1x1(x^2, gamma)), inverse y = x * sqrt(...).
    for name, inverse in (("gdn", False), ("igdn", True)):
        g = generator_for(name)
        channels = 4
        params = {"beta": 0.5 + rand(g, channels), "gamma": 0.2 * rand(g, channels, channels)}

        def gdn(i, p, _b, inverse=inverse):
            norm = torch.sqrt(F.conv2d(i[0] * i[0], p["gamma"].reshape(channels, channels, 1, 1), p["beta"]))
            return i[0] * norm if inverse else i[0] / norm
        op_case(name, name, dict(channels=channels, inverse=inverse), [randn(g, 2, channels, 5, 6)], gdn, params=params,
                extra_metadata={"formula": "x / sqrt(conv2d(x*x, gamma[:, :, None, None], beta))" + (" inverted" if inverse else "")})

    # The factorized density of Balle et al. 2018 (CompressAI's EntropyBottleneck._likelihood):
    # per-channel monotone network with softplus matrices and tanh gates, likelihood
    # |sigmoid(s*upper) - sigmoid(s*lower)| with s = -sign(lower + upper). Weights perturbed from
    # CompressAI's initialisation so that every parameter matters.
    name = "factorized_likelihood"
    g = generator_for(name)
    channels, filters = 3, (1, 3, 3, 1)
    params = {}
    for k in range(len(filters) - 1):
        init = math.log(math.expm1(1 / 3.0 ** (1 / 3) / filters[k + 1]))
        params[f"layers.{k}.matrix"] = init + 0.3 * randn(g, channels, filters[k + 1], filters[k])
        params[f"layers.{k}.bias"] = rand(g, channels, filters[k + 1], 1) - 0.5
        if k < len(filters) - 2:
            params[f"layers.{k}.factor"] = 0.5 * randn(g, channels, filters[k + 1], 1)

    def logits(x, p):
        for k in range(len(filters) - 1):
            x = torch.matmul(F.softplus(p[f"layers.{k}.matrix"]), x) + p[f"layers.{k}.bias"]
            if k < len(filters) - 2:
                x = x + torch.tanh(p[f"layers.{k}.factor"]) * torch.tanh(x)
        return x

    def likelihood(i, p, _b):
        y = i[0]  # [N, C, H, W] -> [C, 1, N*H*W] as CompressAI arranges it
        n, c, h, w = y.shape
        values = y.permute(1, 0, 2, 3).reshape(c, 1, -1)
        lower, upper = logits(values - 0.5, p), logits(values + 0.5, p)
        sign = -torch.sign(lower + upper).detach()
        result = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))
        return result.reshape(c, n, h, w).permute(1, 0, 2, 3).contiguous()
    op_case(name, "factorized_likelihood", dict(channels=channels, filters=[3, 3]),
            [1.5 * randn(g, 2, channels, 3, 4)], likelihood, params=params,
            extra_metadata={"formula": "CompressAI EntropyBottleneck._likelihood with init_scale 3, filters (3, 3); "
                                       "no lower bound (all values are far above 1e-9)"})


def shape_cases():
    g = generator_for("cat_dim1")
    op_case("cat_dim1", "cat", dict(dim=1), [randn(g, 2, 3, 4, 5), randn(g, 2, 2, 4, 5)],
            lambda i, _p, _b: torch.cat([i[0], i[1]], dim=1))
    g = generator_for("reshape")
    op_case("reshape", "reshape", dict(shape=[6, 20]), [randn(g, 2, 3, 4, 5)],
            lambda i, _p, _b: i[0].reshape(6, 20))
    g = generator_for("flatten")
    op_case("flatten", "flatten", dict(start_dim=1, end_dim=-1), [randn(g, 2, 3, 4, 5)],
            lambda i, _p, _b: torch.flatten(i[0], 1))
    g = generator_for("slice")
    op_case("slice", "slice", {"expression": "x[:, 1:3, 2:5, ::1]",
                               "ranges": [[0, 2, 1], [1, 3, 1], [2, 5, 1], [0, 9, 1]]},
            [randn(g, 2, 4, 7, 9)], lambda i, _p, _b: i[0][:, 1:3, 2:5, ::1])


def reduction_cases():
    x_shape = (2, 3, 7, 9)
    cases = [
        ("sum", "sum", dict(dim=None), lambda t: t.sum()),
        ("sum_dim1_keepdim", "sum", dict(dim=[1], keepdim=True), lambda t: t.sum(dim=1, keepdim=True)),
        ("mean", "mean", dict(dim=None), lambda t: t.mean()),
        ("mean_dim23", "mean", dict(dim=[2, 3], keepdim=False), lambda t: t.mean(dim=(2, 3))),
    ]
    for name, op, args, f in cases:
        g = generator_for(name)
        op_case(name, op, args, [randn(g, *x_shape)], lambda i, _p, _b, f=f: f(i[0]))


# ---------------------------------------------------------------------------------------------
# losses (scalar, grad_output = 1; targets, where marked, get no gradient)


def loss_cases():
    g = generator_for("mse_loss")
    op_case("mse_loss", "mse_loss", dict(reduction="mean"), [randn(g, 2, 3, 5, 7), randn(g, 2, 3, 5, 7)],
            lambda i, _p, _b: F.mse_loss(i[0], i[1]), grad_inputs=[0, 1], loss=True)
    g = generator_for("l1_loss")
    op_case("l1_loss", "l1_loss", dict(reduction="mean"), [randn(g, 2, 3, 5, 7), randn(g, 2, 3, 5, 7)],
            lambda i, _p, _b: F.l1_loss(i[0], i[1]), grad_inputs=[0, 1], loss=True)
    g = generator_for("charbonnier_loss")
    eps = 1e-3
    x, y = randn(g, 2, 3, 5, 7), randn(g, 2, 3, 5, 7)
    y[0, 0, 0, :3] = x[0, 0, 0, :3]  # exercise the region where eps dominates
    op_case("charbonnier_loss", "charbonnier_loss",
            dict(eps=eps, reduction="mean", formula="mean(sqrt((x - y)^2 + eps^2))"), [x, y],
            lambda i, _p, _b: torch.sqrt((i[0] - i[1]) ** 2 + eps * eps).mean(), grad_inputs=[0, 1], loss=True)

    g = generator_for("bce_with_logits")
    logits = randn(g, 4, 6) * 3
    target = (rand(g, 4, 6) > 0.5).float()
    logits[0, :4] = torch.tensor([30.0, -30.0, 30.0, -30.0])
    target[0, :4] = torch.tensor([1.0, 0.0, 0.0, 1.0])  # confident right, right, wrong, wrong
    op_case("bce_with_logits", "binary_cross_entropy_with_logits", dict(reduction="mean"), [logits, target],
            lambda i, _p, _b: F.binary_cross_entropy_with_logits(i[0], i[1]), grad_inputs=[0], loss=True,
            extra_metadata={"inputs": "input.0 logits (includes ±30), input.1 0/1 target (no gradient)"})

    g = generator_for("vae_gaussian_kl")
    mu, logvar = randn(g, 4, 6), randn(g, 4, 6) * 0.5
    op_case("vae_gaussian_kl", "gaussian_kl", dict(reduction="sum over latent dims, mean over batch"), [mu, logvar],
            lambda i, _p, _b: (0.5 * (i[0] ** 2 + torch.exp(i[1]) - 1 - i[1]).sum(dim=1)).mean(), loss=True,
            extra_metadata={"convention": "loss = mean_n 0.5 * sum_j (mu^2 + exp(logvar) - 1 - logvar); "
                                          "input.0 = mu [N, latent], input.1 = logvar = log sigma^2"})

    g = generator_for("sparse_kl_penalty")
    rho = 0.05
    pre = randn(g, 8, 6) - 2

    def sparse_kl(i, _p, _b):
        rho_hat = torch.sigmoid(i[0]).mean(dim=0)
        return (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()
    op_case("sparse_kl_penalty", "sparse_kl_penalty", dict(rho=rho), [pre], sparse_kl, loss=True,
            extra_metadata={"convention": "input.0 = pre-activations [N, hidden]; rho_hat_j = mean_n sigmoid(x_nj); "
                                          "loss = sum_j rho log(rho/rho_hat_j) + (1-rho) log((1-rho)/(1-rho_hat_j))"})

    g = generator_for("soft_cross_entropy_weighted")
    logits = randn(g, 2, 7, 3, 5) * 3
    logits[0, 0, 0, 0] = 40.0  # one confident logit: the loss must stay finite and exact
    targets = F.softmax(randn(g, 2, 7, 3, 5) * 2, dim=1)
    weights = rand(g, 2, 1, 3, 5) + 0.5
    op_case("soft_cross_entropy_weighted", "soft_cross_entropy",
            dict(reduction="mean over N, H, W", formula="mean(-(t * log_softmax(z, 1)).sum(1, keepdim=True) * w)"),
            [logits, targets, weights],
            lambda i, _p, _b: (-(i[1] * F.log_softmax(i[0], dim=1)).sum(1, keepdim=True) * i[2]).mean(),
            grad_inputs=[0], loss=True,
            extra_metadata={"inputs": "input.0 logits [N, K, H, W], input.1 soft targets (a distribution per "
                                      "position; no gradient), input.2 weights [N, 1, H, W] (no gradient)"})

    g = generator_for("gan_discriminator_loss")
    real, fake = randn(g, 6, 1) * 2 + 1, randn(g, 6, 1) * 2 - 1
    real[0, 0], fake[0, 0] = -30.0, 30.0
    op_case("gan_discriminator_loss", "gan_discriminator_loss", dict(real_target=1.0, fake_target=0.0),
            [real, fake],
            lambda i, _p, _b: 0.5 * (F.binary_cross_entropy_with_logits(i[0], torch.ones_like(i[0]))
                                     + F.binary_cross_entropy_with_logits(i[1], torch.zeros_like(i[1]))),
            loss=True,
            extra_metadata={"convention": "input.0 real logits, input.1 fake logits; loss = 0.5 * (mean BCE(real, 1) "
                                          "+ mean BCE(fake, 0))"})
    g = generator_for("gan_generator_loss")
    fake = randn(g, 6, 1) * 2 - 1
    fake[0, 0] = -30.0
    op_case("gan_generator_loss", "gan_generator_loss", dict(target=1.0, kind="non-saturating"), [fake],
            lambda i, _p, _b: F.binary_cross_entropy_with_logits(i[0], torch.ones_like(i[0])), loss=True,
            extra_metadata={"convention": "input.0 fake logits; loss = mean BCE-with-logits(fake, 1)"})


# ---------------------------------------------------------------------------------------------
# optimizers, clipping, schedules


def optimizer_cases():
    steps = 5
    cases = [
        ("optim_adam", "Adam", dict(lr=1e-2, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, amsgrad=False),
         lambda p: torch.optim.Adam([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8)),
        ("optim_adamw", "AdamW", dict(lr=1e-2, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.1, amsgrad=False),
         lambda p: torch.optim.AdamW([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)),
        ("optim_sgd_momentum", "SGD", dict(lr=1e-2, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False),
         lambda p: torch.optim.SGD([p], lr=1e-2, momentum=0.9)),
    ]
    for name, op, args, make in cases:
        g = generator_for(name)
        initial = randn(g, 3, 4)
        grads = [randn(g, 3, 4) for _ in range(steps)]
        p = nn.Parameter(initial.clone())
        optimizer = make(p)
        tensors = {"param.weight": initial}
        for k, grad in enumerate(grads):
            optimizer.zero_grad()
            p.grad = grad.clone()
            optimizer.step()
            tensors[f"grad.step.{k}"] = grad
            tensors[f"param.after.{k}"] = p.detach().clone()
        tensors["output"] = p.detach().clone()
        save(name, tensors, op, dict(args, steps=steps))

    name = "clip_grad_norm"
    g = generator_for(name)
    a, b = nn.Parameter(randn(g, 3, 4)), nn.Parameter(randn(g, 5))
    a.grad, b.grad = randn(g, 3, 4), randn(g, 5) * 2
    tensors = {"param.a": a.detach().clone(), "param.b": b.detach().clone(),
               "grad.before.a": a.grad.clone(), "grad.before.b": b.grad.clone()}
    total = torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0, norm_type=2.0)
    tensors["output"] = total.detach().clone().reshape(())
    tensors["grad.after.a"], tensors["grad.after.b"] = a.grad.clone(), b.grad.clone()
    save(name, tensors, "clip_grad_norm_", dict(max_norm=1.0, norm_type=2.0),
         {"convention": "output = total L2 norm over both gradients before clipping; grads are scaled by "
                        "max_norm / (total + 1e-6) when that factor is < 1"})

    schedules = [
        ("lr_schedule_cosine", "CosineAnnealingLR", dict(base_lr=0.1, T_max=10, eta_min=1e-4),
         lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-4)),
        ("lr_schedule_step", "StepLR", dict(base_lr=0.1, step_size=3, gamma=0.5),
         lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    ]
    for name, op, args, make in schedules:
        p = nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([p], lr=args["base_lr"])
        scheduler = make(optimizer)
        lrs = []
        for _ in range(10):
            lrs.append(optimizer.param_groups[0]["lr"])  # the lr this step uses
            optimizer.step()
            scheduler.step()
        save(name, {"output": torch.tensor(lrs, dtype=torch.float32)}, op, dict(args, steps=10),
             {"lrs": json.dumps(lrs)})


# ---------------------------------------------------------------------------------------------
# models


class EncDec(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.deconv1 = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.deconv2 = nn.ConvTranspose2d(8, 3, 4, stride=2, padding=1)

    def forward(self, x):
        skip = F.relu(self.conv1(x))
        h = F.relu(self.conv2(skip))
        h = F.relu(self.deconv1(h)) + skip
        return torch.sigmoid(self.deconv2(h))


class MLPBatchNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.bn1 = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(torch.tanh(self.bn1(self.fc1(x))))


def model_case(name, model, x, target, loss_fn, architecture, loss_name):
    model.train()
    tensors = {"input.0": x.clone(), "input.1": target.clone()}
    for key, value in model.state_dict().items():
        tensors[f"param.{key}"] = value.detach().clone()
    x = x.clone().requires_grad_(True)
    output = model(x)
    loss = loss_fn(output, target)
    loss.backward()
    tensors["output"] = output.detach().clone()
    tensors["loss"] = loss.detach().clone()
    tensors["grad.input.0"] = x.grad.clone()
    for key, parameter in model.named_parameters():
        tensors[f"grad.param.{key}"] = parameter.grad.clone()
    for key, buffer in model.named_buffers():
        tensors[f"param.after.{key}"] = buffer.detach().clone()
    save(name, tensors, "model", dict(architecture=architecture, loss=loss_name, training=True),
         {"architecture": architecture})


def model_cases():
    g = generator_for("model_encdec")
    torch.manual_seed(zlib.crc32(b"model_encdec"))
    model_case("model_encdec", EncDec(), rand(g, 2, 3, 16, 12), rand(g, 2, 3, 16, 12),
               F.mse_loss,
               "conv1=Conv2d(3,8,3,s2,p1) relu; conv2=Conv2d(8,16,3,s2,p1) relu; "
               "deconv1=ConvTranspose2d(16,8,4,s2,p1) relu, + relu(conv1) skip; "
               "deconv2=ConvTranspose2d(8,3,4,s2,p1) sigmoid", "mse_loss(output, input.1), mean")
    g = generator_for("model_mlp_bn")
    torch.manual_seed(zlib.crc32(b"model_mlp_bn"))
    model_case("model_mlp_bn", MLPBatchNorm(), randn(g, 8, 12), (rand(g, 8, 4) > 0.5).float(),
               F.binary_cross_entropy_with_logits,
               "fc1=Linear(12,16); bn1=BatchNorm1d(16) training, momentum 0.1, eps 1e-5; tanh; fc2=Linear(16,4)",
               "binary_cross_entropy_with_logits(output, input.1), mean")


# ---------------------------------------------------------------------------------------------
# self-checks: read the files back and recompute a few definitions by hand, so that a mistake in
# the writer or in a hand-written formula above fails here rather than in the Swift parity tests.


def read_safetensors(path):
    import numpy as np
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    assert n % 8 == 0, path
    header = json.loads(blob[8:8 + n])
    metadata = header.pop("__metadata__")
    data = blob[8 + n:]
    types = {"F32": np.float32, "I64": np.int64}
    tensors = {name: np.frombuffer(data[e["data_offsets"][0]:e["data_offsets"][1]],
                                   dtype=np.dtype(types[e["dtype"]]).newbyteorder("<")).reshape(e["shape"])
               for name, e in header.items()}
    return tensors, metadata


def self_check():
    import numpy as np

    def load(name):
        return read_safetensors(os.path.join(HERE, name + ".safetensors"))

    t, m = load("batch_norm2d_train")
    x = t["input.0"].astype(np.float64)
    n = x.shape[0] * x.shape[2] * x.shape[3]
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    assert np.allclose(t["param.after.running_mean"], 0.9 * t["param.running_mean"] + 0.1 * mean, rtol=1e-5)
    assert np.allclose(t["param.after.running_var"], 0.9 * t["param.running_var"] + 0.1 * var * n / (n - 1), rtol=1e-5)
    y = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    y = y * t["param.weight"][None, :, None, None] + t["param.bias"][None, :, None, None]
    assert np.allclose(t["output"], y, atol=1e-5)

    t, _ = load("vae_gaussian_kl")
    mu, logvar = t["input.0"].astype(np.float64), t["input.1"].astype(np.float64)
    assert np.isclose(t["output"], (0.5 * (mu ** 2 + np.exp(logvar) - 1 - logvar).sum(axis=1)).mean(), rtol=1e-5)

    t, _ = load("bce_with_logits")
    z, y = t["input.0"].astype(np.float64), t["input.1"].astype(np.float64)
    bce = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    assert np.isclose(t["output"], bce.mean(), rtol=1e-5)
    assert np.allclose(t["grad.input.0"], (1 / (1 + np.exp(-z)) - y) / z.size, atol=1e-7)

    t, _ = load("max_pool2d_k2_s2")
    x, values, indices = t["input.0"], t["output.0"], t["output.1"]
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    assert np.array_equal(np.take_along_axis(flat, indices.reshape(indices.shape[0], indices.shape[1], -1), 2),
                          values.reshape(values.shape[0], values.shape[1], -1))

    t, m = load("lr_schedule_cosine")
    expected = [1e-4 + (0.1 - 1e-4) * (1 + math.cos(math.pi * k / 10)) / 2 for k in range(10)]
    assert np.allclose(json.loads(m["lrs"]), expected, rtol=1e-9)
    t, m = load("lr_schedule_step")
    assert np.allclose(json.loads(m["lrs"]), [0.1 * 0.5 ** (k // 3) for k in range(10)], rtol=1e-12)

    t, _ = load("model_mlp_bn")
    assert t["param.after.bn1.num_batches_tracked"] == 1 and t["param.bn1.num_batches_tracked"] == 0

    for path in WRITTEN:
        tensors, metadata = read_safetensors(path)
        assert "op" in metadata and "args" in metadata and ("output" in tensors or "output.0" in tensors), path


def main():
    if not torch.__version__.startswith("1.13"):
        print(f"warning: fixtures were made with torch 1.13, this is {torch.__version__}", file=sys.stderr)
    for make in (conv_cases, pooling_cases, resampling_cases, linear_and_norm_cases, elementwise_cases,
                 codec_layer_cases, shape_cases, reduction_cases, loss_cases, optimizer_cases, model_cases):
        make()
    self_check()
    total = sum(os.path.getsize(p) for p in WRITTEN)
    print(f"wrote {len(WRITTEN)} files, {total} bytes, to {HERE}")
    assert total < 2_000_000, "fixtures must stay well under 2 MB"


if __name__ == "__main__":
    main()
