import CLatentShim
import CPNG  // not used directly: importing it autolinks libpng for the C shim

/// PNG reading and writing through libpng (see Sources/CLatentShim/png_codec.c for why the
/// classic API): samples exactly as stored — no gamma correction, no premultiplication — with
/// palette and tRNS expanded to RGB(A), 1/2/4-bit gray scaled to 8 bits, 16 bits kept.
public enum PNGCodec {
    /// Header of a PNG held in `bytes` (chunks up to the first IDAT). Limits are checked first.
    public static func readHeader(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> ImageHeader {
        try withReader(bytes, limits: limits) { _, header in header }
    }

    /// Decoded interleaved samples exactly as libpng delivers them (for callers that want bytes,
    /// and to measure the cost of the Float conversion).
    public static func decodeInterleaved(_ bytes: UnsafeRawBufferPointer,
                                         limits: ImageLimits = .default) throws -> InterleavedPixels {
        try withReader(bytes, limits: limits) { reader, header in
            try decodePixels(reader, header)
        }
    }

    /// Decodes to a planar Float image (value / 255 or value / 65535), orientation applied.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> Image {
        try withReader(bytes, limits: limits) { reader, header in
            var image = try decodePlanar(reader, header)
            image.sourceBitDepth = header.bitDepth
            image.sourceOrientation = header.orientation
            image.iccProfile = header.iccProfile
            image.sourceFormat = .png
            return Orientation.apply(header.orientation, to: image)
        }
    }

