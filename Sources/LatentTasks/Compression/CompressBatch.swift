import Foundation
import LatentImage

/// `latent encode` and `latent decode` as batch clients: images → `.lat` files with a learned
/// codec, and back to PNG.
public enum CompressBatch {
    /// Shipped quality levels: `--quality Q` means the installed model `compress-qQ`
    /// (higher is more bits and more fidelity; the λ of each is in `CompressTraining.lambdas`).
    public static let qualities = 1...CompressTraining.lambdas.count
    public static let defaultQuality = 2

    public static func modelName(quality: Int) -> String { "compress-q\(quality)" }

    /// `.lat` files, recognised by their signature.
    public static let fileFormat = BatchFileFormat(
        name: "latent code (.lat) file",
        recognises: { LatentCodeFile.matches($0) },
        inspect: { path, limits in
            let file = try LatentCodeFile(contentsOf: path, limits: limits)
            return (file.width, file.height, file.channels)
        })

    /// Encodes every image with `model` (a name or path), loaded on first use, refining each
    /// latent as `refinement` says; the transforms run in tiles whose activations fit
    /// `activationBudget` bytes.
    public static func encodeTask(model: String, activationBudget: Int = 256 << 20,
                                  refinement: LatentRefinement = .off) -> BatchTask {
        LatentEncodeTask(load: {
            let codec = try LatentCodec(modelPath: ModelLocator.resolve(model))
            codec.activationBudget = activationBudget
            codec.refinement = refinement
            return codec
        })
    }

    /// Encodes with a codec already in memory (tests, benchmarks).
    public static func encodeTask(codec: LatentCodec) -> BatchTask {
        LatentEncodeTask(load: { codec })
    }

    /// Decodes `.lat` files with the model each names (found like `--model` names), or with
    /// `model` (a name or path) for all of them; either way the weights' hash must match.
    public static func decodeTask(model: String?, activationBudget: Int = 256 << 20) -> BatchTask {
        LatentDecodeTask(explicit: model, activationBudget: activationBudget)
    }
}

/// Images → `.lat` bytes.
final class LatentEncodeTask: BatchTask {
    let outputKind = BatchOutputKind.bytes(fileExtension: LatentCodeFile.fileExtension)
    let outputScale = 1
    let keepsAlpha = false
    private let load: () throws -> LatentCodec
    private var loaded: Result<LatentCodec, Error>?

    init(load: @escaping () throws -> LatentCodec) { self.load = load }

    func process(_ image: Image, progress: (Double) -> Void) throws -> BatchProduct {
        if loaded == nil { loaded = Result { try load() } }
        return .bytes(try loaded!.get().encode(image))
    }
}

/// `.lat` files → images (written as PNG, 8 or 16 bits as the original).
final class LatentDecodeTask: BatchTask {
    let outputKind = BatchOutputKind.image
    let outputScale = 1
    let keepsAlpha = false
    var inputKind: BatchInputKind { .file(CompressBatch.fileFormat) }
    private let explicit: String?
    private let activationBudget: Int
    /// Codecs by the name asked for (a failure is remembered too).
    private var codecs: [String: Result<LatentCodec, Error>] = [:]

    init(explicit: String?, activationBudget: Int) {
        self.explicit = explicit
        self.activationBudget = activationBudget
    }

    func process(_ image: Image, progress: (Double) -> Void) throws -> BatchProduct {
        throw TaskError.invalidOption("latent decode reads .lat files, not images")
    }

    func process(fileBytes: [UInt8], path: String, progress: (Double) -> Void) throws -> BatchProduct {
        let file = try LatentCodeFile(parsing: fileBytes, source: path)
        let name = explicit ?? file.modelID
        if codecs[name] == nil {
            codecs[name] = Result {
                let codec = try LatentCodec(modelPath: ModelLocator.resolve(name))
                codec.activationBudget = activationBudget
                return codec
            }
        }
        if explicit == nil, case .failure(let error) = codecs[name]!, case .modelNotFound? = error as? TaskError {
            throw LatentCodeError(path: path, reason: "needs the model \"\(file.modelID)\" (weights \(file.modelHashHex)), "
                                  + "which is not installed (see `latent models`; or name its file with --model PATH)")
        }
        let codec = try codecs[name]!.get()
        return .image(try codec.decode(file, source: path))
    }
}
