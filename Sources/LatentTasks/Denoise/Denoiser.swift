import Foundation
import LatentImage
import LatentModels
import LatentTensor

/// A trained denoising model ready to apply to images.
public final class Denoiser {
    public let network: DenoiseUNet
    public let path: String
    /// Average the network over the eight flips and rotations of each tile (`--ensemble`):
    /// 8× the time for a small, consistent gain in PSNR; off by default.
    public var selfEnsemble = false

    public init(modelPath: String) throws {
        let file = try ModelFile(path: modelPath)
        let kind = try file.kind
        guard kind == DenoiserArchitecture.kindName else {
            throw TaskError.wrongModelKind(model: modelPath, expected: DenoiserArchitecture.kindName, found: kind)
        }
        network = DenoiseUNet(try file.architecture(DenoiserArchitecture.self), seed: 0)
        try file.load(into: network)
        network.eval()
        path = modelPath
    }

    public init(network: DenoiseUNet, path: String = "<memory>") {
        self.network = network
        self.path = path
    }

    public var channels: Int { network.architecture.channels }

    /// planes: [C, H, W] colour planes in [0, 1] (C = the model's channels) → denoised planes.
    /// Runs exactly as `latent denoise` does — tiles sized for `activationBudget` bytes, mirrored
    /// context of the receptive field — so evaluations and benchmarks measure what users get.
    public func denoise(planes: UnsafeBufferPointer<Float>, width: Int, height: Int,
                        activationBudget: Int = 256 << 20) -> [Float] {
        let tiler = TiledInference(tileSize: TiledInference.tileSize(forBudget: activationBudget, model: self),
                                   requirements: tileRequirements)
        return tiler.apply(self, planes: planes, width: width, height: height)
    }

    /// Denoises an image's colour planes (converted to the model's channel count) and keeps alpha.
    public func denoise(_ image: Image) -> Image {
        let (color, alpha) = image.splittingAlpha()
        let input = channels == 1 ? color.grayscale() : color.rgb()
        let planes = input.withUnsafeBufferPointer { denoise(planes: $0, width: input.width, height: input.height) }
        var result = input.replacing(samples: planes.map { min(max($0, 0), 1) })
        if let alpha { result = result.attachingAlpha(alpha) }
        return result
    }
}
