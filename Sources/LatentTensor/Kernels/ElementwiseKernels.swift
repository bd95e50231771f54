/// Element-wise loops shared by both backends. They run on storage order, so they work on
/// plain and blocked tensors alike (both operands must share the layout).
enum ElementwiseKernels {
    /// out[i] = f(x[i])
    @inline(__always)
    static func unary(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        let out = Tensor.empty(x.shape, layout: x.layout)
        let src = x.storage.pointer, dst = out.storage.pointer
        Parallel.forEachChunk(x.count) { range in
            for i in range { dst[i] = f(src[i]) }
        }
        return out
    }

    /// out[i] = f(a[i], b[i]); a and b have the same shape. Mixed layouts are computed in plain.
    @inline(__always)
    static func binary(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
        let (a, b, layout) = sameLayout(a, b)
        let out = Tensor.empty(a.shape, layout: layout)
        let pa = a.storage.pointer, pb = b.storage.pointer, dst = out.storage.pointer
        Parallel.forEachChunk(a.count) { range in
            for i in range { dst[i] = f(pa[i], pb[i]) }
        }
        return out
    }

    /// out[i] = a[i] + sign·b[i] (sign ±1): the U-Net's skip connections and residuals. A
    /// closure-free loop that the compiler vectorizes; `binary` calls its closure per element.
    static func addScaled(_ a: Tensor, _ b: Tensor, sign: Float) -> Tensor {
        precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
        let (a, b, layout) = sameLayout(a, b)
        let out = Tensor.empty(a.shape, layout: layout)
        let pa = a.storage.pointer, pb = b.storage.pointer, dst = out.storage.pointer
        Parallel.forEachChunk(a.count) { range in
            if sign > 0 {
                for i in range { dst[i] = pa[i] + pb[i] }
            } else {
                for i in range { dst[i] = pa[i] - pb[i] }
            }
        }
        return out
    }

    /// out[i] = f(a[i], b[i], c[i]).
    @inline(__always)
    static func ternary(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (Float, Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape && b.shape == c.shape, "shapes differ")
        let (a, b, c) = a.layout == b.layout && b.layout == c.layout
            ? (a, b, c) : (Reorder.toPlain(a), Reorder.toPlain(b), Reorder.toPlain(c))
        let out = Tensor.empty(a.shape, layout: a.layout)
        let pa = a.storage.pointer, pb = b.storage.pointer, pc = c.storage.pointer, dst = out.storage.pointer
        Parallel.forEachChunk(a.count) { range in
            for i in range { dst[i] = f(pa[i], pb[i], pc[i]) }
        }
        return out
    }

    /// Brings two tensors to one layout: blocked when both are, plain otherwise.
    static func sameLayout(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor, TensorLayout) {
        if a.layout == b.layout { return (a, b, a.layout) }
        return (Reorder.toPlain(a), Reorder.toPlain(b), .plain)
    }
}
