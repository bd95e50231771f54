import XCTest
import LatentImage
import LatentModels
@testable import LatentTasks

/// Encoder-side refinement with a shipped codec on a real photo: the refined file must cost less
/// in the model's own rate–distortion terms, measured from the real bytes and the real decode.
final class LatentRefinementTests: XCTestCase {
    /// A w × h crop of an Assets photo at (x0, y0).
    static func crop(_ name: String, x0: Int, y0: Int, width w: Int, height h: Int) throws -> Image {
        let path = LatentBinary.packageRoot.appendingPathComponent("Assets/\(name)").path
        let image = try Image(contentsOf: path).rgb()
        var samples = [Float](repeating: 0, count: 3 * w * h)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w { samples[(c * h + y) * w + x] = image.samples[(c * image.height + y0 + y) * image.width + x0 + x] }
            }
        }
        return Image(width: w, height: h, layout: .rgb, samples: samples)
    }

    /// λ·255²·MSE (8-bit) + bpp of the file `bytes` for `image`, decoded by `codec`.
    static func cost(_ bytes: [UInt8], _ image: Image, codec: LatentCodec, lambda: Float) throws -> (cost: Double, bpp: Double, psnr: Double) {
        let decoded = try codec.decode(bytes, source: "t.lat")
        let psnr = decoded.rgb().samples.withUnsafeBufferPointer { a in
            image.samples.withUnsafeBufferPointer { b in PSNR.eightBit(a, b) }
        }
        let mse = pow(10, -psnr / 10)  // on the 0–1 scale
        let bpp = Double(bytes.count * 8) / Double(image.width * image.height)
        return (Double(lambda) * 255 * 255 * mse + bpp, bpp, psnr)
    }

    func testRefinedFilesCostLessAndDecodeUnchanged() throws {
        let path = LatentBinary.packageRoot.appendingPathComponent("Pretrained/compress-q2.safetensors").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no Pretrained/compress-q2 in this checkout") }
        let codec = try LatentCodec(modelPath: path)
        let lambda = try XCTUnwrap(codec.trainingLambda, "the shipped model records its λ")
        XCTAssertEqual(lambda, CompressTraining.lambdas[1])
        // Not a multiple of the stride (16): the padding is cropped by the decoder and must not count.
        let image = try Self.crop("astronaut.png", x0: 180, y0: 60, width: 120, height: 90)

        let plain = try codec.encode(image)
        codec.refinement = LatentRefinement(steps: 0)
        XCTAssertEqual(try codec.encode(image), plain, "0 steps is the analysis transform's latent")

        codec.refinement = LatentRefinement(steps: 60)
        let before = try Self.cost(plain, image, codec: codec, lambda: lambda)
        let after = try Self.cost(try codec.encode(image), image, codec: codec, lambda: lambda)
        print(String(format: "refinement: %.4f bpp %.2f dB (cost %.4f) → %.4f bpp %.2f dB (cost %.4f)",
                     before.bpp, before.psnr, before.cost, after.bpp, after.psnr, after.cost))
        XCTAssertLessThan(after.cost, before.cost * 0.97, "60 steps lower the rate–distortion cost by at least 3%")

        // In tiles (a tiny memory budget), refinement is deterministic, still lowers the cost,
        // and files decode whole.
        codec.activationBudget = 1 << 20
        codec.refinement = LatentRefinement(steps: 60)
        let (lw, lh) = codec.architecture.latentSize(width: image.width, height: image.height)
        XCTAssertGreaterThan(codec.tiles(latentWidth: lw, latentHeight: lh, synthesis: true, backward: true)
            .regions(latentWidth: lw, latentHeight: lh).count, 1)
        let tiled = try codec.encode(image)
        XCTAssertEqual(try codec.encode(image), tiled, "refinement is deterministic")
        XCTAssertLessThan(try Self.cost(tiled, image, codec: codec, lambda: lambda).cost, before.cost)
    }

    func testRefinementWithoutALambdaSaysSo() throws {
        let codec = try LatentCodecTests.codec()
        codec.refinement = LatentRefinement(steps: 2)
        XCTAssertThrowsError(try codec.encode(LatentCodecTests.image(width: 20, height: 20))) { error in
            XCTAssertTrue("\(error)".contains("--refine-lambda"), "\(error)")
        }
        codec.refinement = LatentRefinement(steps: 2, lambda: 0.01)
        XCTAssertNoThrow(try codec.encode(LatentCodecTests.image(width: 20, height: 20)))
        XCTAssertNotNil(LatentRefinement(steps: -1).problem)
        XCTAssertNotNil(LatentRefinement(steps: 1, learningRate: 0).problem)
        XCTAssertNil(LatentRefinement(steps: 5).problem)
    }
}
