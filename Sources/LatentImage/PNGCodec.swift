import CLatentShim
import CPNG  // not used directly: importing it autolinks libpng for the C shim

/// PNG reading and writing through libpng (see Sources/CLatentShim/png_codec.c for why the
/// classic API): samples exactly as stored — no gamma correction, no premultiplication — with
/// palette and tRNS expanded to RGB(A), 1/2/4-bit gray scaled to 8 bits, 16 bits kept.
public enum PNGCodec {
    /// Header of a PNG held in `bytes` (chunks up to the first IDAT). Limits are checked first.
    public static func readHeader(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> ImageHeader {
        try Reader.readHeader(bytes, limits: limits)
    }

    /// Decoded interleaved samples exactly as libpng delivers them (for callers that want bytes,
    /// and to measure the cost of the Float conversion).
    public static func decodeInterleaved(_ bytes: UnsafeRawBufferPointer,
                                         limits: ImageLimits = .default) throws -> InterleavedPixels {
        try Reader.decodeInterleaved(bytes, limits: limits)
    }

    /// Decodes to a planar Float image (value / 255 or value / 65535), orientation applied. (To
    /// decode many images in a row, `DecodeBuffers` reuses the memory.)
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> Image {
        var storage = DecodeStorage()
        return try Reader.decodeImage(bytes, limits: limits, storage: &storage)
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
        return try ShimResult.encoded(format: .png, icc: image.iccProfile) { icc, iccCount, output, outputSize, message, capacity in
            interleaved.withUnsafeBytes { pixels in
                latent_png_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height),
                                  Int32(image.channelCount), Int32(bitDepth), Int32(compressionLevel),
                                  icc, iccCount, output, outputSize, message, capacity)
            }
        }
    }

    // MARK: - Internals

    /// libpng behind the shim's reader calls.
    enum Reader: ShimReader {
        static let format = ImageFormat.png
        static func create(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> OpaquePointer? { latent_png_reader_create(bytes, count) }
        static func destroy(_ reader: OpaquePointer) { latent_png_reader_destroy(reader) }
        static func emptyHeader() -> latent_png_header { latent_png_header() }
        static func readHeader(_ reader: OpaquePointer, _ header: inout latent_png_header) -> Int32 {
            latent_png_reader_read_header(reader, &header)
        }
        static func decode(_ reader: OpaquePointer, _ pixels: UnsafeMutableRawPointer?, _ byteCount: Int) -> Int32 {
            latent_png_reader_decode(reader, pixels, byteCount)
        }
        static func planarScratchSize(_ reader: OpaquePointer) -> Int { latent_png_reader_planar_scratch_size(reader) }
        static func decodePlanar(_ reader: OpaquePointer, _ planes: UnsafeMutablePointer<Float>?, _ count: Int,
                                 _ scratch: UnsafeMutableRawPointer?, _ scratchSize: Int) -> Int32 {
            latent_png_reader_decode_planar(reader, planes, count, scratch, scratchSize)
        }
        static func errorMessage(_ reader: OpaquePointer) -> String { String(cString: latent_png_reader_error(reader)) }
        static func warnings(_ reader: OpaquePointer) -> String { String(cString: latent_png_reader_warnings(reader)) }

        /// Refuses absurd sizes from the raw IHDR before libpng reads anything else.
        static func precheck(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws {
            if let size = ImageHeader.pngDimensions(bytes) {
                try limits.check(width: size.width, height: size.height)
            }
        }

        static func header(from raw: latent_png_header, limits: ImageLimits) throws -> ImageHeader {
            try limits.check(width: Int(raw.width), height: Int(raw.height))
            guard let layout = ChannelLayout(channelCount: Int(raw.out_channels)) else {
                throw ImageError.corrupt(path: nil, format: .png, reason: "unexpected channel count \(raw.out_channels)")
            }
            let orientation = ShimResult.orientation(exif: raw.exif, raw.exif_size)
            let display = Orientation.displaySize(width: Int(raw.width), height: Int(raw.height), orientation: orientation)
            let colorModels = [0: "gray", 2: "RGB", 3: "palette", 4: "gray+alpha", 6: "RGBA"]
            return ImageHeader(
                format: .png, width: display.width, height: display.height,
                storedWidth: Int(raw.width), storedHeight: Int(raw.height), layout: layout,
                bitDepth: Int(raw.bit_depth), colorModel: colorModels[Int(raw.color_type)] ?? "unknown",
                orientation: orientation, isProgressive: raw.interlaced != 0,
                iccProfile: ShimResult.bytes(raw.icc, raw.icc_size))
        }
    }
}
