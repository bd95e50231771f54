import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

final class UpscaleTrainingTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "latent-upscale-training-\(UUID().uuidString)"
        // Two folders of textured colour images (pooled by --data A --data B); one too small.
        for (sub, seeds) in [("a", 1...4), ("b", 5...6)] {
            try FileManager.default.createDirectory(atPath: "\(folder!)/\(sub)", withIntermediateDirectories: true)
            for k in seeds {
                try BatchFixtures.image(width: 50 + k, height: 41, layout: .rgb, seed: k).write(to: "\(folder!)/\(sub)/img\(k).png")
            }
        }
        try BatchFixtures.image(width: 20, height: 20, layout: .rgb).write(to: "\(folder!)/b/tiny.png")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func options(_ name: String) -> UpscaleTrainingOptions {
        var o = UpscaleTrainingOptions(data: [folder + "/a", folder + "/b"], output: "\(folder!)/\(name).safetensors")
        o.scale = 2
        o.features = 8
        o.code = 8
        o.mapping = 1
        o.steps = 12
        o.batch = 4
        o.patch = 24
        o.checkpointEvery = 4
        o.validateEvery = 100
        o.seed = 4
        return o
    }

    private func weights(_ path: String) throws -> [String: [Float]] {
        try SafeTensorsFile(path: path).tensors.mapValues { try $0.floats() }
    }

    func testPairsPoolFoldersCropAndDegrade() throws {
        let folders = [folder + "/a", folder + "/b"]
        let rgb = try UpscaleTraining.pairs(folders: folders, scale: 2, channels: 3, minimumSide: 24)
        let luma = try UpscaleTraining.pairs(folders: folders, scale: 2, channels: 1, minimumSide: 24)
        XCTAssertEqual(rgb.high.count, 6)
        XCTAssertEqual(rgb.skipped.map { ($0.path as NSString).lastPathComponent }, ["tiny.png"])
        for k in rgb.high.indices {
            let (low, high) = (rgb.low[k], rgb.high[k])
            XCTAssertEqual(high.width % 2, 0)
            XCTAssertEqual([low.width * 2, low.height * 2], [high.width, high.height])
            XCTAssertTrue(low.samples.allSatisfy { abs(($0 * 255).rounded() - $0 * 255) < 1e-3 }, "inputs are on the 8-bit grid")
            // Luma pairs are the luma of the 8-bit RGB pairs, as a user's RGB input would give.
            XCTAssertEqual(luma.low[k].layout, .gray)
            XCTAssertEqual(luma.low[k].samples, low.grayscale().samples)
            XCTAssertEqual(luma.high[k].samples, high.grayscale().samples)
        }
        XCTAssertEqual(rgb.high[0].width, 50)  // 51 cropped to a multiple of 2
        XCTAssertEqual(UpscaleTraining.stepsPerEpoch(pixels: 1000, batch: 2, patch: 10), 5)
    }

    /// Blocks of `scale`² equal pixels in the large images mirror the small ones, so every
    /// aligned pair, whatever its flip or rotation, has high[s·y + j, s·x + i] = low[y, x].
    func testPatchPairsAreAligned() {
        let (s, p) = (3, 4)
        var lows: [Image] = [], highs: [Image] = []
        for k in 0..<3 {
            let (w, h) = (7 + k, 6 + 2 * k)
            let low = (0..<(w * h)).map { Float($0 * 7 + k * 1000) }
            var high = [Float](repeating: 0, count: w * h * s * s)
            for y in 0..<(h * s) { for x in 0..<(w * s) { high[y * w * s + x] = low[(y / s) * w + x / s] } }
            lows.append(Image(width: w, height: h, layout: .gray, samples: low))
            highs.append(Image(width: w * s, height: h * s, layout: .gray, samples: high))
        }
        let sampler = PatchPairSampler(low: lows, high: highs, scale: s, lowPatch: p)
        var rng = RandomSource(seed: 1)
        let (low, high) = sampler.batch(40, using: &rng)
        XCTAssertEqual(low.shape, [40, 1, p, p])
        XCTAssertEqual(high.shape, [40, 1, p * s, p * s])
        let (l, hi) = (low.toArray(), high.toArray())
        let q = p * s
        for n in 0..<40 {
            for y in 0..<q { for x in 0..<q { XCTAssertEqual(hi[n * q * q + y * q + x], l[n * p * p + (y / s) * p + x / s]) } }
        }
    }

    func testTrainingImprovesOnTheStartAndResumesExactly() throws {
        let straight = options("straight")
        try UpscaleTraining(options: straight, command: "test").run(resume: false)

        let paused = options("paused")
        XCTAssertNil(try UpscaleTraining(options: paused, command: "test").run(resume: false, pauseAt: 5))
        XCTAssertFalse(FileManager.default.fileExists(atPath: paused.output), "a paused run writes no model")
        XCTAssertTrue(FileManager.default.fileExists(atPath: paused.checkpointPath))
        try UpscaleTraining(options: paused, command: "test").run(resume: true)
        XCTAssertEqual(try weights(straight.output), try weights(paused.output))

        // The trained model beats its own starting point (same seed, step 0) on the training images.
        var longer = options("longer")
        longer.steps = 40
        longer.checkpointEvery = 40
        try UpscaleTraining(options: longer, command: "test").run(resume: false)
        let images = try TrainingImages(folder: folder + "/a", channels: 3)
        let trained = try UpscaleEvaluation.run(Upscaler(modelPath: longer.output), images: images, scale: 2)
        let start = UpscaleNet(UpscalerArchitecture(channels: 1, scale: 2, features: 8, code: 8, mapping: 1), seed: longer.seed)
        let untrained = try UpscaleEvaluation.run(Upscaler(network: start), images: images, scale: 2)
        XCTAssertGreaterThan(trained.meanPSNR, untrained.meanPSNR + 1, "trained \(trained.meanPSNR) dB, start \(untrained.meanPSNR) dB")
        XCTAssertEqual(trained.meanBicubicPSNR, untrained.meanBicubicPSNR)
        let record = try ModelFile(path: longer.output).trainingJSON ?? ""
        XCTAssertTrue(record.contains("\"steps\":\"40\""), record)
    }

    func testValidationIsRecordedAndResumeRefusesOtherOptions() throws {
        var first = options("validated")
        first.validation = folder + "/b"
        first.validateEvery = 6
        try UpscaleTraining(options: first, command: "test").run(resume: false)
        let record = try ModelFile(path: first.output).trainingJSON ?? ""
        XCTAssertTrue(record.contains("validation_psnr_x2") && record.contains("validation_bicubic_psnr_x2"), record)

        let changed = options("changed")
        _ = try UpscaleTraining(options: changed, command: "test").run(resume: false, pauseAt: 4)
        var other = changed
        other.code = 16
        XCTAssertThrowsError(try UpscaleTraining(options: other, command: "test").run(resume: true))
        var moved = changed
        moved.data = [folder + "/a/../a", folder + "/b"]
        XCTAssertNoThrow(try UpscaleTraining(options: moved, command: "test").run(resume: true), "data may be mounted elsewhere")
    }

    func testFineTuningNeedsAMatchingModel() throws {
        let base = options("base")
        try UpscaleTraining(options: base, command: "test").run(resume: false)
        var x3 = options("x3")
        x3.scale = 3
        x3.from = base.output
        XCTAssertThrowsError(try UpscaleTraining(options: x3, command: "test").run(resume: false))
        var tuned = options("tuned")
        tuned.from = base.output
        tuned.features = 99  // ignored: the file's architecture wins
        tuned.steps = 2
        try UpscaleTraining(options: tuned, command: "test").run(resume: false)
        XCTAssertEqual(try Upscaler(modelPath: tuned.output).network.architecture.features, 8)
        XCTAssertThrowsError(try UpscaleTraining(options: { var o = options("bad"); o.patch = 25; return o }(), command: "test"))
    }
}
