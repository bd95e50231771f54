import Foundation
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

    /// He initialisation keeps the signal's scale down to the bottleneck of v1's layout, where
    /// the layers' PyTorch default shrinks it about √6 per layer; both are seeded, so the numbers are fixed.
    func testHeInitializationKeepsTheBottleneckAlive() {
        let architecture = DenoiserArchitecture(channels: 3, widths: [48, 96, 192], encoderConvs: [1, 2, 3], decoderConvs: [1, 1],
                                                negativeSlope: 0.1)
        var rng = RandomSource(seed: 9)
        let x = Tensor.uniform([1, 3, 64, 64], using: &rng)
        func rms(_ t: Tensor) -> Float { let v = t.toArray(); return (v.map { $0 * $0 }.reduce(0, +) / Float(v.count)).squareRoot() }
        let standard = DenoiseUNet(architecture, seed: 4)
        let he = DenoiseUNet(architecture, seed: 4)
        he.heInitialize(seed: 5)
        let (defaultCode, heCode) = Autograd.withoutGrad { (rms(standard.forward(x).code), rms(he.forward(x).code)) }
        XCTAssertLessThan(defaultCode, 0.05, "the default's bottleneck is nearly silent")
        XCTAssertGreaterThan(heCode, 0.2, "He's bottleneck carries the signal")
        XCTAssertLessThan(heCode, 5)
        // The tail starts small: the first prediction moves the input by little.
        let moved = Autograd.withoutGrad { rms(he(x) - x) }
        XCTAssertLessThan(moved, 0.5 * rms(x))
        XCTAssertTrue(he.ups[0].bias!.toArray().allSatisfy { $0 == 0 })
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

    func testFilesWithoutNegativeSlopeMeanReLU() throws {
        // v1 models were written before the field existed; they must keep loading as ReLU.
        let v1 = #"{"channels":3,"decoderConvs":[1,1],"encoderConvs":[1,2,3],"kind":"denoise-unet","unshuffle":2,"widths":[48,96,192]}"#
        let old = try JSONDecoder().decode(DenoiserArchitecture.self, from: Data(v1.utf8))
        XCTAssertEqual(old.negativeSlope, 0)
        XCTAssertEqual(old.activation, .relu)
        let leaky = DenoiserArchitecture(channels: 1, negativeSlope: 0.1)
        let decoded = try JSONDecoder().decode(DenoiserArchitecture.self, from: JSONEncoder().encode(leaky))
        XCTAssertEqual(decoded, leaky)
        XCTAssertEqual(decoded.activation, .leakyReLU(0.1))
    }

    func testNegativeSlopeReachesEveryActivation() {
        // Same weights, two slopes: with every bias pushed negative, a ReLU network sees only
        // zeros after the head and returns exactly its input (the tail bias is zeroed), while
        // the leaky one still passes signal through every layer.
        func model(_ slope: Float) -> DenoiseUNet {
            let m = DenoiseUNet(DenoiserArchitecture(channels: 1, widths: [8, 16], encoderConvs: [1, 1], decoderConvs: [1], negativeSlope: slope), seed: 9)
            for (name, p) in m.namedParameters() where name.hasSuffix("bias") {
                p.withUnsafeMutableBufferPointer { $0.update(repeating: name.hasPrefix("tail") ? 0 : -100) }
            }
            return m
        }
        var rng = RandomSource(seed: 4)
        let x = Tensor.uniform([1, 1, 8, 8], using: &rng)
        XCTAssertEqual(Autograd.withoutGrad { model(0)(x) }.toArray(), x.toArray())
        let leaky = Autograd.withoutGrad { model(0.1)(x) }.toArray()
        XCTAssertGreaterThan(zip(leaky, x.toArray()).map { abs($0 - $1) }.max()!, 1e-3)
    }

    /// Residual stages keep the plain naming (`convs.K`, pairs K = 2i, 2i+1), so the PyTorch
    /// builder loads them strictly; a block whose second convolution is zero is the identity.
    func testResidualStagesArePairsAroundAnIdentity() {
        let architecture = DenoiserArchitecture(channels: 1, widths: [8, 16], encoderConvs: [2, 4], decoderConvs: [2], residual: true)
        let model = DenoiseUNet(architecture, seed: 6)
        XCTAssertEqual(model.encoders[1].convs.count, 4)
        XCTAssertEqual(model.encoders[1].branchOutputs.map { ObjectIdentifier($0) },
                       [model.encoders[1].convs[1], model.encoders[1].convs[3]].map { ObjectIdentifier($0) })
        XCTAssertTrue(model.namedParameters().map(\.0).contains("encoders.1.convs.3.weight"))
        var rng = RandomSource(seed: 3)
        let x = Tensor.uniform([1, 16, 6, 6], using: &rng)
        let stage = model.encoders[1]
        XCTAssertNotEqual(Autograd.withoutGrad { stage(x) }.toArray(), x.toArray())
        for conv in stage.branchOutputs {
            conv.weight.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            conv.bias!.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        XCTAssertEqual(Autograd.withoutGrad { stage(x) }.toArray(), x.toArray())
        // A plain stage with the same weights is not the identity: the flag changes the wiring.
        XCTAssertTrue(DenoiseUNet(DenoiserArchitecture(channels: 1, widths: [8, 16], encoderConvs: [2, 4], decoderConvs: [2]), seed: 6)
            .encoders[1].branchOutputs.isEmpty)
    }

    /// He initialisation starts each residual branch at a tenth of its gain, so blocks begin
    /// near the identity and the signal keeps its scale through depth.
    func testHeInitializationKeepsResidualBranchesSmall() {
        let model = DenoiseUNet(DenoiserArchitecture(channels: 3, widths: [32, 64], encoderConvs: [4, 2], decoderConvs: [2], residual: true), seed: 2)
        model.heInitialize(seed: 3)
        func rms(_ t: Tensor) -> Float { let v = t.toArray(); return (v.map { $0 * $0 }.reduce(0, +) / Float(v.count)).squareRoot() }
        let first = model.encoders[0].convs[0].weight, branch = model.encoders[0].convs[1].weight
        XCTAssertEqual(rms(first) / rms(branch), 10, accuracy: 1.5)
        var rng = RandomSource(seed: 8)
        let h = Tensor.normal([1, 32, 16, 16], using: &rng)
        let out = Autograd.withoutGrad { model.encoders[0](h) }
        XCTAssertEqual(rms(out) / rms(h), 1, accuracy: 0.2, "two near-identity blocks keep the scale")
    }

    func testResidualFlagRoundTripsAndOldFilesArePlain() throws {
        let v1 = #"{"channels":1,"decoderConvs":[1,1],"encoderConvs":[1,2,3],"kind":"denoise-unet","unshuffle":2,"widths":[48,96,192]}"#
        XCTAssertFalse(try JSONDecoder().decode(DenoiserArchitecture.self, from: Data(v1.utf8)).residual)
        let v2 = DenoiserArchitecture(channels: 3, widths: [48, 96, 192], encoderConvs: [2, 2, 2], decoderConvs: [2, 2], residual: true)
        XCTAssertEqual(try JSONDecoder().decode(DenoiserArchitecture.self, from: JSONEncoder().encode(v2)), v2)
        let odd = #"{"channels":1,"decoderConvs":[2],"encoderConvs":[2,3],"kind":"denoise-unet","unshuffle":2,"widths":[8,16],"residual":true}"#
        XCTAssertThrowsError(try JSONDecoder().decode(DenoiserArchitecture.self, from: Data(odd.utf8))) { error in
            XCTAssertTrue("\(error)".contains("even convolution counts"), "\(error)")
        }
    }
}
