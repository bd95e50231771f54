import Foundation
import LatentImage

/// `latent colorize` as a batch client: every image (gray, or colour reduced to its luma) in,
/// an RGB image with the input's alpha and bit depth out.
public final class ColorizeTask: BatchTask {
    /// The installed model used when no `--model` is given.
    public static let defaultModel = "colorize"

    public let outputKind = BatchOutputKind.image
    public let outputScale = 1
    public let keepsAlpha = true
    private let load: () throws -> Colorizer
    private var loaded: Result<Colorizer, Error>?

    /// - Parameters:
    ///   - model: a name or path; nil means `colorize`. Loaded at the first image, once (a
    ///     failure is remembered, so a missing model costs one lookup, not one per file).
    public init(model: String?, renderSize: Int = Colorizer.defaultRenderSize, temperature: Float? = nil) {
        load = {
            let path: String
            do {
                path = try ModelLocator.resolve(model ?? ColorizeTask.defaultModel)
            } catch TaskError.modelNotFound where model == nil {
                throw TaskError.defaultModelMissing(name: ColorizeTask.defaultModel, purpose: "colorization")
            }
            return try Colorizer(modelPath: path, renderSize: renderSize, temperature: temperature)
        }
    }

    /// A task over a colorizer already in memory (tests, benchmarks).
    public init(colorizer: Colorizer) {
        load = { colorizer }
    }

    public func process(_ image: Image, progress: (Double) -> Void) throws -> BatchProduct {
        if loaded == nil { loaded = Result { try load() } }
        let colorizer = try loaded!.get()
        let result = colorizer.colorize(image)
        progress(1)
        return .image(result)
    }
}
