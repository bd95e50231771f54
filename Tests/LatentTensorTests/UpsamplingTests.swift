import XCTest
import LatentTestSupport
@testable import LatentTensor

final class UpsamplingTests: XCTestCase {
    func testNearestValues() {
        let x = Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        let y = upsampleNearest(x, factor: 2)
        XCTAssertEqual(y.shape, [1, 1, 4, 4])
        XCTAssertEqual(y.toArray(), [1, 1, 2, 2,
                                     1, 1, 2, 2,
                                     3, 3, 4, 4,
                                     3, 3, 4, 4])
        XCTAssertEqual(upsampleNearest(x, factor: (1, 3)).toArray(), [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
    }

    func testBilinearMatchesPyTorch() {
        // torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        let x = Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        assertClose(upsampleBilinear(x, factor: 2).toArray(),
                    [1.0, 1.25, 1.75, 2.0,
                     1.5, 1.75, 2.25, 2.5,
                     2.5, 2.75, 3.25, 3.5,
                     3.0, 3.25, 3.75, 4.0])
        // Down to 1×1 samples the centre: src = (0.5)·2 − 0.5 = 0.5 on both axes.
        assertClose(upsampleBilinear(x, size: (1, 1)).toArray(), [2.5])
    }

    func testPixelShuffleValuesAndInverse() {
        let x = Tensor([0, 1, 2, 3], shape: [1, 4, 1, 1])
        let y = pixelShuffle(x, factor: 2)
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.toArray(), [0, 1, 2, 3])
        // Two output channels, 2×1 input: y[c, h·2 + i, w·2 + j] = x[c·4 + i·2 + j, h, w].
        let x2 = Tensor((0..<16).map(Float.init), shape: [1, 8, 2, 1])
        XCTAssertEqual(pixelShuffle(x2, factor: 2).toArray(),
                       [0, 2, 4, 6, 1, 3, 5, 7,  8, 10, 12, 14, 9, 11, 13, 15])
        var rng = RandomSource(seed: 1)
        let z = Tensor.normal([2, 18, 2, 3], using: &rng)
        XCTAssertEqual(pixelUnshuffle(pixelShuffle(z, factor: 3), factor: 3).toArray(), z.toArray())
        XCTAssertEqual(pixelShuffle(z, factor: 3).shape, [2, 2, 6, 9])
    }

    func testGradients() {
        var rng = RandomSource(seed: 2)
        let x = Tensor.normal([2, 4, 3, 5], using: &rng)
        let rNearest = Tensor.normal([2, 4, 6, 10], using: &rng)
        let rUp = Tensor.normal([2, 4, 7, 4], using: &rng)
        let rDown = Tensor.normal([2, 4, 2, 3], using: &rng)
        let rShuffle = Tensor.normal([2, 1, 6, 10], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in (upsampleNearest(t[0], factor: 2) * rNearest).sum() }
        checkGradients([x], tolerance: 1e-3) { t in (upsampleBilinear(t[0], size: (7, 4)) * rUp).sum() }
        checkGradients([x], tolerance: 1e-3) { t in (upsampleBilinear(t[0], size: (2, 3)) * rDown).sum() }
        checkGradients([x], tolerance: 1e-3) { t in (pixelShuffle(t[0], factor: 2) * rShuffle).sum() }
        checkGradients([x], tolerance: 1e-3) { t in
            (pixelShuffle(pixelUnshuffle(upsampleNearest(t[0], factor: 2), factor: 2), factor: 2) * rNearest).sum()
        }
    }

    func testBlockedMatchesPlain() {
        var rng = RandomSource(seed: 3)
        let x = Tensor.normal([2, 32, 3, 5], using: &rng)
        let xb = x.blocked()
        let nearest = upsampleNearest(xb, factor: (2, 3))
        XCTAssertEqual(nearest.layout, .blocked)
        XCTAssertEqual(nearest.toArray(), upsampleNearest(x, factor: (2, 3)).toArray())
        let bilinear = upsampleBilinear(xb, size: (8, 7))
        XCTAssertEqual(bilinear.layout, .blocked)
        assertClose(bilinear.toArray(), upsampleBilinear(x, size: (8, 7)).toArray())
        XCTAssertEqual(pixelShuffle(xb, factor: 2).toArray(), pixelShuffle(x, factor: 2).toArray())
    }

    func testBlockedGradients() {
        var rng = RandomSource(seed: 4)
        let x = Tensor.normal([1, 16, 3, 2], using: &rng)
        let r = Tensor.normal([1, 16, 5, 5], using: &rng)
        checkGradients([x], tolerance: 1e-3) { t in
            (upsampleBilinear(upsampleNearest(t[0].blocked(), factor: 2), size: (5, 5)) * r).sum()
        }
    }
}
