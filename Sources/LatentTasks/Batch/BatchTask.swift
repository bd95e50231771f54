import LatentImage

/// What a batch client produces for each file.
public enum BatchOutputKind: Sendable, Equatable {
    /// An image, written as PNG or JPEG following `--format` (the extension follows the format).
    case image
    /// Bytes in a format of the client's own (e.g. a latent code), written with this extension.
    case bytes(fileExtension: String)
}

/// What a batch client reads.
public enum BatchInputKind {
    /// PNG and JPEG images, decoded by the runner (the default).
    case image
    /// Files of the client's own format, recognised by content and handed over as bytes.
    case file(BatchFileFormat)
}

/// A file format of a batch client's own (e.g. `.lat` latent codes): how to recognise it and
/// what the runner needs to know before processing a file.
public struct BatchFileFormat: Sendable {
    /// Named in messages: "not a <name>".
    public var name: String
    /// Whether a file's first 16 bytes (fewer for short files) are this format's.
    public var recognises: @Sendable ([UInt8]) -> Bool
    /// Reads a file's header (cheaply): the image it holds, for memory planning and progress.
    public var inspect: @Sendable (_ path: String, _ limits: ImageLimits) throws -> (width: Int, height: Int, channels: Int)

    public init(name: String, recognises: @escaping @Sendable ([UInt8]) -> Bool,
                inspect: @escaping @Sendable (_ path: String, _ limits: ImageLimits) throws -> (width: Int, height: Int, channels: Int)) {
        self.name = name
        self.recognises = recognises
        self.inspect = inspect
    }
}

/// One file's result from a client.
public enum BatchProduct {
    case image(Image)
    case bytes([UInt8])
}

/// The part of a batch run that differs between subcommands: "image in → image (or bytes) out".
///
/// Everything else — finding inputs, naming and writing outputs atomically, skipping finished
/// work, sharding, the decode/infer/encode pipeline, progress, errors, the summary — is the
/// runner's (`BatchRunner`). Image-to-image clients that run a convolutional network use
/// `ImageToImageTask`, which adds tiling and alpha handling.
public protocol BatchTask: AnyObject {
    var outputKind: BatchOutputKind { get }
    /// Output pixels per input pixel along each side (for memory planning): 1 for same-size tasks.
    var outputScale: Int { get }
    /// Whether the output keeps the input's alpha (decides the JPEG → PNG fallback before decoding).
    var keepsAlpha: Bool { get }
    /// Processes one decoded image. Called on one thread at a time. `progress` takes the fraction
    /// of this image done. Errors fail this file only.
    func process(_ image: Image, progress: (Double) -> Void) throws -> BatchProduct
    /// What the task reads; `.image` unless it says otherwise.
    var inputKind: BatchInputKind { get }
    /// Processes one input of the task's own format (`inputKind` `.file`), given its bytes.
    func process(fileBytes: [UInt8], path: String, progress: (Double) -> Void) throws -> BatchProduct
}

extension BatchTask {
    public var inputKind: BatchInputKind { .image }

    public func process(fileBytes: [UInt8], path: String, progress: (Double) -> Void) throws -> BatchProduct {
        throw TaskError.invalidOption("this task reads images, not files of its own format")
    }
}
