import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

final class DenoiseTrainingTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "latent-denoise-training-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/train", withIntermediateDirectories: true)
        // Six smooth 40×40 gray images: enough for 32×32 patches.
        var rng = RandomSource(seed: 9)
        for k in 0..<6 {
            let (fx, fy) = (rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.3))
            var samples = [Float](repeating: 0, count: 40 * 40)
            for y in 0..<40 {
                for x in 0..<40 {
                    let phase: Float = fx * Float(x) + fy * Float(y) + Float(k)
                    samples[y * 40 + x] = ((0.5 + 0.4 * sin(phase)) * 255).rounded() / 255
                }
            }
            try Image(width: 40, height: 40, layout: .gray, samples: samples)
                .write(to: "\(folder!)/train/img\(k).png", format: .png)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func options(_ name: String) -> DenoiseTrainingOptions {
        var o = DenoiseTrainingOptions(data: folder + "/train", output: "\(folder!)/\(name).safetensors")
        o.channels = 1
        o.widths = [8, 16]
        o.steps = 12
        o.batch = 2
        o.patch = 32
        o.checkpointEvery = 4
        o.validateEvery = 100
        o.seed = 4
        return o
    }

    private func weights(_ path: String) throws -> [String: [Float]] {
        let file = try SafeTensorsFile(path: path)
        return try file.tensors.mapValues { try $0.floats() }
    }

    func testPausedAndResumedRunEqualsUninterruptedRun() throws {
        let straight = options("straight")
        try DenoiseTraining(options: straight, command: "test").run(resume: false)

        let paused = options("paused")
        XCTAssertNil(try DenoiseTraining(options: paused, command: "test").run(resume: false, pauseAt: 5))
        XCTAssertFalse(FileManager.default.fileExists(atPath: paused.output), "a paused run writes no model")
        XCTAssertTrue(FileManager.default.fileExists(atPath: paused.checkpointPath))
        try DenoiseTraining(options: paused, command: "test").run(resume: true)

        XCTAssertEqual(try weights(straight.output), try weights(paused.output))
        // The written model loads and denoises an image of any size.
        let denoiser = try Denoiser(modelPath: straight.output)
        let out = [Float](repeating: 0.5, count: 13 * 7).withUnsafeBufferPointer { denoiser.denoise(planes: $0, width: 13, height: 7) }
        XCTAssertEqual(out.count, 13 * 7)
        XCTAssertTrue(out.allSatisfy { $0.isFinite })
    }

    func testResumeRefusesDifferentOptions() throws {
        let first = options("changed")
        _ = try DenoiseTraining(options: first, command: "test").run(resume: false, pauseAt: 4)
        var second = first
        second.learningRate = 5e-4
        XCTAssertThrowsError(try DenoiseTraining(options: second, command: "test").run(resume: true))
    }

    func testSparsityObjectiveChangesTheTrainingAndIsRecorded() throws {
        let plain = options("plain")
        try DenoiseTraining(options: plain, command: "plain").run(resume: false)
        var sparse = options("sparse")
        sparse.sparsity = 0.05
        sparse.sparsityWeight = 0.1
        try DenoiseTraining(options: sparse, command: "sparse").run(resume: false)
        XCTAssertNotEqual(try weights(plain.output), try weights(sparse.output))
        let record = try ModelFile(path: sparse.output).trainingJSON ?? ""
        XCTAssertTrue(record.contains("sparsity"), record)
    }

    /// The shipped recipe on a tiny scale: residual stages with He initialisation, clipping and
    /// warm-up. The record keeps the options (so `--resume` and the card see them) and the file
    /// reloads as a residual network that changes its input.
    func testResidualRecipeIsRecordedAndReloadsAsResidual() throws {
        var o = options("residual")
        o.encoderConvs = [2, 2]
        o.decoderConvs = [2]
        o.residual = true
        o.initialization = "he"
        o.clipNorm = 1
        o.warmupSteps = 4
        try DenoiseTraining(options: o, command: "residual").run(resume: false)
        let file = try ModelFile(path: o.output)
        let architecture = try file.architecture(DenoiserArchitecture.self)
        XCTAssertTrue(architecture.residual)
        XCTAssertEqual(architecture.encoderConvs, [2, 2])
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((file.trainingJSON ?? "").utf8)) as? [String: Any])
        let recorded = try JSONDecoder().decode(DenoiseTrainingOptions.self, from: Data(try XCTUnwrap(record["options"] as? String).utf8))
        XCTAssertEqual(recorded, o)
        let denoiser = try Denoiser(modelPath: o.output)
        XCTAssertTrue(denoiser.network.encoders[0].residual && denoiser.network.decoders[0].residual)
        let input = (0..<(16 * 8)).map { Float($0 % 7) / 7 }
        let out = input.withUnsafeBufferPointer { denoiser.denoise(planes: $0, width: 16, height: 8) }
        XCTAssertTrue(out.allSatisfy(\.isFinite))
        XCTAssertNotEqual(out, input)
    }

    func testEpochsSetTheStepsFromTheDataAndValidateOncePerEpoch() throws {
        var o = options("epochs")
        o.epochs = 2
        o.steps = 999                   // replaced by the epochs
        o.validateEvery = 0             // once per epoch
        o.validation = folder + "/train"
        try DenoiseTraining(options: o, command: "epochs").run(resume: false)
        // Six 40×40 images hold 9,600 pixels; a step draws 2 × 32² = 2,048: an epoch is ⌈4.69⌉ = 5 steps.
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((try ModelFile(path: o.output).trainingJSON ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(record["steps"] as? String, "10")
        let recorded = try JSONDecoder().decode(DenoiseTrainingOptions.self, from: Data(try XCTUnwrap(record["options"] as? String).utf8))
        XCTAssertEqual(recorded.epochs, 2)
        XCTAssertEqual(recorded.validateEvery, 5)
        let history = try XCTUnwrap(SafeTensorsFile(path: o.checkpointPath).metadata["latent.validation_history"])
        let steps = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(history.utf8)) as? [[String: Double]]).map { $0["step"] }
        XCTAssertEqual(steps, [5, 10])
    }
}
