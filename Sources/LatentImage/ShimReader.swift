import CLatentShim

/// The calls each C reader (Sources/CLatentShim/{png,jpeg}_codec.c) offers, so that opening a
/// reader, decoding into integer or float buffers, and turning result codes, messages and
/// warnings into Swift values is written once, here, for both formats.
protocol ShimReader {
    associatedtype RawHeader
    static var format: ImageFormat { get }
    static func create(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> OpaquePointer?
    static func destroy(_ reader: OpaquePointer)
    /// A zeroed header for `readHeader` to fill.
    static func emptyHeader() -> RawHeader
    static func readHeader(_ reader: OpaquePointer, _ header: inout RawHeader) -> Int32
    /// The format's header turned into an `ImageHeader`; throws for what the format cannot hold.
    static func header(from raw: RawHeader, limits: ImageLimits) throws -> ImageHeader
    /// Checks the bytes before any C code reads them (e.g. absurd PNG dimensions).
    static func precheck(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws
    /// Interleaved samples of the stored orientation: 8-bit, or native UInt16 for 16-bit PNG.
    static func decode(_ reader: OpaquePointer, _ pixels: UnsafeMutableRawPointer?, _ byteCount: Int) -> Int32
    static func planarScratchSize(_ reader: OpaquePointer) -> Int
    static func decodePlanar(_ reader: OpaquePointer, _ planes: UnsafeMutablePointer<Float>?, _ count: Int,
                             _ scratch: UnsafeMutableRawPointer?, _ scratchSize: Int) -> Int32
    static func errorMessage(_ reader: OpaquePointer) -> String
    static func warnings(_ reader: OpaquePointer) -> String
}

extension ShimReader {
    static func precheck(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws {}

    /// Opens a reader over `bytes`, reads and checks the header, and hands both to `body`.
    static func withReader<R>(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits,
                              _ body: (OpaquePointer, ImageHeader) throws -> R) throws -> R {
        guard ImageFormat.sniff(bytes) == format else { throw ImageError.unsupportedFormat(path: nil) }
        try precheck(bytes, limits: limits)
        guard let reader = create(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count) else {
            throw ImageError.unsupportedFeature(path: nil, reason: "out of memory")
        }
        defer { destroy(reader) }
        var raw = emptyHeader()
        let code = readHeader(reader, &raw)
        guard code == LATENT_OK else { throw error(code, reader) }
        return try body(reader, try header(from: raw, limits: limits))
    }

    static func readHeader(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws -> ImageHeader {
        try withReader(bytes, limits: limits) { _, header in header }
    }

    /// Planar Float image (value / 255 or / 65535) with the file's metadata, EXIF orientation
    /// applied. The samples come from `storage` (warm memory when it is reused, see
    /// `DecodeBuffers`) and leave it with the image.
    static func decodeImage(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits,
                            storage: inout DecodeStorage) throws -> Image {
        try withReader(bytes, limits: limits) { reader, header in
            let count = header.storedWidth * header.storedHeight * header.layout.channelCount
            storage.prepareSamples(count: count)
            storage.prepareScratch(byteCount: planarScratchSize(reader))
            var samples = storage.takeSamples()
            let recycled = samples.withUnsafeBufferPointer { $0.baseAddress }
            let code = samples.withUnsafeMutableBufferPointer { planes -> Int32 in
                // A different address: the buffer was shared, and Swift copied it to write.
                if storage.source == .reused && UnsafePointer(planes.baseAddress) != recycled { storage.source = .copied }
                return storage.scratch.withUnsafeMutableBytes { scratch in
                    decodePlanar(reader, planes.baseAddress, count, scratch.baseAddress, scratch.count)
                }
            }
            guard code == LATENT_OK else {
                storage.samples = samples  // kept for the next decode
                throw error(code, reader)
            }
            var image = Image(width: header.storedWidth, height: header.storedHeight, layout: header.layout,
                              samples: samples, warnings: warningList(reader))
            image.sourceBitDepth = header.bitDepth
            image.sourceOrientation = header.orientation
            image.iccProfile = header.iccProfile
            image.sourceFormat = format
            return Orientation.apply(header.orientation, to: image)
        }
    }

    static func decodeInterleaved(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws -> InterleavedPixels {
        try withReader(bytes, limits: limits) { reader, header in
            let bitDepth = header.bitDepth == 16 ? 16 : 8
            let count = header.storedWidth * header.storedHeight * header.layout.channelCount * bitDepth / 8
            var data = [UInt8](largeBufferCount: count) { _ in }
            let code = data.withUnsafeMutableBytes { decode(reader, $0.baseAddress, count) }
            guard code == LATENT_OK else { throw error(code, reader) }
            return InterleavedPixels(width: header.storedWidth, height: header.storedHeight, layout: header.layout,
                                     bitDepth: bitDepth, data: data, warnings: warningList(reader))
        }
    }

    static func error(_ code: Int32, _ reader: OpaquePointer) -> ImageError {
        ShimResult.error(code, message: errorMessage(reader), format: format)
    }

    static func warningList(_ reader: OpaquePointer) -> [String] {
        let text = warnings(reader)
        return text.isEmpty ? [] : text.split(separator: "\n").map(String.init)
    }
}

/// Turning the shim's results into Swift values, for readers and encoders alike.
enum ShimResult {
    static func error(_ code: Int32, message: String, format: ImageFormat) -> ImageError {
        switch Int(code) {
        case Int(LATENT_ERR_TRUNCATED): return .truncated(path: nil, format: format, reason: message)
        case Int(LATENT_ERR_UNSUPPORTED): return .unsupportedFeature(path: nil, reason: message)
        case Int(LATENT_ERR_NOMEM): return .unsupportedFeature(path: nil, reason: "out of memory")
        default: return .corrupt(path: nil, format: format, reason: message)
        }
    }

    /// A copy of `count` bytes the reader owns, or nil.
    static func bytes(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8]? {
        pointer.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// The EXIF orientation tag in a TIFF block the reader owns; 1 when absent or unreadable.
    static func orientation(exif: UnsafePointer<UInt8>?, _ count: Int) -> Int {
        bytes(exif, count).flatMap { EXIF.orientation(tiff: $0) } ?? 1
    }

    /// Runs a shim encoder, which hands back a malloc'd file (freed here) or fills `message`.
    /// `encode` gets the ICC profile (nil when there is none) and its size, the output pointer
    /// and size to fill, and the message buffer and its capacity.
    static func encoded(format: ImageFormat, icc: [UInt8]?,
                        _ encode: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
                                   UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>, Int) -> Int32) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize = 0
        var message = [CChar](repeating: 0, count: 512)
        let profile = icc ?? []
        let code = profile.withUnsafeBufferPointer { iccBytes in
            message.withUnsafeMutableBufferPointer { text in
                encode(profile.isEmpty ? nil : iccBytes.baseAddress, profile.count, &output, &outputSize,
                       text.baseAddress!, text.count)
            }
        }
        guard code == LATENT_OK, let output else {
            throw ImageError.invalidArgument(path: nil, reason: "\(format) encoding failed: \(String(cString: message))")
        }
        defer { latent_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputSize))
    }
}
