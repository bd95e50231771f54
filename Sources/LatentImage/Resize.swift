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
    /// `workers` threads share the rows (the result does not depend on their number).
    public static func bicubic(_ source: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                               newWidth: Int, newHeight: Int, workers: Int = 1) -> [Float] {
        [Float](unsafeUninitializedCapacity: channels * newWidth * newHeight) { out, initialized in
            bicubic(source, channels: channels, width: width, height: height,
                    newWidth: newWidth, newHeight: newHeight, into: out, workers: workers)
            initialized = channels * newWidth * newHeight
        }
    }

    /// The same, written into `destination` (`channels × newHeight × newWidth` floats), so a
    /// caller can place the result inside a larger buffer without another copy.
    public static func bicubic(_ source: UnsafeBufferPointer<Float>, channels: Int, width: Int, height: Int,
                               newWidth: Int, newHeight: Int, into destination: UnsafeMutableBufferPointer<Float>,
                               workers: Int = 1) {
        precondition(source.count == channels * width * height, "source must be CHW")
        precondition(width > 0 && height > 0 && newWidth > 0 && newHeight > 0, "sizes must be positive")
        precondition(destination.count >= channels * newWidth * newHeight, "destination too small")
        let vertical = newHeight != height
        // Horizontal pass: (C, height, width) → (C, height, newWidth), into a scratch buffer when
        // a vertical pass follows, else straight into the destination.
        var scratch = [Float]()
        if vertical && newWidth != width {
            scratch = [Float](unsafeUninitializedCapacity: channels * height * newWidth) { _, initialized in
                initialized = channels * height * newWidth
            }
        }
        scratch.withUnsafeMutableBufferPointer { scratchBuffer in
            let horizontal: UnsafeBufferPointer<Float>
            if newWidth != width {
                let target = vertical ? scratchBuffer : destination
                resampleRows(source, width: width, rows: channels * height, newWidth: newWidth,
                             into: target, workers: workers)
                horizontal = UnsafeBufferPointer(target)
            } else {
                horizontal = source
                if !vertical {
                    destination.baseAddress!.update(from: source.baseAddress!, count: source.count)
                    return
                }
            }
            if vertical {
                resampleColumns(horizontal, channels: channels, height: height, width: newWidth,
                                newHeight: newHeight, into: destination, workers: workers)
            }
        }
    }

    /// rows: [R, width] → [R, newWidth], each output sample a weighted sum of a few neighbours.
    private static func resampleRows(_ source: UnsafeBufferPointer<Float>, width: Int, rows: Int, newWidth: Int,
                                     into out: UnsafeMutableBufferPointer<Float>, workers: Int) {
        let weights = Weights(inputSize: width, outputSize: newWidth)
        weights.values.withUnsafeBufferPointer { w in
            weights.starts.withUnsafeBufferPointer { starts in
                weights.counts.withUnsafeBufferPointer { counts in
                    Bands.forEach(rows, workers: workers, samplesPerItem: newWidth) { band in
                        for row in band {
                            let src = source.baseAddress! + row * width
                            let dst = out.baseAddress! + row * newWidth
                            for x in 0..<newWidth {
                                let start = starts[x], taps = w.baseAddress! + x * weights.stride
                                var sum: Float = 0
                                for k in 0..<counts[x] { sum += src[start + k] * taps[k] }
                                dst[x] = sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// planes: [C, height, width] → [C, newHeight, width]: each output row is a weighted sum of
    /// whole input rows (vectorises along x).
    private static func resampleColumns(_ input: UnsafeBufferPointer<Float>, channels: Int, height: Int, width: Int,
                                        newHeight: Int, into out: UnsafeMutableBufferPointer<Float>, workers: Int) {
        let weights = Weights(inputSize: height, outputSize: newHeight)
        weights.values.withUnsafeBufferPointer { w in
            weights.starts.withUnsafeBufferPointer { starts in
                weights.counts.withUnsafeBufferPointer { counts in
                    Bands.forEach(channels * newHeight, workers: workers, samplesPerItem: width) { band in
                        for row in band {
                            let (c, y) = row.quotientAndRemainder(dividingBy: newHeight)
                            let plane = input.baseAddress! + c * height * width
                            let dst = out.baseAddress! + row * width
                            for x in 0..<width { dst[x] = 0 }
                            let taps = w.baseAddress! + y * weights.stride
                            for k in 0..<counts[y] {
                                let src = plane + (starts[y] + k) * width
                                let weight = taps[k]
                                for x in 0..<width { dst[x] += src[x] * weight }
                            }
                        }
                    }
                }
            }
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
