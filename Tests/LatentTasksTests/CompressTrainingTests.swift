import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

final class CompressTrainingTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "latent-compress-training-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/train", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/val", withIntermediateDirectories: true)
        for k in 0..<4 {
            try LatentCodecTests.image(width: 48 + 4 * k, height: 40 + 2 * k).write(to: "\(folder!)/train/img\(k).png")
        }
        try LatentCodecTests.image(width: 35, height: 21).write(to: "\(folder!)/val/v.png")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    private func options(_ name: String, steps: Int = 10) -> CompressTrainingOptions {
        var o = CompressTrainingOptions(data: folder + "/train", output: "\(folder!)/\(name).safetensors")
        o.validation = folder + "/val"
        o.width = 8
        o.latentChannels = 8
        o.steps = steps
        o.batch = 2
        o.patch = 32
        o.learningRate = 3e-3
        o.minimumLearningRate = 3e-3
        o.checkpointEvery = 4
        o.validateEvery = 100
        o.seed = 3
        return o
    }

    private func run(_ o: CompressTrainingOptions, resume: Bool = false, pauseAt: Int? = nil) throws -> CompressTraining {
        let training = try CompressTraining(options: o, command: "test")
        training.reportEvery = 1000
        try training.run(resume: resume, pauseAt: pauseAt)
        return training
    }

    /// The rate–distortion loss falls, and the written model (with its frozen tables) codes files.
    func testLossFallsAndTheWrittenModelCodes() throws {
        var o = options("falls", steps: 50)
        o.validateEvery = 25
        let training = try run(o)
        let losses = training.losses
        XCTAssertEqual(losses.count, 50)
        let first = losses.prefix(10).reduce(0, +) / 10, last = losses.suffix(10).reduce(0, +) / 10
        XCTAssertLessThan(last, first * 0.8, "loss \(first) → \(last)")

        let codec = try LatentCodec(modelPath: o.output)
        let image = try Image(contentsOf: folder + "/val/v.png")
        let decoded = try codec.decode(try codec.encode(image), source: "v.lat")
        XCTAssertEqual([decoded.width, decoded.height], [35, 21])
        let record = try XCTUnwrap(try ModelFile(path: o.output).trainingJSON)
        XCTAssertTrue(record.contains("validation_bpp val") && record.contains("\"lambda\""), record)
    }

    func testPausedAndResumedRunEqualsUninterruptedRun() throws {
        let straight = options("straight")
        _ = try run(straight)
        let paused = options("paused")
        _ = try run(paused, pauseAt: 6)
        XCTAssertFalse(FileManager.default.fileExists(atPath: paused.output))
        _ = try run(paused, resume: true)
        let a = try SafeTensorsFile(path: straight.output), b = try SafeTensorsFile(path: paused.output)
        XCTAssertEqual(a.tensors, b.tensors, "weights and frozen tables")

        var other = options("paused")
        other.lambda = 0.05
        XCTAssertThrowsError(try run(other, resume: true)) { XCTAssertTrue("\($0)".contains("other options"), "\($0)") }
    }

    /// --from: another quality level starts from a trained model's weights (its tables are
    /// re-frozen for the new λ), and only from one of the same architecture.
    func testFineTuningStartsFromTheGivenModel() throws {
        _ = try run(options("base", steps: 40))
        var tuned = options("tuned", steps: 5)
        tuned.lambda = 0.05
        tuned.from = folder + "/base.safetensors"
        let fromBase = try run(tuned)
        var scratch = options("scratch", steps: 5)
        scratch.lambda = 0.05
        let fromScratch = try run(scratch)
        XCTAssertLessThan(fromBase.losses[0], fromScratch.losses[0] * 0.8, "first loss \(fromBase.losses[0]) vs \(fromScratch.losses[0]) from scratch")
        let codec = try LatentCodec(modelPath: tuned.output)
        XCTAssertEqual(try codec.decode(try codec.encode(try Image(contentsOf: folder + "/val/v.png")), source: "v.lat").width, 35)

        var wider = options("wider", steps: 5)
        wider.width = 16
        wider.from = folder + "/base.safetensors"
        XCTAssertThrowsError(try run(wider)) { XCTAssertTrue("\($0)".contains("another architecture"), "\($0)") }
    }

    func testOptionsAreChecked() {
        var o = options("bad")
        o.patch = 40
        XCTAssertThrowsError(try CompressTraining(options: o, command: "")) { XCTAssertTrue("\($0)".contains("multiple of 16")) }
        o = options("bad")
        o.activation = "tanh"
        XCTAssertThrowsError(try CompressTraining(options: o, command: ""))
    }

    /// The evaluation's numbers are those of the real files, and JPEG is matched in size.
    func testEvaluationMeasuresRealFilesAndMatchesJPEG() throws {
        let codec = try LatentCodecTests.codec()
        let images = try TrainingImages(folder: folder + "/train", channels: 3)
        let result = try CompressEvaluation.run(codec, images: images)
        XCTAssertEqual(result.entries.count, 4)
        for (k, e) in result.entries.enumerated() {
            let bytes = try codec.encode(images.images[k])
            XCTAssertEqual(e.bytes, bytes.count)
            XCTAssertEqual(e.bpp, Double(bytes.count * 8) / Double(e.width * e.height), accuracy: 1e-12)
            let jpeg = try XCTUnwrap(e.jpeg)
            // The chosen quality is the closest in size among its neighbours.
            for q in [jpeg.quality - 1, jpeg.quality + 1] where (1...100).contains(q) {
                let size = try JPEGCodec.encode(images.images[k], options: .init(quality: q, subsampling: .s420)).count
                XCTAssertGreaterThanOrEqual(abs(size - e.bytes), abs(jpeg.bytes - e.bytes), "quality \(q)")
            }
            XCTAssertNil(e.msssim.flatMap { $0.isNaN ? nil : $0 }, "images under 176 px have no MS-SSIM")
        }
    }

    func testMSSSIMOfIdenticalAndDegradedImages() {
        var rng = RandomSource(seed: 8)
        let (w, h) = (180, 190)
        let a: [Float] = (0..<(w * h)).map { (k: Int) -> Float in
            let (x, y) = (Double(k % w), Double(k / w))
            return Float(0.5 + 0.4 * sin(x * 0.1) * cos(y * 0.07))
        }
        let noisy = a.map { min(max($0 + rng.uniform(-0.1, 0.1), 0), 1) }
        XCTAssertEqual(MSSSIM.eightBit(a, a, channels: 1, width: w, height: h), 1, accuracy: 1e-12)
        let degraded = MSSSIM.eightBit(noisy, a, channels: 1, width: w, height: h)
        XCTAssertLessThan(degraded, 0.99)
        XCTAssertGreaterThan(degraded, 0.3)
        let narrow = [Float](repeating: 0.5, count: 100 * 300)
        XCTAssertTrue(MSSSIM.eightBit(narrow, narrow, channels: 1, width: 100, height: 300).isNaN, "too small for five scales")
    }
}
