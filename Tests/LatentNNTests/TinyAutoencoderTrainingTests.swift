import XCTest
import LatentTensor
@testable import LatentNN

/// A conv encoder–decoder small enough to train in a test, named like its PyTorch twin.
final class TinyAutoencoder: Module {
    let conv1: Conv2d
    let conv2: Conv2d
    let deconv1: ConvTranspose2d
    let deconv2: ConvTranspose2d

    init(seed: UInt64) {
        var rng = RandomSource(seed: seed)
        conv1 = Conv2d(1, 16, kernelSize: 3, stride: 2, padding: .symmetric(1), using: &rng)
        conv2 = Conv2d(16, 16, kernelSize: 3, stride: 2, padding: .symmetric(1), using: &rng)
        deconv1 = ConvTranspose2d(16, 16, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        deconv2 = ConvTranspose2d(16, 1, kernelSize: 4, stride: 2, padding: 1, using: &rng)
    }

    // x: [N, 1, 16, 16] → [N, 1, 16, 16]
    func callAsFunction(_ x: Tensor) -> Tensor {
        let h1 = conv1(x, activation: .relu)
        let h2 = conv2(h1, activation: .relu)
        let u1 = deconv1(h2, activation: .relu) + h1
        return deconv2(u1, activation: .sigmoid)
    }
}

final class TinyAutoencoderTrainingTests: XCTestCase {
    func testParameterNamesFollowPyTorch() {
        let model = TinyAutoencoder(seed: 0)
        XCTAssertEqual(model.namedParameters().map(\.0), [
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
            "deconv1.weight", "deconv1.bias", "deconv2.weight", "deconv2.bias",
        ])
        XCTAssertEqual(model.deconv2.weight.shape, [16, 1, 4, 4])
    }

    /// Smooth 16×16 patterns (sums of a few oriented sinusoids), seeded.
    private func images(count: Int, seed: UInt64) -> Tensor {
        var rng = RandomSource(seed: seed)
        var values: [Float] = []
        for _ in 0..<count {
            let (fx, fy, phase) = (rng.uniform(0.1, 0.6), rng.uniform(0.1, 0.6), rng.uniform(0, 6.28))
            for y in 0..<16 { for x in 0..<16 {
                values.append(0.5 + 0.4 * sin(fx * Float(x) + fy * Float(y) + phase))
            } }
        }
        return Tensor(values, shape: [count, 1, 16, 16])
    }

    private func train(steps: Int) -> (first: Float, last: Float, weights: [Float]) {
        let model = TinyAutoencoder(seed: 7)
        let optimizer = Adam(model.namedParameters(), learningRate: 3e-3)
        let data = images(count: 8, seed: 3)
        var first: Float = 0, last: Float = 0
        for step in 0..<steps {
            model.zeroGrad()
            let loss = Loss.mse(model(data), data)
            loss.backward()
            optimizer.step()
            if step == 0 { first = loss.item }
            last = loss.item
        }
        return (first, last, model.conv1.weight.toArray())
    }

    func testLossFallsTenfoldAndIsDeterministic() {
        for backend in Backend.allCases {
            Engine.withBackend(backend) {
                let run = train(steps: 300)
                XCTAssertLessThan(run.last, run.first / 10, "\(backend): loss \(run.first) → \(run.last)")
                let again = train(steps: 20)
                let again2 = train(steps: 20)
                XCTAssertEqual(again.weights, again2.weights, "\(backend): same seed, different weights")
            }
        }
    }
}
