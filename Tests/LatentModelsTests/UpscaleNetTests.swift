import XCTest
import LatentTensor
@testable import LatentModels

final class UpscaleNetTests: XCTestCase {
    func testNamesShapesAndOutputSize() {
        let architecture = UpscalerArchitecture(channels: 1, scale: 3, features: 16, code: 8, mapping: 2)
        let model = UpscaleNet(architecture, seed: 3)
        XCTAssertEqual(model.namedParameters().map(\.0), [
            "head.weight", "head.bias", "shrink.weight", "shrink.bias",
            "mapping.convs.0.weight", "mapping.convs.0.bias", "mapping.convs.1.weight", "mapping.convs.1.bias",
            "expand.weight", "expand.bias", "upsample.weight", "upsample.bias",
        ])
        XCTAssertEqual(model.head.weight.shape, [16, 1, 5, 5])
        XCTAssertEqual(model.shrink.weight.shape, [8, 16, 1, 1])
        XCTAssertEqual(model.upsample.weight.shape, [9, 16, 3, 3])
        var rng = RandomSource(seed: 1)
        let x = Tensor.uniform([2, 1, 7, 5], using: &rng)
        XCTAssertEqual(Autograd.withoutGrad { model(x) }.shape, [2, 1, 21, 15])
    }

    func testFlopsPerInputPixelCountsEveryLayer() {
        let a = UpscalerArchitecture(channels: 3, scale: 2, features: 16, code: 8, mapping: 2)
        let head: Double = 2 * 25 * 3 * 16, shrink: Double = 2 * 16 * 8, mapping: Double = 2 * (2 * 9 * 8 * 8)
        let expand: Double = 2 * 8 * 16, upsample: Double = 2 * 9 * 16 * 12
        let expected = head + shrink + mapping + expand + upsample
        XCTAssertEqual(a.flopsPerInputPixel, expected, accuracy: 1e-9)
    }

    /// Changing one input pixel changes only outputs within the stated receptive field.
    func testReceptiveFieldRadiusBoundsTheInfluence() {
        let a = UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 2)
        let model = UpscaleNet(a, seed: 5)
        let (h, w) = (21, 21)
        var rng = RandomSource(seed: 4)
        var values = Tensor.uniform([1, 1, h, w], using: &rng).toArray()
        let before = Autograd.withoutGrad { model(Tensor(values, shape: [1, 1, h, w])).plain().toArray() }
        values[10 * w + 10] += 0.5
        let after = Autograd.withoutGrad { model(Tensor(values, shape: [1, 1, h, w])).plain().toArray() }
        let r = a.receptiveFieldRadius
        var farthest = 0
        for y in 0..<(2 * h) {
            for x in 0..<(2 * w) where before[y * 2 * w + x] != after[y * 2 * w + x] {
                farthest = max(farthest, abs(y / 2 - 10), abs(x / 2 - 10))
            }
        }
        XCTAssertLessThanOrEqual(farthest, r)
        XCTAssertGreaterThanOrEqual(farthest, r - 1, "the bound should be close to tight")
    }

    func testProblemsAreNamed() {
        XCTAssertNil(UpscalerArchitecture(channels: 1, scale: 2).problem)
        XCTAssertNotNil(UpscalerArchitecture(channels: 2, scale: 2).problem)
        XCTAssertNotNil(UpscalerArchitecture(channels: 1, scale: 1).problem)
        XCTAssertNotNil(UpscalerArchitecture(channels: 1, scale: 2, code: 0).problem)
    }
}
