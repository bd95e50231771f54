import LatentImage

/// The quantised (a*, b*) colours a colorizer chooses among: the centres of the square bins of
/// side `binSize` (multiples of it on both axes) that some sRGB colour falls into.
///
/// Zhang et al. (2016) count 313 such bins of side 10; with Latent's Lab (D65, the sRGB curve
/// and matrix of ColorSpace) the sRGB gamut covers 261 — the count depends on the conversion.
/// Every 8-bit level of every channel in steps of 3 (86³ colours, 255 included) finds the same
/// bins as all 256³, and takes a few milliseconds.
public enum ABGamut {
    public static func bins(binSize: Float = 10) -> [[Float]] {
        precondition(binSize > 0, "bin size must be positive")
        var levels = Array(stride(from: 0, through: 255, by: 3)).map { Float($0) / 255 }
        if levels.last != 1 { levels.append(1) }
        let n = levels.count * levels.count * levels.count
        var rgb = [Float](repeating: 0, count: 3 * n)
        var i = 0
        for r in levels {
            for g in levels {
                for b in levels {
                    rgb[i] = r; rgb[n + i] = g; rgb[2 * n + i] = b
                    i += 1
                }
            }
        }
        var lab = [Float](repeating: 0, count: 3 * n)
        rgb.withUnsafeBufferPointer { src in
            lab.withUnsafeMutableBufferPointer { ColorSpace.rgbToLab(src, into: $0, pixelCount: n) }
        }
        var seen = Set<[Int]>()
        for k in 0..<n {
            seen.insert([Int((lab[n + k] / binSize).rounded()), Int((lab[2 * n + k] / binSize).rounded())])
        }
        // Sorted by a, then b, so the class order is fixed by the bin size alone.
        return seen.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
            .map { [Float($0[0]) * binSize, Float($0[1]) * binSize] }
    }
}
