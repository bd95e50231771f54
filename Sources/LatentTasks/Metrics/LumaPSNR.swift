import LatentImage

extension PSNR {
    /// PSNR as the super-resolution literature reports it (MATLAB's procedure): both images on
    /// the 8-bit grid, converted to studio-range BT.601 luma (`ColorSpace.srLuma`, rounded to
    /// 8 bits as `rgb2ycbcr` does on uint8), `border` pixels cropped from each side.
    /// Gray images count as R = G = B. Sizes and colour layouts must match.
    public static func superResolutionLuma(_ a: Image, _ b: Image, border: Int) -> Double {
        precondition(a.width == b.width && a.height == b.height, "PSNR of \(a.width)×\(a.height) and \(b.width)×\(b.height) images")
        precondition(a.width > 2 * border && a.height > 2 * border, "the border leaves no pixels")
        let (ya, yb) = (croppedLuma(a, border: border), croppedLuma(b, border: border))
        return eightBit(ya, yb)
    }

    static func croppedLuma(_ image: Image, border: Int) -> [Float] {
        let rgb = image.colorPlanes.rgb()
        let n = rgb.pixelCount
        let quantized = rgb.samples.map { Float(quantize($0)) / 255 }
        let luma = [Float](unsafeUninitializedCapacity: n) { out, initialized in
            quantized.withUnsafeBufferPointer { ColorSpace.srLuma($0, into: out, pixelCount: n) }
            initialized = n
        }
        return luma.withUnsafeBufferPointer {
            ReflectPadding.crop($0, channels: 1, width: rgb.width, height: rgb.height, x0: border, y0: border,
                                cropWidth: rgb.width - 2 * border, cropHeight: rgb.height - 2 * border)
        }
    }
}
