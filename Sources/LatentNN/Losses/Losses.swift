import LatentTensor

// Training objectives. Each returns a scalar tensor (shape []) averaged as PyTorch's
// `reduction='mean'` unless stated.

public enum Loss {
    /// mean((x − y)²)
    public static func mse(_ x: Tensor, _ y: Tensor) -> Tensor {
        (x - y).squared().mean()
    }

    /// mean(|x − y|)
    public static func l1(_ x: Tensor, _ y: Tensor) -> Tensor {
        (x - y).abs().mean()
    }

    /// mean(√((x − y)² + ε²)): L1 that is smooth at zero (Charbonnier).
    public static func charbonnier(_ x: Tensor, _ y: Tensor, epsilon: Float = 1e-3) -> Tensor {
        ((x - y).squared() + epsilon * epsilon).sqrt().mean()
    }

    /// Binary cross-entropy on logits, numerically stable for any magnitude:
    /// mean(max(z, 0) − z·t + log(1 + e^{−|z|})).
    public static func binaryCrossEntropy(logits z: Tensor, targets t: Tensor) -> Tensor {
        (z.relu() - z * t + ((-z.abs()).exp() + 1).log()).mean()
    }

    /// Binary cross-entropy on logits against a constant target (1 real, 0 fake, or a smoothed label).
    public static func binaryCrossEntropy(logits z: Tensor, target: Float) -> Tensor {
        binaryCrossEntropy(logits: z, targets: Tensor.full(z.shape, target))
    }

    /// Cross-entropy against soft targets with per-position weights, averaged over positions:
    /// mean over (n, h, w) of w · Σ_k −t_k · log softmax(z)_k, the softmax over channels.
    /// Per-pixel classification (e.g. colour bins with class rebalancing) trains with it.
    /// logits, targets: [N, K, H, W]; weights: [N, 1, H, W] or nil. Only the logits get a gradient.
    public static func softCrossEntropy(logits: Tensor, targets: Tensor, weights: Tensor? = nil) -> Tensor {
        softmaxCrossEntropy(logits: logits, targets: targets, weights: weights)
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²), summed over the latent
    /// dimensions and averaged over the batch. mu, logVariance: [N, D]
    public static func gaussianKL(mu: Tensor, logVariance: Tensor) -> Tensor {
        let batch = Float(mu.shape[0])
        return (mu.squared() + logVariance.exp() - logVariance - 1).sum() * (0.5 / batch)
    }

    /// The discriminator's loss: BCE of real logits against `realLabel` (1, or e.g. 0.9 with
    /// one-sided label smoothing) plus BCE of fake logits against 0, halved.
    public static func discriminator(realLogits: Tensor, fakeLogits: Tensor, realLabel: Float = 1) -> Tensor {
        (binaryCrossEntropy(logits: realLogits, target: realLabel) + binaryCrossEntropy(logits: fakeLogits, target: 0)) * 0.5
    }

    /// The non-saturating generator loss: −log D(G(z)) = BCE of fake logits against 1.
    public static func generatorNonSaturating(fakeLogits: Tensor) -> Tensor {
        binaryCrossEntropy(logits: fakeLogits, target: 1)
    }

    /// The sparse-autoencoder penalty Σ_j KL(ρ ‖ ρ̂_j) = Σ_j ρ·log(ρ/ρ̂_j) + (1 − ρ)·log((1 − ρ)/(1 − ρ̂_j)),
    /// where ρ = `target` is the wanted mean activation and ρ̂_j the batch mean of unit j's
    /// activation (which must lie in (0, 1), e.g. after a sigmoid). Summed over units, not averaged.
    /// activations: [N, F] (unit = feature, mean over N) or [N, C, H, W] (unit = channel,
    /// mean over N, H, W).
    public static func sparsityKL(activations: Tensor, target rho: Float) -> Tensor {
        precondition(rho > 0 && rho < 1, "sparsityKL: target \(rho) outside (0, 1)")
        let axes: [Int]
        switch activations.rank {
        case 2: axes = [0]
        case 4: axes = [0, 2, 3]
        default: preconditionFailure("sparsityKL wants [N, F] or [N, C, H, W], got \(activations.shape)")
        }
        // A unit that never (or always) fires would make a log infinite; the clamp keeps the
        // penalty finite and, as the clamp passes no gradient there, leaves such units alone.
        let epsilon: Float = 1e-6
        let rhoHat = activations.mean(axes: axes).clamped(epsilon, 1 - epsilon)
        // ρ·log(ρ/ρ̂) written as −ρ·log(ρ̂/ρ): one log per term, no cancellation between large terms.
        let active = (rhoHat * (1 / rho)).log() * -rho
        let inactive = ((1 - rhoHat) * (1 / (1 - rho))).log() * -(1 - rho)
        return (active + inactive).sum()
    }
}
