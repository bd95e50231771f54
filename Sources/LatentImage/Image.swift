/// A decoded image: planar Float32 samples in [0, 1].
///
/// Layout of `samples` is CHW: all of channel 0 row by row, then all of channel 1, …, so an image
/// maps onto a `[1, C, H, W]` tensor without copying. Channel order follows `layout` (gray or
/// R, G, B; alpha last, straight — not premultiplied). Decoders apply the EXIF orientation, so
/// `width`/`height` are display dimensions and `sourceOrientation` remembers the stored tag.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let layout: ChannelLayout
    /// CHW samples, `layout.channelCount * height * width` of them.
    public private(set) var samples: [Float]
    /// Bits per sample in the source file: 1, 2, 4, 8 or 16 (for a palette PNG, the index depth).
    public var sourceBitDepth: Int
    /// The EXIF orientation (1–8) found in the source; 1 when there was none. Already applied.
    public var sourceOrientation: Int
    /// The embedded ICC profile, kept verbatim so writers can embed it again.
    public var iccProfile: [UInt8]?
    /// Where the image came from; nil for images made in memory.
    public var sourceFormat: ImageFormat?
    /// Non-fatal decoder messages (e.g. "Premature end of JPEG file").
    public var warnings: [String]

    /// An image over existing CHW samples. `samples.count` must be `channels × height × width`.
    public init(width: Int, height: Int, layout: ChannelLayout, samples: [Float],
                sourceBitDepth: Int = 8, sourceOrientation: Int = 1, iccProfile: [UInt8]? = nil,
                sourceFormat: ImageFormat? = nil, warnings: [String] = []) {
        precondition(width >= 0 && height >= 0, "negative image size")
        precondition(samples.count == layout.channelCount * width * height,
                     "expected \(layout.channelCount)×\(height)×\(width) samples, got \(samples.count)")
        self.width = width
        self.height = height
        self.layout = layout
        self.samples = samples
        self.sourceBitDepth = sourceBitDepth
        self.sourceOrientation = sourceOrientation
        self.iccProfile = iccProfile
        self.sourceFormat = sourceFormat
        self.warnings = warnings
    }

    /// A black, transparent (alpha 0) image.
    public init(width: Int, height: Int, layout: ChannelLayout) {
        self.init(width: width, height: height, layout: layout,
                  samples: [Float](repeating: 0, count: layout.channelCount * width * height))
    }

    public var channelCount: Int { layout.channelCount }
    public var pixelCount: Int { width * height }
    /// The tensor shape this image maps onto: [1, C, H, W].
    public var shape: [Int] { [1, channelCount, height, width] }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try samples.withUnsafeBufferPointer(body)
    }

    /// Mutable access to the samples; the count cannot change.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try samples.withUnsafeMutableBufferPointer(body)
    }

    /// Channel `index` (H×W, row-major).
    public func plane(_ index: Int) -> ArraySlice<Float> {
        precondition(index >= 0 && index < channelCount, "channel \(index) out of range")
        return samples[index * pixelCount ..< (index + 1) * pixelCount]
    }

    /// The alpha plane (H×W) or nil when the layout has none.
    public var alpha: [Float]? { layout.hasAlpha ? Array(plane(channelCount - 1)) : nil }

    /// The colour planes alone (gray or RGB), keeping all metadata.
    public var colorPlanes: Image {
        splittingAlpha().color
    }

    /// Splits off alpha: the colour image (gray or RGB) and the alpha plane if there was one.
    public func splittingAlpha() -> (color: Image, alpha: [Float]?) {
        guard layout.hasAlpha else { return (self, nil) }
        let colorCount = layout.colorChannelCount * pixelCount
        var color = self.replacing(layout: layout.withoutAlpha, samples: Array(samples[..<colorCount]))
        color.warnings = warnings
        return (color, Array(samples[colorCount...]))
    }

    /// Attaches `alpha` (H×W) to a gray or RGB image, giving gray+alpha or RGBA.
    public func attachingAlpha(_ alpha: [Float]) -> Image {
        precondition(!layout.hasAlpha, "image already has alpha")
        precondition(alpha.count == pixelCount, "alpha plane must have width × height samples")
        return replacing(layout: layout.withAlpha, samples: samples + alpha)
    }

    /// A copy with other samples and maybe other size/layout, keeping the metadata.
    public func replacing(width: Int? = nil, height: Int? = nil, layout: ChannelLayout? = nil,
                          samples: [Float]) -> Image {
        Image(width: width ?? self.width, height: height ?? self.height, layout: layout ?? self.layout,
              samples: samples, sourceBitDepth: sourceBitDepth, sourceOrientation: sourceOrientation,
              iccProfile: iccProfile, sourceFormat: sourceFormat, warnings: warnings)
    }
}
