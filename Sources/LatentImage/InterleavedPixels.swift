/// Decoded samples as a codec library delivers them: interleaved (HWC), rows top to bottom,
/// `bitDepth` 8 (one byte per sample) or 16 (native-endian UInt16 per sample), stored
/// orientation (EXIF not applied).
public struct InterleavedPixels: Sendable {
    public var width: Int
    public var height: Int
    public var layout: ChannelLayout
    public var bitDepth: Int
    public var data: [UInt8]
    public var warnings: [String]

    /// Planar Float32 image (CHW), value / 255 or value / 65535.
    public func planarImage() -> Image {
        let n = width * height, channels = layout.channelCount
        let samples: [Float] = data.withUnsafeBytes { raw in
            if bitDepth == 16 {
                return SampleConversion.planarFloats(fromInterleaved: raw.bindMemory(to: UInt16.self),
                                                     channels: channels, pixelCount: n)
            }
            return SampleConversion.planarFloats(fromInterleaved: raw.bindMemory(to: UInt8.self),
                                                 channels: channels, pixelCount: n)
        }
        return Image(width: width, height: height, layout: layout, samples: samples,
                     sourceBitDepth: bitDepth, warnings: warnings)
    }
}
