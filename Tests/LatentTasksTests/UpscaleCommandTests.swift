import Foundation
import XCTest
import LatentImage
import LatentModels
@testable import LatentTasks

/// `latent upscale`, `latent eval upscale` and `latent train upscale` end to end, with small
/// random-weight models (no shipped weights, no ../shared needed).
final class UpscaleCommandTests: XCTestCase {
    var root = ""
    var models: String { root + "/models" }

    override func setUpWithError() throws {
        _ = try LatentBinary.path()
        root = try BatchFixtures.temporaryFolder("upscale-cli")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let architecture = UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 1)
        try ModelFile.save(UpscaleNet(architecture, seed: 3), architecture: architecture,
                           trainingJSON: #"{"validation_psnr_x2":"30.500","steps":"10","command":"test"}"#,
                           to: models + "/upscale-x2.safetensors")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testUpscalesATreeKeepingAlphaAndReportingBadFiles() throws {
        let input = try BatchFixtures.makeTree(in: root)
        let before = try BatchFixtures.snapshot(input)
        let run = try LatentBinary.run(["upscale", "in", "-o", "out", "--recursive", "--scale", "2", "--tile", "16"], in: root, models: models)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("in/broken/corrupt.png: "), run.stderr)
        XCTAssertTrue(run.stderr.contains("in/broken/truncated.jpg: truncated"), run.stderr)
        XCTAssertTrue(run.stderr.contains("5 done, 1 skipped, 2 failed"), run.stderr)
        XCTAssertEqual(try BatchFixtures.snapshot(input), before, "inputs are never modified")

        let a = try Image(contentsOf: root + "/out/a.png")
        XCTAssertEqual([a.width, a.height, a.channelCount], [80, 60, 3])
        let gray = try Image(contentsOf: root + "/out/nested/deeper/c.png")
        XCTAssertEqual([gray.width, gray.height, gray.channelCount], [66, 70, 1])
        // Alpha is the bicubic resize of the input's alpha, on the 8-bit grid of the PNG.
        let source = try Image(contentsOf: input + "/nested/rgba.png")
        let rgba = try Image(contentsOf: root + "/out/nested/rgba.png")
        XCTAssertEqual([rgba.width, rgba.height, rgba.channelCount], [48, 40, 4])
        let expected = ImageToImageTask.resizedAlpha(try XCTUnwrap(source.alpha), width: 24, height: 20, scale: 2)
        let largest = zip(try XCTUnwrap(rgba.alpha), expected).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThanOrEqual(largest, 0.5 / 255 + 1e-6)
    }

    func testScaleFourRunsAnX2ModelTwiceAndNamesAMissingDefault() throws {
        try BatchFixtures.image(width: 21, height: 13, layout: .rgb).write(to: root + "/small.png")
        let twice = try LatentBinary.run(["upscale", "small.png", "-o", "twice", "--scale", "4", "--model", "upscale-x2"], in: root, models: models)
        XCTAssertEqual(twice.status, 0, twice.stderr)
        let output = try Image(contentsOf: root + "/twice/small.png")
        XCTAssertEqual([output.width, output.height], [84, 52])

        let latent = try LatentBinary.detachedCopy(in: root)
        let missing = try LatentBinary.run(["upscale", "small.png", "-o", "x4", "--scale", "4"], in: root, models: models, executable: latent)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("upscale-x4, is not installed"), missing.stderr)

        let wrong = try LatentBinary.run(["upscale", "small.png", "-o", "x3", "--scale", "3", "--model", "upscale-x2"], in: root, models: models)
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("cannot be repeated to reach ×3"), wrong.stderr)

        for arguments in [["upscale", "small.png", "-o", "o", "--scale", "1"], ["train", "upscale", "--data", ".", "--out", "m.safetensors", "--patch", "25"],
                          ["train", "upscale", "--out", "m.safetensors"], ["eval", "upscale", "--model", "upscale-x2", "--data", ".", "--scale", "9"]] {
            XCTAssertEqual(try LatentBinary.run(arguments, in: root, models: models).status, 64, "\(arguments)")
        }
    }

    func testEvalPrintsModelAndBicubicPSNR() throws {
        try FileManager.default.createDirectory(atPath: root + "/dev", withIntermediateDirectories: true)
        for k in 1...2 { try BatchFixtures.image(width: 30 + k, height: 28, layout: .rgb, seed: k).write(to: root + "/dev/img\(k).png") }
        let run = try LatentBinary.run(["eval", "upscale", "--model", "upscale-x2", "--data", "dev", "--scale", "2", "--json"], in: root, models: models)
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.count, 3)
        let summary = try XCTUnwrap(lines.last)
        XCTAssertEqual(summary["images"] as? Int, 2)
        XCTAssertEqual(summary["scale"] as? Int, 2)
        let bicubic = try XCTUnwrap(summary["mean_bicubic_psnr"] as? Double)
        XCTAssertGreaterThan(bicubic, 15)
        XCTAssertNotNil(summary["mean_psnr"] as? Double)

        let models = try LatentBinary.run(["models", "--json"], in: root, models: self.models)
        let listed = models.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let x2 = try XCTUnwrap(listed.first { $0["name"] as? String == "upscale-x2" && ($0["path"] as? String)?.hasPrefix(self.models) == true })
        XCTAssertEqual(x2["task"] as? String, "upscale")
        XCTAssertEqual(x2["tile_margin"] as? Int, 4)
        XCTAssertEqual((x2["metrics"] as? [String: Any])?["validation_psnr_x2"] as? Double, 30.5)
    }
}
