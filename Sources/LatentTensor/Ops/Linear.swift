// Dense layers and 2-D matrix products with autograd, in PyTorch's layouts.

/// The one GEMM every op here calls: row-major C = alpha·op(A)·op(B) + beta·C.
/// `MatmulKernels.gemm` dispatches on the engine backend (oneDNN sgemm or plain loops).
@inline(__always)
func denseGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
               a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
               beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    MatmulKernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// op(a)·op(b) of two plain 2-D tensors into a fresh [m, n] tensor.
/// a: [m, k] (or [k, m] when transA), b: [k, n] (or [n, k] when transB) → [m, n]
func matrixProduct(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
    let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(k == kb, "matrix product: inner sizes \(k) and \(kb) differ (\(a.shape), \(b.shape))")
    let out = Tensor.empty([m, n])
    if k == 0 { out.storage.pointer.initialize(repeating: 0, count: out.count); return out }
    denseGemm(transA: transA, transB: transB, m: m, n: n, k: k,
              a: a.storage.pointer, lda: a.shape[1], b: b.storage.pointer, ldb: b.shape[1],
              c: out.storage.pointer, ldc: n)
    return out
}

/// y = x·weightᵀ + bias, as PyTorch's `nn.Linear`.
/// x: [N, F_in], weight: [F_out, F_in], bias: [F_out] → y: [N, F_out]
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                 "linear wants x [N, F_in] and weight [F_out, F_in], got \(x.shape), \(weight.shape)")
    if let bias { precondition(bias.shape == [weight.shape[0]], "linear: bias \(bias.shape) for \(weight.shape[0]) outputs") }
    var y = matrixProduct(x, weight, transB: true)
    if let bias { y = RowKernels.addRow(y, bias) }
    let (savedX, savedW) = (x.detached(), weight.detached())
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Autograd.record(y, inputs: inputs) { g in
        let g = Reorder.toPlain(g)
        let dx = x.requiresGrad ? matrixProduct(g, savedW) : nil                  // [N, F_out]·[F_out, F_in]
        let dw = weight.requiresGrad ? matrixProduct(g, savedX, transA: true) : nil // [F_out, N]·[N, F_in]
        guard bias != nil else { return [dx, dw] }
        return [dx, dw, RowKernels.sumRows(g)]
    }
}

/// The matrix product a·b. a: [M, K], b: [K, N] → [M, N]
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmul wants 2-D tensors, got \(a.shape), \(b.shape)")
    let y = matrixProduct(a, b)
    let (savedA, savedB) = (a.detached(), b.detached())
    return Autograd.record(y, inputs: [a, b]) { g in
        let g = Reorder.toPlain(g)
        return [a.requiresGrad ? matrixProduct(g, savedB, transB: true) : nil,  // [M, N]·[N, K]
                b.requiresGrad ? matrixProduct(savedA, g, transA: true) : nil]  // [K, M]·[M, N]
    }
}
