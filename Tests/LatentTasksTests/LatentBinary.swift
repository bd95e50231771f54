import Foundation
import XCTest

/// The `latent` executable built beside the tests, run as a child process.
enum LatentBinary {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Next to the test bundle (same products folder), else in a usual build folder.
    static func path() throws -> String {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("latent").path,
                          Bundle.main.bundleURL.appendingPathComponent("latent").path]
        for configuration in ["release", "debug"] {
            candidates.append(packageRoot.appendingPathComponent(".build/\(configuration)/latent").path)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("the latent executable is not built (swift build first); looked in \(candidates)")
        }
        return found
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A copy of the executable outside the checkout, so that it finds no `Pretrained/` of its own
    /// (for tests about models that are absent).
    static func detachedCopy(in folder: String) throws -> String {
        let copy = folder + "/bin/latent"
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: copy) { try FileManager.default.copyItem(atPath: try path(), toPath: copy) }
        return copy
    }

    static func start(_ arguments: [String], in folder: String, models: String, executable: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? path())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["LATENT_MODELS"] = models
        process.environment = environment
        return process
    }

    static func run(_ arguments: [String], in folder: String, models: String, executable: String? = nil) throws -> Outcome {
        let process = try start(arguments, in: folder, models: models, executable: executable)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }
}
