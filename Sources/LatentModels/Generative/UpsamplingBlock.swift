import LatentNN
import LatentTensor

/// One generator level: transposed convolution (no bias: batch norm's β replaces it), batch
/// norm, ReLU — the DCGAN recipe.
public final class UpsamplingBlock: Module {
    public let conv: ConvTranspose2d
    public let norm: BatchNorm2d

    public init(_ input: Int, _ output: Int, kernelSize: Int, stride: Int, padding: Int, using rng: inout RandomSource) {
        conv = ConvTranspose2d(input, output, kernelSize: kernelSize, stride: stride, padding: padding, bias: false, using: &rng)
        norm = BatchNorm2d(output)
    }

    // x: [N, input, H, W] → [N, output, (H − 1)·stride − 2·padding + kernel, …]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        norm(conv(x)).relu()
    }
}
