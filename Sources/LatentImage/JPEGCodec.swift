import CLatentShim
import CJPEG  // not used directly: importing it autolinks libjpeg for the C shim

/// JPEG reading and writing through libjpeg-turbo (see Sources/CLatentShim/jpeg_codec.c).
/// Reads baseline and progressive, gray, YCbCr, RGB, and CMYK/YCCK (converted to RGB, Adobe
/// inverted CMYK understood). 8-bit samples only (12-bit files are refused).
public enum JPEGCodec {
    /// Chroma subsampling for writing.
    public enum Subsampling: String, Sendable, CaseIterable {
        /// Chroma at half resolution both ways (the common default).
        case s420 = "420"
        /// Chroma at full resolution.
        case s444 = "444"
    }

    public struct EncodingOptions: Sendable, Equatable {
        /// libjpeg quality 1–100.
        public var quality: Int
        public var subsampling: Subsampling
        public var progressive: Bool

        public init(quality: Int = 92, subsampling: Subsampling = .s420, progressive: Bool = false) {
            self.quality = quality
            self.subsampling = subsampling
            self.progressive = progressive
        }
    }

    public static func readHeader(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> ImageHeader {
        try withReader(bytes, limits: limits) { _, header in header }
    }

    /// Decoded interleaved 8-bit samples as libjpeg delivers them (stored orientation).
    public static func decodeInterleaved(_ bytes: UnsafeRawBufferPointer,
                                         limits: ImageLimits = .default) throws -> InterleavedPixels {
        try withReader(bytes, limits: limits) { reader, header in try decodePixels(reader, header) }
    }

    /// Decodes to a planar Float image (value / 255), EXIF orientation applied. A truncated file
    /// yields what is there, with a warning in `Image.warnings`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> Image {
        try withReader(bytes, limits: limits) { reader, header in
            var image = try decodePlanar(reader, header)
            image.sourceBitDepth = 8
            image.sourceOrientation = header.orientation
            image.iccProfile = header.iccProfile
            image.sourceFormat = .jpeg
            return Orientation.apply(header.orientation, to: image)
        }
    }

