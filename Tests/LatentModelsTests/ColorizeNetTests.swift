import Foundation
import XCTest
import LatentNN
import LatentTensor
@testable import LatentModels

final class ColorizeNetTests: XCTestCase {
    static let fourBins: [[Float]] = [[-10, 0], [10, 0], [0, -10], [0, 10]]

    func testShapesNamesAndStrides() {
        let a = ColorizerArchitecture(bins: Self.fourBins, widths: [8, 16, 32], encoderConvs: [1, 1, 2],
                                      bottleneckDilations: [1, 2], outputLevel: 1, decoderConvs: [1])
        XCTAssertNil(a.problem)
        XCTAssertEqual(a.totalStride, 8)
        XCTAssertEqual(a.outputStride, 4)
        let model = ColorizeNet(a, seed: 3)
        XCTAssertEqual(model.namedParameters().map(\.0), [
            "head.weight", "head.bias",
            "encoders.0.convs.0.weight", "encoders.0.convs.0.bias",
            "encoders.1.convs.0.weight", "encoders.1.convs.0.bias",
            "encoders.2.convs.0.weight", "encoders.2.convs.0.bias", "encoders.2.convs.1.weight", "encoders.2.convs.1.bias",
            "downs.0.weight", "downs.0.bias", "downs.1.weight", "downs.1.bias",
            "ups.0.weight", "ups.0.bias", "decoders.0.convs.0.weight", "decoders.0.convs.0.bias",
            "classifier.weight", "classifier.bias",
        ])
        XCTAssertEqual(model.head.weight.shape, [8, 4, 3, 3])
        XCTAssertEqual(model.ups[0].weight.shape, [32, 16, 2, 2])
        XCTAssertEqual(model.classifier.weight.shape, [4, 16, 1, 1])
        XCTAssertEqual(model.encoders[2].convs.map(\.dilation.0), [1, 2])
        var rng = RandomSource(seed: 1)
        let logits = Autograd.withoutGrad { model(Tensor.uniform([2, 1, 24, 16], low: -1, high: 1, using: &rng)) }
        XCTAssertEqual(logits.shape, [2, 4, 6, 4])
        let ab = model.ab(fromLogits: logits)
        XCTAssertEqual(ab.shape, [2, 2, 6, 4])
        // Any mixture of the four bins lies inside their diamond |a| + |b| ≤ 10.
        let values = ab.toArray()
        for image in 0..<2 {
            for pixel in 0..<24 {
                let (va, vb) = (values[image * 48 + pixel], values[image * 48 + 24 + pixel])
                XCTAssertLessThanOrEqual(abs(va) + abs(vb), 10.0001)
            }
        }
    }

    func testReadoutIsTheAnnealedMean() {
        let model = ColorizeNet(ColorizerArchitecture(bins: Self.fourBins, widths: [8, 8], encoderConvs: [0, 1],
                                                      bottleneckDilations: [1], outputLevel: 0, decoderConvs: [1]), seed: 1)
        // One position, logits (2, 0, 0, log 3): p ∝ (e^{2/T}, 1, 1, 3^{1/T}).
        let logits = Tensor([2, 0, 0, Float(log(3.0))], shape: [1, 4, 1, 1])
        for t: Float in [1, 0.38] {
            let e = [exp(2 / t), 1, 1, exp(Float(log(3.0)) / t)]
            let total = e.reduce(0, +)
            let expectedA = (-10 * e[0] + 10 * e[1]) / total, expectedB = (-10 * e[2] + 10 * e[3]) / total
            let ab = model.ab(fromLogits: logits, temperature: t).toArray()
            XCTAssertEqual(ab[0], expectedA, accuracy: 1e-4)
            XCTAssertEqual(ab[1], expectedB, accuracy: 1e-4)
        }
    }

    func testArchitectureProblemsAreNamed() {
        var a = ColorizerArchitecture(bins: Self.fourBins)
        a.bottleneckDilations = [1, 2]
        XCTAssertEqual(a.problem, "bottleneckDilations needs 3 positive dilations")
        a = ColorizerArchitecture(bins: Self.fourBins, decoderConvs: [1])
        XCTAssertEqual(a.problem, "decoderConvs needs 2 non-negative counts")
        a = ColorizerArchitecture(bins: [[0, 0]])
        XCTAssertEqual(a.problem, "bins must be at least two (a, b) pairs")
    }

    func testFlopsPerPixelCountsEveryLayer() {
        // Two levels, output at level 0: head, one conv per level, down, up, one decoder conv,
        // classifier — each at its fraction of the pixels.
        let a = ColorizerArchitecture(bins: Self.fourBins, unshuffle: 2, widths: [8, 16], encoderConvs: [1, 1],
                                      bottleneckDilations: [2], outputLevel: 0, decoderConvs: [1])
        let level0 = 1.0 / 4, level1 = 1.0 / 16
        let expected = 2.0 * 9 * 4 * 8 * level0 + 2 * 9 * 64 * level0 + 2 * 4 * 8 * 16 * level1
            + 2 * 9 * 256 * level1 + 2 * 8 * 16 * level0 + 2 * 9 * 64 * level0 + 2 * 8 * 4 * level0
        XCTAssertEqual(a.flopsPerPixel, expected, accuracy: 1e-9)
    }

    /// The model file written by Benchmarks/peers/latent_models.py (Tests/Fixtures/colorize) loads
    /// strictly and gives PyTorch's logits and readout.
    func testMatchesThePyTorchBuilder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/colorize")
        let file = try ModelFile(path: folder.appendingPathComponent("colorize_small.safetensors").path)
        XCTAssertEqual(try file.kind, "colorize-unet")
        let architecture = try file.architecture(ColorizerArchitecture.self)
        XCTAssertNil(architecture.problem)
        XCTAssertEqual(architecture.bins.count, 261)
        let model = ColorizeNet(architecture, seed: 0)
        try file.load(into: model)
        model.eval()
        let io = try SafeTensorsFile(path: folder.appendingPathComponent("colorize_small_io.safetensors").path)
        let l = Tensor(try io.floats("l"), shape: try io.tensor("l").shape)
        let logits = Autograd.withoutGrad { model(l) }
        func assertClose(_ actual: Tensor, _ key: String) throws {
            let expected = try io.floats(key)
            XCTAssertEqual(actual.shape, try io.tensor(key).shape, key)
            let bound = 1e-4 * (expected.map(abs).max() ?? 0) + 1e-6
            let worst = zip(actual.plain().toArray(), expected).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, bound, key)
        }
        try assertClose(logits, "logits")
        try assertClose(model.ab(fromLogits: logits), "ab")
        try assertClose(model.ab(fromLogits: logits, temperature: 1), "ab_t1")
    }
}
