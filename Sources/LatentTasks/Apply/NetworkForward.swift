import Foundation
import LatentModels
import LatentNN
import LatentTensor

/// One network of a model file on its own: a tensor in, the network's raw output out, in
/// evaluation mode and without gradients.
///
/// Other frameworks can rebuild the networks from the file (Benchmarks/peers/latent_models.py),
/// but not the parts of a task around them that Latent implements its own way (tiling with
/// mirrored margins, Pillow-exact bicubic chroma, Lab conversion and resizing, sampling codes).
/// So the peer comparison (`LatentBenchmarks forward`, Benchmarks/peers/compare.py) feeds every
/// engine identical float tensors and compares what this returns. A new kind of model adds its
/// case to `forModel(at:part:)` and its parts to `parts(ofKind:)`.
public struct NetworkForward {
    public let kind: String
    /// Which network of the file: see `parts(ofKind:)`.
    public let part: String
    /// What `run` expects, for error messages and `--help`-like listings.
    public let input: String
    /// Runs the network; throws if the input's shape does not fit it.
    public let run: (Tensor) throws -> Tensor

    /// The parts each kind offers, the default first:
    /// - denoise-unet `network`: [N, C, H, W] in [0, 1], H and W multiples of the stride → the denoised planes;
    /// - upscale-net `detail`: [N, C, h, w] in [0, 1] → the detail [N, C, h·s, w·s] that `Upscaler`
    ///   adds to the bicubic upsample;
    /// - colorize-unet `logits`: normalised lightness (L* − 50) / 50 [N, 1, H, W], H and W multiples
    ///   of the stride → bin logits [N, K, H/s, W/s];
    /// - vae, ae `decoder`: codes [N, D] → images in (0, 1) (sigmoid of the logits);
    ///   `encoder`: images [N, C, S, S] in [0, 1] → the posterior mean [N, D];
    /// - gan `generator`: codes [N, D] → images in [0, 1]; `discriminator`: images [N, C, S, S]
    ///   in [0, 1] → logits [N];
    /// - compress-factorized `synthesis`: a quantized latent [N, M, h, w] → the reconstruction
    ///   [N, 3, h·s, w·s] before clamping (what `latent decode` runs); `analysis`: images
    ///   [N, 3, H, W] in [0, 1], H and W multiples of the stride → the latent before rounding.
    public static func parts(ofKind kind: String) -> [String] {
        switch kind {
        case DenoiserArchitecture.kindName: return ["network"]
        case UpscalerArchitecture.kindName: return ["detail"]
        case ColorizerArchitecture.kindName: return ["logits"]
        case AutoencoderArchitecture.variationalKind, AutoencoderArchitecture.plainKind: return ["decoder", "encoder"]
        case GANArchitecture.kindName: return ["generator", "discriminator"]
        case CompressionArchitecture.kindName: return ["synthesis", "analysis"]
        default: return []
        }
    }

    /// Loads the model at `path` and returns the forward pass of `part` (default: the kind's first).
    public static func forModel(at path: String, part: String? = nil) throws -> NetworkForward {
        let file = try ModelFile(path: path)
        let kind = try file.kind
        let parts = parts(ofKind: kind)
        guard let chosen = part ?? parts.first else {
            throw TaskError.invalidOption("\(path): no network forward for \(kind) models yet (add it to NetworkForward)")
        }
        guard parts.contains(chosen) else {
            throw TaskError.invalidOption("\(path): a \(kind) model has no part \"\(chosen)\"; it has \(parts.joined(separator: ", "))")
        }
        func forward(_ input: String, _ check: @escaping ([Int]) -> Bool, _ body: @escaping (Tensor) -> Tensor) -> NetworkForward {
            NetworkForward(kind: kind, part: chosen, input: input) { x in
                guard check(x.shape) else {
                    throw TaskError.invalidOption("\(path): the \(chosen) of a \(kind) model takes \(input), not \(x.shape)")
                }
                return Autograd.withoutGrad { body(x).plain() }
            }
        }
        func images(_ channels: Int, multipleOf stride: Int) -> ([Int]) -> Bool {
            { $0.count == 4 && $0[0] > 0 && $0[1] == channels && $0[2] > 0 && $0[3] > 0 && $0[2] % stride == 0 && $0[3] % stride == 0 }
        }
        func codes(_ dimension: Int) -> ([Int]) -> Bool { { $0.count == 2 && $0[0] > 0 && $0[1] == dimension } }
        func squareImages(_ channels: Int, _ size: Int) -> ([Int]) -> Bool { { $0.count == 4 && $0[0] > 0 && $0[1...] == [channels, size, size] } }

        switch kind {
        case DenoiserArchitecture.kindName:
            let network = try Denoiser(modelPath: path).network
            let a = network.architecture
            return forward("[N, \(a.channels), H, W] with H and W multiples of \(a.totalStride)", images(a.channels, multipleOf: a.totalStride)) {
                network($0)
            }
        case UpscalerArchitecture.kindName:
            let network = try Upscaler(modelPath: path).network
            let c = network.architecture.channels
            return forward("[N, \(c), h, w]", images(c, multipleOf: 1)) { network($0) }
        case ColorizerArchitecture.kindName:
            let network = try Colorizer(modelPath: path).network
            let stride = network.architecture.totalStride
            return forward("[N, 1, H, W] with H and W multiples of \(stride)", images(1, multipleOf: stride)) { network($0) }
        case AutoencoderArchitecture.variationalKind, AutoencoderArchitecture.plainKind, GANArchitecture.kindName:
            let model = try GenerativeModel(modelPath: path)
            let (d, c, s) = (model.latentDim, model.channels, model.imageSize)
            switch (model.network, chosen) {
            case (.autoencoder(let m), "decoder"):
                return forward("codes [N, \(d)]", codes(d)) { m.decode($0) }
            case (.autoencoder(let m), _):
                return forward("images [N, \(c), \(s), \(s)]", squareImages(c, s)) { m.encode($0).mean }
            case (.gan(let m), "generator"):
                return forward("codes [N, \(d)]", codes(d)) { m.generator.images($0) }
            case (.gan(let m), _):
                return forward("images [N, \(c), \(s), \(s)] in [0, 1]", squareImages(c, s)) { m.discriminator($0 * 2 - 1) }
            }
        case CompressionArchitecture.kindName:
            let network = try LatentCodec(modelPath: path).network
            let a = network.architecture
            if chosen == "synthesis" {
                return forward("latents [N, \(a.latentChannels), h, w]", images(a.latentChannels, multipleOf: 1)) { network.synthesis($0) }
            }
            return forward("images [N, \(a.channels), H, W] with H and W multiples of \(a.totalStride)",
                           images(a.channels, multipleOf: a.totalStride)) { network.analysis($0) }
        default:
            throw TaskError.invalidOption("\(path): no network forward for \(kind) models yet (add it to NetworkForward)")
        }
    }
}
