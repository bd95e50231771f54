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
        try Reader.readHeader(bytes, limits: limits)
    }

    /// Decoded interleaved 8-bit samples as libjpeg delivers them (stored orientation).
    public static func decodeInterleaved(_ bytes: UnsafeRawBufferPointer,
                                         limits: ImageLimits = .default) throws -> InterleavedPixels {
        try Reader.decodeInterleaved(bytes, limits: limits)
    }

    /// Decodes to a planar Float image (value / 255), EXIF orientation applied. A truncated file
    /// yields what is there, with a warning in `Image.warnings`. (To decode many images in a
    /// row, `DecodeBuffers` reuses the memory.)
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws -> Image {
        var storage = DecodeStorage()
        return try Reader.decodeImage(bytes, limits: limits, storage: &storage)
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
        return try ShimResult.encoded(format: .jpeg, icc: image.iccProfile) { icc, iccCount, output, outputSize, message, capacity in
            interleaved.withUnsafeBufferPointer { pixels in
                latent_jpeg_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height),
                                   Int32(image.channelCount), Int32(options.quality),
                                   options.subsampling == .s420 ? 1 : 0, options.progressive ? 1 : 0,
                                   icc, iccCount, output, outputSize, message, capacity)
            }
        }
    }

    // MARK: - Internals

    /// libjpeg-turbo behind the shim's reader calls.
    enum Reader: ShimReader {
        static let format = ImageFormat.jpeg
        static func create(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> OpaquePointer? { latent_jpeg_reader_create(bytes, count) }
        static func destroy(_ reader: OpaquePointer) { latent_jpeg_reader_destroy(reader) }
        static func emptyHeader() -> latent_jpeg_header { latent_jpeg_header() }
        static func readHeader(_ reader: OpaquePointer, _ header: inout latent_jpeg_header) -> Int32 {
            latent_jpeg_reader_read_header(reader, &header)
        }
        static func decode(_ reader: OpaquePointer, _ pixels: UnsafeMutableRawPointer?, _ byteCount: Int) -> Int32 {
            latent_jpeg_reader_decode(reader, pixels?.assumingMemoryBound(to: UInt8.self), byteCount)
        }
        static func planarScratchSize(_ reader: OpaquePointer) -> Int { latent_jpeg_reader_planar_scratch_size(reader) }
        static func decodePlanar(_ reader: OpaquePointer, _ planes: UnsafeMutablePointer<Float>?, _ count: Int,
                                 _ scratch: UnsafeMutableRawPointer?, _ scratchSize: Int) -> Int32 {
            latent_jpeg_reader_decode_planar(reader, planes, count, scratch?.assumingMemoryBound(to: UInt8.self), scratchSize)
        }
        static func errorMessage(_ reader: OpaquePointer) -> String { String(cString: latent_jpeg_reader_error(reader)) }
        static func warnings(_ reader: OpaquePointer) -> String { String(cString: latent_jpeg_reader_warnings(reader)) }

        static func header(from raw: latent_jpeg_header, limits: ImageLimits) throws -> ImageHeader {
            try limits.check(width: Int(raw.width), height: Int(raw.height))
            let orientation = ShimResult.orientation(exif: raw.exif, raw.exif_size)
            let display = Orientation.displaySize(width: Int(raw.width), height: Int(raw.height), orientation: orientation)
            // libjpeg J_COLOR_SPACE values: 1 gray, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK.
            let colorModels = [1: "gray", 2: "RGB", 3: "YCbCr", 4: "CMYK", 5: "YCCK"]
            return ImageHeader(
                format: .jpeg, width: display.width, height: display.height,
                storedWidth: Int(raw.width), storedHeight: Int(raw.height),
                layout: raw.out_channels == 1 ? .gray : .rgb, bitDepth: 8,
                colorModel: colorModels[Int(raw.color_space)] ?? "unknown", orientation: orientation,
                isProgressive: raw.progressive != 0, iccProfile: ShimResult.bytes(raw.icc, raw.icc_size))
        }
    }
}
