/// Copies of slabs along one axis, for concatenation, slicing and their backwards; shared by
/// both backends.
///
/// A tensor is seen as [outer, axis, inner] around the axis. Plain tensors: outer = the
/// product of the dimensions before the axis, inner = the product of those after it.
/// Blocked tensors qualify along axis 0 (outer 1, inner C·H·W: images are contiguous) and
/// along axis 1 when every channel boundary is a multiple of 16 (outer N, inner H·W: the
/// channels c0 ..< c1 of an image are then the contiguous elements c0·H·W ..< c1·H·W).
enum ShapeKernels {
    /// (outer, inner) of `shape` around `axis`.
    static func frame(_ shape: [Int], axis: Int, layout: TensorLayout) -> (outer: Int, inner: Int) {
        if layout == .blocked && axis == 1 { return (shape[0], shape[2] * shape[3]) }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, inner)
    }

    /// Whether a blocked tensor can be cut along `axis` at these boundaries without reordering.
    static func blockedCutIsContiguous(axis: Int, boundaries: [Int]) -> Bool {
        axis == 0 || (axis == 1 && boundaries.allSatisfy { $0 % TensorLayout.blockSize == 0 })
    }

    /// dst[o, dstStart + i, :] = src[o, srcStart + i, :] for i in 0..<length, every o.
    /// src: [outer, srcAxis, inner], dst: [outer, dstAxis, inner] (same frame, same layout).
    static func copySlabs(from src: UnsafePointer<Float>, srcAxis: Int, srcStart: Int,
                          to dst: UnsafeMutablePointer<Float>, dstAxis: Int, dstStart: Int,
                          length: Int, outer: Int, inner: Int) {
        let run = length * inner
        guard run > 0 else { return }
        Parallel.forEachChunk(outer, minimumChunk: max(1, Parallel.minimumElementsPerWorker / run)) { range in
            for o in range {
                (dst + (o * dstAxis + dstStart) * inner).update(from: src + (o * srcAxis + srcStart) * inner, count: run)
            }
        }
    }

    /// x[…, range, …] along `axis`. Keeps a blocked layout when the cut allows, else plain.
    static func slice(_ x: Tensor, axis: Int, range: Range<Int>) -> Tensor {
        var x = x
        if x.layout == .blocked && !blockedCutIsContiguous(axis: axis, boundaries: [range.lowerBound, range.upperBound]) {
            x = Reorder.toPlain(x)
        }
        var shape = x.shape
        shape[axis] = range.count
        let out = Tensor.empty(shape, layout: x.layout)
        let (outer, inner) = frame(x.shape, axis: axis, layout: x.layout)
        copySlabs(from: x.storage.pointer, srcAxis: x.shape[axis], srcStart: range.lowerBound,
                  to: out.storage.pointer, dstAxis: range.count, dstStart: 0,
                  length: range.count, outer: outer, inner: inner)
        return out
    }

    /// The adjoint of `slice`: zeros of `shape` with g placed at `start` along `axis`.
    static func embed(_ g: Tensor, in shape: [Int], axis: Int, start: Int) -> Tensor {
        var g = g
        if g.layout == .blocked && !blockedCutIsContiguous(axis: axis, boundaries: [start, shape[axis]]) {
            g = Reorder.toPlain(g)
        }
        let out = Tensor.zeros(shape, layout: g.layout)
        let (outer, inner) = frame(shape, axis: axis, layout: g.layout)
        copySlabs(from: g.storage.pointer, srcAxis: g.shape[axis], srcStart: 0,
                  to: out.storage.pointer, dstAxis: shape[axis], dstStart: start,
                  length: g.shape[axis], outer: outer, inner: inner)
        return out
    }

    /// Tensors of equal shape but along `axis`, joined along it. Blocked when all are blocked
    /// and the cut allows, plain otherwise.
    static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        var offsets = [0]
        for t in tensors { offsets.append(offsets.last! + t.shape[axis]) }
        let blocked = tensors.allSatisfy { $0.layout == .blocked } && blockedCutIsContiguous(axis: axis, boundaries: offsets)
        let parts = blocked ? tensors : tensors.map { Reorder.toPlain($0) }
        var shape = tensors[0].shape
        shape[axis] = offsets.last!
        let out = Tensor.empty(shape, layout: blocked ? .blocked : .plain)
        let (outer, inner) = frame(shape, axis: axis, layout: out.layout)
        for (k, part) in parts.enumerated() {
            copySlabs(from: part.storage.pointer, srcAxis: part.shape[axis], srcStart: 0,
                      to: out.storage.pointer, dstAxis: shape[axis], dstStart: offsets[k],
                      length: part.shape[axis], outer: outer, inner: inner)
        }
        return out
    }

    /// x: plain [R, C] → y: [C, R], yᵀ = x.
    static func transpose(_ x: Tensor) -> Tensor {
        let (rows, cols) = (x.shape[0], x.shape[1])
        let out = Tensor.empty([cols, rows])
        let src = x.storage.pointer, dst = out.storage.pointer
        // Tiles keep both the reads and the writes within a few cache lines.
        let tile = 32
        for r0 in stride(from: 0, to: rows, by: tile) {
            for c0 in stride(from: 0, to: cols, by: tile) {
                for r in r0..<min(r0 + tile, rows) {
                    for c in c0..<min(c0 + tile, cols) { dst[c * rows + r] = src[r * cols + c] }
                }
            }
        }
        return out
    }
}
