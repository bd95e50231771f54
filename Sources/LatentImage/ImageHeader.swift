/// What a file's header says, read without decoding pixels.
public struct ImageHeader: Sendable, Equatable {
    public var format: ImageFormat
    /// Display size: the stored size with the EXIF orientation applied.
    public var width: Int
    public var height: Int
    /// Size as stored in the file (before orientation).
    public var storedWidth: Int
    public var storedHeight: Int
    /// Channels of the decoded `Image` (palette and tRNS expanded; CMYK/YCbCr → RGB).
    public var layout: ChannelLayout
    /// Bits per sample in the file: 1, 2, 4, 8 or 16.
    public var bitDepth: Int
    /// How the file stores colour: "gray", "RGB", "palette", "gray+alpha", "RGBA", "YCbCr", "CMYK"…
    public var colorModel: String
    /// EXIF orientation tag (1–8), 1 when absent.
    public var orientation: Int
    /// Interlaced PNG or progressive JPEG.
    public var isProgressive: Bool
    public var iccProfile: [UInt8]?

    /// The raw PNG IHDR size from the first 24 bytes, used to enforce limits even before libpng
    /// looks at the rest of the file. Nil unless the bytes start with a PNG signature and IHDR.
    static func pngDimensions(_ bytes: UnsafeRawBufferPointer) -> (width: Int, height: Int)? {
        guard bytes.count >= 24, ImageFormat.sniff(bytes) == .png,
              bytes[12] == 0x49, bytes[13] == 0x48, bytes[14] == 0x44, bytes[15] == 0x52 else { return nil }
        func be32(_ o: Int) -> Int { Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]) }
        return (be32(16), be32(20))
    }
}
