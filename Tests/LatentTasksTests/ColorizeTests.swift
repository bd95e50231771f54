import Foundation
import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

/// The pieces of colorization below the training loop: the ab bins, the classification targets,
/// colourfulness, and the apply path.
final class ColorizeTests: XCTestCase {
    static func smallArchitecture(binSize: Float = 20) -> ColorizerArchitecture {
        ColorizerArchitecture(bins: ABGamut.bins(binSize: binSize), binSize: binSize, widths: [8, 16, 16],
                              encoderConvs: [1, 1, 2], bottleneckDilations: [1, 2], outputLevel: 1, decoderConvs: [1])
    }

    func testGamutBinsCoverSRGB() {
        let bins = ABGamut.bins(binSize: 10)
        XCTAssertEqual(bins.count, 261)
        XCTAssertTrue(bins.contains([0, 0]))
        // Pure sRGB primaries land in their bins: red (a ≈ 80, b ≈ 67), blue (a ≈ 79, b ≈ −108).
        XCTAssertTrue(bins.contains([80, 70]))
        XCTAssertTrue(bins.contains([80, -110]))
        XCTAssertFalse(bins.contains([-100, -100]), "saturated cyan-blue beyond sRGB")
        XCTAssertEqual(bins, bins.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] })
        XCTAssertEqual(ABGamut.bins(binSize: 20).count, 76)
    }

    /// The PyTorch builder's fixture (Tests/Fixtures/colorize) stores the bins its NumPy gamut
    /// computation found: the two implementations agree.
    func testGamutBinsMatchThePythonBuilder() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/colorize/colorize_small.safetensors").path
        let architecture = try ModelFile(path: path).architecture(ColorizerArchitecture.self)
        XCTAssertEqual(architecture.bins, ABGamut.bins(binSize: 10))
    }

    func testSoftEncodingAndRebalancing() {
        var targets = ABClassTargets(bins: [[0, 0], [10, 0], [20, 0], [0, 10], [10, 10], [30, 30]])
        // ab exactly on bin (10, 0): Gaussian weights over the 5 nearest, σ = 5: distances² 0, 100 (×3), 200.
        let (t, w) = targets.encode(Tensor([10, 0], shape: [1, 2, 1, 1]))
        let p = t.toArray()
        let e1 = exp(Float(-100) / 50), e2 = exp(Float(-200) / 50)
        let total = 1 + 3 * e1 + e2
        XCTAssertEqual(p[1], 1 / total, accuracy: 1e-6)
        for k in [0, 2, 4] { XCTAssertEqual(p[k], e1 / total, accuracy: 1e-6) }
        XCTAssertEqual(p[3], e2 / total, accuracy: 1e-6, "(0, 10) is the fifth nearest")
        XCTAssertEqual(p[5], 0, "(30, 30) is sixth")
        XCTAssertEqual(w.toArray(), [1])

        // Rebalancing: E_p̃[w] = 1, rare colours weigh more; λ = 1 weighs all alike.
        targets.rebalance(counts: [90, 5, 1, 1, 1, 2], lambda: 0.5)
        let prior = targets.smoothedPrior!
        XCTAssertEqual(zip(prior, targets.classWeights).map { $0 * Double($1) }.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertLessThan(targets.classWeights[0], 1)
        XCTAssertGreaterThan(targets.classWeights[5], targets.classWeights[0])
        XCTAssertEqual(targets.encode(Tensor([10, 0], shape: [1, 2, 1, 1])).weights.toArray(), [targets.classWeights[1]])
        targets.rebalance(counts: [90, 5, 1, 1, 1, 2], lambda: 1)
        for weight in targets.classWeights { XCTAssertEqual(weight, 1, accuracy: 1e-6) }
    }

    func testColorfulnessAgainstAHandComputation() {
        // Two pixels: pure red (255, 0, 0) and black. rg = (255, 0), yb = (127.5, 0).
        // σ_rg = 127.5, σ_yb = 63.75; μ_rg = 127.5, μ_yb = 63.75.
        let rgb: [Float] = [1, 0, 0, 0, 0, 0]
        let expected = (127.5 * 127.5 + 63.75 * 63.75).squareRoot() * 1.3
        XCTAssertEqual(Colorfulness.hasler(rgb), expected, accuracy: 1e-9)
        XCTAssertEqual(Colorfulness.hasler([0.3, 0.7, 0.3, 0.7, 0.3, 0.7]), 0, "gray scores zero")
    }

    func testWorkingSize() {
        XCTAssertEqual(Colorizer.workingSize(width: 481, height: 321, renderSize: 256, alignment: 16).width, 384)
        XCTAssertEqual(Colorizer.workingSize(width: 481, height: 321, renderSize: 256, alignment: 16).height, 256)
        XCTAssertEqual(Colorizer.workingSize(width: 40, height: 30, renderSize: 256, alignment: 16).width, 336)
        // A panorama's long side is capped at 4 × the render size.
        XCTAssertEqual(Colorizer.workingSize(width: 10_000, height: 100, renderSize: 64, alignment: 16).width, 256)
    }

    func testColorizeKeepsLightnessAlphaAndMetadata() {
        let colorizer = Colorizer(network: ColorizeNet(Self.smallArchitecture(), seed: 2), renderSize: 64)
        // A gray image with alpha, 16-bit: RGB + alpha out, same alpha, same depth.
        var gray = BatchFixtures.image(width: 37, height: 29, layout: .grayAlpha, seed: 3)
        gray.sourceBitDepth = 16
        let out = colorizer.colorize(gray)
        XCTAssertEqual(out.layout, .rgba)
        XCTAssertEqual(out.sourceBitDepth, 16)
        XCTAssertEqual(out.alpha, gray.alpha)
        // The output's lightness is the input's: L* of the gray, whatever the predicted ab.
        let (color, _) = out.splittingAlpha()
        let lab = color.convertedColorPlanes(ColorSpace.rgbToLab)
        let expectedL = Colorizer.lightness(Array(gray.plane(0)))
        var worst: Float = 0
        var clipped = 0
        for i in 0..<(37 * 29) {
            if color.samples[i] == 0 || color.samples[i] == 1 { clipped += 1; continue }  // out of gamut, clamped
            worst = max(worst, abs(lab[i] - expectedL[i]))
        }
        XCTAssertLessThan(worst, 0.05)
        XCTAssertLessThan(clipped, 37 * 29 / 2)
        // A colour input is reduced to its luma first: the same result as its gray version.
        let rgb = BatchFixtures.image(width: 37, height: 29, layout: .rgb, seed: 5)
        XCTAssertEqual(colorizer.colorize(rgb).samples, colorizer.colorize(rgb.grayscale()).samples)
    }
}
