import LatentNN
import LatentTensor

/// g_s: latent ŷ → image. `levels` stride-2 transposed convolutions (k×k, padding k/2, output
/// padding 1, so each exactly doubles the size), each but the last followed by IGDN (or ReLU);
/// the last has the image's channels and no non-linearity (clamp to [0, 1] when saving).
public final class SynthesisTransform: Module {
    public let deconvs: [ConvTranspose2d]
    public let gdns: [GDN]
    let useGDN: Bool

    public init(_ a: CompressionArchitecture, using rng: inout RandomSource) {
        let inputs = [a.latentChannels] + Array(repeating: a.width, count: a.levels - 1)
        let outputs = Array(repeating: a.width, count: a.levels - 1) + [a.channels]
        deconvs = zip(inputs, outputs).map { i, o in
            ConvTranspose2d(i, o, kernelSize: a.kernelSize, stride: 2, padding: a.kernelSize / 2, outputPadding: 1, using: &rng)
        }
        useGDN = a.activation == "gdn"
        gdns = useGDN ? (0..<a.levels - 1).map { _ in GDN(channels: a.width, inverse: true) } : []
    }

    /// ŷ: [N, M, h, w] → x̂: [N, C, h·2^levels, w·2^levels]
    public func callAsFunction(_ y: Tensor) -> Tensor {
        var h = y
        for (level, deconv) in deconvs.enumerated() {
            let last = level == deconvs.count - 1
            if last {
                h = deconv(h)
            } else if useGDN {
                h = gdns[level](deconv(h))
            } else {
                h = deconv(h, activation: .relu)
            }
        }
        return h
    }
}
