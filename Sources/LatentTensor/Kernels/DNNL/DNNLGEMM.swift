import CDNNL

/// oneDNN's single-precision GEMM (row-major, JIT AVX-512, OpenMP threads).
enum DNNLGEMM {
    /// C = alpha·op(A)·op(B) + beta·C. op(A): [m, k], op(B): [k, n], C: [m, n], row-major
    /// with leading dimensions lda, ldb, ldc (elements between consecutive rows as stored).
    static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        dnnlCheck(dnnl_sgemm(CChar(UInt8(ascii: transA ? "T" : "N")), CChar(UInt8(ascii: transB ? "T" : "N")),
                             dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), alpha,
                             a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb), beta, c, dnnl_dim_t(ldc)),
                  "dnnl_sgemm")
    }
}
