import Foundation
import XCTest
@testable import LatentTasks

final class BatchRunnerTests: XCTestCase {
    func run(_ configuration: BatchConfiguration) throws -> RecordingObserver {
        let task = DenoiseBatch.task(gray: BatchFixtures.denoiser(channels: 1), color: BatchFixtures.denoiser(channels: 3),
                                     tileSize: nil, activationBudget: configuration.activationBudget)
        let observer = RecordingObserver()
        try BatchRunner(configuration: configuration, task: task, observer: observer).run()
        return observer
    }

    func testTreeGivesRightOutputsReportsBadFilesAndResumes() throws {
        let root = try BatchFixtures.temporaryFolder("batch")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        let before = try BatchFixtures.snapshot(input)
        var configuration = BatchConfiguration(inputs: [input], naming: OutputNaming(folder: root + "/out"))
        configuration.recursive = true

        let first = try run(configuration)
        let summary = try XCTUnwrap(first.summary)
        XCTAssertEqual(summary.done, 5)
        XCTAssertEqual(summary.failed, 2)
        XCTAssertEqual(summary.skipped, 1)
        XCTAssertEqual(summary.exitStatus, 1)
        XCTAssertEqual(first.result(endingWith: "readme.txt")?.status, .skipped)
        XCTAssertEqual(first.result(endingWith: "corrupt.png")?.status, .error)
        let truncated = try XCTUnwrap(first.result(endingWith: "truncated.jpg"))
        XCTAssertEqual(truncated.status, .error)
        XCTAssertTrue(truncated.message?.contains("truncated") == true, truncated.message ?? "")

        let outputs = try BatchFixtures.snapshot(root + "/out").keys.sorted()
        XCTAssertEqual(outputs, ["a.png", "b.jpg", "nested/deeper/c.png", "nested/rgba.png", "nested/sixteen.png"])
        let a = try Image(contentsOf: root + "/out/a.png")
        XCTAssertEqual([a.width, a.height], [40, 30])
        XCTAssertEqual(a.layout, .rgb)
        XCTAssertEqual(try Image(contentsOf: root + "/out/nested/deeper/c.png").layout, .gray)
        XCTAssertEqual(try ImageHeader(contentsOf: root + "/out/b.jpg").format, .jpeg)
        // Alpha is carried through untouched; 16-bit PNG stays 16-bit.
        let rgbaIn = try Image(contentsOf: input + "/nested/rgba.png"), rgbaOut = try Image(contentsOf: root + "/out/nested/rgba.png")
        XCTAssertEqual(rgbaOut.layout, .rgba)
        XCTAssertEqual(rgbaOut.alpha, rgbaIn.alpha)
        XCTAssertEqual(try ImageHeader(contentsOf: root + "/out/nested/sixteen.png").bitDepth, 16)

        let second = try run(configuration)
        XCTAssertEqual(second.summary?.done, 0)
        XCTAssertEqual(second.summary?.skipped, 6)
        XCTAssertEqual(second.summary?.failed, 2, "bad files fail again")
        XCTAssertEqual(second.results.filter { $0.message == BatchFileResult.outputExists }.count, 5)
        XCTAssertEqual(try BatchFixtures.snapshot(input), before, "inputs must be byte-identical afterwards")
    }

    /// Decoding into recycled memory while the previous image is still being processed must not
    /// touch it: outputs equal processing each file on its own, and the memory is really reused.
    func testDecodedImagesAreRecycledWithoutChangingResults() throws {
        let root = try BatchFixtures.temporaryFolder("batch-recycle")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
        for i in 0..<6 {
            try BatchFixtures.image(width: 48, height: 40, layout: .rgb, seed: 10 + i).write(to: root + "/in/\(i).png")
        }
        let task = DenoiseBatch.task(gray: BatchFixtures.denoiser(channels: 1), color: BatchFixtures.denoiser(channels: 3),
                                     tileSize: nil, activationBudget: 64 << 20)
        for threads in [1, 2] {
            var configuration = BatchConfiguration(inputs: [root + "/in"], naming: OutputNaming(folder: root + "/out\(threads)"))
            configuration.threads = threads
            let runner = BatchRunner(configuration: configuration, task: task, observer: RecordingObserver())
            XCTAssertEqual(try runner.run().done, 6)
            let counts = runner.decodeCounts
            XCTAssertEqual(counts.copied, 0, "\(threads) threads: a recycled buffer was still shared")
            XCTAssertLessThanOrEqual(counts.allocated, 2, "\(threads) threads")
            XCTAssertEqual(counts.reused + counts.allocated, 6)
            for i in 0..<6 {
                guard case .image(let expected) = try task.process(try Image(contentsOf: root + "/in/\(i).png"), progress: { _ in }) else {
                    return XCTFail("expected an image")
                }
                XCTAssertEqual(try Image(contentsOf: root + "/out\(threads)/\(i).png"),
                               try Image.decode(try expected.encoded(as: .png)), "\(threads) threads, file \(i)")
            }
        }
    }

