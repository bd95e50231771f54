import XCTest
import LatentTestSupport
@testable import LatentTensor

final class PoolingTests: XCTestCase {
    // 4×4 plane used by the hand-computed cases below.
    let plane: [Float] = [1, 5, 2, 0,
                          3, 4, 8, 7,
                          9, 1, 0, 6,
                          2, 3, 4, 5]

    func testMaxPoolValuesAndIndices() {
        let x = Tensor(plane, shape: [1, 1, 4, 4])
        let (y, indices) = maxPool2dWithIndices(x, kernel: (2, 2))
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.toArray(), [5, 8, 9, 6])
        XCTAssertEqual(indices.values, [1, 6, 8, 11])
        XCTAssertEqual(indices.shape, [1, 1, 2, 2])
    }

    func testMaxPoolWithPaddingAndOverlap() {
        // Kernel 3, stride 2, padding 1: windows rows/cols {0,1} and {1,2,3}.
        let x = Tensor(plane, shape: [1, 1, 4, 4])
        let (y, indices) = maxPool2dWithIndices(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        XCTAssertEqual(y.toArray(), [5, 8, 9, 8])
        XCTAssertEqual(indices.values, [1, 6, 8, 6])
        // Both windows that chose element 6 send it their gradient.
        x.requiresGrad = true
        maxPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1)).sum().backward()
        var expected = [Float](repeating: 0, count: 16)
        expected[1] = 1; expected[6] = 2; expected[8] = 1
        XCTAssertEqual(x.grad?.toArray(), expected)
    }

    func testMaxUnpoolPutsValuesBack() {
        let x = Tensor(plane, shape: [1, 1, 4, 4])
        let (y, indices) = maxPool2dWithIndices(x, kernel: (2, 2))
        let restored = maxUnpool2d(y, indices: indices)
        XCTAssertEqual(restored.shape, [1, 1, 4, 4])
        XCTAssertEqual(restored.toArray(), [0, 5, 0, 0,
                                            0, 0, 8, 0,
                                            9, 0, 0, 6,
                                            0, 0, 0, 0])
        // A larger output size (PyTorch's output_size) keeps the flat positions.
        XCTAssertEqual(maxUnpool2d(y, indices: indices, outputSize: (5, 4)).shape, [1, 1, 5, 4])
    }

    func testAveragePoolCountsPadding() {
        let x = Tensor(plane, shape: [1, 1, 4, 4])
        assertClose(avgPool2d(x, kernel: (2, 2)).toArray(), [3.25, 4.25, 3.75, 3.75])
        // Padded windows divide by 9 (count_include_pad), e.g. the corner holds 1+5+3+4 = 13.
        assertClose(avgPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1)).toArray(),
                    [13 / 9, 26 / 9, 22 / 9, 38 / 9])
    }

    func testMaxPoolGradients() {
        // Values 0.1 apart and a step of 0.01: no maximum changes during the check.
        let x = distinctValues([2, 3, 5, 6], seed: 1)
        var rng = RandomSource(seed: 2)
        let r = Tensor.normal([2, 3, 3, 3], using: &rng)
        checkGradients([x], step: 1e-2, tolerance: 1e-3) { t in
            (maxPool2d(t[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1)) * r).sum()
        }
    }

    func testMaxUnpoolGradients() {
        let pooled = distinctValues([2, 3, 6, 6], seed: 3)
        let indices = maxPool2dWithIndices(pooled, kernel: (2, 2)).indices
        var rng = RandomSource(seed: 4)
        let x = Tensor.normal([2, 3, 3, 3], using: &rng)
        let r = Tensor.normal([2, 3, 6, 6], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in (maxUnpool2d(t[0], indices: indices) * r).sum() }
    }

    func testAveragePoolGradients() {
        var rng = RandomSource(seed: 5)
        let x = Tensor.normal([2, 2, 5, 7], using: &rng)
        let r = Tensor.normal([2, 2, 3, 4], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in
            (avgPool2d(t[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1)) * r).sum()
        }
    }

    func testBlockedInputsMatchPlain() {
        let x = distinctValues([2, 32, 6, 5], seed: 6)
        let xb = x.blocked()
        let (yp, ip) = maxPool2dWithIndices(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        let (yb, ib) = maxPool2dWithIndices(xb, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        XCTAssertEqual(yb.layout, .blocked)
        XCTAssertEqual(yb.toArray(), yp.toArray())
        XCTAssertEqual(ib.values, ip.values)
        XCTAssertEqual(maxUnpool2d(yb, indices: ib).toArray(), maxUnpool2d(yp, indices: ip).toArray())
        assertClose(avgPool2d(xb, kernel: (2, 2)).toArray(), avgPool2d(x, kernel: (2, 2)).toArray())
    }

    func testBlockedGradients() {
        let x = distinctValues([1, 16, 4, 4], seed: 7)
        var rng = RandomSource(seed: 8)
        let r = Tensor.normal([1, 16, 2, 2], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in
            let xb = t[0].blocked()
            let (values, indices) = maxPool2dWithIndices(xb, kernel: (2, 2))
            let unpooled = maxUnpool2d(values * 2, indices: indices)  // [1, 16, 4, 4], blocked
            return (avgPool2d(unpooled, kernel: (2, 2)) * r).sum()
        }
    }
}
