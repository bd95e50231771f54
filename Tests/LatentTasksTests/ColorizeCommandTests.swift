import Foundation
import XCTest
import LatentImage
import LatentModels
@testable import LatentTasks

/// `latent colorize`, `latent eval colorize` and `latent train colorize` end to end.
final class ColorizeCommandTests: XCTestCase {
    var root = ""
    var models: String { root + "/models" }

    override func setUpWithError() throws {
        _ = try LatentBinary.path()
        root = try BatchFixtures.temporaryFolder("colorize-cli")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let architecture = ColorizeTests.smallArchitecture()
        try ModelFile.save(ColorizeNet(architecture, seed: 3), architecture: architecture,
                           trainingJSON: #"{"validation_psnr":"20.5","steps":"10","command":"test"}"#,
                           to: models + "/colorize.safetensors")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testColorizesGrayColourAlphaAndSixteenBitAndReportsBadFiles() throws {
        let input = try BatchFixtures.makeTree(in: root)
        let before = try BatchFixtures.snapshot(input)
        let run = try LatentBinary.run(["colorize", "in", "-o", "out", "--recursive", "--json", "--render-size", "64"],
                                       in: root, models: models)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("in/broken/corrupt.png: "), run.stderr)
        XCTAssertTrue(run.stderr.contains("in/broken/truncated.jpg: truncated"), run.stderr)
        XCTAssertTrue(run.stderr.contains("5 done, 1 skipped, 2 failed"), run.stderr)
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.last?["failed"] as? Int, 2)

        // Gray in → RGB out, with the input's stem; colour in → RGB; alpha kept exactly; 16-bit kept.
        let gray = try Image(contentsOf: root + "/out/nested/deeper/c.png")
        XCTAssertEqual(gray.layout, .rgb)
        XCTAssertEqual([gray.width, gray.height], [33, 35])
        XCTAssertEqual(try Image(contentsOf: root + "/out/a.png").layout, .rgb)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/out/b.jpg"))
        let rgba = try Image(contentsOf: root + "/out/nested/rgba.png")
        XCTAssertEqual(rgba.layout, .rgba)
        let sourceAlpha = try Image(contentsOf: input + "/nested/rgba.png").alpha!
        XCTAssertEqual(rgba.alpha!, sourceAlpha)
        XCTAssertEqual(try Image(contentsOf: root + "/out/nested/sixteen.png").sourceBitDepth, 16)
        // The luma of the output is (nearly) the luma of the input: colour is added, detail kept.
        let source = try Image(contentsOf: input + "/nested/deeper/c.png")
        let outputLuma = gray.grayscale().samples
        let worst = zip(outputLuma, source.samples).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThan(worst, 0.1)
        XCTAssertEqual(try BatchFixtures.snapshot(input), before, "inputs are never modified")

        let again = try LatentBinary.run(["colorize", "in", "-o", "out", "--recursive", "--quiet"], in: root, models: models)
        XCTAssertTrue(again.stderr.contains("0 done, 6 skipped, 2 failed"), again.stderr)
    }

    func testUsageErrorsAndAMissingModel() throws {
        _ = try BatchFixtures.makeTree(in: root)
        for arguments in [["colorize", "in", "-o", "out", "--render-size", "8"], ["colorize", "in", "-o", "out", "--temperature", "0"],
                          ["colorize", "missing", "-o", "out"], ["eval", "colorize", "--model", "colorize", "--data", "in", "--temperature", "x"],
                          ["train", "colorize", "--data", "in", "--out", "m.safetensors", "--patch", "40"]] {
            let run = try LatentBinary.run(arguments, in: root, models: models)
            XCTAssertEqual(run.status, 64, "\(arguments): \(run.stderr)")
        }
        let latent = try LatentBinary.detachedCopy(in: root)
        try FileManager.default.removeItem(atPath: models + "/colorize.safetensors")
        let run = try LatentBinary.run(["colorize", "in/a.png", "-o", "out"], in: root, models: models, executable: latent)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("colorize, is not installed"), run.stderr)
    }

    func testEvalAndTrainCommands() throws {
        let photos = root + "/photos"
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        for k in 0..<3 {
            try BatchFixtures.image(width: 40, height: 32, layout: .rgb, seed: k + 1).write(to: "\(photos)/p\(k).png")
        }
        let eval = try LatentBinary.run(["eval", "colorize", "--model", "colorize", "--data", "photos", "--json",
                                         "--temperature", "0.38,1", "--render-size", "32"], in: root, models: models)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let objects = eval.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let summaries = objects.filter { $0["mean_psnr"] != nil }
        XCTAssertEqual(objects.count, 8)
        XCTAssertEqual(summaries.map { $0["temperature"] as? Double }, [0.38, 1])
        XCTAssertEqual(summaries.first?["images"] as? Int, 3)
        XCTAssertNotNil(summaries.first?["mean_gray_psnr"] as? Double)
        XCTAssertNotNil(summaries.first?["colorfulness_ratio"] as? Double)

        let train = try LatentBinary.run(["train", "colorize", "--data", "photos", "--val", "photos", "--out", "m.safetensors",
                                          "--steps", "2", "--batch", "2", "--patch", "32", "--render-size", "32",
                                          "--widths", "8,16", "--threads", "1"], in: root, models: models)
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("validation PSNR"), train.stderr)
        let trained = try ModelFile(path: root + "/m.safetensors")
        XCTAssertEqual(try trained.kind, "colorize-unet")
        XCTAssertTrue((trained.trainingJSON ?? "").contains("latent train colorize"))
    }
}
