"""One training step of each kind of Latent model, in PyTorch, doing the same work as Latent's.

Latent's side is `TrainingStep.forModel` (Sources/LatentTasks/Training/TrainingStep.swift): the
training loop's own step function for the model in a file, at the batch and size of its training
record. Each builder here mirrors one case of it, with the same network (rebuilt from the file by
latent_models.py), the same loss, the same optimizer settings and equal batch and size:

- denoise-unet: random crops of a photo, Gaussian noise on the 8-bit grid with sigma per crop
  drawn from the recorded range, the recorded pixel loss (Charbonnier/MSE/L1), Adam
  (DenoiseTraining.step);
- upscale-net: low- and high-resolution patches, the detail target high - bicubic(low) computed
  in the step, the network's detail, the recorded pixel loss, Adam (UpscaleTraining.step);
- colorize-unet: Lab patches, L normalised in, ab averaged over the output stride and
  soft-encoded over the 5 nearest bins (Gaussian, sigma 5), weighted softmax cross-entropy,
  Adam (ColorizeTraining.step with ABClassTargets);
- vae / ae: reparameterised code, Bernoulli reconstruction (summed per image) + beta * KL, Adam
  with the recorded beta1 (AutoencoderTrainer.step);
- compress-factorized: additive uniform noise on the latent, the factorized density's
  likelihoods, lambda * 255^2 * MSE + bits per pixel, gradients clipped to the recorded norm,
  Adam for the transforms and Adam at densityLearningRateFactor times the rate for the
  densities, then GDN's projection (CompressTraining.step);
- gan: a discriminator update on a real and a detached generated batch (smoothed real label),
  then a generator update through the frozen discriminator (non-saturating loss), two Adams
  (GANTrainer.step).

The data is random where Latent's step uses random data too (dense convolutions do not run
faster or slower on other values); each builder returns a `TorchTrainingStep` whose `run()` is
timed by the caller. The module passed in is copied, so the weights that were compared stay as
they were.
"""

import copy
import json
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

import latent_models


@dataclass
class TorchTrainingStep:
    batch: int
    size: int  # side of the square training inputs: patches (for upscalers: of the output), or whole images
    loss: str
    run: Callable[[], float]


def charbonnier(output, target, epsilon=1e-3):
    """Latent's Loss.charbonnier: mean(sqrt((x - y)^2 + eps^2))."""
    return torch.sqrt((output - target) ** 2 + epsilon * epsilon).mean()


PIXEL_LOSSES = {"charbonnier": charbonnier, "mse": F.mse_loss, "l1": F.l1_loss}


def pixel_loss(name):
    """As ReconstructionLoss.apply: "mse", "l1", anything else Charbonnier."""
    return ("charbonnier", charbonnier) if name not in PIXEL_LOSSES else (name, PIXEL_LOSSES[name])


def training_options(loaded):
    """The options the model was trained with (its training record's `options`), or {}."""
    record = loaded.training or {}
    try:
        options = json.loads(record.get("options", "{}"))
    except (TypeError, ValueError):
        return {}
    return options if isinstance(options, dict) else {}


# kind -> builder(module, options, pixels, batch, size, generator) -> TorchTrainingStep
TRAINING_STEPS = {}
training_step = latent_models.registrar(TRAINING_STEPS, "training step")


def build_training_step(loaded, pixels, batch=None, size=None, seed=0):
    """The PyTorch training step for `loaded` (a latent_models.LoadedModel) at `batch` and `size`
    (default: the model's training record, else Latent's defaults). `pixels`: uint8 [H, W, C],
    the photo the denoiser crops its patches from. Raises ValueError for kinds without a step
    or sizes the model cannot train at."""
    builder = TRAINING_STEPS.get(loaded.kind)
    if builder is None:
        raise ValueError(f"no PyTorch training step for {loaded.kind} models yet (add one to torch_training.py)")
    model = copy.deepcopy(loaded.module).train()
    generator = torch.Generator().manual_seed(seed)
    return builder(model, loaded.architecture, training_options(loaded), pixels, batch, size, generator)


def _adam(parameters, options, default_learning_rate=1e-3):
    return torch.optim.Adam(parameters, lr=options.get("learningRate", default_learning_rate),
                            betas=(options.get("adamBeta1", 0.9), 0.999), eps=1e-8)


