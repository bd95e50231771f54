// Finite-difference checks of every loss's autograd gradient, for every input that takes one.
// Inputs stay away from kinks (|x − y| ≥ 0.1 for L1, activations inside (0, 1) for the KL
// penalty) so that central differences with step 1e-2 are accurate.

import XCTest
import LatentTestSupport
import LatentTensor
@testable import LatentNN

final class LossGradientTests: XCTestCase {
    private func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64) -> Tensor {
        var rng = RandomSource(seed: seed)
        return Tensor.normal(shape, mean: mean, std: std, using: &rng)
    }

    func testMSE() {
        checkGradients([normal([2, 3, 4], seed: 1), normal([2, 3, 4], seed: 2)], tolerance: 5e-3) { Loss.mse($0[0], $0[1]) }
    }

    func testL1() {
        // y = x + d with |d| ≥ 0.1: every difference keeps its sign under the finite-difference step.
        let x = normal([2, 3, 4], seed: 3)
        var rng = RandomSource(seed: 4)
        let d = (0..<x.count).map { _ in (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.1, 1) }
        let y = Tensor(zip(x.toArray(), d).map { $0 + $1 }, shape: x.shape)
        checkGradients([x, y], tolerance: 5e-3) { Loss.l1($0[0], $0[1]) }
    }

    func testCharbonnier() {
        // ε = 0.1 so that the smooth region around x = y is wider than the step.
        let x = normal([2, 3, 4], seed: 5)
        let y = Tensor(x.toArray().enumerated().map { $0.offset < 3 ? $0.element : $0.element + 0.5 }, shape: x.shape)
        checkGradients([x, y], tolerance: 5e-3) { Loss.charbonnier($0[0], $0[1], epsilon: 0.1) }
        checkGradients([normal([2, 3, 4], seed: 6), normal([2, 3, 4], seed: 7)], tolerance: 5e-3) {
            Loss.charbonnier($0[0], $0[1])
        }
    }

    func testBinaryCrossEntropyWithLogits() {
        var rng = RandomSource(seed: 8)
        let targets = Tensor((0..<24).map { _ in rng.uniform() < 0.5 ? 0 : 1 }, shape: [4, 6])
        let logits = normal([4, 6], std: 3, seed: 9)
        checkGradients([logits], tolerance: 5e-3) { Loss.binaryCrossEntropy(logits: $0[0], targets: targets) }
        // Soft targets get a gradient too (t·z is linear in t).
        checkGradients([normal([4, 6], std: 3, seed: 10), Tensor.uniform([4, 6], using: &rng)], tolerance: 5e-3) {
            Loss.binaryCrossEntropy(logits: $0[0], targets: $0[1])
        }
        checkGradients([normal([4, 6], std: 3, seed: 11)], tolerance: 5e-3) { Loss.binaryCrossEntropy(logits: $0[0], target: 0.9) }
    }

    func testSoftCrossEntropy() {
        var rng = RandomSource(seed: 16)
        let targets = Tensor.uniform([2, 5, 2, 3], using: &rng).channelSoftmax()
        let weights = Tensor.uniform([2, 1, 2, 3], low: 0.5, high: 2, using: &rng)
        checkGradients([normal([2, 5, 2, 3], std: 2, seed: 17)], tolerance: 5e-3) {
            Loss.softCrossEntropy(logits: $0[0], targets: targets, weights: weights)
        }
    }

    func testGaussianKL() {
        checkGradients([normal([4, 6], seed: 12), normal([4, 6], std: 0.5, seed: 13)], tolerance: 5e-3) {
            Loss.gaussianKL(mu: $0[0], logVariance: $0[1])
        }
    }

    func testGANLosses() {
        checkGradients([normal([6, 1], mean: 1, std: 2, seed: 14), normal([6, 1], mean: -1, std: 2, seed: 15)], tolerance: 5e-3) {
            Loss.discriminator(realLogits: $0[0], fakeLogits: $0[1], realLabel: 0.9)
        }
        checkGradients([normal([6, 1], mean: -1, std: 2, seed: 16)], tolerance: 5e-3) {
            Loss.generatorNonSaturating(fakeLogits: $0[0])
        }
    }

    func testSparsityKLOnFeatures() {
        // Through a sigmoid, as a sparse autoencoder uses it: activations stay inside (0, 1).
        checkGradients([normal([8, 6], mean: -2, seed: 17)], tolerance: 5e-3) {
            Loss.sparsityKL(activations: $0[0].sigmoid(), target: 0.05)
        }
    }

    func testSparsityKLOnFeatureMaps() {
        // Activations directly in (0.2, 0.8): the step moves each batch mean by step / (N·H·W) only.
        var rng = RandomSource(seed: 18)
        let activations = Tensor.uniform([2, 3, 2, 2], low: 0.2, high: 0.8, using: &rng)
        checkGradients([activations], tolerance: 5e-3) { Loss.sparsityKL(activations: $0[0], target: 0.1) }
    }

    func testSparsityKLIsZeroAtTheTargetAndSumsOverUnits() {
        let atTarget = Tensor.full([5, 4], 0.05)
        XCTAssertEqual(Loss.sparsityKL(activations: atTarget, target: 0.05).item, 0, accuracy: 1e-6)
        // One unit with mean 0.5, three at the target: the penalty is that unit's KL alone.
        var values = [Float](repeating: 0.05, count: 8)
        values[0] = 0.25; values[4] = 0.75  // unit 0 over a batch of 2: mean 0.5
        let expected = 0.05 * log(0.05 / 0.5) + 0.95 * log(0.95 / 0.5)
        XCTAssertEqual(Loss.sparsityKL(activations: Tensor(values, shape: [2, 4]), target: 0.05).item, Float(expected), accuracy: 1e-5)
    }

    func testSparsityKLStaysFiniteForDeadUnits() {
        let dead = Tensor.zeros([4, 3]).requiringGrad()
        let loss = Loss.sparsityKL(activations: dead, target: 0.05)
        XCTAssertTrue(loss.item.isFinite)
        loss.backward()
        XCTAssertEqual(dead.grad?.toArray(), [Float](repeating: 0, count: 12), "the clamp passes no gradient to a dead unit")
    }
}
