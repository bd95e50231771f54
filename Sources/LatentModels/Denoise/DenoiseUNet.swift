import LatentNN
import LatentTensor

/// A stack of 3×3 convolutions at one resolution; optionally dilated (one dilation per
/// convolution, e.g. in a bottleneck that needs a wide receptive field cheaply).
///
/// Plain: each convolution is followed by the activation. Residual: the convolutions go in
/// pairs, h + conv₂(act(conv₁(h))) with no activation after the sum (EDSR's block), so the
/// identity path carries the signal and the gradient through any depth: plain stacks deeper
/// than three convolutions per level trained badly here (session 5's measurements).
public final class ConvStage: Module {
    public let convs: [Conv2d]
    let activation: Activation
    public let residual: Bool

    public init(width: Int, count: Int, dilations: [Int]? = nil, activation: Activation = .relu, residual: Bool = false,
                using rng: inout RandomSource) {
        precondition(dilations == nil || dilations!.count == count, "ConvStage: \(count) convolutions, dilations \(dilations!)")
        precondition(!residual || count % 2 == 0, "ConvStage: a residual stage needs an even number of convolutions, got \(count)")
        convs = (0..<count).map {
            Conv2d(width, width, kernelSize: 3, padding: .same, dilation: dilations?[$0] ?? 1, using: &rng)
        }
        self.activation = activation
        self.residual = residual
    }

    /// The second convolution of each residual pair (empty for a plain stage): the branch
    /// outputs, which initialisation keeps small so that each block starts near the identity.
    public var branchOutputs: [Conv2d] { residual ? stride(from: 1, to: convs.count, by: 2).map { convs[$0] } : [] }

    // x: [N, width, H, W] → [N, width, H, W]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard residual else { return convs.reduce(x) { h, conv in conv(h, activation: activation) } }
        var h = x
        for pair in stride(from: 0, to: convs.count, by: 2) {
            h = h + convs[pair + 1](convs[pair](h, activation: activation))
        }
        return h
    }
}

/// The denoising autoencoder: a U-Net that predicts the noise residual.
///
/// The input is pixel-unshuffled (×2), so all work happens at half resolution or below;
/// 2×2 stride-2 convolutions go down, 2×2 stride-2 transposed convolutions go up (learned
/// upsampling), and each decoder level adds the encoder's features at its scale (skip).
/// The output is the input minus the predicted noise.
public final class DenoiseUNet: Module {
    public let architecture: DenoiserArchitecture
    public let head: Conv2d
    public let encoders: [ConvStage]
    public let downs: [Conv2d]
    public let ups: [ConvTranspose2d]
    public let decoders: [ConvStage]
    public let tail: Conv2d

    public init(_ architecture: DenoiserArchitecture, seed: UInt64) {
        self.architecture = architecture
        var rng = RandomSource(seed: seed)
        let packed = architecture.channels * architecture.unshuffle * architecture.unshuffle
        let widths = architecture.widths
        head = Conv2d(packed, widths[0], kernelSize: 3, padding: .same, using: &rng)
        encoders = widths.indices.map {
            ConvStage(width: widths[$0], count: architecture.encoderConvs[$0], activation: architecture.activation,
                      residual: architecture.residual, using: &rng)
        }
        downs = (0..<widths.count - 1).map {
            Conv2d(widths[$0], widths[$0 + 1], kernelSize: 2, stride: 2, padding: .valid, using: &rng)
        }
        ups = (0..<widths.count - 1).map {
            ConvTranspose2d(widths[$0 + 1], widths[$0], kernelSize: 2, stride: 2, using: &rng)
        }
        decoders = (0..<widths.count - 1).map {
            ConvStage(width: widths[$0], count: architecture.decoderConvs[$0], activation: architecture.activation,
                      residual: architecture.residual, using: &rng)
        }
        tail = Conv2d(widths[0], packed, kernelSize: 3, padding: .same, using: &rng)
    }

    /// Re-draws every weight with He initialisation for the activation (std = gain/√fan-in,
    /// biases 0), and the tail and each residual branch's output convolution at a tenth of that,
    /// so the first prediction is small noise and each residual block starts near the identity
    /// (He on both convolutions of a block would double the signal's variance per block).
    ///
    /// Why: the layers' default (PyTorch's U(±1/√fan-in)) scales the signal's second moment by
    /// about 1/6 per ReLU layer, so at the start the bottleneck's path to the output carries
    /// ~10⁻⁴ of the signal; Adam then has to bootstrap it with large steps, which in this
    /// network left most units dead or diverged. He initialisation keeps the scale through depth.
    /// A 2×2 stride-2 transposed convolution gives each output one tap per input channel, so its
    /// fan-in is the input channels.
    public func heInitialize(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        let slope = architecture.negativeSlope
        let gain = (2 / (1 + slope * slope)).squareRoot()
        func draw(_ weight: Tensor, _ bias: Tensor?, fanIn: Int, gain: Float) {
            let values = Initializer.kaimingNormal(weight.shape, fanIn: fanIn, gain: gain, using: &rng).toArray()
            weight.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = values[i] } }
            bias?.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = 0 } }
        }
        func draw(_ conv: Conv2d, gain: Float) {
            draw(conv.weight, conv.bias, fanIn: conv.inChannels / conv.groups * conv.kernelSize * conv.kernelSize, gain: gain)
        }
        draw(head, gain: gain)
        for conv in encoders.flatMap(\.convs) + downs + decoders.flatMap(\.convs) { draw(conv, gain: gain) }
        for conv in (encoders + decoders).flatMap(\.branchOutputs) { draw(conv, gain: 0.1 * gain) }
        for up in ups { draw(up.weight, up.bias, fanIn: up.inChannels, gain: gain) }
        draw(tail, gain: 0.1)
    }

    /// x: [N, C, H, W] with H, W multiples of `architecture.totalStride`, values in [0, 1]
    /// → the denoised image, same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { forward(x).output }

    /// The denoised image and the bottleneck code ([N, widths.last, H/s, W/s], after the activation),
    /// which the sparse-autoencoder objective penalises.
    public func forward(_ x: Tensor) -> (output: Tensor, code: Tensor) {
        let factor = architecture.unshuffle
        let activation = architecture.activation
        var h = head(pixelUnshuffle(x, factor: factor), activation: activation)
        var skips: [Tensor] = []
        for level in 0..<downs.count {
            h = encoders[level](h)
            skips.append(h)
            h = downs[level](h, activation: activation)
        }
        h = encoders[downs.count](h)
        let code = h
        for level in stride(from: ups.count - 1, through: 0, by: -1) {
            h = ups[level](h, activation: activation) + skips[level]
            h = decoders[level](h)
        }
        let noise = pixelShuffle(tail(h), factor: factor)
        return (x - noise, code)
    }
}
