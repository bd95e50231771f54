import LatentNN
import LatentTensor

/// One discriminator level: 4×4 stride-2 convolution (no bias: batch norm's β replaces it),
/// batch norm, LeakyReLU(0.2) — the DCGAN recipe.
public final class DownsamplingBlock: Module {
    public let conv: Conv2d
    public let norm: BatchNorm2d

    public init(_ input: Int, _ output: Int, using rng: inout RandomSource) {
        conv = Conv2d(input, output, kernelSize: GenerativeGeometry.kernel, stride: GenerativeGeometry.stride,
                      padding: .symmetric(GenerativeGeometry.padding), bias: false, using: &rng)
        norm = BatchNorm2d(output)
    }

    // x: [N, input, H, W] → [N, output, H/2, W/2]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        norm(conv(x)).leakyReLU(0.2)
    }
}
