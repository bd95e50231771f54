/// Mirror padding of planar images, so that sizes become multiples of a model's total stride
/// (users never see a "multiple of 8" restriction) and tiles can read past image borders.
public enum ReflectPadding {
    /// Mirrors index `i` into 0..<n without repeating the edge sample (PyTorch's 'reflect'),
    /// folding again for pads larger than the image.
    @inline(__always)
    public static func reflect(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var k = i % period
        if k < 0 { k += period }
        return k < n ? k : period - k
    }

    /// src: [C, H, W] → [C, H + top + bottom, W + left + right]
    public static func pad(_ src: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                           top: Int, left: Int, bottom: Int, right: Int) -> [Float] {
        let (ow, oh) = (width + left + right, height + top + bottom)
        var out = [Float](repeating: 0, count: channels * ow * oh)
        let columns = (0..<ow).map { reflect($0 - left, width) }
        out.withUnsafeMutableBufferPointer { dst in
            for c in 0..<channels {
                for y in 0..<oh {
                    let row = c * width * height + reflect(y - top, height) * width
                    let outRow = (c * oh + y) * ow
                    for x in 0..<ow { dst[outRow + x] = src[row + columns[x]] }
                }
            }
        }
        return out
    }

    /// src: [C, H, W] → the window [C, windowHeight, windowWidth] whose top-left corner is at
    /// (x0, y0) in image coordinates, which may lie outside the image: outside samples are
    /// mirrored exactly as `pad` mirrors them, so a window of a padded image and the same window
    /// read straight from the source are identical (this is what makes tiles agree).
    public static func window(_ src: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                              x0: Int, y0: Int, windowWidth: Int, windowHeight: Int) -> [Float] {
        let columns = (0..<windowWidth).map { reflect(x0 + $0, width) }
        // Columns inside the image form one contiguous run that can be copied as a block.
        let inside = max(0, min(x0 + windowWidth, width) - max(x0, 0))
        let firstInside = max(0, -x0)
        return [Float](unsafeUninitializedCapacity: channels * windowWidth * windowHeight) { dst, initialized in
            for c in 0..<channels {
                for y in 0..<windowHeight {
                    let row = c * width * height + reflect(y0 + y, height) * width
                    let outRow = (c * windowHeight + y) * windowWidth
                    for x in 0..<firstInside { dst[outRow + x] = src[row + columns[x]] }
                    if inside > 0 {
                        (dst.baseAddress! + outRow + firstInside).update(from: src.baseAddress! + row + max(x0, 0), count: inside)
                    }
                    for x in (firstInside + inside)..<windowWidth { dst[outRow + x] = src[row + columns[x]] }
                }
            }
            initialized = channels * windowWidth * windowHeight
        }
    }

    /// src: [C, H, W] → the window [C, height, width] starting at (x0, y0).
    public static func crop(_ src: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                            x0: Int, y0: Int, cropWidth: Int, cropHeight: Int) -> [Float] {
        var out = [Float](repeating: 0, count: channels * cropWidth * cropHeight)
        out.withUnsafeMutableBufferPointer { dst in
            for c in 0..<channels {
                for y in 0..<cropHeight {
                    let from = (c * height + y0 + y) * width + x0
                    let to = (c * cropHeight + y) * cropWidth
                    for x in 0..<cropWidth { dst[to + x] = src[from + x] }
                }
            }
        }
        return out
    }

    /// How much to add at the end of a side of length n to reach a multiple of m.
    public static func amountToMultiple(_ n: Int, _ m: Int) -> Int { (m - n % m) % m }
}
