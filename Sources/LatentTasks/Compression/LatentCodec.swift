import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// A trained learned codec ready to turn images into `.lat` bytes and back: the network, its
/// frozen entropy tables, and the identity (`modelID`, `modelHash`) written into every file so
/// that a decoder can tell whether it holds the right model.
public final class LatentCodec {
    public let network: FactorizedPriorCodec
    public let tables: EntropyTables
    /// The name written into `.lat` files: the model file's stem (e.g. "compress-q3").
    public let modelID: String
    /// The first 8 bytes of SHA-256 over the model's tensors (`modelHash(of:)`).
    public let modelHash: [UInt8]
    public let path: String

    public var architecture: CompressionArchitecture { network.architecture }

    /// Loads a `compress-factorized` model file with its frozen tables.
    public init(modelPath: String) throws {
        let file = try ModelFile(path: modelPath)
        let kind = try file.kind
        guard kind == CompressionArchitecture.kindName else {
            throw TaskError.wrongModelKind(model: modelPath, expected: CompressionArchitecture.kindName, found: kind)
        }
        let architecture = try file.architecture(CompressionArchitecture.self)
        if let problem = architecture.problem { throw ModelFileError(path: modelPath, reason: problem) }
        network = FactorizedPriorCodec(architecture, seed: 0)
        try file.load(into: network, ignoring: [EntropyTables.tensorPrefix])
        network.eval()
        tables = try EntropyTables(storedTensors: file.file.tensors, source: modelPath)
        guard tables.channels == architecture.latentChannels else {
            throw ModelFileError(path: modelPath, reason: "entropy tables for \(tables.channels) channels, the latent has \(architecture.latentChannels)")
        }
        modelID = ((modelPath as NSString).lastPathComponent as NSString).deletingPathExtension
        modelHash = Self.modelHash(of: file.file.tensors)
        path = modelPath
    }

    /// A codec over a network in memory (training's validation, tests); its hash is that of the
    /// model file `ModelFile.save` would write.
    public init(network: FactorizedPriorCodec, tables: EntropyTables, id: String = "memory") throws {
        self.network = network
        self.tables = tables
        modelID = id
        modelHash = Self.modelHash(of: try network.stateDict().merging(tables.storedTensors()) { a, _ in a })
        path = "<memory>"
    }

    /// SHA-256 over the tensors in name order (UTF-8 bytes): for each, the name, a 0 byte, the
    /// dtype name, a 0 byte, the rank and dimensions as 64-bit little-endian, and the data.
    /// Metadata (the training record) is not included, so re-saving the same weights keeps it.
    public static func modelHash(of tensors: [String: StoredTensor]) -> [UInt8] {
        var sha = SHA256()
        for name in tensors.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let t = tensors[name]!
            var header = Array(name.utf8) + [0] + Array(t.dtype.rawValue.utf8) + [0]
            for v in [t.shape.count] + t.shape { withUnsafeBytes(of: UInt64(v).littleEndian) { header += $0 } }
            sha.update(header)
            sha.update(t.bytes)
        }
        return Array(sha.finish().prefix(8))
    }

    // MARK: - Encoding

    /// An image (gray or RGB, any size; no alpha) → the bytes of a `.lat` file.
    public func encode(_ image: Image) throws -> [UInt8] {
        try encodedFile(image).serialized()
    }

    public func encodedFile(_ image: Image) throws -> LatentCodeFile {
        guard !image.layout.hasAlpha else {
            throw LatentCodecError(reason: "has an alpha channel, which .lat files do not store (remove it first)")
        }
        let a = architecture
        let (lw, lh) = a.latentSize(width: image.width, height: image.height)
        let y = analyse(image.rgb(), latentWidth: lw, latentHeight: lh)
        let stream = y.withUnsafeBufferPointer { tables.encode($0, height: lh, width: lw) }
        return LatentCodeFile(modelID: modelID, modelHash: modelHash, width: image.width, height: image.height,
                              channels: image.layout.colorChannelCount, bitDepth: image.sourceBitDepth == 16 ? 16 : 8,
                              latentChannels: a.latentChannels, latentHeight: lh, latentWidth: lw,
                              iccProfile: image.iccProfile, stream: stream)
    }

    /// y = g_a(x) of the image padded (mirrored) to the latent's size × the total stride:
    /// [M, lh, lw] floats.
    func analyse(_ rgb: Image, latentWidth lw: Int, latentHeight lh: Int) -> [Float] {
        let s = architecture.totalStride
        let (pw, ph) = (lw * s, lh * s)
        let padded = rgb.withUnsafeBufferPointer {
            ReflectPadding.pad($0, channels: 3, width: rgb.width, height: rgb.height,
                               top: 0, left: 0, bottom: ph - rgb.height, right: pw - rgb.width)
        }
        return Autograd.withoutGrad {
            network.analysis(Tensor(padded, shape: [1, 3, ph, pw])).plain().toArray()
        }
    }

    // MARK: - Decoding

    /// Parses `bytes` as a `.lat` file and decodes it.
    public func decode(_ bytes: [UInt8], source: String) throws -> Image {
        try decode(LatentCodeFile(parsing: bytes, source: source), source: source)
    }

    /// The decoded image: the original's size, colour channels and bit depth (for writing), ICC
    /// profile kept. Refuses files made with other weights.
    public func decode(_ file: LatentCodeFile, source: String) throws -> Image {
        guard file.modelHash == modelHash else {
            throw LatentCodeError(path: source, reason: "made with the model \"\(file.modelID)\" (weights \(file.modelHashHex)), "
                                  + "but \(path) has weights \(LatentCodeFile.hex(modelHash)): decode it with the model that encoded it")
        }
        let a = architecture
        let (lw, lh) = a.latentSize(width: file.width, height: file.height)
        guard file.latentChannels == a.latentChannels, file.latentWidth == lw, file.latentHeight == lh else {
            throw LatentCodeError(path: source, reason: "corrupt: latent \(file.latentChannels)×\(file.latentHeight)×\(file.latentWidth) "
                                  + "does not fit a \(file.width)×\(file.height) image (\(a.latentChannels)×\(lh)×\(lw))")
        }
        let latent: [Float]
        do {
            latent = try tables.decode(file.stream, height: lh, width: lw)
        } catch let error as RangeDecoderError {
            throw LatentCodeError(path: source, reason: "corrupt: \(error)")
        }
        let s = a.totalStride
        let (pw, ph) = (lw * s, lh * s)
        let full = Autograd.withoutGrad {
            network.synthesis(Tensor(latent, shape: [1, a.latentChannels, lh, lw])).plain().toArray()
        }
        let (w, h) = (file.width, file.height)
        var rgb = [Float](repeating: 0, count: 3 * w * h)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w { rgb[(c * h + y) * w + x] = min(max(full[(c * ph + y) * pw + x], 0), 1) }
            }
        }
        var image = Image(width: w, height: h, layout: .rgb, samples: rgb, sourceBitDepth: file.bitDepth,
                          iccProfile: file.iccProfile)
        if file.channels == 1 { image = image.grayscale() }
        return image
    }
}

/// An image the codec cannot take, with the reason.
public struct LatentCodecError: Error, CustomStringConvertible, Equatable {
    public var reason: String
    public var description: String { reason }
}
