// Reshaping, concatenation, slicing and 2-D transposition with autograd.
// Reshapes are views of plain storage (blocked tensors are made plain first); the others copy.

extension Tensor {
    /// The same values in row-major order with another shape; one dimension may be −1
    /// (inferred). Shares storage with a plain input.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let inferred = newShape.filter { $0 == -1 }.count
        precondition(inferred <= 1 && newShape.allSatisfy { $0 >= -1 }, "reshape: bad shape \(newShape)")
        var target = newShape
        if let i = newShape.firstIndex(of: -1) {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshape: cannot infer \(newShape) from \(shape)")
            target[i] = count / known
        }
        precondition(Tensor.elementCount(target) == count, "reshape: \(shape) has \(count) elements, \(target) wants \(Tensor.elementCount(target))")
        if layout != .plain { return plain().reshaped(target) }
        if target == shape { return self }
        let y = Tensor(storage: storage, shape: target)
        let inputShape = shape
        return Autograd.record(y, inputs: [self]) { g in
            [Tensor(storage: Reorder.toPlain(g).storage, shape: inputShape)]
        }
    }

    /// [N, d1, d2, …] → [N, d1·d2·…] (for the dense layers after convolutions).
    public func flattened() -> Tensor {
        precondition(rank >= 1, "flatten of a scalar")
        return reshaped([shape[0], count / Swift.max(shape[0], 1)])
    }

    /// The elements with index in `range` along `axis` (a copy). A blocked tensor stays
    /// blocked when cut between images or at multiples of `TensorLayout.blockSize` channels.
    /// x: [d0, …, d_axis, …] → [d0, …, range.count, …]
    public func slice(axis: Int, range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) along axis \(axis) of \(shape)")
        let y = ShapeKernels.slice(self, axis: axis, range: range)
        let inputShape = shape
        return Autograd.record(y, inputs: [self]) { g in
            [ShapeKernels.embed(g, in: inputShape, axis: axis, start: range.lowerBound)]
        }
    }

    /// Channels `range` of [N, C, H, W] (or features of [N, F]).
    public func channels(_ range: Range<Int>) -> Tensor { slice(axis: 1, range: range) }

    /// Consecutive pieces along `axis` of the given sizes, which must add up to the dimension.
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        precondition(sizes.reduce(0, +) == shape[axis], "split sizes \(sizes) do not add up to \(shape[axis])")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: axis, range: start..<start + size)
        }
    }

    /// The transpose of a 2-D tensor. x: [R, C] → [C, R]
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed wants a 2-D tensor, got \(shape)")
        let y = ShapeKernels.transpose(self)
        return Autograd.record(y, inputs: [self]) { g in [ShapeKernels.transpose(Reorder.toPlain(g))] }
    }
}

/// Joins tensors along `axis` (0: batch, 1: channels/features); all other dimensions must
/// agree. Blocked inputs give a blocked result along axis 0, and along axis 1 when every
/// piece has a multiple of `TensorLayout.blockSize` channels; mixed layouts give a plain result.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat of nothing")
    let first = tensors[0].shape
    precondition(axis >= 0 && axis < first.count, "concat axis \(axis) for rank \(first.count)")
    for t in tensors {
        var a = t.shape, b = first
        precondition(a.count == b.count, "concat: shapes \(t.shape) and \(first) differ in rank")
        a[axis] = 0; b[axis] = 0
        precondition(a == b, "concat along \(axis): shapes \(t.shape) and \(first) differ elsewhere")
    }
    if tensors.count == 1 { return tensors[0] }
    let y = ShapeKernels.concat(tensors, axis: axis)
    let sizes = tensors.map { $0.shape[axis] }
    return Autograd.record(y, inputs: tensors) { g in
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return ShapeKernels.slice(g, axis: axis, range: start..<start + size)
        }
    }
}
