import Foundation

/// Colourfulness M of Hasler & Süsstrunk (2003), "Measuring colourfulness in natural images":
/// on 8-bit-rounded R, G, B (0…255), with rg = R − G and yb = (R + G)/2 − B over all pixels,
/// M = √(σ_rg² + σ_yb²) + 0.3·√(μ_rg² + μ_yb²) (population standard deviations).
/// A gray image scores 0; the paper calls ≈ 33 "moderately", ≈ 59 "quite" and ≥ 82 "highly" colourful.
public enum Colorfulness {
    /// rgb: planar [3, pixels] in [0, 1].
    public static func hasler(_ rgb: UnsafeBufferPointer<Float>) -> Double {
        let n = rgb.count / 3
        precondition(n * 3 == rgb.count, "colourfulness wants three planes")
        guard n > 0 else { return 0 }
        var sumRG = 0.0, sumYB = 0.0, sumRG2 = 0.0, sumYB2 = 0.0
        for i in 0..<n {
            let r = Double(PSNR.quantize(rgb[i])), g = Double(PSNR.quantize(rgb[n + i])), b = Double(PSNR.quantize(rgb[2 * n + i]))
            let rg = r - g, yb = 0.5 * (r + g) - b
            sumRG += rg; sumYB += yb; sumRG2 += rg * rg; sumYB2 += yb * yb
        }
        let count = Double(n)
        let (meanRG, meanYB) = (sumRG / count, sumYB / count)
        let varianceRG = max(sumRG2 / count - meanRG * meanRG, 0), varianceYB = max(sumYB2 / count - meanYB * meanYB, 0)
        return (varianceRG + varianceYB).squareRoot() + 0.3 * (meanRG * meanRG + meanYB * meanYB).squareRoot()
    }

    public static func hasler(_ rgb: [Float]) -> Double { rgb.withUnsafeBufferPointer { hasler($0) } }
}
