import LatentNN
import LatentTensor

/// A convolutional autoencoder on [0, 1] images: variational (Kingma & Welling 2014) when
/// `architecture.kind` is "vae", plain when it is "ae".
///
/// The VAE's encoder gives the mean μ and log-variance log σ² of q(z | x); training samples
/// z = μ + exp(½ log σ²)·ε with ε ~ N(0, I) (the reparameterisation, so that gradients
/// reach μ and σ), and the decoder gives Bernoulli logits of p(x | z). The plain
/// autoencoder has no `toLogVariance` head and uses z = μ.
public final class ConvAutoencoder: Module {
    public let architecture: AutoencoderArchitecture
    public let encoder: ConvEncoder
    public let toMean: Linear
    /// nil for the plain autoencoder.
    public let toLogVariance: Linear?
    public let decoder: ConvDecoder

    public init(_ architecture: AutoencoderArchitecture, seed: UInt64) {
        precondition(architecture.problem == nil, architecture.problem ?? "")
        self.architecture = architecture
        var rng = RandomSource(seed: seed)
        let a = architecture
        encoder = ConvEncoder(channels: a.channels, widths: a.widths, using: &rng)
        let features = a.widths.last! * a.bottomSize * a.bottomSize
        toMean = Linear(features, a.latentDim, using: &rng)
        toLogVariance = a.isVariational ? Linear(features, a.latentDim, using: &rng) : nil
        decoder = ConvDecoder(latentDim: a.latentDim, channels: a.channels, widths: a.widths, bottomSize: a.bottomSize, using: &rng)
    }

    /// The parameters of q(z | x). x: [N, C, S, S] in [0, 1] → mean [N, D], logVariance [N, D]
    /// (nil for the plain autoencoder).
    public func encode(_ x: Tensor) -> (mean: Tensor, logVariance: Tensor?) {
        let features = encoder(x)
        return (toMean(features), toLogVariance?(features))
    }

    /// Bernoulli logits of p(x | z). z: [N, D] → [N, C, S, S]
    public func decodeLogits(_ z: Tensor) -> Tensor { decoder(z) }

    /// Decoded images: sigmoid of the logits, the mean of the Bernoulli. z: [N, D] → [N, C, S, S] in (0, 1)
    public func decode(_ z: Tensor) -> Tensor { decoder(z).sigmoid() }

    /// One training pass. x: [N, C, S, S] → logits [N, C, S, S], mean and logVariance [N, D].
    /// The VAE samples z with `rng` (N·D draws); the plain autoencoder draws nothing.
    public func callAsFunction(_ x: Tensor, using rng: inout RandomSource)
        -> (logits: Tensor, mean: Tensor, logVariance: Tensor?) {
        let (mean, logVariance) = encode(x)
        guard let logVariance else { return (decodeLogits(mean), mean, nil) }
        let epsilon = Tensor.normal(mean.shape, using: &rng)
        let z = mean + (logVariance * 0.5).exp() * epsilon
        return (decodeLogits(z), mean, logVariance)
    }

    /// The training objective per image, averaged over the batch: the reconstruction term
    /// Σ_pixels BCE(logits, x) (the Bernoulli negative log-likelihood in nats), plus
    /// β·KL(q(z | x) ‖ N(0, I)) for the VAE. Returns the total and both terms.
    public func loss(_ x: Tensor, beta: Float, using rng: inout RandomSource)
        -> (total: Tensor, reconstruction: Tensor, kl: Tensor?) {
        let (logits, mean, logVariance) = self(x, using: &rng)
        let pixelsPerImage = Float(x.count / x.shape[0])
        let reconstruction = Loss.binaryCrossEntropy(logits: logits, targets: x) * pixelsPerImage
        guard let logVariance else { return (reconstruction, reconstruction, nil) }
        let kl = Loss.gaussianKL(mu: mean, logVariance: logVariance)
        return (reconstruction + kl * beta, reconstruction, kl)
    }
}
