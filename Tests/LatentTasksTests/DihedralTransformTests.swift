import XCTest
import LatentModels
import LatentTensor
@testable import LatentTasks

final class DihedralTransformTests: XCTestCase {
    /// A 2-channel 3 × 2 image whose samples are their own indices.
    let planes: [Float] = (0..<12).map(Float.init)

    func testEightDistinctTransformsThatInvertExactly() {
        XCTAssertEqual(DihedralTransform.all.count, 8)
        var seen = Set<[Float]>()
        for t in DihedralTransform.all {
            let moved = t.apply(planes, channels: 2, width: 3, height: 2)
            seen.insert(moved)
            XCTAssertEqual(t.invert(moved, channels: 2, width: 3, height: 2), planes, "\(t)")
            XCTAssertEqual(Set(moved[0..<6]), Set(planes[0..<6]), "channels stay apart")
        }
        XCTAssertEqual(seen.count, 8)
    }

    func testTransposeAndFlipsByHand() {
        // Channel 0 is [[0, 1, 2], [3, 4, 5]] (height 2, width 3).
        let transpose = DihedralTransform(transposes: true, flipsRows: false, flipsColumns: false)
        XCTAssertTrue(transpose.size(width: 3, height: 2) == (2, 3))
        XCTAssertEqual(Array(transpose.apply(planes, channels: 2, width: 3, height: 2)[0..<6]), [0, 3, 1, 4, 2, 5])
        let mirror = DihedralTransform(transposes: false, flipsRows: false, flipsColumns: true)
        XCTAssertEqual(Array(mirror.apply(planes, channels: 2, width: 3, height: 2)[0..<6]), [2, 1, 0, 5, 4, 3])
        let upsideDown = DihedralTransform(transposes: false, flipsRows: true, flipsColumns: false)
        XCTAssertEqual(Array(upsideDown.apply(planes, channels: 2, width: 3, height: 2)[0..<6]), [3, 4, 5, 0, 1, 2])
        // Transpose then mirror the columns: a quarter turn clockwise.
        let clockwise = DihedralTransform(transposes: true, flipsRows: false, flipsColumns: true)
        XCTAssertEqual(Array(clockwise.apply(planes, channels: 2, width: 3, height: 2)[0..<6]), [3, 0, 4, 1, 5, 2])
    }

    /// The self-ensemble is equivariant: denoising a rotated window gives the rotated result.
    /// A single pass of a random network is not, so this fails if a transform is undone wrongly.
    func testSelfEnsembleCommutesWithTheSymmetries() {
        let network = DenoiseUNet(DenoiserArchitecture(channels: 3, widths: [8, 16], encoderConvs: [2, 2], decoderConvs: [2],
                                                       residual: true), seed: 4)
        network.heInitialize(seed: 5)
        let denoiser = Denoiser(network: network)
        var rng = RandomSource(seed: 7)
        let (width, height) = (16, 8)
        let x = Tensor.uniform([3, height, width], using: &rng).toArray()
        let quarterTurn = DihedralTransform(transposes: true, flipsRows: false, flipsColumns: true)
        func gap(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max()! }
        func commutator() -> Float {
            let turned = quarterTurn.apply(x, channels: 3, width: width, height: height)
            let denoisedTurned = denoiser.run(turned, width: height, height: width)
            return gap(denoisedTurned, quarterTurn.apply(denoiser.run(x, width: width, height: height), channels: 3, width: width, height: height))
        }
        XCTAssertGreaterThan(commutator(), 1e-4, "one pass of a random network is not rotation-equivariant")
        denoiser.selfEnsemble = true
        XCTAssertLessThan(commutator(), 1e-5)
    }
}
