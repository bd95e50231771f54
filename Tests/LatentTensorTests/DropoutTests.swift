import XCTest
import LatentTestSupport
@testable import LatentTensor

final class DropoutTests: XCTestCase {
    func testIdentityWhenNotTraining() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.normal([4, 5], using: &rng)
        XCTAssertTrue(dropout(x, probability: 0.5, training: false, using: &rng) === x)
    }

    func testDropsAndRescales() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.full([100, 100], 2)
        let y = dropout(x, probability: 0.3, training: true, using: &rng).toArray()
        let dropped = y.filter { $0 == 0 }.count
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 2 / 0.7) < 1e-5 })
        XCTAssertEqual(Double(dropped) / Double(y.count), 0.3, accuracy: 0.02)
        var again = RandomSource(seed: 2)
        XCTAssertEqual(dropout(x, probability: 0.3, training: true, using: &again).toArray(), y, "same seed, same mask")
        XCTAssertEqual(dropout(x, probability: 1, training: true, using: &rng).toArray(), [Float](repeating: 0, count: 10_000))
    }

    func testBlockedGetsTheSameMask() {
        var rng = RandomSource(seed: 3)
        let x = Tensor.normal([2, 16, 3, 3], using: &rng)
        var a = RandomSource(seed: 4), b = RandomSource(seed: 4)
        let blocked = dropout(x.blocked(), probability: 0.5, training: true, using: &a)
        XCTAssertEqual(blocked.layout, .blocked)
        XCTAssertEqual(blocked.toArray(), dropout(x, probability: 0.5, training: true, using: &b).toArray())
    }

    func testGradients() {
        var rng = RandomSource(seed: 5)
        let x = Tensor.normal([3, 7], using: &rng)
        let r = Tensor.normal([3, 7], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in
            var maskSource = RandomSource(seed: 6)  // the same mask at every evaluation
            return (dropout(t[0], probability: 0.4, training: true, using: &maskSource) * r).sum()
        }
    }
}