    /// Encodes `image` as PNG with `bitDepth` 8 or 16 bits per sample (round(v·255) or
    /// round(v·65535), clamped), keeping its ICC profile as iCCP.
    public static func encode(_ image: Image, bitDepth: Int = 8, compressionLevel: Int = 6) throws -> [UInt8] {
        guard bitDepth == 8 || bitDepth == 16 else {
            throw ImageError.invalidArgument(path: nil, reason: "PNG bit depth must be 8 or 16, not \(bitDepth)")
        }
        guard image.width > 0, image.height > 0, image.width <= 0x7FFF_FFFF, image.height <= 0x7FFF_FFFF else {
            throw ImageError.invalidArgument(path: nil, reason: "cannot write a \(image.width)×\(image.height) PNG")
        }
        let interleaved: [UInt8]
        if bitDepth == 8 {
            interleaved = image.withUnsafeBufferPointer {
                SampleConversion.interleaved(fromPlanar: $0, channels: image.channelCount,
                                             pixelCount: image.pixelCount, as: UInt8.self)
            }
        } else {
            let wide = image.withUnsafeBufferPointer {
                SampleConversion.interleaved(fromPlanar: $0, channels: image.channelCount,
                                             pixelCount: image.pixelCount, as: UInt16.self)
            }
            interleaved = wide.withUnsafeBytes { Array($0) }
        }
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize = 0
        var message = [CChar](repeating: 0, count: 512)
        let icc = image.iccProfile ?? []
        let code = interleaved.withUnsafeBytes { pixels in
            icc.withUnsafeBufferPointer { profile in
                latent_png_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height),
                                  Int32(image.channelCount), Int32(bitDepth), Int32(compressionLevel),
                                  icc.isEmpty ? nil : profile.baseAddress, icc.count,
                                  &output, &outputSize, &message, message.count)
            }
        }
        guard code == LATENT_OK, let output else {
            throw ImageError.invalidArgument(path: nil, reason: "PNG encoding failed: \(String(cString: message))")
        }
        defer { latent_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputSize))
    }

    // MARK: - Internals

    private static func withReader<R>(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits,
                                      _ body: (OpaquePointer, ImageHeader) throws -> R) throws -> R {
        guard ImageFormat.sniff(bytes) == .png else { throw ImageError.unsupportedFormat(path: nil) }
        // Refuse absurd sizes from the raw IHDR before libpng reads anything else.
        if let size = ImageHeader.pngDimensions(bytes) {
            try limits.check(width: size.width, height: size.height)
        }
        guard let reader = latent_png_reader_create(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count) else {
            throw ImageError.unsupportedFeature(path: nil, reason: "out of memory")
        }
        defer { latent_png_reader_destroy(reader) }
        var raw = latent_png_header()
        let code = latent_png_reader_read_header(reader, &raw)
        guard code == LATENT_OK else { throw error(code, String(cString: latent_png_reader_error(reader))) }
        try limits.check(width: Int(raw.width), height: Int(raw.height))
        guard let layout = ChannelLayout(channelCount: Int(raw.out_channels)) else {
            throw ImageError.corrupt(path: nil, format: .png, reason: "unexpected channel count \(raw.out_channels)")
        }
        let exif = raw.exif.map { Array(UnsafeBufferPointer(start: $0, count: raw.exif_size)) }
        let orientation = exif.flatMap { EXIF.orientation(tiff: $0) } ?? 1
        let display = Orientation.displaySize(width: Int(raw.width), height: Int(raw.height), orientation: orientation)
        let colorModels = [0: "gray", 2: "RGB", 3: "palette", 4: "gray+alpha", 6: "RGBA"]
        let header = ImageHeader(
            format: .png, width: display.width, height: display.height,
            storedWidth: Int(raw.width), storedHeight: Int(raw.height), layout: layout,
            bitDepth: Int(raw.bit_depth), colorModel: colorModels[Int(raw.color_type)] ?? "unknown",
            orientation: orientation, isProgressive: raw.interlaced != 0,
            iccProfile: raw.icc.map { Array(UnsafeBufferPointer(start: $0, count: raw.icc_size)) })
        return try body(reader, header)
    }

    /// Decodes straight into planar floats (converted strip by strip in C while still in cache).
    private static func decodePlanar(_ reader: OpaquePointer, _ header: ImageHeader) throws -> Image {
        let count = header.storedWidth * header.storedHeight * header.layout.channelCount
        var code: Int32 = 0
        let samples = [Float](largeBufferCount: count) { buffer in
            code = latent_png_reader_decode_planar(reader, buffer.baseAddress, count)
        }
        guard code == LATENT_OK else { throw error(code, String(cString: latent_png_reader_error(reader))) }
        let warnings = String(cString: latent_png_reader_warnings(reader))
        return Image(width: header.storedWidth, height: header.storedHeight, layout: header.layout, samples: samples,
                     warnings: warnings.isEmpty ? [] : warnings.split(separator: "\n").map(String.init))
    }

    private static func decodePixels(_ reader: OpaquePointer, _ header: ImageHeader) throws -> InterleavedPixels {
        let bitDepth = header.bitDepth == 16 ? 16 : 8
        let count = header.storedWidth * header.storedHeight * header.layout.channelCount * bitDepth / 8
        var data = [UInt8](largeBufferCount: count) { _ in }
        let code = data.withUnsafeMutableBytes { latent_png_reader_decode(reader, $0.baseAddress, count) }
        guard code == LATENT_OK else { throw error(code, String(cString: latent_png_reader_error(reader))) }
        let warnings = String(cString: latent_png_reader_warnings(reader))
        return InterleavedPixels(width: header.storedWidth, height: header.storedHeight,
                                 layout: header.layout, bitDepth: bitDepth, data: data,
                                 warnings: warnings.isEmpty ? [] : warnings.split(separator: "\n").map(String.init))
    }

    private static func error(_ code: Int32, _ message: String) -> ImageError {
        switch Int(code) {
        case Int(LATENT_ERR_TRUNCATED): return .truncated(path: nil, format: .png, reason: message)
        case Int(LATENT_ERR_UNSUPPORTED): return .unsupportedFeature(path: nil, reason: message)
        case Int(LATENT_ERR_NOMEM): return .unsupportedFeature(path: nil, reason: "out of memory")
        default: return .corrupt(path: nil, format: .png, reason: message)
        }
    }
}
