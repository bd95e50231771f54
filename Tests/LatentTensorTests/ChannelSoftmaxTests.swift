import Foundation
import XCTest
import LatentTestSupport
@testable import LatentTensor

final class ChannelSoftmaxTests: XCTestCase {
    func testSoftmaxValuesAgainstAHandComputation() {
        // Two positions, three channels: [[1, 0], [2, 0], [3, 1000]]: the huge logit must not overflow.
        let z = Tensor([1, 0, 2, 0, 3, 1000], shape: [1, 3, 1, 2])
        let p = z.channelSoftmax().toArray()
        let e: [Double] = [exp(1), exp(2), exp(3)]
        let total = e.reduce(0, +)
        for c in 0..<3 { XCTAssertEqual(Double(p[2 * c]), e[c] / total, accuracy: 1e-6) }
        XCTAssertEqual(p[1], 0); XCTAssertEqual(p[3], 0); XCTAssertEqual(p[5], 1)
        // T = 0.5 doubles the logits.
        let half = Tensor([1, 2], shape: [1, 2]).channelSoftmax(temperature: 0.5).toArray()
        XCTAssertEqual(Double(half[1]), exp(4) / (exp(2) + exp(4)), accuracy: 1e-6)
    }

    func testSoftmaxGradient() {
        var rng = RandomSource(seed: 3)
        let weights = Tensor.normal([2, 5, 3, 2], using: &rng)
        for t: Float in [1, 0.38] {
            checkGradients([Tensor.normal([2, 5, 3, 2], using: &rng)], tolerance: 5e-3) {
                ($0[0].channelSoftmax(temperature: t) * weights).sum()
            }
        }
    }

    func testCrossEntropyAgainstAHandComputation() {
        // One image, two classes, two positions; targets (1, 0) and (0.25, 0.75); weights 2 and 1.
        let z = Tensor([0, 1, Float(log(3.0)), 0], shape: [1, 2, 1, 2])  // class-major: z[c, p]
        let t = Tensor([1, 0.25, 0, 0.75], shape: [1, 2, 1, 2])
        let w = Tensor([2, 1], shape: [1, 1, 1, 2])
        // Position 0: z = (0, log 3): log p = (−log 4, log 3 − log 4). Position 1: z = (1, 0).
        let loss0 = 2 * log(4.0)
        let lse1 = log(exp(1.0) + 1)
        let loss1 = 0.25 * (lse1 - 1) + 0.75 * lse1
        XCTAssertEqual(Double(softmaxCrossEntropy(logits: z, targets: t, weights: w).item), (loss0 + loss1) / 2, accuracy: 1e-6)
        XCTAssertEqual(Double(softmaxCrossEntropy(logits: z, targets: t).item), (log(4.0) + loss1) / 2, accuracy: 1e-6)
    }

    func testCrossEntropyGradientAndBlockedLogits() {
        var rng = RandomSource(seed: 5)
        let k = TensorLayout.blockSize
        let targetsRaw = Tensor.uniform([2, k, 3, 4], using: &rng)
        // Targets need not sum to one; the gradient must hold for any mass.
        let targets = Tensor(targetsRaw.toArray().map { $0 * 0.3 }, shape: targetsRaw.shape)
        let weights = Tensor.uniform([2, 1, 3, 4], low: 0.5, high: 2, using: &rng)
        let logits = Tensor.normal([2, k, 3, 4], std: 2, using: &rng)
        checkGradients([logits], tolerance: 5e-3) { softmaxCrossEntropy(logits: $0[0], targets: targets, weights: weights) }
        // The same through the blocked layout: same value and the same gradient.
        let plain = logits.detached().requiringGrad()
        let viaPlain = softmaxCrossEntropy(logits: plain, targets: targets, weights: weights)
        viaPlain.backward()
        let blockedLeaf = logits.detached().requiringGrad()
        let viaBlocked = softmaxCrossEntropy(logits: blockedLeaf.blocked(), targets: targets, weights: weights)
        viaBlocked.backward()
        XCTAssertEqual(viaPlain.item, viaBlocked.item, accuracy: 1e-6)
        XCTAssertEqual(plain.grad!.toArray(), blockedLeaf.grad!.toArray())
    }
}
