import Foundation
import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

/// Latent's upscaler against the PyTorch rebuild (Benchmarks/peers/latent_models.py): the same
/// output for the same weights (Tests/Fixtures/upscale, made by make_upscale_fixtures.py), and
/// the tiling, chaining and colour handling that `latent upscale` adds around it.
final class UpscalerParityTests: XCTestCase {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/upscale", isDirectory: true)
    }

    func testMatchesPyTorch() throws {
        for name in ["upscale-net-c1-x2", "upscale-net-c3-x3"] {
            let upscaler = try Upscaler(modelPath: Self.fixtures.appendingPathComponent(name + ".safetensors").path)
            let io = try SafeTensorsFile(path: Self.fixtures.appendingPathComponent(name + ".io.safetensors").path)
            let input = try XCTUnwrap(io.tensors["input"]), expected = try XCTUnwrap(io.tensors["output"])
            let (h, w) = (input.shape[2], input.shape[3])
            for backend in Backend.allCases {
                let output = Engine.withBackend(backend) { upscaler.upscaleWhole(try! input.floats(), width: w, height: h) }
                XCTAssertEqual(output.count, expected.shape.reduce(1, *))
                let difference = zip(output, try expected.floats()).map { abs($0 - $1) }.max() ?? .infinity
                XCTAssertLessThan(difference, 2e-5, "\(name) on \(backend)")
            }
        }
    }

    func testTilesAgreeWithOnePass() throws {
        let upscaler = Upscaler(network: UpscaleNet(UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 2), seed: 2))
        let image = BatchFixtures.image(width: 37, height: 23, layout: .gray)
        let whole = image.withUnsafeBufferPointer {
            TiledInference.wholeImage(requirements: upscaler.tileRequirements).apply(upscaler, planes: $0, width: 37, height: 23)
        }
        let tiled = image.withUnsafeBufferPointer {
            TiledInference(tileSize: 8, requirements: upscaler.tileRequirements).apply(upscaler, planes: $0, width: 37, height: 23)
        }
        XCTAssertEqual(whole.count, 74 * 46)
        XCTAssertLessThan(zip(whole, tiled).map { abs($0 - $1) }.max()!, 1e-5)
    }

    func testChainOfTwoAgreesWithTwoPassesAndTiles() throws {
        let upscaler = Upscaler(network: UpscaleNet(UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 1), seed: 6))
        let chain = try XCTUnwrap(UpscalerChain.repeating(upscaler, toReach: 4))
        XCTAssertEqual(chain.stages.count, 2)
        XCTAssertEqual(chain.tileRequirements.scale, 4)
        XCTAssertNil(UpscalerChain.repeating(upscaler, toReach: 6))
        let image = BatchFixtures.image(width: 30, height: 19, layout: .gray)
        let whole = image.withUnsafeBufferPointer {
            TiledInference.wholeImage(requirements: chain.tileRequirements).apply(chain, planes: $0, width: 30, height: 19)
        }
        let tiled = image.withUnsafeBufferPointer {
            TiledInference(tileSize: 7, requirements: chain.tileRequirements).apply(chain, planes: $0, width: 30, height: 19)
        }
        XCTAssertEqual(whole.count, 120 * 76)
        XCTAssertLessThan(zip(whole, tiled).map { abs($0 - $1) }.max()!, 1e-5)
    }

    /// With no detail the luma model is bicubic: on colour images the result is the bicubic
    /// resize of the RGB image (YCbCr is linear), away from the borders where windows are mirrored.
    func testLumaModelWithoutDetailIsBicubicOnColourImages() throws {
        let network = UpscaleNet(UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 1), seed: 1)
        network.upsample.weight.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        network.upsample.bias!.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        let image = BatchFixtures.image(width: 26, height: 20, layout: .rgba, seed: 3)
        let task = UpscaleBatch.task(Upscaler(network: network), tileSize: 8, activationBudget: 1 << 20)
        guard case .image(let output) = try task.process(image, progress: { _ in }) else { return XCTFail("no image") }
        XCTAssertEqual(output.layout, .rgba)
        XCTAssertEqual([output.width, output.height], [52, 40])
        let bicubic = image.resized(width: 52, height: 40)
        var largest: Float = 0
        for c in 0..<4 {
            for y in 6..<34 {
                for x in 6..<46 {
                    let i = (c * 40 + y) * 52 + x
                    largest = max(largest, abs(output.samples[i] - min(max(bicubic.samples[i], 0), 1)))
                }
            }
        }
        XCTAssertLessThan(largest, 1e-5)
    }
}
