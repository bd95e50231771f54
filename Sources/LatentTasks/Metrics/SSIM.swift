import Foundation

/// Structural similarity (Wang et al. 2004) with the standard 11×11 Gaussian window
/// (σ = 1.5), K1 = 0.01, K2 = 0.03, L = 255, on 8-bit-rounded samples; the mean SSIM map
/// over positions where the window fits ("valid"), averaged over channels.
public enum SSIM {
    /// a, b: planar [C, H, W] samples in [0, 1].
    public static func eightBit(_ a: [Float], _ b: [Float], channels: Int, width: Int, height: Int) -> Double {
        precondition(a.count == channels * width * height && b.count == a.count, "SSIM size mismatch")
        let radius = window.count / 2
        guard width > 2 * radius, height > 2 * radius else { return PSNR.eightBit(a, b).isInfinite ? 1 : 0 }
        var total = 0.0
        let plane = width * height
        for c in 0..<channels {
            let x = (0..<plane).map { Double(PSNR.quantize(a[c * plane + $0])) }
            let y = (0..<plane).map { Double(PSNR.quantize(b[c * plane + $0])) }
            total += components(x, y, width: width, height: height).ssim
        }
        return total / Double(channels)
    }

    /// The 11-tap Gaussian window, σ = 1.5, normalised.
    static let window: [Double] = {
        let radius = 5
        let w = (-radius...radius).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let norm = w.reduce(0, +)
        return w.map { $0 / norm }
    }()

    /// Mean SSIM and mean contrast–structure term (cs, SSIM without its luminance factor) of
    /// one plane pair on the 0–255 scale, over the positions where the window fits. Needs sides
    /// of at least 11.
    static func components(_ x: [Double], _ y: [Double], width: Int, height: Int) -> (ssim: Double, cs: Double) {
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        let radius = window.count / 2
        let mx = blur(x, window, width, height), my = blur(y, window, width, height)
        let xx = blur(zip(x, x).map { $0 * $1 }, window, width, height)
        let yy = blur(zip(y, y).map { $0 * $1 }, window, width, height)
        let xy = blur(zip(x, y).map { $0 * $1 }, window, width, height)
        var ssim = 0.0, cs = 0.0
        let (vw, vh) = (width - 2 * radius, height - 2 * radius)
        for k in 0..<(vw * vh) {
            let (ux, uy) = (mx[k], my[k])
            let (sx, sy, sxy) = (xx[k] - ux * ux, yy[k] - uy * uy, xy[k] - ux * uy)
            let contrastStructure = (2 * sxy + c2) / (sx + sy + c2)
            cs += contrastStructure
            ssim += (2 * ux * uy + c1) / (ux * ux + uy * uy + c1) * contrastStructure
        }
        return (ssim / Double(vw * vh), cs / Double(vw * vh))
    }

    /// Separable "valid" Gaussian filtering: [H, W] → [H − 10, W − 10].
    private static func blur(_ p: [Double], _ w: [Double], _ width: Int, _ height: Int) -> [Double] {
        let r = w.count / 2
        let vw = width - 2 * r, vh = height - 2 * r
        var rows = [Double](repeating: 0, count: height * vw)
        for y in 0..<height {
            for x in 0..<vw {
                var s = 0.0
                for k in 0..<w.count { s += w[k] * p[y * width + x + k] }
                rows[y * vw + x] = s
            }
        }
        var out = [Double](repeating: 0, count: vh * vw)
        for y in 0..<vh {
            for x in 0..<vw {
                var s = 0.0
                for k in 0..<w.count { s += w[k] * rows[(y + k) * vw + x] }
                out[y * vw + x] = s
            }
        }
        return out
    }
}
