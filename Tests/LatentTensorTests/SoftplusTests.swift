import XCTest
import LatentTestSupport
@testable import LatentTensor

final class SoftplusTests: XCTestCase {
    func testValuesAcrossTheRangeWithoutOverflow() {
        let x = Tensor([-200, -20, -1, 0, 1, 20, 200], shape: [7])
        let y = x.softplus().toArray()
        let expected: [Double] = [-200, -20, -1, 0, 1, 20, 200].map { v in max(v, 0) + log1p(exp(-abs(v))) }
        for (a, e) in zip(y, expected) { XCTAssertEqual(Double(a), e, accuracy: 1e-6 * max(1, abs(e))) }
        XCTAssertGreaterThan(Tensor([-80], shape: [1]).softplus().item, 0, "tiny but positive far left, as ln(1 + e^x) is")
        XCTAssertEqual(y[6], 200, "no overflow far right")
    }

    func testGradientIsSigmoid() {
        var rng = RandomSource(seed: 5)
        let x = Tensor.normal([2, 3, 4, 5], std: 3, using: &rng)
        let r = Tensor.normal([2, 3, 4, 5], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in (t[0].softplus() * r).sum() }
        let blocked = Tensor.normal([1, 16, 2, 2], using: &rng)
        let rb = Tensor.normal([1, 16, 2, 2], using: &rng)
        checkGradients([blocked], tolerance: 1e-3) { t in (t[0].blocked().softplus().plain() * rb).sum() }
    }
}
