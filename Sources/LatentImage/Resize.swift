/// Antialiased bicubic resampling, the same computation as Pillow's
/// `Image.resize(size, Image.BICUBIC)` on float ("F") images:
///
/// - Keys cubic kernel with a = −0.5, support 2 input pixels;
/// - when downscaling by s > 1 the kernel is stretched by s (support 2s, argument divided by s),
///   which low-pass filters before sampling (antialiasing);
/// - output pixel centres map to input as (x + 0.5)·s, taps are clipped at the image border and
///   the remaining weights renormalised to sum to 1;
/// - separable: a horizontal pass over every row, then a vertical pass over the result.
///
/// Values are not clamped (bicubic overshoots slightly near edges, as in Pillow's float mode).
public enum Resize {
    /// Per output position: first input index and the normalised weights of its taps.
    struct Weights {
        var starts: [Int]
        var counts: [Int]
        /// `outputSize × stride` weights; row `i` holds `counts[i]` valid entries.
        var values: [Float]
        var stride: Int

        init(inputSize: Int, outputSize: Int) {
            let scale = Double(inputSize) / Double(outputSize)
            let filterScale = max(scale, 1)
            let support = 2.0 * filterScale
            stride = Int(support.rounded(.up)) * 2 + 1
            starts = [Int](repeating: 0, count: outputSize)
            counts = [Int](repeating: 0, count: outputSize)
            values = [Float](repeating: 0, count: outputSize * stride)
            var taps = [Double](repeating: 0, count: stride)
            for out in 0..<outputSize {
                let center = (Double(out) + 0.5) * scale
                // Int(_:) truncates toward zero, as the C cast in Pillow does.
                let first = max(Int(center - support + 0.5), 0)
                let last = min(Int(center + support + 0.5), inputSize)
                let count = max(last - first, 0)
                var total = 0.0
                for k in 0..<count {
                    let w = Resize.keys((Double(k + first) - center + 0.5) / filterScale)
                    taps[k] = w
                    total += w
                }
                for k in 0..<count {
                    values[out * stride + k] = Float(total != 0 ? taps[k] / total : taps[k])
                }
                starts[out] = first
                counts[out] = count
            }
        }
    }

    /// Keys' cubic convolution kernel with a = −0.5.
    static func keys(_ t: Double) -> Double {
        let a = -0.5, x = abs(t)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Resamples `channels` planes of `width`×`height` (CHW) to `newWidth`×`newHeight` (CHW).
    public static func bicubic(_ source: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                               newWidth: Int, newHeight: Int) -> [Float] {
        precondition(source.count == channels * width * height, "source must be CHW")
        precondition(width > 0 && height > 0 && newWidth > 0 && newHeight > 0, "sizes must be positive")
        // Horizontal pass: (C, height, width) → (C, height, newWidth).
        var horizontal: [Float]
        if newWidth != width {
            let weights = Weights(inputSize: width, outputSize: newWidth)
            horizontal = [Float](unsafeUninitializedCapacity: channels * height * newWidth) { out, initialized in
                weights.values.withUnsafeBufferPointer { w in
                    for row in 0..<(channels * height) {
                        let src = source.baseAddress! + row * width
                        let dst = out.baseAddress! + row * newWidth
                        for x in 0..<newWidth {
                            let start = weights.starts[x], taps = w.baseAddress! + x * weights.stride
                            var sum: Float = 0
                            for k in 0..<weights.counts[x] { sum += src[start + k] * taps[k] }
                            dst[x] = sum
                        }
                    }
                }
                initialized = channels * height * newWidth
            }
        } else {
            horizontal = Array(source)
        }
        guard newHeight != height else { return horizontal }
        // Vertical pass: each output row is a weighted sum of whole input rows (vectorises along x).
        let weights = Weights(inputSize: height, outputSize: newHeight)
        return [Float](unsafeUninitializedCapacity: channels * newHeight * newWidth) { out, initialized in
            horizontal.withUnsafeBufferPointer { input in
                weights.values.withUnsafeBufferPointer { w in
                    for c in 0..<channels {
                        let plane = input.baseAddress! + c * height * newWidth
                        for y in 0..<newHeight {
                            let dst = out.baseAddress! + (c * newHeight + y) * newWidth
                            for x in 0..<newWidth { dst[x] = 0 }
                            let taps = w.baseAddress! + y * weights.stride
                            for k in 0..<weights.counts[y] {
                                let src = plane + (weights.starts[y] + k) * newWidth
                                let weight = taps[k]
                                for x in 0..<newWidth { dst[x] += src[x] * weight }
                            }
                        }
                    }
                }
            }
            initialized = channels * newHeight * newWidth
        }
    }
}

extension Image {
    /// This image resampled to `width`×`height` with antialiased bicubic (see `Resize`); all
    /// channels, alpha included, are filtered alike (straight alpha, as Pillow does for "F").
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        let samples = withUnsafeBufferPointer {
            Resize.bicubic($0, channels: channelCount, width: width, height: height,
                           newWidth: newWidth, newHeight: newHeight)
        }
        return replacing(width: newWidth, height: newHeight, samples: samples)
    }
}
