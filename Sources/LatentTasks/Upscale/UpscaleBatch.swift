import Foundation
import LatentImage

/// `latent upscale` as a batch client: one upscaler (or chain) for every image, applied in
/// tiles; luma models get colour images as Y with bicubic chroma, alpha is resized bicubically.
public enum UpscaleBatch {
    /// The installed model used for `--scale S` when no `--model` is given.
    public static func defaultModel(scale: Int) -> String { "upscale-x\(scale)" }

    /// - Parameters:
    ///   - model: a name or path; nil picks `upscale-x<scale>`. A model of a smaller scale whose
    ///     powers reach `scale` (×2 for ×4) is applied repeatedly.
    public static func task(model: String?, scale: Int, tileSize: Int?, activationBudget: Int) -> ImageToImageTask {
        let choice = UpscalerChoice(name: model ?? defaultModel(scale: scale), isDefault: model == nil, scale: scale)
        return ImageToImageTask(scale: scale, tileSize: tileSize, activationBudget: activationBudget,
                                grayModelOnColor: .lumaWithBicubicChroma) { _ in try choice.model() }
    }

    /// A task over a model already in memory (evaluation, tests, benchmarks).
    public static func task(_ model: PlaneModel, tileSize: Int?, activationBudget: Int) -> ImageToImageTask {
        ImageToImageTask(scale: model.tileRequirements.scale, tileSize: tileSize, activationBudget: activationBudget,
                         grayModelOnColor: .lumaWithBicubicChroma) { _ in model }
    }

    /// The model that reaches `scale` from the upscaler in `path`: itself, or itself repeated.
    public static func model(_ upscaler: Upscaler, scale: Int) throws -> PlaneModel {
        if upscaler.scale == scale { return upscaler }
        guard let chain = UpscalerChain.repeating(upscaler, toReach: scale) else {
            throw TaskError.invalidOption("\(upscaler.path) upscales ×\(upscaler.scale), which cannot be repeated to reach ×\(scale)")
        }
        return chain
    }
}

/// Loads the upscaler on first use and keeps it (a failure is remembered too, so a missing model
/// costs one lookup, not one per file).
final class UpscalerChoice {
    let name: String
    let isDefault: Bool
    let scale: Int
    private var loaded: Result<PlaneModel, Error>?

    init(name: String, isDefault: Bool, scale: Int) {
        self.name = name
        self.isDefault = isDefault
        self.scale = scale
    }

    func model() throws -> PlaneModel {
        if let loaded { return try loaded.get() }
        let result = Result<PlaneModel, Error> {
            let path: String
            do {
                path = try ModelLocator.resolve(name)
            } catch TaskError.modelNotFound where isDefault {
                throw TaskError.defaultModelMissing(name: name, purpose: "×\(scale) upscaling")
            }
            return try UpscaleBatch.model(Upscaler(modelPath: path), scale: scale)
        }
        loaded = result
        return try result.get()
    }
}
