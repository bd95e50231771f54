/// Largest image a decoder will allocate, checked from the header before any pixel memory is
/// reserved, so a small hostile file cannot ask for gigabytes.
public struct ImageLimits: Sendable, Equatable {
    /// Maximum width × height (default 120 megapixels ≈ 1.4 GB as RGB Float32).
    public var maxPixels: Int
    /// Maximum width and maximum height (default 65535, the JPEG maximum).
    public var maxSide: Int

    public init(maxPixels: Int = 120_000_000, maxSide: Int = 65535) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
    }

    public static let `default` = ImageLimits()

    /// Why `width`×`height` is refused, or nil when it is acceptable.
    public func violation(width: Int, height: Int) -> String? {
        if width <= 0 || height <= 0 { return "empty image (\(width)×\(height))" }
        if width > maxSide || height > maxSide {
            return "\(width)×\(height) exceeds the limit of \(maxSide) pixels per side"
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels {
            return "\(width)×\(height) exceeds the limit of \(maxPixels) pixels"
        }
        return nil
    }

    /// Throws `ImageError.tooLarge` when the size is refused.
    public func check(width: Int, height: Int, path: String? = nil) throws {
        if let reason = violation(width: width, height: height) {
            throw ImageError.tooLarge(path: path, reason: reason)
        }
    }
}
