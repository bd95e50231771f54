import Foundation

/// Colour conversions on planar buffers (each plane `pixelCount` floats, contiguous), written as
/// straight loops over unsafe pointers so they vectorise. RGB is non-linear sRGB in [0, 1].
public enum ColorSpace {
    // MARK: BT.601 YCbCr, full range (JPEG/JFIF): Y in [0, 1], Cb and Cr centred on 0.5.

    /// [R, G, B] planes → [Y, Cb, Cr] planes (3 × pixelCount each way).
    public static func rgbToYCbCr(_ rgb: UnsafeBufferPointer<Float>, into ycc: UnsafeMutableBufferPointer<Float>, pixelCount n: Int) {
        precondition(rgb.count >= 3 * n && ycc.count >= 3 * n)
        let r = rgb.baseAddress!, g = r + n, b = r + 2 * n
        let y = ycc.baseAddress!, cb = y + n, cr = y + 2 * n
        for i in 0..<n {
            let R = r[i], G = g[i], B = b[i]
            y[i] = 0.299 * R + 0.587 * G + 0.114 * B
            cb[i] = 0.5 - 0.168735892 * R - 0.331264108 * G + 0.5 * B
            cr[i] = 0.5 + 0.5 * R - 0.418687589 * G - 0.081312411 * B
        }
    }

    /// [Y, Cb, Cr] planes → [R, G, B] planes (not clamped, so round trips stay exact).
    public static func yCbCrToRGB(_ ycc: UnsafeBufferPointer<Float>, into rgb: UnsafeMutableBufferPointer<Float>, pixelCount n: Int) {
        precondition(rgb.count >= 3 * n && ycc.count >= 3 * n)
        let y = ycc.baseAddress!, r = rgb.baseAddress!
        yCbCrToRGB(y: y, cb: y + n, cr: y + 2 * n, r: r, g: r + n, b: r + 2 * n, count: n)
    }

    /// The same on separate planes, `count` samples each. An output may be the same memory as
    /// an input (each sample is read before it is written), so chroma resized into the output
    /// buffer converts in place.
    public static func yCbCrToRGB(y: UnsafePointer<Float>, cb: UnsafePointer<Float>, cr: UnsafePointer<Float>,
                                  r: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>,
                                  b: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n {
            let Y = y[i], Cb = cb[i] - 0.5, Cr = cr[i] - 0.5
            r[i] = Y + 1.402 * Cr
            g[i] = Y - 0.344136286 * Cb - 0.714136286 * Cr
            b[i] = Y + 1.772 * Cb
        }
    }

    /// The luma used to evaluate super-resolution (BT.601 studio range, as MATLAB's rgb2ycbcr):
    /// Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255, so Y ∈ [16/255, 235/255].
    public static func srLuma(_ rgb: UnsafeBufferPointer<Float>, into luma: UnsafeMutableBufferPointer<Float>, pixelCount n: Int) {
        precondition(rgb.count >= 3 * n && luma.count >= n)
        let r = rgb.baseAddress!, g = r + n, b = r + 2 * n, y = luma.baseAddress!
        for i in 0..<n {
            y[i] = (16 + 65.481 * r[i] + 128.553 * g[i] + 24.966 * b[i]) / 255
        }
    }

    // MARK: Gray ↔ RGB (BT.601 luma weights)

