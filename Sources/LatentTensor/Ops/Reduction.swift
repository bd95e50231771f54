// Reductions to a scalar. Sums accumulate in Double so that large tensors lose no precision.

extension Tensor {
    /// Σ x, as a scalar tensor of shape [].
    public func sum() -> Tensor {
        let p = storage.pointer
        var total = 0.0
        // Blocks of Float partial sums, folded into Double: fast and accurate.
        var i = 0
        while i < count {
            let end = Swift.min(i + 4096, count)
            var partial: Float = 0
            for k in i..<end { partial += p[k] }
            total += Double(partial)
            i = end
        }
        let out = Tensor(scalar: Float(total))
        let shape = self.shape, layout = self.layout
        return Autograd.record(out, inputs: [self]) { g in
            let t = Tensor.full(shape, g.item)
            return [layout == .plain ? t : Reorder.toBlocked(t)]
        }
    }

    /// The mean of all elements, as a scalar tensor of shape [].
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }
}

// Reductions over some axes. The result drops the reduced axes (keepingDims: false, the
// default, as PyTorch) or keeps them with size 1.

extension Tensor {
    /// Σ over `axes`. E.g. x: [N, D] → sum(axes: [1]): [N]; x: [N, C, H, W] →
    /// sum(axes: [0, 2, 3]): [C] (or [1, C, 1, 1] keepingDims).
    public func sum(axes: [Int], keepingDims: Bool = false) -> Tensor {
        reduceSum(axes: axes, keepingDims: keepingDims, scale: 1)
    }

    /// The mean over `axes`; shapes as `sum(axes:keepingDims:)`.
    public func mean(axes: [Int], keepingDims: Bool = false) -> Tensor {
        let n = axes.reduce(1) { $0 * shape[$1] }
        return reduceSum(axes: axes, keepingDims: keepingDims, scale: 1 / Float(Swift.max(n, 1)))
    }

    private func reduceSum(axes: [Int], keepingDims: Bool, scale: Float) -> Tensor {
        let reduced = Set(axes)
        precondition(rank >= 1, "axis reductions of a scalar")
        precondition(reduced.count == axes.count && axes.allSatisfy { $0 >= 0 && $0 < rank },
                     "reduction axes \(axes) for shape \(shape)")
        let outShape = keepingDims
            ? shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
            : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
        let values: [Float]
        if rank == 4 && reduced == [0, 2, 3] {
            // Per-channel sums, either layout: the bias-gradient path, kept fast.
            values = ChannelKernels.sumPerChannel(self).toArray()
        } else {
            values = ReductionKernels.sum(Reorder.toPlain(self), reduced: reduced)
        }
        let y = Tensor(scale == 1 ? values : values.map { $0 * scale }, shape: outShape)
        let inputShape = shape
        return Autograd.record(y, inputs: [self]) { g in
            [ReductionKernels.broadcast(g, to: inputShape, reduced: reduced, scale: scale)]
        }
    }
}