    func testAlphaToJPEGGoesToPNGWithANote() throws {
        let root = try BatchFixtures.temporaryFolder("alpha")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        var configuration = BatchConfiguration(inputs: [input + "/nested/rgba.png", input + "/a.png"],
                                               naming: OutputNaming(folder: root + "/out", format: .jpg))
        configuration.write.pngBitDepth = 8
        let observer = try run(configuration)
        XCTAssertEqual(observer.summary?.exitStatus, 0)
        XCTAssertEqual(try ImageHeader(contentsOf: root + "/out/rgba.png").layout, .rgba)
        XCTAssertEqual(try ImageHeader(contentsOf: root + "/out/a.jpg").format, .jpeg)
        XCTAssertTrue(observer.notes.contains { $0.contains("rgba.png") && $0.contains("PNG") }, "\(observer.notes)")
    }

    func testWritingBesideInputsNeedsASuffixAndSkipsPreviousOutputs() throws {
        let root = try BatchFixtures.temporaryFolder("suffix")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        let plain = BatchConfiguration(inputs: [input], naming: OutputNaming(folder: input))
        XCTAssertThrowsError(try plain.validate())
        var suffixed = BatchConfiguration(inputs: [input], naming: OutputNaming(folder: input, suffix: "_denoised"))
        suffixed.recursive = true
        XCTAssertEqual(try run(suffixed).summary?.done, 5)
        XCTAssertTrue(FileManager.default.fileExists(atPath: input + "/nested/deeper/c_denoised.png"))
        // The rerun sees the outputs among the inputs and neither redoes nor re-denoises them.
        let again = try run(suffixed)
        XCTAssertEqual(again.summary?.done, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: input + "/a_denoised_denoised.png"))
        XCTAssertEqual(again.results.filter { $0.message?.hasPrefix("an output of") == true }.count, 5)
    }

    func testOutputFolderHoldingAFileArgumentIsRefused() throws {
        let root = try BatchFixtures.temporaryFolder("same")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        // The output folder is not a folder argument, but this file argument lives in it (spelled
        // differently), so its output would replace it.
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: input + "/a.png", toPath: root + "/out/a.png")
        let before = try Data(contentsOf: URL(fileURLWithPath: root + "/out/a.png"))
        let configuration = BatchConfiguration(inputs: [input + "/b.jpg", "\(root)/out/../out/a.png"],
                                               naming: OutputNaming(folder: root + "/out"))
        XCTAssertThrowsError(try run(configuration)) { XCTAssertTrue("\($0)".contains("--suffix"), "\($0)") }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/out/a.png")), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/out/b.jpg"), "nothing runs after a usage error")
    }

    func testStaleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let root = try BatchFixtures.temporaryFolder("stale")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        let dead = try deadProcessID()
        let stale = "\(root)/out/\(TemporaryFiles.prefix)\(dead)@\(TemporaryFiles.host)-abcdef"
        let otherHost = "\(root)/out/\(TemporaryFiles.prefix)\(dead)@another-host-abcdef"
        for path in [stale, otherHost] { FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])) }
        _ = try run(BatchConfiguration(inputs: [input + "/a.png"], naming: OutputNaming(folder: root + "/out")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: otherHost), "another machine's shard may still be writing it")
    }

    func testJSONLines() {
        let ok = BatchFileResult(input: "in/a.png", output: "out/a.png", status: .ok, milliseconds: 12.4)
        XCTAssertEqual(ok.json, #"{"error":null,"input":"in/a.png","ms":12,"output":"out/a.png","status":"ok"}"#)
        let failed = BatchFileResult(input: "in/b.png", output: nil, status: .error, message: "corrupt PNG")
        XCTAssertEqual(failed.json, #"{"error":"corrupt PNG","input":"in/b.png","ms":0,"output":null,"status":"error"}"#)
        var summary = BatchSummary(results: [ok, failed], seconds: 2)
        XCTAssertEqual(summary.exitStatus, 1)
        summary.failed = 0
        XCTAssertEqual(summary.exitStatus, 0)
    }

    /// The pid of a process that has exited (and been reaped).
    func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
