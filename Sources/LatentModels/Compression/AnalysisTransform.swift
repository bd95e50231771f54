import LatentNN
import LatentTensor

/// g_a: image → latent y. `levels` stride-2 convolutions (k×k, padding k/2), each but the last
/// followed by GDN (or ReLU); the last has `latentChannels` outputs and no non-linearity.
public final class AnalysisTransform: Module {
    public let convs: [Conv2d]
    public let gdns: [GDN]
    let useGDN: Bool

    public init(_ a: CompressionArchitecture, using rng: inout RandomSource) {
        let inputs = [a.channels] + Array(repeating: a.width, count: a.levels - 1)
        let outputs = Array(repeating: a.width, count: a.levels - 1) + [a.latentChannels]
        convs = zip(inputs, outputs).map { i, o in
            Conv2d(i, o, kernelSize: a.kernelSize, stride: 2, padding: .symmetric(a.kernelSize / 2), using: &rng)
        }
        useGDN = a.activation == "gdn"
        gdns = useGDN ? (0..<a.levels - 1).map { _ in GDN(channels: a.width) } : []
    }

    /// x: [N, C, H, W], H and W multiples of 2^levels, values in [0, 1] → y: [N, M, H/2^levels, W/2^levels]
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (level, conv) in convs.enumerated() {
            let last = level == convs.count - 1
            if last {
                h = conv(h)
            } else if useGDN {
                h = gdns[level](conv(h))
            } else {
                h = conv(h, activation: .relu)
            }
        }
        return h
    }
}
