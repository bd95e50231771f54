import XCTest
import LatentTestSupport
@testable import LatentTensor

final class ConvolutionTests: XCTestCase {
    func testConvolutionGradientsReference() {
        Engine.withBackend(.reference) {
            var rng = RandomSource(seed: 1)
            let x = Tensor.normal([2, 3, 7, 6], using: &rng)
            let w = Tensor.normal([4, 3, 3, 3], std: 0.3, using: &rng)
            let b = Tensor.normal([4], using: &rng)
            let target = Tensor.normal([2, 4, 4, 3], using: &rng)
            checkGradients([x, w, b]) { t in
                (conv2d(t[0], weight: t[1], bias: t[2], stride: (2, 2), padding: .symmetric(1), activation: .tanh) - target).squared().sum()
            }
        }
    }

    func testTransposedConvolutionGradientsReference() {
        Engine.withBackend(.reference) {
            var rng = RandomSource(seed: 2)
            let x = Tensor.normal([2, 3, 4, 5], using: &rng)
            let w = Tensor.normal([3, 2, 3, 3], std: 0.3, using: &rng)
            let b = Tensor.normal([2], using: &rng)
            let y0 = convTranspose2d(x, weight: w, bias: b, stride: (2, 2), padding: (1, 1), outputPadding: (1, 1))
            XCTAssertEqual(y0.shape, [2, 2, 8, 10])
            let target = Tensor.normal(y0.shape, using: &rng)
            checkGradients([x, w, b]) { t in
                (convTranspose2d(t[0], weight: t[1], bias: t[2], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1), activation: .sigmoid) - target).squared().sum()
            }
        }
    }
}
