import XCTest
import LatentTensor
@testable import LatentModels

final class DenoiseUNetTests: XCTestCase {
    func testShapesNamesAndStride() {
        let architecture = DenoiserArchitecture(channels: 3, widths: [16, 32], encoderConvs: [1, 1], decoderConvs: [1])
        XCTAssertEqual(architecture.totalStride, 4)
        let model = DenoiseUNet(architecture, seed: 3)
        let names = model.namedParameters().map(\.0)
        XCTAssertEqual(names, [
            "head.weight", "head.bias",
            "encoders.0.convs.0.weight", "encoders.0.convs.0.bias",
            "encoders.1.convs.0.weight", "encoders.1.convs.0.bias",
            "downs.0.weight", "downs.0.bias", "ups.0.weight", "ups.0.bias",
            "decoders.0.convs.0.weight", "decoders.0.convs.0.bias",
            "tail.weight", "tail.bias",
        ])
        XCTAssertEqual(model.ups[0].weight.shape, [32, 16, 2, 2])
        var rng = RandomSource(seed: 1)
        let x = Tensor.uniform([2, 3, 12, 8], using: &rng)
        let y = Autograd.withoutGrad { model(x) }
        XCTAssertEqual(y.shape, x.shape)
    }

    func testZeroTailIsIdentity() {
        // With a zero last layer the predicted noise is zero: the model returns its input.
        let model = DenoiseUNet(DenoiserArchitecture(channels: 1, widths: [16, 32], encoderConvs: [1, 1], decoderConvs: [1]), seed: 5)
        model.tail.weight.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        model.tail.bias!.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        var rng = RandomSource(seed: 2)
        let x = Tensor.uniform([1, 1, 8, 8], using: &rng)
        XCTAssertEqual(Autograd.withoutGrad { model(x) }.toArray(), x.toArray())
    }

    func testFlopsPerPixelCountsEveryLayer() {
        // One level: head + encoder convs + tail, all at 1/4 of the pixels.
        let a = DenoiserArchitecture(channels: 1, unshuffle: 2, widths: [16], encoderConvs: [2], decoderConvs: [])
        let expected = (2.0 * 9 * 4 * 16 + 2 * (2.0 * 9 * 16 * 16) + 2.0 * 9 * 16 * 4) / 4
        XCTAssertEqual(a.flopsPerPixel, expected, accuracy: 1e-9)
    }
}
