import Foundation
import XCTest
@testable import LatentTasks
import LatentModels

/// `TrainingStep` rebuilds a model file's training step (what the benchmarks time) from its
/// architecture and training record.
final class TrainingStepTests: XCTestCase {
    func testDenoiseStepUsesTheRecordedBatchAndPatchAndLearns() throws {
        let folder = try BatchFixtures.temporaryFolder("training-step")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = DenoiseTrainingOptions(data: "unused", output: "unused")
        (options.batch, options.patch, options.loss, options.sigmaRange) = (3, 16, "mse", [50, 50])
        let record = try JSONSerialization.data(withJSONObject: ["options": String(decoding: try JSONEncoder().encode(options), as: UTF8.self)])
        let architecture = BatchFixtures.smallArchitecture(channels: 1)
        let path = folder + "/denoise.safetensors"
        try ModelFile.save(DenoiseUNet(architecture, seed: 1), architecture: architecture,
                           trainingJSON: String(decoding: record, as: UTF8.self), to: path)

        let step = try TrainingStep.forModel(at: path)
        XCTAssertEqual([step.batch, step.size, step.channels], [3, 16, 1])
        XCTAssertEqual(step.kind, DenoiserArchitecture.kindName)
        // The same batch every step (fresh noise): the objective must fall, as in training (on
        // these random patches only the noise is learnable: 0.035 → 0.030 in 30 steps).
        let first = (0..<3).map { _ in step.run() }.reduce(0, +) / 3
        for _ in 0..<30 { _ = step.run() }
        let last = (0..<3).map { _ in step.run() }.reduce(0, +) / 3
        XCTAssertLessThan(last, first * 0.95, "loss \(first) → \(last)")

        let overridden = try TrainingStep.forModel(at: path, batch: 2, size: 24)
        XCTAssertEqual([overridden.batch, overridden.size], [2, 24])
        XCTAssertTrue(overridden.run().isFinite)
    }

    func testGenerativeStepComesFromTheRecordedOptions() throws {
        let folder = try BatchFixtures.temporaryFolder("training-step-gan")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = GenerativeTrainingOptions(kind: "gan", data: "unused", output: "unused")
        (options.size, options.channels, options.latentDim, options.widths, options.batch) = (16, 1, 3, [8, 16], 4)
        let record = try JSONSerialization.data(withJSONObject: ["options": String(decoding: try JSONEncoder().encode(options), as: UTF8.self)])
        let architecture = GANArchitecture(imageSize: 16, channels: 1, latentDim: 3, widths: [8, 16])
        let path = folder + "/gan.safetensors"
        try ModelFile.save(DCGAN(architecture, seed: 0), architecture: architecture,
                           trainingJSON: String(decoding: record, as: UTF8.self), to: path)

        let step = try TrainingStep.forModel(at: path)
        XCTAssertEqual([step.batch, step.size, step.channels], [4, 16, 1])
        XCTAssertTrue(step.run().isFinite)
        XCTAssertEqual(try TrainingStep.forModel(at: path, batch: 6).batch, 6)
        XCTAssertThrowsError(try TrainingStep.forModel(at: path, size: 32)) { error in
            XCTAssertTrue("\(error)".contains("whole 16×16 images"), "\(error)")
        }
    }

    /// Upscalers and colorizers: the step their loop runs, at the recorded batch and patch.
    func testUpscaleAndColorizeStepsComeFromTheirFiles() throws {
        let folder = try BatchFixtures.temporaryFolder("training-step-image")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func record<T: Encodable>(_ options: T) throws -> String {
            let data = try JSONSerialization.data(withJSONObject: ["options": String(decoding: try JSONEncoder().encode(options), as: UTF8.self)])
            return String(decoding: data, as: UTF8.self)
        }
        var upscale = UpscaleTrainingOptions(data: ["unused"], output: "unused")
        (upscale.batch, upscale.patch, upscale.loss) = (2, 24, "l1")
        let upscaler = UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 1)
        try ModelFile.save(UpscaleNet(upscaler, seed: 1), architecture: upscaler, trainingJSON: try record(upscale),
                           to: folder + "/upscale.safetensors")
        var colorize = ColorizeTrainingOptions(data: "unused", output: "unused")
        (colorize.batch, colorize.patch) = (2, 32)
        let colorizer = ColorizeTests.smallArchitecture()
        try ModelFile.save(ColorizeNet(colorizer, seed: 1), architecture: colorizer, trainingJSON: try record(colorize),
                           to: folder + "/colorize.safetensors")

        for (name, expected) in [("upscale", [2, 24, 1]), ("colorize", [2, 32, 1])] {
            let step = try TrainingStep.forModel(at: folder + "/\(name).safetensors")
            XCTAssertEqual([step.batch, step.size, step.channels], expected, name)
            let losses = (0..<6).map { _ in step.run() }
            XCTAssertTrue(losses.allSatisfy(\.isFinite), "\(name): \(losses)")
            XCTAssertLessThan(losses.last!, losses.first!, "\(name): the same batch again must fit better: \(losses)")
        }
        XCTAssertThrowsError(try TrainingStep.forModel(at: folder + "/upscale.safetensors", size: 25))
    }

    /// A codec: `latent train compress`'s own step (noise, λ·D + R, two Adams), at the recorded
    /// batch and patch; the patch must be a multiple of the codec's stride.
    func testCompressStepComesFromItsFile() throws {
        let folder = try BatchFixtures.temporaryFolder("training-step-compress")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = CompressTrainingOptions(data: "unused", output: "unused")
        (options.batch, options.patch, options.lambda) = (2, 24, 0.01)
        let record = try JSONSerialization.data(withJSONObject: ["options": String(decoding: try JSONEncoder().encode(options), as: UTF8.self)])
        let architecture = LatentCodecTests.tinyArchitecture  // stride 8
        let path = folder + "/compress.safetensors"
        try ModelFile.save(FactorizedPriorCodec(architecture, seed: 1), architecture: architecture,
                           trainingJSON: String(decoding: record, as: UTF8.self), to: path)

        let step = try TrainingStep.forModel(at: path)
        XCTAssertEqual(step.kind, CompressionArchitecture.kindName)
        XCTAssertEqual([step.batch, step.size, step.channels], [2, 24, 3])
        let losses = (0..<8).map { _ in step.run() }
        XCTAssertTrue(losses.allSatisfy(\.isFinite), "\(losses)")
        XCTAssertLessThan(losses.last!, losses.first!, "the same batch again must cost less: \(losses)")
        XCTAssertEqual(try TrainingStep.forModel(at: path, batch: 1, size: 16).size, 16)
        XCTAssertThrowsError(try TrainingStep.forModel(at: path, size: 20)) { error in
            XCTAssertTrue("\(error)".contains("multiple of the stride 8"), "\(error)")
        }
    }
}
