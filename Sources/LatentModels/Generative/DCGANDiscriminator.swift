import LatentNN
import LatentTensor

/// The DCGAN discriminator: a 4×4 stride-2 convolution with LeakyReLU(0.2) and no batch norm
/// on the image (as in the paper, so the input statistics are not normalised away), then one
/// `DownsamplingBlock` per further width, then a convolution whose kernel covers the whole
/// b×b bottom map, giving one logit per image.
public final class DCGANDiscriminator: Module {
    public let fromImage: Conv2d
    public let blocks: [DownsamplingBlock]
    public let toLogit: Conv2d

    public init(_ a: GANArchitecture, using rng: inout RandomSource) {
        fromImage = Conv2d(a.channels, a.widths[0], kernelSize: GenerativeGeometry.kernel, stride: GenerativeGeometry.stride,
                           padding: .symmetric(GenerativeGeometry.padding), using: &rng)
        blocks = zip(a.widths.dropLast(), a.widths.dropFirst()).map { DownsamplingBlock($0, $1, using: &rng) }
        toLogit = Conv2d(a.widths.last!, 1, kernelSize: a.bottomSize, padding: .valid, using: &rng)
    }

    // x: [N, C, 48, 48] in [−1, 1] → [N, 32, 24, 24] → [N, 64, 12, 12] → [N, 128, 6, 6] → [N, 1, 1, 1] → logits [N]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = blocks.reduce(fromImage(x, activation: .leakyReLU(0.2))) { h, block in block(h) }
        return toLogit(h).reshaped([x.shape[0]])
    }
}
