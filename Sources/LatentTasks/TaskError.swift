/// Errors of the task layer, each naming what it is about.
public enum TaskError: Error, CustomStringConvertible, Equatable {
    case missingInput(String)
    case noImages(String)
    case invalidOption(String)
    case modelNotFound(String)
    /// A default model (chosen by the image's colour) is not installed.
    case defaultModelMissing(name: String, purpose: String)
    case wrongModelKind(model: String, expected: String, found: String)
    case checkpoint(String)

    public var description: String {
        switch self {
        case .missingInput(let path): return "\(path): no such file or folder"
        case .noImages(let path): return "\(path): no PNG or JPEG images found"
        case .invalidOption(let text): return text
        case .modelNotFound(let name): return "model \"\(name)\" not found (see `latent models`)"
        case .defaultModelMissing(let name, let purpose):
            return "the default model for \(purpose), \(name), is not installed (see `latent models`; choose one with --model NAME|PATH)"
        case .wrongModelKind(let model, let expected, let found): return "\(model): a \(found) model, but this command needs a \(expected) model"
        case .checkpoint(let text): return "checkpoint: \(text)"
        }
    }
}