@training_step("denoise-unet")
def denoise_step(model, architecture, options, pixels, batch, size, generator):
    batch, patch = batch or options.get("batch", 16), size or options.get("patch", 96)
    loss_name, objective = pixel_loss(options.get("loss", "charbonnier"))
    sigma_range = tuple(options.get("sigmaRange", (0, 55)))
    optimizer = _adam(model.parameters(), options)
    image = torch.from_numpy(pixels.astype(np.float32) / 255.0).permute(2, 0, 1).contiguous()
    if min(image.shape[1:]) < patch:
        image = torch.from_numpy(np.pad(image.numpy(), ((0, 0), (0, max(0, patch - image.shape[1])),
                                                        (0, max(0, patch - image.shape[2]))), mode="symmetric"))

    def run():
        tops = torch.randint(0, image.shape[1] - patch + 1, (batch,), generator=generator)
        lefts = torch.randint(0, image.shape[2] - patch + 1, (batch,), generator=generator)
        clean = torch.stack([image[:, t:t + patch, l:l + patch] for t, l in zip(tops.tolist(), lefts.tolist())])
        sigmas = torch.empty(batch, 1, 1, 1).uniform_(sigma_range[0], sigma_range[1], generator=generator)
        noisy = torch.clamp(torch.round(torch.round(clean * 255) + sigmas * torch.randn(clean.shape, generator=generator)),
                            0, 255) / 255
        optimizer.zero_grad(set_to_none=True)
        value = objective(model(noisy), clean)
        value.backward()
        optimizer.step()
        return value.item()

    return TorchTrainingStep(batch, patch, loss_name, run)


