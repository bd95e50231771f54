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

    /// Bytes the transforms' activations may take at once: large images run in tiles of the
    /// latent grid sized to fit (`LatentTiles`).
    public var activationBudget = 256 << 20

    /// Encoder-side refinement of each image's latent (`LatentRefinement`); off by default.
    public var refinement = LatentRefinement.off
    /// The λ the model was trained with (its training record), which refinement uses unless
    /// told otherwise; nil when the file records none.
    public let trainingLambda: Float?

    /// Live Float32 buffers per image pixel where memory peaks, to size tiles. Analysis: a
    /// stage's output and GDN's square, weighted sum, root and quotient, each N/4 channels per
    /// image pixel at the finest level, plus the image window and its copies (≈ 560 B/px
    /// measured for N = 128, 688 estimated). Synthesis adds oneDNN's column buffer for the
    /// 5×5 stride-2 transposed convolutions (gemm-based: N·k² values per input pixel of a stage,
    /// N·k²/16 per image pixel at the second-finest) and its copies: ≈ 2.2 kB/px measured from
    /// peak RSS of 6-megapixel decodes.
    /// Refinement keeps the synthesis pass's activations for its backward pass and computes
    /// as much again in gradients: three times the bytes.
    func activationBytesPerPixel(synthesis: Bool, backward: Bool = false) -> Int {
        let n = architecture.width, k2 = architecture.kernelSize * architecture.kernelSize
        return 4 * (5 * n / 4 + 12 + (synthesis ? n * k2 / 8 : 0)) * (backward ? 3 : 1)
    }

    /// The tiles for a latent of this size: the largest square core whose window fits the
    /// budget, at least 4 cells; the margin covers the receptive field (kernel/2 cells).
    func tiles(latentWidth lw: Int, latentHeight lh: Int, synthesis: Bool = false, backward: Bool = false) -> LatentTiles {
        let s = architecture.totalStride
        let margin = architecture.kernelSize / 2 + 1
        let windowPixels = max(activationBudget / activationBytesPerPixel(synthesis: synthesis, backward: backward), 1)
        let windowCells = Int(Double(windowPixels).squareRoot()) / s
        return LatentTiles(tile: max(windowCells - 2 * margin, 4), margin: margin)
    }

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
        trainingLambda = file.trainingJSON.flatMap { json in
            (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)))?["lambda"].flatMap(Float.init)
        }
        modelID = ((modelPath as NSString).lastPathComponent as NSString).deletingPathExtension
        modelHash = Self.modelHash(of: file.file.tensors)
        path = modelPath
    }

    /// A codec over a network in memory (training's validation, tests); its hash is that of the
    /// model file `ModelFile.save` would write.
    public init(network: FactorizedPriorCodec, tables: EntropyTables, id: String = "memory", lambda: Float? = nil) throws {
        self.network = network
        self.tables = tables
        trainingLambda = lambda
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
        let rgb = image.rgb()
        let padded = padded(rgb, latentWidth: lw, latentHeight: lh)
        var y = analyse(padded: padded, latentWidth: lw, latentHeight: lh)
        if refinement.steps > 0 {
            y = try refine(y, padded: padded, imageWidth: rgb.width, imageHeight: rgb.height, latentWidth: lw, latentHeight: lh)
        }
        let stream = y.withUnsafeBufferPointer { tables.encode($0, height: lh, width: lw) }
        return LatentCodeFile(modelID: modelID, modelHash: modelHash, width: image.width, height: image.height,
                              channels: image.layout.colorChannelCount, bitDepth: image.sourceBitDepth == 16 ? 16 : 8,
                              latentChannels: a.latentChannels, latentHeight: lh, latentWidth: lw,
                              iccProfile: image.iccProfile, stream: stream)
    }

    /// y = g_a(x) of the image padded (mirrored) to the latent's size × the total stride:
    /// [M, lh, lw] floats, computed in tiles.
    func analyse(_ rgb: Image, latentWidth lw: Int, latentHeight lh: Int) -> [Float] {
        analyse(padded: padded(rgb, latentWidth: lw, latentHeight: lh), latentWidth: lw, latentHeight: lh)
    }

    /// y = g_a of planes already `padded` to [3, lh·s, lw·s].
    func analyse(padded: [Float], latentWidth lw: Int, latentHeight lh: Int) -> [Float] {
        let s = architecture.totalStride, m = architecture.latentChannels
        let (pw, ph) = (lw * s, lh * s)
        var latent = [Float](repeating: 0, count: m * lh * lw)
        padded.withUnsafeBufferPointer { planes in
            for (core, window) in tiles(latentWidth: lw, latentHeight: lh).regions(latentWidth: lw, latentHeight: lh) {
                let input = LatentTiles.cut(planes, channels: 3, width: pw, height: ph, window, unit: s)
                let y = Autograd.withoutGrad {
                    network.analysis(Tensor(input, shape: [1, 3, window.height * s, window.width * s])).plain().toArray()
                }
                LatentTiles.paste(y, window: window, core: core, channels: m, unit: 1, into: &latent, width: lw, height: lh)
            }
        }
        return latent
    }

    /// The image's planes mirrored at the right and bottom to the latent's size × the total stride.
    func padded(_ rgb: Image, latentWidth lw: Int, latentHeight lh: Int) -> [Float] {
        let s = architecture.totalStride
        return rgb.withUnsafeBufferPointer {
            ReflectPadding.pad($0, channels: 3, width: rgb.width, height: rgb.height,
                               top: 0, left: 0, bottom: lh * s - rgb.height, right: lw * s - rgb.width)
        }
    }

    /// `refinement` applied to the latent y ([M, lh, lw]) of an image of `imageWidth` ×
    /// `imageHeight` whose planes are `padded` ([3, lh·s, lw·s]), tile by tile (tiles sized for
    /// the synthesis pass and its backward pass); returns ŷ on the tables' grid.
    func refine(_ y: [Float], padded: [Float], imageWidth: Int, imageHeight: Int,
                latentWidth lw: Int, latentHeight lh: Int) throws -> [Float] {
        guard let lambda = refinement.lambda ?? trainingLambda else {
            throw LatentCodecError(reason: "refinement needs a λ: \(path) records none (give --refine-lambda)")
        }
        let s = architecture.totalStride, m = architecture.latentChannels
        let (pw, ph) = (lw * s, lh * s)
        // Windows in raster order; each sees the cores refined before it as its context.
        var result = y
        padded.withUnsafeBufferPointer { planes in
            for (core, window) in tiles(latentWidth: lw, latentHeight: lh, synthesis: true, backward: true)
                .regions(latentWidth: lw, latentHeight: lh) {
                let context = result.withUnsafeBufferPointer {
                    LatentTiles.cut($0, channels: m, width: lw, height: lh, window, unit: 1)
                }
                let refined = refinement.refine(
                    context, latentWidth: window.width, latentHeight: window.height,
                    image: LatentTiles.cut(planes, channels: 3, width: pw, height: ph, window, unit: s),
                    validWidth: min(imageWidth - window.x * s, window.width * s),
                    validHeight: min(imageHeight - window.y * s, window.height * s),
                    core: (core.x - window.x, core.y - window.y, core.width, core.height),
                    network: network, medians: tables.medians, lambda: lambda)
                LatentTiles.paste(refined, window: window, core: core, channels: m, unit: 1, into: &result, width: lw, height: lh)
            }
        }
        return result
    }

    /// x̂ = g_s(ŷ): ŷ [M, lh, lw] → [3, lh·s, lw·s], computed in tiles.
    func synthesise(_ latent: [Float], latentWidth lw: Int, latentHeight lh: Int) -> [Float] {
        let s = architecture.totalStride, m = architecture.latentChannels
        var image = [Float](repeating: 0, count: 3 * lh * s * lw * s)
        latent.withUnsafeBufferPointer { planes in
            let grid = tiles(latentWidth: lw, latentHeight: lh, synthesis: true)
            for (core, window) in grid.regions(latentWidth: lw, latentHeight: lh) {
                let input = LatentTiles.cut(planes, channels: m, width: lw, height: lh, window, unit: 1)
                let x = Autograd.withoutGrad {
                    network.synthesis(Tensor(input, shape: [1, m, window.height, window.width])).plain().toArray()
                }
                LatentTiles.paste(x, window: window, core: core, channels: 3, unit: s, into: &image, width: lw * s, height: lh * s)
            }
        }
        return image
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
        let full = synthesise(latent, latentWidth: lw, latentHeight: lh)
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
