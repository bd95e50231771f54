// Where the PyTorch parity fixtures live: Tests/Fixtures/torch, found relative to this source file
// so the tests do not depend on the working directory.

import Foundation

enum TorchFixtureLocation {
    static var folder: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // LatentNNTests
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("Fixtures/torch", isDirectory: true)
    }

    static func fileURLs() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "safetensors" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
