import LatentImage

/// What a batch client produces for each file.
public enum BatchOutputKind: Sendable, Equatable {
    /// An image, written as PNG or JPEG following `--format` (the extension follows the format).
    case image
    /// Bytes in a format of the client's own (e.g. a latent code), written with this extension.
    case bytes(fileExtension: String)
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
}
