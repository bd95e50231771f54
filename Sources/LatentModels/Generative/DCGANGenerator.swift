import LatentNN
import LatentTensor

/// The DCGAN generator (Radford et al. 2016): z is treated as a 1×1 image and grown by a
/// transposed convolution whose kernel is the bottom size (1 → b), then doubled by 4×4
/// stride-2 transposed convolutions, each with batch norm and ReLU, to an image with tanh.
/// Its output is in [−1, 1]; `images(_:)` maps it to [0, 1].
public final class DCGANGenerator: Module {
    public let blocks: [UpsamplingBlock]
    public let toImage: ConvTranspose2d
    public let latentDim: Int

    public init(_ a: GANArchitecture, using rng: inout RandomSource) {
        let coarseFirst = Array(a.widths.reversed())
        latentDim = a.latentDim
        var blocks = [UpsamplingBlock(a.latentDim, coarseFirst[0], kernelSize: a.bottomSize, stride: 1, padding: 0, using: &rng)]
        for (input, output) in zip(coarseFirst.dropLast(), coarseFirst.dropFirst()) {
            blocks.append(UpsamplingBlock(input, output, kernelSize: GenerativeGeometry.kernel,
                                          stride: GenerativeGeometry.stride, padding: GenerativeGeometry.padding, using: &rng))
        }
        self.blocks = blocks
        toImage = ConvTranspose2d(coarseFirst.last!, a.channels, kernelSize: GenerativeGeometry.kernel,
                                  stride: GenerativeGeometry.stride, padding: GenerativeGeometry.padding, using: &rng)
    }

    // z: [N, D] → [N, D, 1, 1] → [N, 128, 6, 6] → [N, 64, 12, 12] → [N, 32, 24, 24] → [N, C, 48, 48] in [−1, 1]
    // (48 px, widths [32, 64, 128])
    public func callAsFunction(_ z: Tensor) -> Tensor {
        let seed = z.reshaped([z.shape[0], latentDim, 1, 1])
        return toImage(blocks.reduce(seed) { h, block in block(h) }, activation: .tanh).plain()
    }

    /// Images in [0, 1]. z: [N, D] → [N, C, S, S]
    public func images(_ z: Tensor) -> Tensor {
        (self(z) + 1) * 0.5
    }
}
