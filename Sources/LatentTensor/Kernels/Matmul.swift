/// The matrix product under dense layers, on the current backend.
enum MatmulKernels {
    /// C = alpha·op(A)·op(B) + beta·C, row-major (BLAS semantics: with beta = 0, C is not read).
    /// op(A): [m, k] (A stored [k, m] when transA), op(B): [k, n] (B stored [n, k] when transB),
    /// C: [m, n]; lda, ldb, ldc are the row strides of A, B and C as stored.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m \(m), n \(n), k \(k)")
        precondition(lda >= max(1, transA ? m : k) && ldb >= max(1, transB ? k : n) && ldc >= max(1, n),
                     "gemm: leading dimensions lda \(lda), ldb \(ldb), ldc \(ldc) too small for m \(m), n \(n), k \(k)")
        guard m > 0 && n > 0 else { return }
        switch Engine.backend {
        case .dnnl:
            DNNLGEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .reference:
            referenceGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                          a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Plain loops, one row of C per task; the oracle for the oneDNN path.
    static func referenceGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        Parallel.forEach(m) { i in
            let row = c + i * ldc
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aip = transA ? a[p * lda + i] : a[i * lda + p]
                    let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += aip * bpj
                }
                row[j] = beta == 0 ? alpha * sum : alpha * sum + beta * row[j]
            }
        }
    }
}
