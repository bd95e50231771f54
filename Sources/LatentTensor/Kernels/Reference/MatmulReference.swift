/// A plain-Swift GEMM, row-major like BLAS's `cblas_sgemm(CblasRowMajor, …)`:
/// C = alpha·op(A)·op(B) + beta·C with op(A): [m, k], op(B): [k, n], C: [m, n].
/// A is stored [m, k] (lda ≥ k) or, when transposed, [k, m] (lda ≥ m); likewise B.
/// The oracle for (and stand-in until) the oneDNN `MatmulKernels.gemm`.
enum MatmulReference {
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0 && n > 0 else { return }
        if transB {
            // Copy op(B) to [k, n] once so that the inner loop below always runs along rows.
            var packed = [Float](repeating: 0, count: k * n)
            for j in 0..<n { for p in 0..<k { packed[p * n + j] = b[j * ldb + p] } }
            packed.withUnsafeBufferPointer { rows in
                rowMajor(transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                         b: rows.baseAddress!, ldb: n, beta: beta, c: c, ldc: ldc)
            }
        } else {
            rowMajor(transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// op(B) stored [k, n]. Rows of C are independent, so each worker owns whole rows; the
    /// k-loop sits outside the j-loop so the innermost loop runs along rows of B and C.
    private static func rowMajor(transA: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let rowsPerChunk = max(1, Parallel.minimumElementsPerWorker / max(n * k, 1))
        Parallel.forEachChunk(m, minimumChunk: rowsPerChunk) { rows in
            let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: n)
            defer { accumulator.deallocate() }
            for i in rows {
                accumulator.initialize(repeating: 0, count: n)
                for p in 0..<k {
                    let aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p])
                    let rowB = b + p * ldb
                    for j in 0..<n { accumulator[j] += aip * rowB[j] }
                }
                let rowC = c + i * ldc
                if beta == 0 {
                    // As BLAS: C is not read when beta is 0 (it may be uninitialized).
                    for j in 0..<n { rowC[j] = accumulator[j] }
                } else {
                    for j in 0..<n { rowC[j] = beta * rowC[j] + accumulator[j] }
                }
            }
        }
    }
}
