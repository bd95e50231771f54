import Foundation

/// Why an image could not be read or written. Every case carries the file path when known, and
/// prints as `path: reason`, e.g. `photo.png: truncated PNG: read beyond end of data`.
public enum ImageError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The bytes are neither PNG nor JPEG.
    case unsupportedFormat(path: String?)
    /// The header asks for more pixels than `ImageLimits` allows (or for none at all).
    case tooLarge(path: String?, reason: String)
    /// The data ends before the image does.
    case truncated(path: String?, format: ImageFormat, reason: String)
    /// The data is malformed.
    case corrupt(path: String?, format: ImageFormat, reason: String)
    /// Valid but not handled, e.g. a 12-bit JPEG or alpha written to JPEG.
    case unsupportedFeature(path: String?, reason: String)
    /// The file could not be read, written or renamed.
    case io(path: String?, reason: String)
    /// The caller asked for something impossible (bad option, same input and output…).
    case invalidArgument(path: String?, reason: String)

    public var path: String? {
        switch self {
        case .unsupportedFormat(let path), .tooLarge(let path, _), .truncated(let path, _, _),
             .corrupt(let path, _, _), .unsupportedFeature(let path, _), .io(let path, _),
             .invalidArgument(let path, _):
            return path
        }
    }

    /// The message without the path.
    public var reason: String {
        switch self {
        case .unsupportedFormat: return "unsupported format (not PNG or JPEG)"
        case .tooLarge(_, let reason): return "image too large: \(reason)"
        case .truncated(_, let format, let reason): return "truncated \(format): \(reason)"
        case .corrupt(_, let format, let reason): return "corrupt \(format): \(reason)"
        case .unsupportedFeature(_, let reason): return "unsupported: \(reason)"
        case .io(_, let reason): return reason
        case .invalidArgument(_, let reason): return reason
        }
    }

    /// The same error naming `path` (decoders work on bytes; file-level calls add the path).
    public func withPath(_ path: String) -> ImageError {
        switch self {
        case .unsupportedFormat: return .unsupportedFormat(path: path)
        case .tooLarge(_, let r): return .tooLarge(path: path, reason: r)
        case .truncated(_, let f, let r): return .truncated(path: path, format: f, reason: r)
        case .corrupt(_, let f, let r): return .corrupt(path: path, format: f, reason: r)
        case .unsupportedFeature(_, let r): return .unsupportedFeature(path: path, reason: r)
        case .io(_, let r): return .io(path: path, reason: r)
        case .invalidArgument(_, let r): return .invalidArgument(path: path, reason: r)
        }
    }

    public var description: String { path.map { "\($0): \(reason)" } ?? reason }
    public var errorDescription: String? { description }
}
