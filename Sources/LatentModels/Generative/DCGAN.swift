import LatentNN
import LatentTensor

/// A generator and its discriminator, kept in one module so that one file (and one
/// checkpoint) holds both: tensors are named `generator.*` and `discriminator.*`.
/// Only the generator is needed to draw images; the discriminator is kept so that
/// training can be resumed or continued from a model file.
public final class DCGAN: Module {
    public let architecture: GANArchitecture
    public let generator: DCGANGenerator
    public let discriminator: DCGANDiscriminator

    /// DCGAN's initialisation: convolution weights N(0, 0.02²), batch norm γ ~ N(1, 0.02²),
    /// β = 0, other biases 0. The small weights keep the early tanh and logits out of saturation.
    public init(_ architecture: GANArchitecture, seed: UInt64) {
        precondition(architecture.problem == nil, architecture.problem ?? "")
        self.architecture = architecture
        var rng = RandomSource(seed: seed)
        generator = DCGANGenerator(architecture, using: &rng)
        discriminator = DCGANDiscriminator(architecture, using: &rng)
        super.init()
        var initRNG = RandomSource(seed: seed &+ 0xDC6A)
        for (name, tensor) in namedTensors() {
            let values: [Float]
            if name.hasSuffix("norm.weight") {
                values = (0..<tensor.count).map { _ in 1 + 0.02 * initRNG.normal() }
            } else if name.hasSuffix(".weight") {
                values = (0..<tensor.count).map { _ in 0.02 * initRNG.normal() }
            } else if name.hasSuffix(".bias") {
                values = [Float](repeating: 0, count: tensor.count)
            } else {
                continue  // running statistics keep PyTorch's initial values
            }
            tensor.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: values) }
            tensor.storage.markModified()
        }
    }
}
