import XCTest
import LatentImage
import LatentModels
import LatentNN
import LatentTensor
@testable import LatentTasks

final class ColorizeTrainingTests: XCTestCase {
    private var folder: String!
    private var savedThreads = Engine.threads

    /// Eight 48×32 colour "photos" whose colour follows from what they show: a light, smooth
    /// blue sky above a darker, striped green or red-brown ground (which one varies).
    override func setUpWithError() throws {
        // One thread: these tiny networks gain nothing from more, and lose much on a busy machine.
        savedThreads = Engine.threads
        Engine.setThreads(1)
        folder = NSTemporaryDirectory() + "latent-colorize-training-\(UUID().uuidString)"
        for sub in ["train", "val"] {
            try FileManager.default.createDirectory(atPath: "\(folder!)/\(sub)", withIntermediateDirectories: true)
        }
        var rng = RandomSource(seed: 9)
        for k in 0..<10 {
            let (w, h) = (48, 32)
            let horizon = 10 + rng.index(below: 12)
            let ground: [Float] = k % 2 == 0 ? [0.2, 0.55, 0.15] : [0.55, 0.3, 0.15]
            var samples = [Float](repeating: 0, count: 3 * w * h)
            for y in 0..<h {
                for x in 0..<w {
                    let stripe: Float = (x + y) % 4 < 2 ? 0.1 : -0.05
                    let sky: [Float] = [0.45 + 0.005 * Float(y), 0.65 + 0.005 * Float(y), 0.95]
                    let c = y < horizon ? sky : ground.map { $0 + stripe }
                    for ch in 0..<3 { samples[(ch * h + y) * w + x] = (min(max(c[ch], 0), 1) * 255).rounded() / 255 }
                }
            }
            try Image(width: w, height: h, layout: .rgb, samples: samples)
                .write(to: "\(folder!)/\(k < 8 ? "train" : "val")/img\(k).png", format: .png)
        }
    }

    override func tearDownWithError() throws {
        Engine.setThreads(savedThreads)
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func options(_ name: String) -> ColorizeTrainingOptions {
        var o = ColorizeTrainingOptions(data: folder + "/train", output: "\(folder!)/\(name).safetensors")
        o.validation = folder + "/val"
        o.renderSize = 32
        o.widths = [8, 16, 16]
        o.binSize = 20
        o.steps = 12
        o.batch = 4
        o.patch = 32
        o.learningRate = 3e-3
        o.checkpointEvery = 4
        o.validateEvery = 100
        o.seed = 4
        return o
    }

    private func weights(_ path: String) throws -> [String: [Float]] {
        try SafeTensorsFile(path: path).tensors.mapValues { try $0.floats() }
    }

    func testLossFallsAndTheModelColorizes() throws {
        var o = options("falls")
        o.steps = 60
        let training = try ColorizeTraining(options: o, command: "test")
        var losses: [Float] = []
        training.onStep = { _, loss in losses.append(loss) }
        let final = try XCTUnwrap(try training.run(resume: false))
        XCTAssertEqual(losses.count, 60)
        let first = losses.prefix(10).reduce(0, +) / 10, last = losses.suffix(10).reduce(0, +) / 10
        XCTAssertLessThan(last, 0.8 * first, "loss \(first) → \(last)")
        // The trained model puts colour where gray had none, and the record says how it did.
        XCTAssertGreaterThan(final.meanColorfulness, 5)
        let record = try XCTUnwrap(try ModelFile(path: o.output).trainingJSON)
        XCTAssertTrue(record.contains("validation_colorfulness_ratio"), record)
        let architecture = try ModelFile(path: o.output).architecture(ColorizerArchitecture.self)
        XCTAssertEqual(architecture.bins, ABGamut.bins(binSize: 20))
        XCTAssertEqual(architecture.encoderConvs, [1, 2, 3])
    }

    func testPausedAndResumedRunEqualsUninterruptedRun() throws {
        let straight = options("straight")
        try ColorizeTraining(options: straight, command: "test").run(resume: false)

        let paused = options("paused")
        XCTAssertNil(try ColorizeTraining(options: paused, command: "test").run(resume: false, pauseAt: 5))
        XCTAssertFalse(FileManager.default.fileExists(atPath: paused.output), "a paused run writes no model")
        XCTAssertTrue(FileManager.default.fileExists(atPath: paused.checkpointPath))
        try ColorizeTraining(options: paused, command: "test").run(resume: true)
        XCTAssertEqual(try weights(straight.output), try weights(paused.output))

        var changed = options("paused")
        changed.rebalance = 0.2
        XCTAssertThrowsError(try ColorizeTraining(options: changed, command: "test").run(resume: true))
    }

    func testResumingAFinishedRunSetsTheReadoutTemperature() throws {
        var o = options("finished")
        o.steps = 3
        try ColorizeTraining(options: o, command: "test").run(resume: false)
        let trained = try weights(o.output)
        o.temperature = 0.2
        try ColorizeTraining(options: o, command: "test").run(resume: true)
        XCTAssertEqual(try ModelFile(path: o.output).architecture(ColorizerArchitecture.self).temperature, 0.2)
        XCTAssertEqual(try weights(o.output), trained, "no further training")
    }

    func testFineTuningStartsFromTheGivenModel() throws {
        let base = options("base")
        try ColorizeTraining(options: base, command: "test").run(resume: false)
        var tuned = options("tuned")
        tuned.from = base.output
        tuned.binSize = 10  // ignored: a fine-tuned model keeps its bins
        tuned.steps = 3
        tuned.temperature = 0.5
        try ColorizeTraining(options: tuned, command: "test").run(resume: false)
        let architecture = try ModelFile(path: tuned.output).architecture(ColorizerArchitecture.self)
        XCTAssertEqual(architecture.bins.count, ABGamut.bins(binSize: 20).count)
        XCTAssertEqual(architecture.temperature, 0.5)
        let (before, after) = (try weights(base.output), try weights(tuned.output))
        XCTAssertEqual(Set(before.keys), Set(after.keys))
        XCTAssertNotEqual(before, after)
        // Three steps of Adam at a small learning rate stay close to the start, unlike a fresh model.
        let drift = before.keys.map { key in zip(before[key]!, after[key]!).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        XCTAssertLessThan(drift, 0.05)
    }

    func testEvaluationOnATinySet() throws {
        let colorizer = Colorizer(network: ColorizeNet(ColorizeTests.smallArchitecture(), seed: 1), renderSize: 32)
        let images = try TrainingImages(folder: folder + "/val", channels: 3)
        let grayFolder = folder + "/gray"
        let result = try ColorizeEvaluation.run(colorizer, images: images, saveGrayTo: grayFolder)
        XCTAssertEqual(result.entries.count, 2)
        for (k, e) in result.entries.enumerated() {
            // The gray baseline by hand: the saved 8-bit luma PNG, repeated, against the original.
            let stem = ((e.path as NSString).lastPathComponent as NSString).deletingPathExtension
            let gray = try Image(contentsOf: "\(grayFolder)/\(stem).png")
            XCTAssertEqual(gray.layout, .gray)
            let original = images.images[k].samples
            XCTAssertEqual(e.grayPSNR, PSNR.eightBit(gray.samples + gray.samples + gray.samples, original), accuracy: 1e-9)
            XCTAssertEqual(e.originalColorfulness, Colorfulness.hasler(original), accuracy: 1e-9)
            XCTAssertTrue(e.psnr.isFinite && e.colorfulness >= 0)
        }
        XCTAssertEqual(result.colorfulnessRatio, result.meanColorfulness / result.meanOriginalColorfulness, accuracy: 1e-12)
    }
}
