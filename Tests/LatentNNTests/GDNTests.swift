import XCTest
import LatentTensor
import LatentTestSupport
@testable import LatentNN

final class GDNTests: XCTestCase {
    func testNamesInitialisationAndValues() throws {
        let gdn = GDN(channels: 2)
        XCTAssertEqual(gdn.namedParameters().map(\.0), ["beta", "gamma"])
        XCTAssertEqual(gdn.beta.toArray(), [1, 1])
        XCTAssertEqual(gdn.gamma.toArray(), [0.1, 0, 0, 0.1])
        try gdn.loadStateDict(["beta": StoredTensor(floats: [1, 2], shape: [2]),
                               "gamma": StoredTensor(floats: [0.5, 0.25, 0, 1], shape: [2, 2])])
        // One pixel, x = (2, 3): norms √(1 + 0.5·4 + 0.25·9) = √5.25 and √(2 + 9) = √11.
        let x = Tensor([2, 3], shape: [1, 2, 1, 1])
        let y = gdn(x).toArray()
        XCTAssertEqual(y[0], 2 / Float(5.25).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(y[1], 3 / Float(11).squareRoot(), accuracy: 1e-6)
        let inverse = GDN(channels: 2, inverse: true)
        try inverse.loadStateDict(try gdn.stateDict())
        let z = inverse(x).toArray()
        XCTAssertEqual(z[0], 2 * Float(5.25).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(z[1], 3 * Float(11).squareRoot(), accuracy: 1e-5)
    }

    func testGradientsOfInputAndParameters() {
        var rng = RandomSource(seed: 3)
        for inverse in [false, true] {
            let gdn = GDN(channels: 3, inverse: inverse)
            gdn.gamma.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] = 0.05 + 0.2 * rng.uniform() } }
            let x = Tensor.normal([2, 3, 3, 4], using: &rng)
            let r = Tensor.normal([2, 3, 3, 4], using: &rng)
            checkGradients([x, gdn.beta, gdn.gamma], tolerance: 2e-3) { _ in (gdn(x) * r).sum() }
        }
    }

    func testBlockedInputGivesThePlainResult() {
        var rng = RandomSource(seed: 4)
        let gdn = GDN(channels: 16)
        let x = Tensor.normal([1, 16, 5, 3], using: &rng)
        let plain = gdn(x).toArray()
        let blocked = gdn(x.blocked()).toArray()
        for (a, b) in zip(plain, blocked) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testProjectionKeepsTheConstraints() {
        let gdn = GDN(channels: 2)
        gdn.beta.withUnsafeMutableBufferPointer { $0[0] = -3; $0[1] = 0.5 }
        gdn.gamma.withUnsafeMutableBufferPointer { $0[1] = -0.2; $0[2] = 0.3 }
        gdn.project()
        XCTAssertEqual(gdn.beta.toArray(), [GDN.betaMinimum, 0.5])
        XCTAssertEqual(gdn.gamma.toArray(), [0.1, 0, 0.3, 0.1])
    }
}