@training_step("upscale-net")
def upscale_step(model, architecture, options, pixels, batch, size, generator):
    batch, patch = batch or options.get("batch", 16), size or options.get("patch", 96)
    scale, channels = model.scale, model.channels
    if patch % scale:
        raise ValueError(f"the patch side {patch} must be a multiple of the scale {scale}")
    loss_name, objective = pixel_loss(options.get("loss", "charbonnier"))
    optimizer = _adam(model.parameters(), options)
    high = torch.rand(batch, channels, patch, patch, generator=generator)
    low = torch.rand(batch, channels, patch // scale, patch // scale, generator=generator)

    def run():
        target = high - latent_models.pillow_bicubic_resize(low, patch, patch)  # the detail to predict
        optimizer.zero_grad(set_to_none=True)
        value = objective(model.detail(low), target)
        value.backward()
        optimizer.step()
        return value.item()

    return TorchTrainingStep(batch, patch, loss_name, run)


def soft_encode(ab, bins, neighbours=5, sigma=5.0):
    """ABClassTargets.encode without rebalancing: ab [N, 2, h, w] -> soft targets [N, K, h, w]
    over the `neighbours` nearest bins (Gaussian weights of the squared distance) and pixel
    weights [N, 1, h, w] (all 1: TrainingStep builds its targets without a prior)."""
    n, _, h, w = ab.shape
    points = ab.permute(0, 2, 3, 1).reshape(-1, 2)
    distances = ((points[:, None, :] - bins[None, :, :]) ** 2).sum(-1)  # [P, K]
    nearest, index = torch.topk(distances, neighbours, dim=1, largest=False)  # sorted, nearest first
    weights = torch.exp(-(nearest - nearest[:, :1]) / (2 * sigma * sigma))
    targets = torch.zeros_like(distances).scatter_(1, index, weights / weights.sum(1, keepdim=True))
    return targets.reshape(n, h, w, -1).permute(0, 3, 1, 2).contiguous(), torch.ones(n, 1, h, w)


@training_step("colorize-unet")
def colorize_step(model, architecture, options, pixels, batch, size, generator):
    batch, patch = batch or options.get("batch", 16), size or options.get("patch", 128)
    if patch % model.total_stride:
        raise ValueError(f"the patch side {patch} must be a multiple of the stride {model.total_stride}")
    optimizer = _adam(model.parameters(), options)
    bins = model.bins
    # Lab patches as TrainingStep makes them: L in [0, 100], a and b in [-60, 60].
    values = torch.rand(batch, 3, patch, patch, generator=generator)
    lab = torch.cat([values[:, :1] * 100, values[:, 1:] * 120 - 60], 1)
    stride = model.output_stride

    def run():
        lightness = (lab[:, :1] - 50) / 50
        targets, pixel_weights = soft_encode(F.avg_pool2d(lab[:, 1:], stride), bins)
        optimizer.zero_grad(set_to_none=True)
        logits = model(lightness)
        value = (-(targets * F.log_softmax(logits, 1)).sum(1, keepdim=True) * pixel_weights).mean()
        value.backward()
        optimizer.step()
        return value.item()

    return TorchTrainingStep(batch, patch, "soft cross-entropy", run)


def _whole_images(kind, architecture, options, size):
    image_size = architecture["imageSize"]
    if size is not None and size != image_size:
        raise ValueError(f"a {kind} model trains on whole {image_size}x{image_size} images, not {size}x{size}")
    return image_size


@training_step("vae", "ae")
def autoencoder_step(model, architecture, options, pixels, batch, size, generator):
    batch, image_size = batch or options.get("batch", 64), _whole_images(architecture["kind"], architecture, options, size)
    beta = options.get("beta", 1.0)
    optimizer = _adam(model.parameters(), options)
    images = torch.rand(batch, architecture["channels"], image_size, image_size, generator=generator)
    pixels_per_image = images[0].numel()

    def run():
        optimizer.zero_grad(set_to_none=True)
        mean, log_variance = model.encode(images)
        z = mean if log_variance is None else mean + torch.exp(0.5 * log_variance) * torch.randn(mean.shape, generator=generator)
        reconstruction = F.binary_cross_entropy_with_logits(model.decoder(z), images) * pixels_per_image
        value = reconstruction
        if log_variance is not None:
            kl = 0.5 * (mean ** 2 + log_variance.exp() - log_variance - 1).sum() / batch
            value = reconstruction + beta * kl
        value.backward()
        optimizer.step()
        return value.item()

    loss = "Bernoulli NLL + beta*KL" if architecture["kind"] == "vae" else "Bernoulli NLL"
    return TorchTrainingStep(batch, image_size, loss, run)


@training_step("gan")
def gan_step(model, architecture, options, pixels, batch, size, generator):
    batch, image_size = batch or options.get("batch", 64), _whole_images("gan", architecture, options, size)
    g, d = model.generator, model.discriminator
    g_optimizer = _adam(g.parameters(), options, default_learning_rate=2e-4)
    d_optimizer = _adam(d.parameters(), options, default_learning_rate=2e-4)
    real_label = options.get("realLabel", 0.9)
    images = torch.rand(batch, architecture["channels"], image_size, image_size, generator=generator)
    latent = architecture["latentDim"]

    def run():
        real = images * 2 - 1
        fake = g(torch.randn(batch, latent, generator=generator))
        d_optimizer.zero_grad(set_to_none=True)
        real_logits, fake_logits = d(real), d(fake.detach())
        d_loss = 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
                        + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        d_loss.backward()
        d_optimizer.step()
        # The generator's update goes through the updated discriminator, frozen so that its
        # backward computes only the input gradient (as Latent's step does).
        g_optimizer.zero_grad(set_to_none=True)
        for p in d.parameters():
            p.requires_grad_(False)
        logits = d(fake)
        g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
        g_loss.backward()
        for p in d.parameters():
            p.requires_grad_(True)
        g_optimizer.step()
        return g_loss.item()

    return TorchTrainingStep(batch, image_size, "BCE: D on real+fake, then G non-saturating", run)


@training_step("compress-factorized")
def compress_step(model, architecture, options, pixels, batch, size, generator):
    batch, patch = batch or options.get("batch", 8), size or options.get("patch", 128)
    if patch % model.total_stride:
        raise ValueError(f"the patch side {patch} must be a multiple of the stride {model.total_stride}")
    lam, clip = options.get("lambda", 0.013), options.get("clipNorm", 1.0)
    learning_rate = options.get("learningRate", 1e-4)
    named = list(model.named_parameters())
    optimizer = torch.optim.Adam([
        {"params": [p for n, p in named if not n.startswith("density.")], "lr": learning_rate},
        {"params": [p for n, p in named if n.startswith("density.")],
         "lr": learning_rate * options.get("densityLearningRateFactor", 10.0)}], betas=(0.9, 0.999), eps=1e-8)
    gdns = [m for m in model.modules() if isinstance(m, latent_models.GDN)]
    images = torch.rand(batch, 3, patch, patch, generator=generator)
    pixels_per_batch = batch * patch * patch

    def run():
        optimizer.zero_grad(set_to_none=True)
        y = model.analysis(images)
        noisy = y + torch.rand(y.shape, generator=generator) - 0.5
        reconstruction, likelihoods = model.synthesis(noisy), model.density.likelihood(noisy)
        bpp = -torch.log(likelihoods).sum() / (np.log(2) * pixels_per_batch)
        value = lam * 255 * 255 * F.mse_loss(reconstruction, images) + bpp
        value.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        with torch.no_grad():  # GDN's constraints, as FactorizedPriorCodec.project
            for gdn in gdns:
                gdn.beta.clamp_(min=1e-6)
                gdn.gamma.clamp_(min=0)
        return value.item()

    return TorchTrainingStep(batch, patch, "lambda*255^2*MSE + bpp (uniform noise)", run)
