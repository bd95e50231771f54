import XCTest
import LatentTestSupport
@testable import LatentTensor

final class ReductionTests: XCTestCase {
    func testAxisSumsAndMeans() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        XCTAssertEqual(x.sum(axes: [0]).shape, [3, 4])
        XCTAssertEqual(x.sum(axes: [0]).toArray(), (0..<12).map { Float($0 * 2 + 12) })
        XCTAssertEqual(x.sum(axes: [2]).toArray(), [6, 22, 38, 54, 70, 86])
        XCTAssertEqual(x.sum(axes: [0, 2]).toArray(), [60, 92, 124])
        XCTAssertEqual(x.sum(axes: [0, 2], keepingDims: true).shape, [1, 3, 1])
        XCTAssertEqual(x.mean(axes: [1]).toArray(), [4, 5, 6, 7, 16, 17, 18, 19])
        XCTAssertEqual(x.sum(axes: [0, 1, 2]).shape, [])
        XCTAssertEqual(x.sum(axes: [0, 1, 2]).item, 276)
        XCTAssertEqual(x.sum(axes: []).toArray(), x.toArray())
    }

    func testPerChannelMeanEitherLayout() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.normal([2, 32, 3, 3], using: &rng)
        let values = x.toArray()
        let expected = (0..<32).map { c -> Float in
            var s: Float = 0
            for n in 0..<2 { for p in 0..<9 { s += values[(n * 32 + c) * 9 + p] } }
            return s / 18
        }
        assertClose(x.mean(axes: [0, 2, 3]).toArray(), expected)
        assertClose(x.blocked().mean(axes: [0, 2, 3]).toArray(), expected)
        XCTAssertEqual(x.blocked().mean(axes: [0, 2, 3], keepingDims: true).shape, [1, 32, 1, 1])
        assertClose(x.blocked().sum(axes: [1]).toArray(), x.sum(axes: [1]).toArray(), tolerance: 1e-4)
    }

    func testGradients() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.normal([3, 4, 2], using: &rng)
        let r1 = Tensor.normal([4], using: &rng), r2 = Tensor.normal([3, 2], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in (t[0].sum(axes: [0, 2]) * r1).sum() }
        checkGradients([x], tolerance: 1e-3) { t in (t[0].mean(axes: [1]) * r2).sum() }
        checkGradients([x], tolerance: 1e-3) { t in t[0].mean(axes: [0]).squared().sum() }
        // KL-style: summed over latent dims, averaged over the batch.
        let z = Tensor.normal([5, 3], using: &rng)
        checkGradients([z], tolerance: 1e-3) { t in t[0].squared().sum(axes: [1]).mean() }
        let images = Tensor.normal([2, 16, 2, 2], using: &rng), rc = Tensor.normal([16], using: &rng)
        checkGradients([images], tolerance: 1e-3) { t in (t[0].blocked().mean(axes: [0, 2, 3]) * rc).sum() }
    }
}
