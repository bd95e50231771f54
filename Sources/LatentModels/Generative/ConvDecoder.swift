import LatentNN
import LatentTensor

/// The decoder of the autoencoders: a linear layer from the code to the bottom feature map,
/// then 4×4 stride-2 transposed convolutions with ReLU mirroring the encoder, the last one to
/// the image channels without activation. It returns logits: the Bernoulli likelihood and
/// its loss want them, and `sigmoid` turns them into an image.
public final class ConvDecoder: Module {
    public let fromCode: Linear
    public let ups: [ConvTranspose2d]
    public let toImage: ConvTranspose2d
    public let bottomSize: Int
    public let bottomWidth: Int

    public init(latentDim: Int, channels: Int, widths: [Int], bottomSize: Int, using rng: inout RandomSource) {
        let coarseFirst = Array(widths.reversed())
        self.bottomSize = bottomSize
        bottomWidth = coarseFirst[0]
        fromCode = Linear(latentDim, bottomWidth * bottomSize * bottomSize, using: &rng)
        ups = zip(coarseFirst.dropLast(), coarseFirst.dropFirst()).map { input, output in
            ConvTranspose2d(input, output, kernelSize: GenerativeGeometry.kernel, stride: GenerativeGeometry.stride,
                            padding: GenerativeGeometry.padding, using: &rng)
        }
        toImage = ConvTranspose2d(coarseFirst.last!, channels, kernelSize: GenerativeGeometry.kernel,
                                  stride: GenerativeGeometry.stride, padding: GenerativeGeometry.padding, using: &rng)
    }

    // z: [N, D] → logits [N, C, S, S]   (48 px: [N, 128, 6, 6] → [N, 64, 12, 12] → [N, 32, 24, 24] → [N, C, 48, 48])
    public func callAsFunction(_ z: Tensor) -> Tensor {
        let bottom = fromCode(z).relu().reshaped([z.shape[0], bottomWidth, bottomSize, bottomSize])
        let features = ups.reduce(bottom) { h, up in up(h, activation: .relu) }
        return toImage(features).plain()
    }
}
