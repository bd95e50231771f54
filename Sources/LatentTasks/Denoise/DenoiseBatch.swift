import Foundation
import LatentImage

/// `latent denoise` as a batch client: a denoiser per colour kind, applied in tiles.
public enum DenoiseBatch {
    /// Installed model names used when no `--model` is given.
    public static let defaultGrayModel = "denoise-gray"
    public static let defaultColorModel = "denoise-color"

    /// - Parameters:
    ///   - model: a name or path used for every image; nil picks `denoise-gray` for gray images
    ///     and `denoise-color` for colour ones, each loaded the first time it is needed.
    ///   - selfEnsemble: average each tile over its eight flips and rotations (`Denoiser.selfEnsemble`).
    public static func task(model: String?, tileSize: Int?, activationBudget: Int, selfEnsemble: Bool = false) -> ImageToImageTask {
        let models = DenoiserChoice(explicit: model, selfEnsemble: selfEnsemble)
        return ImageToImageTask(scale: 1, tileSize: tileSize, activationBudget: activationBudget) {
            try models.denoiser(colorChannels: $0)
        }
    }

    /// A task over denoisers already in memory (tests, benchmarks).
    public static func task(gray: Denoiser?, color: Denoiser?, tileSize: Int?, activationBudget: Int) -> ImageToImageTask {
        ImageToImageTask(scale: 1, tileSize: tileSize, activationBudget: activationBudget) { channels in
            guard let model = channels == 1 ? (gray ?? color) : (color ?? gray) else {
                throw TaskError.invalidOption("no denoiser for \(channels)-channel images")
            }
            return model
        }
    }
}

/// Loads denoisers on first use and keeps them (a failure is remembered too, so a missing
/// default model costs one lookup, not one per file).
final class DenoiserChoice {
    let explicit: String?
    let selfEnsemble: Bool
    private var loaded: [String: Result<Denoiser, Error>] = [:]

    init(explicit: String?, selfEnsemble: Bool = false) {
        self.explicit = explicit
        self.selfEnsemble = selfEnsemble
    }

    func denoiser(colorChannels: Int) throws -> Denoiser {
        let name = explicit ?? (colorChannels == 1 ? DenoiseBatch.defaultGrayModel : DenoiseBatch.defaultColorModel)
        if let result = loaded[name] { return try result.get() }
        let result = Result<Denoiser, Error> {
            let path: String
            do {
                path = try ModelLocator.resolve(name)
            } catch TaskError.modelNotFound where explicit == nil {
                throw TaskError.defaultModelMissing(name: name, purpose: colorChannels == 1 ? "gray images" : "colour images")
            }
            let denoiser = try Denoiser(modelPath: path)
            denoiser.selfEnsemble = selfEnsemble
            return denoiser
        }
        loaded[name] = result
        return try result.get()
    }
}
