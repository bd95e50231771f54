import Foundation

/// Peak signal-to-noise ratio on the 8-bit grid, as the denoising literature reports it:
/// both images are rounded to 0…255 first, then PSNR = 10·log10(255² / MSE).
public enum PSNR {
    /// a, b: samples in [0, 1], same count (any layout). Returns +∞ for identical images.
    public static func eightBit(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Double {
        precondition(a.count == b.count, "PSNR of \(a.count) and \(b.count) samples")
        var sum = 0.0
        for i in 0..<a.count {
            let d = Double(quantize(a[i]) - quantize(b[i]))
            sum += d * d
        }
        let mse = sum / Double(max(a.count, 1))
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    public static func eightBit(_ a: [Float], _ b: [Float]) -> Double {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in eightBit(pa, pb) } }
    }

    /// Round to the nearest 8-bit level, clamped.
    @inline(__always)
    static func quantize(_ v: Float) -> Int32 {
        Int32(max(0, min(255, (v * 255).rounded())))
    }
}