    /// Encodes a gray or RGB image (round(v·255), clamped). Alpha cannot be stored in JPEG:
    /// images with alpha are refused; split it off first (`Image.splittingAlpha`).
    public static func encode(_ image: Image, options: EncodingOptions = EncodingOptions()) throws -> [UInt8] {
        guard !image.layout.hasAlpha else {
            throw ImageError.unsupportedFeature(path: nil, reason: "JPEG cannot store alpha (\(image.layout) image)")
        }
        guard (1...100).contains(options.quality) else {
            throw ImageError.invalidArgument(path: nil, reason: "JPEG quality must be 1–100, not \(options.quality)")
        }
        guard image.width > 0, image.height > 0, image.width <= 65500, image.height <= 65500 else {
            throw ImageError.invalidArgument(path: nil, reason: "cannot write a \(image.width)×\(image.height) JPEG (max 65500 per side)")
        }
        let interleaved = image.withUnsafeBufferPointer {
            SampleConversion.interleaved(fromPlanar: $0, channels: image.channelCount,
                                         pixelCount: image.pixelCount, as: UInt8.self)
        }
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize = 0
        var message = [CChar](repeating: 0, count: 512)
        let icc = image.iccProfile ?? []
        let code = interleaved.withUnsafeBufferPointer { pixels in
            icc.withUnsafeBufferPointer { profile in
                latent_jpeg_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height),
                                   Int32(image.channelCount), Int32(options.quality),
                                   options.subsampling == .s420 ? 1 : 0, options.progressive ? 1 : 0,
                                   icc.isEmpty ? nil : profile.baseAddress, icc.count,
                                   &output, &outputSize, &message, message.count)
            }
        }
        guard code == LATENT_OK, let output else {
            throw ImageError.invalidArgument(path: nil, reason: "JPEG encoding failed: \(String(cString: message))")
        }
        defer { latent_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputSize))
    }

    // MARK: - Internals

    private static func withReader<R>(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits,
                                      _ body: (OpaquePointer, ImageHeader) throws -> R) throws -> R {
        guard ImageFormat.sniff(bytes) == .jpeg else { throw ImageError.unsupportedFormat(path: nil) }
        guard let reader = latent_jpeg_reader_create(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count) else {
            throw ImageError.unsupportedFeature(path: nil, reason: "out of memory")
        }
        defer { latent_jpeg_reader_destroy(reader) }
        var raw = latent_jpeg_header()
        let code = latent_jpeg_reader_read_header(reader, &raw)
        guard code == LATENT_OK else { throw error(code, reader) }
        try limits.check(width: Int(raw.width), height: Int(raw.height))
        let exif = raw.exif.map { Array(UnsafeBufferPointer(start: $0, count: raw.exif_size)) }
        let orientation = exif.flatMap { EXIF.orientation(tiff: $0) } ?? 1
        let display = Orientation.displaySize(width: Int(raw.width), height: Int(raw.height), orientation: orientation)
        // libjpeg J_COLOR_SPACE values: 1 gray, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK.
        let colorModels = [1: "gray", 2: "RGB", 3: "YCbCr", 4: "CMYK", 5: "YCCK"]
        let header = ImageHeader(
            format: .jpeg, width: display.width, height: display.height,
            storedWidth: Int(raw.width), storedHeight: Int(raw.height),
            layout: raw.out_channels == 1 ? .gray : .rgb, bitDepth: 8,
            colorModel: colorModels[Int(raw.color_space)] ?? "unknown", orientation: orientation,
            isProgressive: raw.progressive != 0,
            iccProfile: raw.icc.map { Array(UnsafeBufferPointer(start: $0, count: raw.icc_size)) })
        return try body(reader, header)
    }

    /// Decodes straight into planar floats (converted strip by strip in C while still in cache).
    private static func decodePlanar(_ reader: OpaquePointer, _ header: ImageHeader) throws -> Image {
        let count = header.storedWidth * header.storedHeight * header.layout.channelCount
        var code: Int32 = 0
        let samples = [Float](largeBufferCount: count) { buffer in
            code = latent_jpeg_reader_decode_planar(reader, buffer.baseAddress, count)
        }
        guard code == LATENT_OK else { throw error(code, reader) }
        let warnings = String(cString: latent_jpeg_reader_warnings(reader))
        return Image(width: header.storedWidth, height: header.storedHeight, layout: header.layout, samples: samples,
                     warnings: warnings.isEmpty ? [] : warnings.split(separator: "\n").map(String.init))
    }

    private static func decodePixels(_ reader: OpaquePointer, _ header: ImageHeader) throws -> InterleavedPixels {
        let count = header.storedWidth * header.storedHeight * header.layout.channelCount
        var data = [UInt8](largeBufferCount: count) { _ in }
        let code = data.withUnsafeMutableBufferPointer { latent_jpeg_reader_decode(reader, $0.baseAddress, count) }
        guard code == LATENT_OK else { throw error(code, reader) }
        let warnings = String(cString: latent_jpeg_reader_warnings(reader))
        return InterleavedPixels(width: header.storedWidth, height: header.storedHeight, layout: header.layout,
                                 bitDepth: 8, data: data,
                                 warnings: warnings.isEmpty ? [] : warnings.split(separator: "\n").map(String.init))
    }

    private static func error(_ code: Int32, _ reader: OpaquePointer) -> ImageError {
        let message = String(cString: latent_jpeg_reader_error(reader))
        switch Int(code) {
        case Int(LATENT_ERR_TRUNCATED): return .truncated(path: nil, format: .jpeg, reason: message)
        case Int(LATENT_ERR_UNSUPPORTED): return .unsupportedFeature(path: nil, reason: message)
        case Int(LATENT_ERR_NOMEM): return .unsupportedFeature(path: nil, reason: "out of memory")
        default: return .corrupt(path: nil, format: .jpeg, reason: message)
        }
    }
}
