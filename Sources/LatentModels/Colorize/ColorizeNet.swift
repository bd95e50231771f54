import LatentNN
import LatentTensor

/// The colorization encoder–decoder: L in, logits over ab bins out.
///
/// L is pixel-unshuffled, then 2×2 stride-2 convolutions go down level by level to a bottleneck
/// of dilated 3×3 convolutions (wide context: which object is this, where is the sky), and 2×2
/// stride-2 transposed convolutions come back up, each adding the encoder's features at its scale
/// (skip connections), to `outputLevel`, where a 1×1 convolution gives one logit per bin. Colour
/// is smooth, so it is predicted at a quarter of the working resolution by default and the
/// caller upsamples ab and recombines it with the full-resolution L.
public final class ColorizeNet: Module {
    public let architecture: ColorizerArchitecture
    public let head: Conv2d
    public let encoders: [ConvStage]
    public let downs: [Conv2d]
    public let ups: [ConvTranspose2d]
    public let decoders: [ConvStage]
    public let classifier: Conv2d

    public init(_ architecture: ColorizerArchitecture, seed: UInt64) {
        precondition(architecture.problem == nil, "colorize-unet: \(architecture.problem!)")
        self.architecture = architecture
        var rng = RandomSource(seed: seed)
        let (widths, u, top) = (architecture.widths, architecture.unshuffle, architecture.widths.count - 1)
        head = Conv2d(u * u, widths[0], kernelSize: 3, padding: .same, using: &rng)
        encoders = widths.indices.map {
            ConvStage(width: widths[$0], count: architecture.encoderConvs[$0],
                      dilations: $0 == top ? architecture.bottleneckDilations : nil, using: &rng)
        }
        downs = (0..<top).map { Conv2d(widths[$0], widths[$0 + 1], kernelSize: 2, stride: 2, padding: .valid, using: &rng) }
        let decoded = architecture.outputLevel..<top
        ups = decoded.map { ConvTranspose2d(widths[$0 + 1], widths[$0], kernelSize: 2, stride: 2, using: &rng) }
        decoders = decoded.map { ConvStage(width: widths[$0], count: architecture.decoderConvs[$0 - architecture.outputLevel], using: &rng) }
        classifier = Conv2d(widths[architecture.outputLevel], architecture.classCount, kernelSize: 1, padding: .valid, using: &rng)
    }

    /// The network's input from CIE L* in [0, 100]: (L − 50) / 50, in [−1, 1].
    public static func normalizedLightness(_ l: Float) -> Float { (l - 50) / 50 }

    /// x: [N, 1, H, W] normalised L, H and W multiples of `architecture.totalStride`
    /// → logits [N, K, H/s, W/s], s = `architecture.outputStride`, K = the bin count.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let a = architecture
        var h = head(pixelUnshuffle(x, factor: a.unshuffle), activation: .relu)
        var skips: [Tensor] = []
        for level in 0..<downs.count {
            h = encoders[level](h)
            skips.append(h)
            h = downs[level](h, activation: .relu)
        }
        h = encoders[downs.count](h)
        for level in stride(from: downs.count - 1, through: a.outputLevel, by: -1) {
            let j = level - a.outputLevel
            h = ups[j](h, activation: .relu) + skips[level]
            h = decoders[j](h)
        }
        return classifier(h)
    }

    /// The annealed-mean readout: ab = Σ_k softmax(z / T)_k · bin_k.
    /// logits: [N, K, h, w] → plain [N, 2, h, w] (a* then b*).
    public func ab(fromLogits logits: Tensor, temperature: Float? = nil) -> Tensor {
        let p = Autograd.withoutGrad { logits.channelSoftmax(temperature: temperature ?? architecture.temperature) }
        let (n, k, s) = (p.shape[0], p.shape[1], p.shape[2] * p.shape[3])
        let out = Tensor.zeros([n, 2, p.shape[2], p.shape[3]])
        let bins = architecture.bins
        p.withUnsafeBufferPointer { probabilities in
            out.withUnsafeMutableBufferPointer { ab in
                for image in 0..<n {
                    let a = ab.baseAddress! + image * 2 * s, b = a + s
                    for c in 0..<k {
                        let row = probabilities.baseAddress! + (image * k + c) * s
                        let (ca, cb) = (bins[c][0], bins[c][1])
                        for q in 0..<s {
                            a[q] += row[q] * ca
                            b[q] += row[q] * cb
                        }
                    }
                }
            }
        }
        return out
    }
}
