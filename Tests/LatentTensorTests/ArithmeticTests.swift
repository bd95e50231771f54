import XCTest
import LatentTestSupport
@testable import LatentTensor

final class ArithmeticTests: XCTestCase {
    func testPerChannelValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [1, 2, 2, 2])
        let v = Tensor([10, -1], shape: [2])
        XCTAssertEqual(x.addingPerChannel(v).toArray(), [11, 12, 13, 14, 4, 5, 6, 7])
        XCTAssertEqual(x.multipliedPerChannel(v).toArray(), [10, 20, 30, 40, -5, -6, -7, -8])
        let rows = Tensor([1, 2, 3, 4], shape: [2, 2])
        XCTAssertEqual(rows.addingPerChannel(v).toArray(), [11, 1, 13, 3])
        XCTAssertEqual(rows.multipliedPerChannel(v).toArray(), [10, -2, 30, -4])
    }

    func testMaximumMinimumValues() {
        let a = Tensor([1, 5, 3], shape: [3]), b = Tensor([2, 4, 3], shape: [3])
        XCTAssertEqual(maximum(a, b).toArray(), [2, 5, 3])
        XCTAssertEqual(minimum(a, b).toArray(), [1, 4, 3])
        a.requiresGrad = true; b.requiresGrad = true
        maximum(a, b).sum().backward()
        XCTAssertEqual(a.grad?.toArray(), [0, 1, 0.5])
        XCTAssertEqual(b.grad?.toArray(), [1, 0, 0.5])
    }

    func testGradients() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.normal([2, 3, 2, 3], using: &rng)
        let v = Tensor.normal([3], using: &rng), s = Tensor.normal([3], using: &rng)
        let r = Tensor.normal([2, 3, 2, 3], using: &rng)
        checkGradients([x, v, s], tolerance: 1e-3) { t in (t[0].addingPerChannel(t[1]).multipliedPerChannel(t[2]) * r).sum() }
        let m = Tensor.normal([4, 3], using: &rng), rm = Tensor.normal([4, 3], using: &rng)
        checkGradients([m, v, s], tolerance: 1e-3) { t in (t[0].multipliedPerChannel(t[2]).addingPerChannel(t[1]) * rm).sum() }
        // Operands at least 0.1 apart, so no finite-difference step crosses a tie.
        let a = distinctValues([2, 3], seed: 2), b = distinctValues([2, 3], seed: 3) + 0.05
        checkGradients([a, b], tolerance: 1e-3) { t in (maximum(t[0], t[1]) * 2 + minimum(t[0], t[1]).squared()).sum() }
    }

    func testBlockedPerChannel() {
        var rng = RandomSource(seed: 4)
        let x = Tensor.normal([2, 32, 2, 3], using: &rng)
        let v = Tensor.normal([32], using: &rng), s = Tensor.normal([32], using: &rng)
        let blocked = x.blocked().addingPerChannel(v).multipliedPerChannel(s)
        XCTAssertEqual(blocked.layout, .blocked)
        assertClose(blocked.toArray(), x.addingPerChannel(v).multipliedPerChannel(s).toArray())
        let small = Tensor.normal([1, 16, 2, 2], using: &rng)
        let r = Tensor.normal([1, 16, 2, 2], using: &rng)
        checkGradients([small, v.slicedForTest(16), s.slicedForTest(16)], tolerance: 1e-3) { t in
            (t[0].blocked().addingPerChannel(t[1]).multipliedPerChannel(t[2]) * r).sum()
        }
    }
}

private extension Tensor {
    func slicedForTest(_ count: Int) -> Tensor { Tensor(Array(toArray().prefix(count)), shape: [count]) }
}
