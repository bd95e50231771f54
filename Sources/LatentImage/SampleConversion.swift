/// Conversions between the interleaved integer samples codecs use (HWC) and the planar Float32
/// samples of `Image` (CHW). Loops run over contiguous buffers with unsafe pointers so the
/// compiler can vectorise them.
enum SampleConversion {
    /// Interleaved UInt8/UInt16 (HWC, `channels` per pixel) → planar Float (CHW), value / maxValue.
    static func planarFloats<T: FixedWidthInteger & UnsignedInteger>(
        fromInterleaved source: UnsafeBufferPointer<T>, channels: Int, pixelCount: Int) -> [Float] {
        precondition(source.count == channels * pixelCount)
        let scale = Float(T.max)
        return [Float](unsafeUninitializedCapacity: channels * pixelCount) { out, initialized in
            let src = source.baseAddress!
            let dst = out.baseAddress!
            switch channels {
            case 1:
                for i in 0..<pixelCount { dst[i] = Float(src[i]) / scale }
            case 3:
                let r = dst, g = dst + pixelCount, b = dst + 2 * pixelCount
                for i in 0..<pixelCount {
                    r[i] = Float(src[3 * i]) / scale
                    g[i] = Float(src[3 * i + 1]) / scale
                    b[i] = Float(src[3 * i + 2]) / scale
                }
            default:
                for c in 0..<channels {
                    let plane = dst + c * pixelCount
                    for i in 0..<pixelCount { plane[i] = Float(src[channels * i + c]) / scale }
                }
            }
            initialized = channels * pixelCount
        }
    }

    /// Planar Float (CHW) → interleaved integers (HWC): round(v · maxValue), clamped to range.
    static func interleaved<T: FixedWidthInteger & UnsignedInteger>(
        fromPlanar source: UnsafeBufferPointer<Float>, channels: Int, pixelCount: Int,
        as type: T.Type) -> [T] {
        precondition(source.count == channels * pixelCount)
        let scale = Float(T.max)
        return [T](unsafeUninitializedCapacity: channels * pixelCount) { out, initialized in
            let src = source.baseAddress!
            let dst = out.baseAddress!
            for c in 0..<channels {
                let plane = src + c * pixelCount
                for i in 0..<pixelCount {
                    // NaN fails both comparisons and ends at 0.
                    let v = plane[i] * scale
                    let clamped = v > 0 ? (v < scale ? v : scale) : 0
                    dst[channels * i + c] = T(clamped.rounded(.toNearestOrAwayFromZero))
                }
            }
            initialized = channels * pixelCount
        }
    }
}
