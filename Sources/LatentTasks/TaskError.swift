/// Errors of the task layer, each naming what it is about.
public enum TaskError: Error, CustomStringConvertible, Equatable {
    case missingInput(String)
    case noImages(String)
    case invalidOption(String)
    case modelNotFound(String)
    case wrongModelKind(model: String, expected: String, found: String)
    case checkpoint(String)

    public var description: String {
        switch self {
        case .missingInput(let path): return "\(path): no such file or folder"
        case .noImages(let path): return "\(path): no PNG or JPEG images found"
        case .invalidOption(let text): return text
        case .modelNotFound(let name): return "model \"\(name)\" not found (see `latent models`)"
        case .wrongModelKind(let model, let expected, let found): return "\(model): a \(found) model, but this command needs a \(expected) model"
        case .checkpoint(let text): return "checkpoint: \(text)"
        }
    }
}
