import Foundation
import LatentModels
import LatentTensor

/// The test-set negative ELBO of a VAE, single-sample (no importance weighting), per image.
///
/// −ELBO(x) = −log p(x | z) + KL(q(z | x) ‖ N(0, I)) with one z = μ + σ·ε per image, ε from a
/// generator seeded with `seed`, so the number is reproducible. Two likelihoods on the [0, 1]
/// pixel values x are reported, both from the decoder's logits l:
/// - **Bernoulli** (the training objective): −log p = Σ BCE(l, x). For gray levels strictly
///   between 0 and 1 this is a cross-entropy, not a normalised density, so it compares only
///   with other Bernoulli-decoder numbers.
/// - **continuous Bernoulli** (Loaiza-Ganem & Cunningham 2019), the normalised density on
///   [0, 1] with the same parameter: −log p = Σ BCE(l, x) − log C(l), C(l) = l / tanh(l/2)
///   (C = 2 at l = 0). A proper density, so its bits per dimension can be compared across
///   models on the same data (it may be negative: densities on [0, 1] exceed 1).
/// Bits per dimension = nats / (C·S·S · ln 2).
public struct VAEEvaluation {
    public var images = 0
    /// Means over images, in nats per image.
    public var reconstruction = 0.0
    public var kl = 0.0
    public var continuousBernoulliCorrection = 0.0
    public var dimensions = 0

    public var negativeELBO: Double { reconstruction + kl }
    public var continuousBernoulliNegativeELBO: Double { reconstruction - continuousBernoulliCorrection + kl }
    public var bitsPerDimension: Double { negativeELBO / (Double(dimensions) * Foundation.log(2)) }
    public var continuousBernoulliBitsPerDimension: Double { continuousBernoulliNegativeELBO / (Double(dimensions) * Foundation.log(2)) }

    /// log C(l) of the continuous Bernoulli, stable for any logit.
    static func logNormalizer(logit l: Double) -> Double {
        let a = abs(l)
        return a < 1e-4 ? Foundation.log(2) + a * a / 12 : Foundation.log(a / Foundation.tanh(a / 2))
    }

    public static func run(_ model: ConvAutoencoder, images: GenerativeImages, seed: UInt64 = 0, batch: Int = 64) throws -> VAEEvaluation {
        guard model.architecture.isVariational else {
            throw TaskError.invalidOption("the ELBO needs a VAE; this is a plain autoencoder (kind \(model.architecture.kind))")
        }
        model.eval()
        var rng = RandomSource(seed: seed)
        var result = VAEEvaluation()
        result.dimensions = images.valuesPerImage
        var (recon, kl, correction) = (0.0, 0.0, 0.0)
        for start in stride(from: 0, to: images.count, by: batch) {
            let x = images.batch(Array(start..<min(start + batch, images.count)))
            let (logits, mean, logVariance) = Autograd.withoutGrad { model(x, using: &rng) }
            let (l, t) = (logits.toArray(), x.toArray())
            for k in 0..<l.count {
                let (z, target) = (Double(l[k]), Double(t[k]))
                recon += max(z, 0) - z * target + Foundation.log1p(Foundation.exp(-abs(z)))
                correction += logNormalizer(logit: z)
            }
            let (m, v) = (mean.toArray(), logVariance!.toArray())
            for k in 0..<m.count {
                kl += 0.5 * (Double(m[k]) * Double(m[k]) + Foundation.exp(Double(v[k])) - 1 - Double(v[k]))
            }
        }
        result.images = images.count
        let n = Double(max(images.count, 1))
        result.reconstruction = recon / n
        result.kl = kl / n
        result.continuousBernoulliCorrection = correction / n
        return result
    }
}
