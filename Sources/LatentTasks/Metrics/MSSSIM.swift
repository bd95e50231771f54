import Foundation

/// Multi-scale SSIM (Wang, Simoncelli & Bovik 2003) as the learned-compression literature
/// reports it (CompressAI via pytorch_msssim): five scales with weights 0.0448, 0.2856, 0.3001,
/// 0.2363, 0.1333; the contrast–structure term at the four finer scales and SSIM at the
/// coarsest; 2×2 mean downsampling between scales (an odd last row or column is dropped);
/// negative terms clamped to 0; the mean over channels. Samples are rounded to 8 bits first.
public enum MSSSIM {
    public static let weights: [Double] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]

    /// Smallest side with five scales: the coarsest must still hold the 11×11 window.
    public static let minimumSide = 11 << 4

    /// a, b: planar [C, H, W] samples in [0, 1]. NaN when the image is smaller than `minimumSide`.
    public static func eightBit(_ a: [Float], _ b: [Float], channels: Int, width: Int, height: Int) -> Double {
        precondition(a.count == channels * width * height && b.count == a.count, "MS-SSIM size mismatch")
        guard min(width, height) >= minimumSide else { return .nan }
        let plane = width * height
        var total = 0.0
        for c in 0..<channels {
            var x = (0..<plane).map { Double(PSNR.quantize(a[c * plane + $0])) }
            var y = (0..<plane).map { Double(PSNR.quantize(b[c * plane + $0])) }
            var (w, h) = (width, height)
            var value = 1.0
            for (scale, weight) in weights.enumerated() {
                let (ssim, cs) = SSIM.components(x, y, width: w, height: h)
                value *= pow(max(scale == weights.count - 1 ? ssim : cs, 0), weight)
                if scale < weights.count - 1 {
                    (x, _, _) = halve(x, w, h)
                    (y, w, h) = halve(y, w, h)
                }
            }
            total += value
        }
        return total / Double(channels)
    }

    /// 2×2 means: [H, W] → [H/2, W/2] (floors).
    static func halve(_ p: [Double], _ w: Int, _ h: Int) -> ([Double], Int, Int) {
        let (hw, hh) = (w / 2, h / 2)
        var out = [Double](repeating: 0, count: hw * hh)
        for y in 0..<hh {
            for x in 0..<hw {
                out[y * hw + x] = (p[2 * y * w + 2 * x] + p[2 * y * w + 2 * x + 1] + p[(2 * y + 1) * w + 2 * x] + p[(2 * y + 1) * w + 2 * x + 1]) / 4
            }
        }
        return (out, hw, hh)
    }
}
