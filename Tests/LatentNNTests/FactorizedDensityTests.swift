import XCTest
import LatentTensor
import LatentTestSupport
@testable import LatentNN

final class FactorizedDensityTests: XCTestCase {
    func testNamesAndShapesFollowCompressAI() {
        var rng = RandomSource(seed: 1)
        let density = FactorizedDensity(channels: 4, using: &rng)
        XCTAssertEqual(density.namedParameters().map(\.0), [
            "layers.0.matrix", "layers.0.bias", "layers.0.factor", "layers.1.matrix", "layers.1.bias", "layers.1.factor",
            "layers.2.matrix", "layers.2.bias", "layers.2.factor", "layers.3.matrix", "layers.3.bias",
        ])
        XCTAssertEqual(density.layers.map(\.matrix.shape), [[4, 3, 1], [4, 3, 3], [4, 3, 3], [4, 1, 3]])
        // softplus(matrix) = 1 / 10^(1/4) / fan-out, as CompressAI initialises it.
        let first = density.layers[0].matrix.softplus().toArray()[0]
        XCTAssertEqual(first, 1 / pow(10, 0.25) / 3, accuracy: 1e-6)
    }

    /// A trained-looking density (random weights) is monotone in x for every channel, and the
    /// probabilities of all integers add up to 1.
    func testCumulativeIsMonotoneAndProbabilitiesSumToOne() {
        var rng = RandomSource(seed: 2)
        let density = FactorizedDensity(channels: 3, using: &rng)
        for layer in density.layers {
            for t in [layer.matrix, layer.bias] + (layer.factor.map { [$0] } ?? []) {
                t.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] += rng.uniform(-1, 1) } }
            }
        }
        let grid = (0..<401).map { Float($0) * 0.25 - 50 }
        let x = Tensor(grid + grid + grid, shape: [1, 3, 1, 401])
        let logits = Autograd.withoutGrad { density.cumulativeLogits(x) }.toArray()
        for c in 0..<3 {
            for k in 1..<401 { XCTAssertGreaterThanOrEqual(logits[c * 401 + k], logits[c * 401 + k - 1], "channel \(c) at \(grid[k])") }
        }
        let integers = (-300...300).map(Float.init)
        let y = Tensor(integers + integers + integers, shape: [1, 3, 1, integers.count])
        let p = Autograd.withoutGrad { density.likelihood(y) }.toArray()
        for c in 0..<3 {
            let total = p[(c * integers.count)..<((c + 1) * integers.count)].reduce(0, +)
            XCTAssertEqual(total, 1, accuracy: 1e-3, "channel \(c)")
        }
        // The bound is added as a correction term, so it holds up to Float rounding.
        XCTAssertTrue(p.allSatisfy { $0 >= FactorizedDensity.likelihoodBound * 0.999 && $0 <= 1 }, "\(p.min()!) … \(p.max()!)")
    }

    func testGradientsOfLikelihoodRate() {
        var rng = RandomSource(seed: 3)
        let density = FactorizedDensity(channels: 2, filters: [3, 3], initScale: 4, using: &rng)
        let y = Tensor.normal([2, 2, 2, 3], std: 2, using: &rng)
        let parameters = density.parameters()
        // The rate −Σ ln P, as training uses it.
        checkGradients([y] + parameters, step: 1e-2, tolerance: 2e-2) { _ in -density.likelihood(y).log().sum() }
    }

    func testBoundIsStraightThrough() {
        var rng = RandomSource(seed: 4)
        let density = FactorizedDensity(channels: 1, initScale: 1, using: &rng)
        let y = Tensor([1e4], shape: [1, 1, 1, 1], requiresGrad: true)
        let p = density.likelihood(y)
        XCTAssertEqual(p.item, FactorizedDensity.likelihoodBound)
        p.log().sum().backward()
        XCTAssertNotNil(y.grad, "the gradient still reaches the input")
    }
}
