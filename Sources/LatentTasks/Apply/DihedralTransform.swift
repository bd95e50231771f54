/// One of the eight symmetries of the square (identity, three rotations, and each of those
/// mirrored), applied to image planes. The self-ensemble runs a network on all eight and averages
/// the results mapped back, because natural images and Gaussian noise are statistically the same
/// under these symmetries while a trained network's errors are not.
public struct DihedralTransform: Equatable, Sendable {
    /// Swap rows and columns first (a transpose), then mirror rows and/or columns.
    public let transposes: Bool
    public let flipsRows: Bool
    public let flipsColumns: Bool

    public static let all: [DihedralTransform] = [false, true].flatMap { t in
        [false, true].flatMap { r in [false, true].map { c in DihedralTransform(transposes: t, flipsRows: r, flipsColumns: c) } }
    }

    /// The size of a transformed width × height image.
    public func size(width: Int, height: Int) -> (width: Int, height: Int) {
        transposes ? (height, width) : (width, height)
    }

    // planes: [C, height, width] → [C, height', width'] with (width', height') = size(width:height:)
    public func apply(_ planes: [Float], channels: Int, width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: planes.count)
        forEachPixel(channels: channels, width: width, height: height) { original, transformed in out[transformed] = planes[original] }
        return out
    }

    // planes: [C, height', width'] of the transformed frame → [C, height, width]
    public func invert(_ planes: [Float], channels: Int, width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: planes.count)
        forEachPixel(channels: channels, width: width, height: height) { original, transformed in out[original] = planes[transformed] }
        return out
    }

    /// Visits every sample as (index in the original [C, height, width], index in the transformed frame).
    private func forEachPixel(channels: Int, width: Int, height: Int, _ body: (Int, Int) -> Void) {
        let (tw, th) = size(width: width, height: height)
        for c in 0..<channels {
            let base = c * width * height
            for y in 0..<th {
                let sy = flipsRows ? th - 1 - y : y
                for x in 0..<tw {
                    let sx = flipsColumns ? tw - 1 - x : x
                    let (ix, iy) = transposes ? (sy, sx) : (sx, sy)  // undo the transpose
                    body(base + iy * width + ix, base + y * tw + x)
                }
            }
        }
    }
}
