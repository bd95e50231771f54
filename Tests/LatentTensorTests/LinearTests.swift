import XCTest
import LatentTestSupport
@testable import LatentTensor

final class LinearTests: XCTestCase {
    func testLinearValues() {
        let x = Tensor([1, 2, 3, 4], shape: [2, 2])
        let w = Tensor([1, 0, 0, 1, 1, 1], shape: [3, 2])
        let b = Tensor([0.5, 0, -1], shape: [3])
        let y = linear(x, weight: w, bias: b)
        XCTAssertEqual(y.shape, [2, 3])
        XCTAssertEqual(y.toArray(), [1.5, 2, 2, 3.5, 4, 6])
        XCTAssertEqual(linear(x, weight: w).toArray(), [1, 2, 3, 3, 4, 7])
    }

    func testMatmulValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([1, 0, 0, 1, 2, -1], shape: [3, 2])
        XCTAssertEqual(matmul(a, b).toArray(), [7, -1, 16, -1])
    }

    /// Every transpose combination, with leading dimensions larger than the matrices and
    /// nonzero beta, against a triple loop.
    func testReferenceGemmAgainstNaiveLoops() {
        var rng = RandomSource(seed: 1)
        let (m, n, k) = (5, 7, 4)
        for transA in [false, true] {
            for transB in [false, true] {
                let (rowsA, colsA) = transA ? (k, m) : (m, k)
                let (rowsB, colsB) = transB ? (n, k) : (k, n)
                let (lda, ldb, ldc) = (colsA + 2, colsB + 1, n + 3)
                let a = (0..<rowsA * lda).map { _ in rng.uniform(-1, 1) }
                let b = (0..<rowsB * ldb).map { _ in rng.uniform(-1, 1) }
                var c = (0..<m * ldc).map { _ in rng.uniform(-1, 1) }
                var expected = c
                for i in 0..<m {
                    for j in 0..<n {
                        var s: Float = 0
                        for p in 0..<k {
                            s += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j])
                        }
                        expected[i * ldc + j] = 0.5 * s + 2 * c[i * ldc + j]
                    }
                }
                c.withUnsafeMutableBufferPointer { pc in
                    MatmulReference.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5,
                                         a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: pc.baseAddress!, ldc: ldc)
                }
                assertClose(c, expected, "transA \(transA) transB \(transB)")
            }
        }
    }

    func testGradients() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.normal([3, 5], using: &rng)
        let w = Tensor.normal([4, 5], std: 0.5, using: &rng)
        let b = Tensor.normal([4], using: &rng)
        let r = Tensor.normal([3, 4], using: &rng)
        checkGradients([x, w, b], tolerance: 1e-3) { t in (linear(t[0], weight: t[1], bias: t[2]) * r).sum() }
        checkGradients([x, w], tolerance: 1e-3) { t in linear(t[0], weight: t[1]).tanh().sum() }
        let c = Tensor.normal([5, 2], using: &rng)
        checkGradients([x, c], tolerance: 1e-3) { t in matmul(t[0], t[1]).squared().sum() }
    }
}