    public static func rgbToGray(_ rgb: UnsafeBufferPointer<Float>, into gray: UnsafeMutableBufferPointer<Float>, pixelCount n: Int) {
        precondition(rgb.count >= 3 * n && gray.count >= n)
        let r = rgb.baseAddress!, g = r + n, b = r + 2 * n, y = gray.baseAddress!
        for i in 0..<n { y[i] = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i] }
    }

    // MARK: CIE L*a*b* (D65 white, sRGB primaries and transfer curve)

    /// D65 reference white (CIE 1931 2°), Y normalised to 1.
    static let whiteX: Float = 0.95047, whiteZ: Float = 1.08883

    /// [R, G, B] planes → [L, a, b] planes; L in [0, 100], a and b roughly [−128, 127].
    public static func rgbToLab(_ rgb: UnsafeBufferPointer<Float>, into lab: UnsafeMutableBufferPointer<Float>, pixelCount n: Int) {
        precondition(rgb.count >= 3 * n && lab.count >= 3 * n)
        let r = rgb.baseAddress!, g = r + n, b = r + 2 * n
        let L = lab.baseAddress!, A = L + n, B = L + 2 * n
        for i in 0..<n {
            let lr = srgbToLinear(r[i]), lg = srgbToLinear(g[i]), lb = srgbToLinear(b[i])
            let x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / whiteX
            let y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
            let z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / whiteZ
            let fx = labF(x), fy = labF(y), fz = labF(z)
            L[i] = 116 * fy - 16
            A[i] = 500 * (fx - fy)
            B[i] = 200 * (fy - fz)
        }
    }

    /// [L, a, b] planes → [R, G, B] planes (not clamped: out-of-gamut colours leave [0, 1]).
    public static func labToRGB(_ lab: UnsafeBufferPointer<Float>, into rgb: UnsafeMutableBufferPointer<Float>, pixelCount n: Int) {
        precondition(rgb.count >= 3 * n && lab.count >= 3 * n)
        let L = lab.baseAddress!, A = L + n, B = L + 2 * n
        let r = rgb.baseAddress!, g = r + n, b = r + 2 * n
        for i in 0..<n {
            let fy = (L[i] + 16) / 116
            let fx = fy + A[i] / 500
            let fz = fy - B[i] / 200
            let x = labFInverse(fx) * whiteX, y = labFInverse(fy), z = labFInverse(fz) * whiteZ
            r[i] = linearToSRGB(3.2404542 * x - 1.5371385 * y - 0.4985314 * z)
            g[i] = linearToSRGB(-0.9692660 * x + 1.8760108 * y + 0.0415560 * z)
            b[i] = linearToSRGB(0.0556434 * x - 0.2040259 * y + 1.0572252 * z)
        }
    }

    /// sRGB transfer curve (IEC 61966-2-1), extended oddly for negative values.
    @inline(__always) public static func srgbToLinear(_ v: Float) -> Float {
        let a = abs(v)
        let linear = a <= 0.04045 ? a / 12.92 : powf((a + 0.055) / 1.055, 2.4)
        return v < 0 ? -linear : linear
    }

    @inline(__always) public static func linearToSRGB(_ v: Float) -> Float {
        let a = abs(v)
        let encoded = a <= 0.0031308 ? a * 12.92 : 1.055 * powf(a, 1 / 2.4) - 0.055
        return v < 0 ? -encoded : encoded
    }

    // CIE f(t): cube root above (6/29)³, linear below.
    @inline(__always) static func labF(_ t: Float) -> Float {
        t > 0.008856452 ? cbrtf(t) : t * 7.787037 + 0.13793103
    }

    @inline(__always) static func labFInverse(_ f: Float) -> Float {
        f > 0.20689655 ? f * f * f : (f - 0.13793103) / 7.787037
    }
}

/// Whole-image conveniences over `ColorSpace` (metadata kept; alpha carried over untouched).
extension Image {
    /// Gray (BT.601 weights) from RGB; gray images are returned as they are.
    public func grayscale() -> Image {
        guard layout.colorChannelCount == 3 else { return self }
        let (color, alpha) = splittingAlpha()
        let n = pixelCount
        let gray = [Float](unsafeUninitializedCapacity: n) { out, initialized in
            color.withUnsafeBufferPointer { ColorSpace.rgbToGray($0, into: out, pixelCount: n) }
            initialized = n
        }
        let result = replacing(layout: .gray, samples: gray)
        return alpha.map { result.attachingAlpha($0) } ?? result
    }

    /// RGB by repeating the gray plane; RGB images are returned as they are.
    public func rgb() -> Image {
        guard layout.colorChannelCount == 1 else { return self }
        let (color, alpha) = splittingAlpha()
        let result = replacing(layout: .rgb, samples: color.samples + color.samples + color.samples)
        return alpha.map { result.attachingAlpha($0) } ?? result
    }

    /// Planes converted by `convert` (3 planes in, 3 planes out) on the colour channels of an RGB
    /// image; used for YCbCr and Lab, whose values are returned as a CHW buffer.
    public func convertedColorPlanes(
        _ convert: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, Int) -> Void) -> [Float] {
        precondition(layout.colorChannelCount == 3, "needs an RGB image")
        let n = pixelCount
        return [Float](unsafeUninitializedCapacity: 3 * n) { out, initialized in
            withUnsafeBufferPointer { convert(UnsafeBufferPointer(rebasing: $0[..<(3 * n)]), out, n) }
            initialized = 3 * n
        }
    }
}
