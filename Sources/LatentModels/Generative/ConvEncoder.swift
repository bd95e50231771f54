import LatentNN
import LatentTensor

/// The encoder body of the autoencoders: 4×4 stride-2 convolutions with LeakyReLU(0.2),
/// one per width, then flattened. LeakyReLU rather than ReLU so that no unit of the code
/// path can die and leave a latent dimension without gradient.
public final class ConvEncoder: Module {
    public let convs: [Conv2d]

    public init(channels: Int, widths: [Int], using rng: inout RandomSource) {
        let inputs = [channels] + widths.dropLast()
        convs = zip(inputs, widths).map { input, output in
            Conv2d(input, output, kernelSize: GenerativeGeometry.kernel, stride: GenerativeGeometry.stride,
                   padding: .symmetric(GenerativeGeometry.padding), using: &rng)
        }
    }

    // x: [N, C, S, S] → [N, widths.last · (S/2^L)²]   (48 px, [32, 64, 128]: → [N, 128·6·6 = 4608])
    public func callAsFunction(_ x: Tensor) -> Tensor {
        convs.reduce(x) { h, conv in conv(h, activation: .leakyReLU(0.2)) }.flattened()
    }
}
