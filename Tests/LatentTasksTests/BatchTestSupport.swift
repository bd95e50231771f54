import Foundation
import XCTest
@testable import LatentTasks
import LatentModels

/// Small random-weight denoisers and a temporary tree of inputs, so batch tests need no shipped
/// weights and no ../shared.
enum BatchFixtures {
    static func smallArchitecture(channels: Int) -> DenoiserArchitecture {
        DenoiserArchitecture(channels: channels, widths: [16, 32], encoderConvs: [1, 1], decoderConvs: [1])
    }

    static func denoiser(channels: Int, seed: UInt64 = 7) -> Denoiser {
        Denoiser(network: DenoiseUNet(smallArchitecture(channels: channels), seed: seed))
    }

    /// Writes denoise-color and denoise-gray model files into `folder` (for LATENT_MODELS).
    static func writeModels(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, channels) in [("denoise-color", 3), ("denoise-gray", 1)] {
            let architecture = smallArchitecture(channels: channels)
            try ModelFile.save(DenoiseUNet(architecture, seed: 3), architecture: architecture,
                               trainingJSON: #"{"validation_psnr_sigma25":"31.250","steps":"10","command":"test"}"#,
                               to: "\(folder)/\(name).safetensors")
        }
    }

    /// A deterministic, textured image.
    static func image(width: Int, height: Int, layout: ChannelLayout, seed: Int = 1) -> Image {
        var samples = [Float](repeating: 0, count: layout.channelCount * width * height)
        for c in 0..<layout.channelCount {
            for y in 0..<height {
                for x in 0..<width {
                    let v = 0.5 + 0.3 * sin(Float(x * (c + 1) + seed) * 0.21) * cos(Float(y + 3 * seed) * 0.17)
                    let grain = Float((x * 7919 + y * 104729 + c * 31 + seed * 17) % 97) / 97 * 0.1 - 0.05
                    samples[(c * height + y) * width + x] = min(max(v + grain, 0), 1)
                }
            }
        }
        return Image(width: width, height: height, layout: layout, samples: samples)
    }

    static func temporaryFolder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "latent-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// in/a.png (RGB), in/b.jpg (RGB), in/nested/deeper/c.png (gray), in/nested/rgba.png,
    /// in/nested/sixteen.png (16-bit RGB), in/broken/corrupt.png, in/broken/truncated.jpg,
    /// in/readme.txt. Returns the `in` folder.
    static func makeTree(in root: String) throws -> String {
        let input = root + "/in"
        for folder in ["", "/nested/deeper", "/broken"] {
            try FileManager.default.createDirectory(atPath: input + folder, withIntermediateDirectories: true)
        }
        try image(width: 40, height: 30, layout: .rgb, seed: 1).write(to: input + "/a.png")
        try image(width: 37, height: 29, layout: .rgb, seed: 2).write(to: input + "/b.jpg")
        try image(width: 33, height: 35, layout: .gray, seed: 3).write(to: input + "/nested/deeper/c.png")
        try image(width: 24, height: 20, layout: .rgba, seed: 4).write(to: input + "/nested/rgba.png")
        var sixteen = image(width: 20, height: 18, layout: .rgb, seed: 5)
        sixteen.sourceBitDepth = 16
        try sixteen.write(to: input + "/nested/sixteen.png", options: ImageWriteOptions(pngBitDepth: 16))
        // A PNG signature followed by garbage, and a JPEG cut in the middle of its scan.
        let corrupt: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 64)
        FileManager.default.createFile(atPath: input + "/broken/corrupt.png", contents: Data(corrupt))
        let jpeg = try image(width: 64, height: 64, layout: .rgb, seed: 6).encoded(as: .jpeg)
        FileManager.default.createFile(atPath: input + "/broken/truncated.jpg", contents: Data(jpeg.prefix(jpeg.count * 2 / 3)))
        FileManager.default.createFile(atPath: input + "/readme.txt", contents: Data("not an image\n".utf8))
        return input
    }

    /// Every file below `folder` (hidden ones included) with its bytes.
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return result
    }
}

/// Collects a run's events.
final class RecordingObserver: BatchObserver {
    private let lock = NSLock()
    private(set) var results: [BatchFileResult] = []
    private(set) var notes: [String] = []
    private(set) var summary: BatchSummary?

    func noted(_ message: String, input: String?) { lock.lock(); notes.append((input.map { $0 + ": " } ?? "") + message); lock.unlock() }
    func finished(_ result: BatchFileResult) { lock.lock(); results.append(result); lock.unlock() }
    func progressed(_ progress: BatchProgress) {}
    func completed(_ summary: BatchSummary) { lock.lock(); self.summary = summary; lock.unlock() }

    func result(endingWith suffix: String) -> BatchFileResult? { results.first { $0.input.hasSuffix(suffix) } }
}
