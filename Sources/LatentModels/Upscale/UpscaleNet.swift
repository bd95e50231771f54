import LatentNN
import LatentTensor

/// The upscaling autoencoder's network (see `UpscalerArchitecture`): low-resolution features,
/// a compact code, and learned upsampling by pixel shuffle. It returns the detail to add to the
/// bicubic upsample of its input; the bicubic itself (Pillow's, a = −0.5) is added by the caller
/// (`Upscaler` in LatentTasks, which owns image resampling), so the full model is
/// `bicubic(x) + network(x)`.
public final class UpscaleNet: Module {
    public let architecture: UpscalerArchitecture
    public let head: Conv2d
    public let shrink: Conv2d
    public let mapping: ConvStage
    public let expand: Conv2d
    public let upsample: Conv2d

    public init(_ architecture: UpscalerArchitecture, seed: UInt64) {
        precondition(architecture.problem == nil, "upscale-net: \(architecture.problem!)")
        self.architecture = architecture
        var rng = RandomSource(seed: seed)
        let a = architecture
        head = Conv2d(a.channels, a.features, kernelSize: UpscalerArchitecture.headKernel, padding: .same, using: &rng)
        shrink = Conv2d(a.features, a.code, kernelSize: 1, padding: .valid, using: &rng)
        mapping = ConvStage(width: a.code, count: a.mapping, using: &rng)
        expand = Conv2d(a.code, a.features, kernelSize: 1, padding: .valid, using: &rng)
        upsample = Conv2d(a.features, a.channels * a.scale * a.scale, kernelSize: 3, padding: .same, using: &rng)
    }

    /// x: [N, C, h, w] low-resolution planes in [0, 1] → the detail [N, C, h·s, w·s] (plain).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let features = head(x, activation: .relu)
        let code = mapping(shrink(features, activation: .relu))
        let expanded = expand(code, activation: .relu)
        return pixelShuffle(upsample(expanded), factor: architecture.scale)
    }
}
