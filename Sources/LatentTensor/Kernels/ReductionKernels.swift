/// Sums over arbitrary axes of plain tensors and the matching broadcast, shared by both
/// backends. Sums accumulate in Double.
enum ReductionKernels {
    /// For each input dimension, the stride of its index in the reduced output (0 for
    /// reduced dimensions), the output being row-major over the kept dimensions.
    static func outputStrides(_ shape: [Int], reduced: Set<Int>) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var stride = 1
        for d in shape.indices.reversed() where !reduced.contains(d) {
            strides[d] = stride
            stride *= shape[d]
        }
        return strides
    }

    /// Calls `body(offsetOfRow, outputOffsetOfRow)` for every row (last dimension) of
    /// a plain tensor of `shape`, in order.
    @inline(__always)
    private static func forEachRow(_ shape: [Int], _ outStrides: [Int], _ body: (Int, Int) -> Void) {
        let rank = shape.count
        let rowLength = shape[rank - 1]
        let rows = rowLength == 0 ? 0 : Tensor.elementCount(shape) / rowLength
        var index = [Int](repeating: 0, count: rank)
        var outOffset = 0
        for row in 0..<rows {
            body(row * rowLength, outOffset)
            // Advance the odometer over dimensions 0 ..< rank − 1.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                outOffset += outStrides[d]
                if index[d] < shape[d] { break }
                outOffset -= outStrides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// x: plain, shape S → the sums over `reduced`, row-major over the kept dimensions of S.
    static func sum(_ x: Tensor, reduced: Set<Int>) -> [Float] {
        let shape = x.shape
        let outCount = shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }.reduce(1, *)
        var totals = [Double](repeating: 0, count: outCount)
        guard x.count > 0 else { return totals.map { Float($0) } }
        let strides = outputStrides(shape, reduced: reduced)
        let last = shape.count - 1, rowLength = shape[last], lastStride = strides[last]
        let src = x.storage.pointer
        totals.withUnsafeMutableBufferPointer { out in
            forEachRow(shape, strides) { inOffset, outOffset in
                if reduced.contains(last) {
                    var partial: Float = 0
                    for j in 0..<rowLength { partial += src[inOffset + j] }
                    out[outOffset] += Double(partial)
                } else {
                    for j in 0..<rowLength { out[outOffset + j * lastStride] += Double(src[inOffset + j]) }
                }
            }
        }
        return totals.map { Float($0) }
    }

    /// The adjoint of `sum`: g (row-major over the kept dimensions) repeated over the
    /// reduced ones, times `scale`. → plain, shape `shape`.
    static func broadcast(_ g: Tensor, to shape: [Int], reduced: Set<Int>, scale: Float) -> Tensor {
        let out = Tensor.empty(shape)
        guard out.count > 0 else { return out }
        let strides = outputStrides(shape, reduced: reduced)
        let last = shape.count - 1, rowLength = shape[last], lastStride = strides[last]
        let src = Reorder.toPlain(g).storage.pointer, dst = out.storage.pointer
        forEachRow(shape, strides) { outOffset, gOffset in
            for j in 0..<rowLength { dst[outOffset + j] = scale * src[gOffset + j * lastStride] }
        }
        return out
    }
}
