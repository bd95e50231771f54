import LatentNN
import LatentTensor

/// The learned codec: analysis transform, per-channel factorized density of the latent, and
/// synthesis transform. Tensor names: `analysis.convs.0.weight`, `analysis.gdns.0.beta`,
/// `density.layers.0.matrix`, `synthesis.deconvs.0.weight`, … (docs/model-format.md).
///
/// This is the trainable network; turning latents into bytes (integer CDF tables, range coding)
/// is LatentTasks' `LatentCodec`.
public final class FactorizedPriorCodec: Module {
    public let architecture: CompressionArchitecture
    public let analysis: AnalysisTransform
    public let synthesis: SynthesisTransform
    public let density: FactorizedDensity

    public init(_ architecture: CompressionArchitecture, seed: UInt64) {
        precondition(architecture.problem == nil, "compress-factorized: \(architecture.problem!)")
        self.architecture = architecture
        var rng = RandomSource(seed: seed)
        analysis = AnalysisTransform(architecture, using: &rng)
        synthesis = SynthesisTransform(architecture, using: &rng)
        density = FactorizedDensity(channels: architecture.latentChannels, filters: architecture.densityFilters, using: &rng)
    }

    /// The training-time pass (Ballé et al. 2017): uniform noise U(−½, ½) stands in for rounding,
    /// so the rate is differentiable.
    /// x: [N, C, H, W] (sides multiples of `totalStride`) → x̂ like x, and the likelihood of each
    /// noisy latent element ([N, M, H/s, W/s]), whose −log₂ sum is the rate in bits.
    public func forwardWithNoise(_ x: Tensor, using rng: inout RandomSource) -> (reconstruction: Tensor, likelihoods: Tensor) {
        let y = analysis(x).plain()
        let noisy = y + Tensor.uniform(y.shape, low: -0.5, high: 0.5, using: &rng)
        return (synthesis(noisy), density.likelihood(noisy))
    }

    /// GDN's constraints, after each optimizer step.
    public func project() {
        for gdn in analysis.gdns + synthesis.gdns { gdn.project() }
    }
}
