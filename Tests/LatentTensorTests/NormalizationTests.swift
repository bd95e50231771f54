import XCTest
import LatentTestSupport
@testable import LatentTensor

final class NormalizationTests: XCTestCase {
    func testTrainingValuesAndRunningStatistics() {
        // Feature 0: 1, 2, 3, 4 (mean 2.5, biased variance 1.25, unbiased 5/3).
        // Feature 1: 0, 0, 2, 2 (mean 1, biased variance 1, unbiased 4/3).
        let x = Tensor([1, 0, 2, 0, 3, 2, 4, 2], shape: [4, 2])
        let weight = Tensor([2, 1], shape: [2]), bias = Tensor([0, 10], shape: [2])
        let runningMean = Tensor.zeros([2]), runningVar = Tensor.ones([2])
        let y = batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                          training: true, epsilon: 0)
        let s = 1 / Float(1.25).squareRoot()
        assertClose(y.toArray(), [2 * -1.5 * s, 9, 2 * -0.5 * s, 9, 2 * 0.5 * s, 11, 2 * 1.5 * s, 11])
        assertClose(runningMean.toArray(), [0.25, 0.1])
        assertClose(runningVar.toArray(), [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 4 / 3])
    }

    func testEvaluationUsesRunningStatistics() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [1, 2, 2, 2])
        let runningMean = Tensor([1, 2], shape: [2]), runningVar = Tensor([4, 0.25], shape: [2])
        let y = batchNorm(x, weight: Tensor([1, 2], shape: [2]), bias: Tensor([0, 1], shape: [2]),
                          runningMean: runningMean, runningVar: runningVar, training: false, epsilon: 0)
        assertClose(y.toArray(), [0, 0.5, 1, 1.5, 13, 17, 21, 25])
        XCTAssertEqual(runningMean.toArray(), [1, 2], "evaluation must not touch the running statistics")
        XCTAssertEqual(runningVar.toArray(), [4, 0.25])
    }

    func testTrainingNormalizesImages() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.normal([3, 4, 5, 6], mean: 3, std: 2, using: &rng)
        let y = batchNorm(x, training: true)
        let (mean, variance) = ChannelKernels.moments(y)
        assertClose(mean, [0, 0, 0, 0], tolerance: 1e-5)
        assertClose(variance, [1, 1, 1, 1], tolerance: 1e-3)
    }

    func testTrainingGradients() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.normal([2, 3, 3, 2], mean: 1, using: &rng)
        let w = Tensor.normal([3], mean: 1, std: 0.3, using: &rng)
        let b = Tensor.normal([3], using: &rng)
        let r = Tensor.normal([2, 3, 3, 2], using: &rng)
        checkGradients([x, w, b], tolerance: 5e-3) { t in
            (batchNorm(t[0], weight: t[1], bias: t[2], training: true) * r).sum()
        }
        let features = Tensor.normal([5, 4], using: &rng)
        let rf = Tensor.normal([5, 4], using: &rng)
        checkGradients([features, Tensor.normal([4], mean: 1, using: &rng)], tolerance: 5e-3) { t in
            (batchNorm(t[0], weight: t[1], training: true) * rf).sum()
        }
    }

    func testEvaluationGradients() {
        var rng = RandomSource(seed: 3)
        let x = Tensor.normal([2, 3, 2, 2], using: &rng)
        let w = Tensor.normal([3], using: &rng)
        let b = Tensor.normal([3], using: &rng)
        let r = Tensor.normal([2, 3, 2, 2], using: &rng)
        let runningMean = Tensor([0.1, -0.2, 0.3], shape: [3]), runningVar = Tensor([0.5, 1, 2], shape: [3])
        checkGradients([x, w, b], tolerance: 1e-3) { t in
            (batchNorm(t[0], weight: t[1], bias: t[2], runningMean: runningMean, runningVar: runningVar,
                       training: false) * r).sum()
        }
    }

    func testBlockedMatchesPlain() {
        var rng = RandomSource(seed: 4)
        let x = Tensor.normal([2, 32, 3, 3], mean: 0.5, using: &rng)
        let w = Tensor.normal([32], using: &rng), b = Tensor.normal([32], using: &rng)
        let (rmPlain, rvPlain) = (Tensor.zeros([32]), Tensor.ones([32]))
        let (rmBlocked, rvBlocked) = (Tensor.zeros([32]), Tensor.ones([32]))
        let yPlain = batchNorm(x, weight: w, bias: b, runningMean: rmPlain, runningVar: rvPlain, training: true)
        let yBlocked = batchNorm(x.blocked(), weight: w, bias: b, runningMean: rmBlocked, runningVar: rvBlocked, training: true)
        XCTAssertEqual(yBlocked.layout, .blocked)
        assertClose(yBlocked.toArray(), yPlain.toArray(), tolerance: 1e-5)
        assertClose(rmBlocked.toArray(), rmPlain.toArray())
        assertClose(rvBlocked.toArray(), rvPlain.toArray())
        let evalPlain = batchNorm(x, weight: w, bias: b, runningMean: rmPlain, runningVar: rvPlain, training: false)
        let evalBlocked = batchNorm(x.blocked(), weight: w, bias: b, runningMean: rmPlain, runningVar: rvPlain, training: false)
        assertClose(evalBlocked.toArray(), evalPlain.toArray(), tolerance: 1e-5)
    }

    func testBlockedGradients() {
        var rng = RandomSource(seed: 5)
        let x = Tensor.normal([2, 16, 2, 2], using: &rng)
        let w = Tensor.normal([16], mean: 1, std: 0.3, using: &rng)
        let r = Tensor.normal([2, 16, 2, 2], using: &rng).blocked()
        checkGradients([x, w], tolerance: 5e-3) { t in
            (batchNorm(t[0].blocked(), weight: t[1], training: true) * r).sum()
        }
    }
}
