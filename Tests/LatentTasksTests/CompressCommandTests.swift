import Foundation
import XCTest
import LatentModels
import LatentNN
@testable import LatentTasks

/// `latent encode` and `latent decode` end to end through the executable.
final class CompressCommandTests: XCTestCase {
    var root = ""
    var models: String { root + "/models" }

    override func setUpWithError() throws {
        _ = try LatentBinary.path()
        root = try BatchFixtures.temporaryFolder("compress-cli")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let network = FactorizedPriorCodec(LatentCodecTests.tinyArchitecture, seed: 5)
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: "{\"validation_bpp val\":\"1.5\"}",
                           extraTensors: try EntropyTables(density: network.density).storedTensors(),
                           to: models + "/compress-q2.safetensors")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    private func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testEncodeThenDecodeMirrorsTheTreeAndKeepsSizeColourAndDepth() throws {
        let input = try BatchFixtures.makeTree(in: root)
        let before = try BatchFixtures.snapshot(input)
        let encode = try LatentBinary.run(["encode", "in", "-o", "codes", "--recursive", "--quality", "2", "--json"], in: root, models: models)
        XCTAssertEqual(encode.status, 1, "corrupt, truncated and alpha inputs fail: \(encode.stderr)")
        XCTAssertTrue(encode.stderr.contains("in/nested/rgba.png: has an alpha channel"), encode.stderr)
        XCTAssertTrue(encode.stderr.contains("4 done, 1 skipped, 3 failed"), encode.stderr)
        XCTAssertEqual(jsonLines(encode.stdout).last?["done"] as? Int, 4)
        XCTAssertEqual(try BatchFixtures.snapshot(root + "/codes").keys.sorted(),
                       ["a.lat", "b.lat", "nested/deeper/c.lat", "nested/sixteen.lat"])
        XCTAssertEqual(try BatchFixtures.snapshot(input), before, "inputs untouched")

        let again = try LatentBinary.run(["encode", "in", "-o", "codes", "--recursive", "--quality", "2", "--quiet"], in: root, models: models)
        XCTAssertTrue(again.stderr.contains("0 done, 5 skipped, 3 failed"), again.stderr)

        let decode = try LatentBinary.run(["decode", "codes", "-o", "decoded", "--recursive"], in: root, models: models)
        XCTAssertEqual(decode.status, 0, decode.stderr)
        for (name, original) in [("a", "a.png"), ("b", "b.jpg"), ("nested/deeper/c", "nested/deeper/c.png"), ("nested/sixteen", "nested/sixteen.png")] {
            let out = try Image(contentsOf: root + "/decoded/\(name).png")
            let source = try Image(contentsOf: input + "/" + original)
            XCTAssertEqual([out.width, out.height], [source.width, source.height], name)
            XCTAssertEqual(out.layout, source.layout, name)
            XCTAssertEqual(out.sourceBitDepth, source.sourceBitDepth == 16 ? 16 : 8, name)
        }
    }

    func testDamagedFilesAndMissingModelsAreReportedAndTheBatchGoesOn() throws {
        _ = try BatchFixtures.makeTree(in: root)
        XCTAssertEqual(try LatentBinary.run(["encode", "in/a.png", "in/b.jpg", "-o", "codes"], in: root, models: models).status, 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: root + "/codes/a.lat"))
        try good.prefix(good.count - 10).write(to: URL(fileURLWithPath: root + "/codes/cut.lat"))
        var flipped = [UInt8](good)
        flipped[flipped.count / 2] ^= 0x40
        try Data(flipped).write(to: URL(fileURLWithPath: root + "/codes/flipped.lat"))
        try Data("hello".utf8).write(to: URL(fileURLWithPath: root + "/codes/notes.lat"))
        try FileManager.default.copyItem(atPath: root + "/in/a.png", toPath: root + "/codes/picture.png")

        let run = try LatentBinary.run(["decode", "codes", "-o", "decoded", "--json"], in: root, models: models)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("codes/cut.lat: truncated"), run.stderr)
        XCTAssertTrue(run.stderr.contains("codes/flipped.lat: corrupt: checksum mismatch"), run.stderr)
        XCTAssertTrue(run.stderr.contains("2 done, 2 skipped, 2 failed"), run.stderr)
        let skipped = jsonLines(run.stdout).filter { $0["status"] as? String == "skipped" }.compactMap { $0["error"] as? String }
        XCTAssertEqual(skipped, ["not a latent code (.lat) file", "not a latent code (.lat) file"])

        // Without the model: the file says which one it needs.
        let latent = try LatentBinary.detachedCopy(in: root)
        let missing = try LatentBinary.run(["decode", "codes/a.lat", "-o", "elsewhere"], in: root, models: root + "/none", executable: latent)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("needs the model \"compress-q2\" (weights "), missing.stderr)
    }

    func testUsageErrorsExit64() throws {
        _ = try BatchFixtures.makeTree(in: root)
        for arguments in [["encode", "in", "-o", "codes", "--quality", "99"], ["encode", "in", "-o", "codes", "--quality", "2", "--model", "x"],
                          ["decode", "missing", "-o", "out"], ["encode", "in", "-o", "in"]] {
            let run = try LatentBinary.run(arguments, in: root, models: models)
            XCTAssertEqual(run.status, 64, "\(arguments): \(run.stderr)")
        }
    }
}
