import Foundation
import XCTest
@testable import LatentTasks

/// The `latent denoise` and `latent models` executables end to end: exit statuses, JSON lines,
/// and interruption by SIGINT and SIGKILL.
final class DenoiseCommandTests: XCTestCase {
    var root = ""
    var models: String { root + "/models" }

    override func setUpWithError() throws {
        _ = try LatentBinary.path()
        root = try BatchFixtures.temporaryFolder("cli")
        try BatchFixtures.writeModels(to: models)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testExitStatusesAndJSON() throws {
        let input = try BatchFixtures.makeTree(in: root)
        let before = try BatchFixtures.snapshot(input)
        let run = try LatentBinary.run(["denoise", "in", "-o", "out", "--recursive", "--json"], in: root, models: models)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("in/broken/corrupt.png: "), run.stderr)
        XCTAssertTrue(run.stderr.contains("in/broken/truncated.jpg: truncated"), run.stderr)
        XCTAssertTrue(run.stderr.contains("5 done, 1 skipped, 2 failed"), run.stderr)
        let lines = run.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.count, 9)
        let files = lines.dropLast().compactMap { $0 }
        XCTAssertEqual(files.count, 8)
        XCTAssertEqual(Set(files.map { $0["status"] as? String }), ["ok", "skipped", "error"])
        XCTAssertTrue(files.allSatisfy { $0["ms"] is NSNumber && $0["input"] is String })
        XCTAssertEqual(lines.last??["failed"] as? Int, 2)

        let again = try LatentBinary.run(["denoise", "in", "-o", "out", "--recursive", "--quiet"], in: root, models: models)
        XCTAssertTrue(again.stderr.contains("0 done, 6 skipped, 2 failed"), again.stderr)
        let good = try LatentBinary.run(["denoise", "in/a.png", "in/nested", "-o", "out2", "--format", "png"], in: root, models: models)
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(try BatchFixtures.snapshot(root + "/out2").keys.sorted(), ["a.png", "rgba.png", "sixteen.png"])
        XCTAssertEqual(try BatchFixtures.snapshot(input), before)
    }

    func testUsageErrorsExit64() throws {
        _ = try BatchFixtures.makeTree(in: root)
        for arguments in [["denoise", "in", "-o", "in"], ["denoise", "in", "-o", "out", "--shard", "0/3"],
                          ["denoise", "missing", "-o", "out"], ["denoise", "in", "-o", "out", "--format", "gif"],
                          ["denoise", "in", "-o", "out", "--max-memory", "lots"]] {
            let run = try LatentBinary.run(arguments, in: root, models: models)
            XCTAssertEqual(run.status, 64, "\(arguments): \(run.stderr)")
        }
    }

    func testMissingDefaultModelIsNamed() throws {
        // A copy outside the checkout does not see the checkout's shipped models.
        let latent = try LatentBinary.detachedCopy(in: root)
        let input = try BatchFixtures.makeTree(in: root)
        try FileManager.default.removeItem(atPath: models + "/denoise-gray.safetensors")
        let run = try LatentBinary.run(["denoise", input + "/nested/deeper/c.png", input + "/a.png", "-o", "out"],
                                       in: root, models: models, executable: latent)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("denoise-gray, is not installed"), run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/out/a.png"), "colour images still run")
    }

    func testModelsListsInstalledModels() throws {
        let run = try LatentBinary.run(["models", "--json"], in: root, models: models)
        XCTAssertEqual(run.status, 0, run.stderr)
        let objects = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let gray = try XCTUnwrap(objects.first { $0["name"] as? String == "denoise-gray" && ($0["path"] as? String)?.hasPrefix(models) == true })
        XCTAssertEqual(gray["task"] as? String, "denoise")
        XCTAssertEqual(gray["input_channels"] as? Int, 1)
        XCTAssertGreaterThan(gray["parameters"] as? Int ?? 0, 1000)
        XCTAssertEqual((gray["metrics"] as? [String: Any])?["validation_psnr_sigma25"] as? Double, 31.25)
        XCTAssertNil((gray["metrics"] as? [String: Any])?["command"])
    }

    // MARK: - Interruption

    /// 40 inputs, enough that a run is still going when its first outputs appear.
    func makeManyInputs() throws -> String {
        let input = root + "/many"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        let bytes = try BatchFixtures.image(width: 256, height: 256, layout: .rgb).encoded(as: .png)
        for i in 0..<40 {
            FileManager.default.createFile(atPath: String(format: "%@/img%02d.png", input, i), contents: Data(bytes))
        }
        return input
    }

    func outputs(_ folder: String) -> (complete: [String], temporary: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return (names.filter { !$0.hasPrefix(".") }.sorted(), names.filter { $0.hasPrefix(TemporaryFiles.prefix) })
    }

    /// Starts a run and stops it with `signal` once `count` outputs exist.
    func interruptedRun(signal: Int32, afterOutputs count: Int) throws -> Process {
        let process = try LatentBinary.start(["denoise", "many", "-o", "out", "--quiet"], in: root, models: models)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while outputs(root + "/out").complete.count < count && process.isRunning && Date() < deadline {
            usleep(5_000)
        }
        XCTAssertTrue(process.isRunning, "the run finished before it could be interrupted")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process
    }

    func assertEveryOutputComplete(file: StaticString = #filePath, line: UInt = #line) {
        for name in outputs(root + "/out").complete {
            let image = try? Image(contentsOf: root + "/out/" + name)
            XCTAssertEqual(image?.width, 256, "\(name) is not a complete image", file: file, line: line)
            XCTAssertEqual(image?.warnings ?? ["unreadable"], [], name, file: file, line: line)
        }
    }

    func testInterruptedRunsLeaveNoPartialFilesAndResume() throws {
        _ = try makeManyInputs()
        let interrupted = try interruptedRun(signal: SIGINT, afterOutputs: 2)
        XCTAssertEqual(interrupted.terminationReason, .exit)
        XCTAssertEqual(interrupted.terminationStatus, 130)
        let afterInterrupt = outputs(root + "/out")
        XCTAssertEqual(afterInterrupt.temporary, [], "SIGINT must remove the file being written")
        XCTAssertLessThan(afterInterrupt.complete.count, 40)
        assertEveryOutputComplete()

        let terminated = try interruptedRun(signal: SIGTERM, afterOutputs: afterInterrupt.complete.count + 2)
        XCTAssertEqual(terminated.terminationStatus, 143)
        XCTAssertEqual(outputs(root + "/out").temporary, [])
        assertEveryOutputComplete()

        let killed = try interruptedRun(signal: SIGKILL, afterOutputs: outputs(root + "/out").complete.count + 2)
        XCTAssertEqual(killed.terminationReason, .uncaughtSignal)
        let afterKill = outputs(root + "/out")
        XCTAssertLessThan(afterKill.complete.count, 40)
        // A SIGKILL may leave a hidden temporary file; it never counts as an output.
        assertEveryOutputComplete()

        let resumed = try LatentBinary.run(["denoise", "many", "-o", "out", "--json"], in: root, models: models)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let statuses = resumed.stdout.split(separator: "\n").dropLast()
            .compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["status"] as? String }
        XCTAssertEqual(statuses.filter { $0 == "skipped" }.count, afterKill.complete.count)
        XCTAssertEqual(statuses.filter { $0 == "ok" }.count, 40 - afterKill.complete.count)
        let final = outputs(root + "/out")
        XCTAssertEqual(final.complete.count, 40)
        XCTAssertEqual(final.temporary, [], "stale temporary files of the killed run are removed")
        assertEveryOutputComplete()
    }
}
