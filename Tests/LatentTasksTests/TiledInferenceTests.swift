import XCTest
@testable import LatentTasks
import LatentModels

final class TiledInferenceTests: XCTestCase {
    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    func testSmallTilesMatchOnePassWithinOneLevel() {
        for channels in [1, 3] {
            let model = BatchFixtures.denoiser(channels: channels)
            let image = BatchFixtures.image(width: 71, height: 53, layout: channels == 1 ? .gray : .rgb)
            let r = model.tileRequirements
            XCTAssertEqual(r.alignment, 4)
            let whole = image.withUnsafeBufferPointer {
                TiledInference.wholeImage(requirements: r).apply(model, planes: $0, width: 71, height: 53)
            }
            for tile in [8, 20] {
                let tiler = TiledInference(tileSize: tile, requirements: r)
                XCTAssertGreaterThan(tiler.tileCount(width: 71, height: 53), 6)
                let tiled = image.withUnsafeBufferPointer { tiler.apply(model, planes: $0, width: 71, height: 53) }
                XCTAssertLessThan(maxDifference(tiled, whole), 1.0 / 255, "tile \(tile), \(channels) channels")
            }
        }
    }

    /// The comparison above can fail: without the receptive-field margin, tiles show seams.
    func testTooLittleContextShowsSeams() {
        final class NoMargin: PlaneModel {
            let inner: Denoiser
            init(_ inner: Denoiser) { self.inner = inner }
            var inputChannels: Int { inner.inputChannels }
            var outputChannels: Int { inner.outputChannels }
            var tileRequirements: TileRequirements { TileRequirements(margin: 0, alignment: inner.tileRequirements.alignment) }
            var activationBytesPerPixel: Int { inner.activationBytesPerPixel }
            func run(_ planes: [Float], width: Int, height: Int) -> [Float] { inner.run(planes, width: width, height: height) }
        }
        let model = NoMargin(BatchFixtures.denoiser(channels: 3))
        let image = BatchFixtures.image(width: 64, height: 48, layout: .rgb)
        let whole = image.withUnsafeBufferPointer {
            TiledInference.wholeImage(requirements: model.tileRequirements).apply(model, planes: $0, width: 64, height: 48)
        }
        let tiled = image.withUnsafeBufferPointer {
            TiledInference(tileSize: 8, requirements: model.tileRequirements).apply(model, planes: $0, width: 64, height: 48)
        }
        XCTAssertGreaterThan(maxDifference(tiled, whole), 1.0 / 255)
    }

    func testTileSizeFollowsTheBudget() {
        let model = BatchFixtures.denoiser(channels: 3)
        let small = TiledInference.tileSize(forBudget: 16 << 20, model: model)
        let large = TiledInference.tileSize(forBudget: 256 << 20, model: model)
        XCTAssertLessThan(small, large)
        XCTAssertEqual(large % model.tileRequirements.alignment, 0)
        let window = large + 2 * model.tileRequirements.alignedMargin
        XCTAssertLessThanOrEqual(window * window * model.activationBytesPerPixel, 256 << 20)
    }

    func testReflectWindowEqualsWindowOfPaddedImage() {
        let src: [Float] = (0..<(2 * 5 * 7)).map(Float.init)
        let padded = src.withUnsafeBufferPointer {
            ReflectPadding.pad($0, channels: 2, width: 7, height: 5, top: 9, left: 9, bottom: 9, right: 9)
        }
        for (x0, y0) in [(-9, -9), (-3, 2), (4, -1), (0, 0), (5, 3)] {
            let window = src.withUnsafeBufferPointer {
                ReflectPadding.window($0, channels: 2, width: 7, height: 5, x0: x0, y0: y0, windowWidth: 11, windowHeight: 6)
            }
            let expected = padded.withUnsafeBufferPointer {
                ReflectPadding.crop($0, channels: 2, width: 25, height: 23, x0: x0 + 9, y0: y0 + 9, cropWidth: 11, cropHeight: 6)
            }
            XCTAssertEqual(window, expected, "window at \(x0), \(y0)")
        }
    }
}
