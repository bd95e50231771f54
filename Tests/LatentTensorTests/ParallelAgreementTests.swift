import XCTest
@testable import LatentTensor

/// The kernels split big tensors over workers; these check, on tensors above the
/// parallel threshold, that the split changes nothing (no races, no missed chunks).
final class ParallelAgreementTests: XCTestCase {
    private func compareSerialAndParallel(_ name: String, _ compute: () -> [[Float]]) {
        let previous = Engine.threads
        defer { Engine.setThreads(previous) }
        Engine.setThreads(1)
        let serial = compute()
        Engine.setThreads(4)
        let parallel = compute()
        XCTAssertEqual(serial.count, parallel.count)
        for (k, (s, p)) in zip(serial, parallel).enumerated() { assertClose(p, s, tolerance: 1e-4, "\(name) result \(k)") }
    }

    func testSpatialOpsAgree() {
        var rng = RandomSource(seed: 1)
        let x = Tensor.normal([2, 32, 40, 36], using: &rng)
        for input in [x, x.blocked()] {
            compareSerialAndParallel("spatial \(input.layout)") {
                input.grad = nil
                input.requiresGrad = true
                let (pooled, indices) = maxPool2dWithIndices(input, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
                let unpooled = maxUnpool2d(pooled, indices: indices)
                let y = upsampleBilinear(avgPool2d(unpooled, kernel: (2, 2)), size: (45, 31))
                let z = upsampleNearest(y, factor: 2)
                let shuffled = pixelShuffle(z, factor: 2)
                shuffled.squared().sum().backward()
                defer { input.requiresGrad = false }
                return [pooled.toArray(), z.toArray(), shuffled.toArray(), input.grad!.toArray()]
            }
        }
    }

    func testChannelOpsAgree() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.normal([3, 32, 30, 30], using: &rng)
        let w = Tensor.normal([32], using: &rng)
        for input in [x, x.blocked()] {
            compareSerialAndParallel("channel \(input.layout)") {
                let (rm, rv) = (Tensor.zeros([32]), Tensor.ones([32]))
                input.grad = nil
                input.requiresGrad = true
                defer { input.requiresGrad = false }
                let y = batchNorm(input, weight: w, runningMean: rm, runningVar: rv, training: true)
                let joined = concat([y, input.multipliedPerChannel(w).addingPerChannel(w)], axis: 1)
                let sliced = joined.channels(16..<48)
                (sliced.squared().mean(axes: [0, 2, 3]).sum() + sliced.sum(axes: [1]).squared().sum()).backward()
                return [y.toArray(), rm.toArray(), rv.toArray(), input.grad!.toArray()]
            }
        }
    }

    func testLinearAgrees() {
        var rng = RandomSource(seed: 3)
        let x = Tensor.normal([64, 300], using: &rng)
        let w = Tensor.normal([200, 300], std: 0.05, using: &rng)
        let b = Tensor.normal([200], using: &rng)
        compareSerialAndParallel("linear") {
            x.grad = nil; w.grad = nil
            x.requiresGrad = true; w.requiresGrad = true
            defer { x.requiresGrad = false; w.requiresGrad = false }
            let y = linear(x, weight: w, bias: b)
            y.squared().sum().backward()
            return [y.toArray(), x.grad!.toArray(), w.grad!.toArray(), matmul(x, w.transposed()).toArray()]
        }
    }
}
