import XCTest
import LatentModels
import LatentTensor
@testable import LatentTasks

final class GenerativeTasksTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "latent-generative-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/data/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/data/b", withIntermediateDirectories: true)
        // 12 gray 16×16 images in two subfolders: a bright disc on a dark ground, varying place and size.
        var rng = RandomSource(seed: 1)
        for k in 0..<12 {
            let (cx, cy, r) = (rng.uniform(4, 12), rng.uniform(4, 12), rng.uniform(2, 6))
            let samples = (0..<256).map { i -> Float in
                let (x, y) = (Float(i % 16), Float(i / 16))
                return ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot() < r ? 0.9 : 0.1
            }
            try Image(width: 16, height: 16, layout: .gray, samples: samples)
                .write(to: folder + "/data/\(k < 6 ? "a" : "b")/img\(k).png")
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func options(_ kind: String, steps: Int, output: String) -> GenerativeTrainingOptions {
        var o = GenerativeTrainingOptions(kind: kind, data: folder + "/data", output: folder + "/" + output)
        o.size = 16; o.channels = 1; o.latentDim = 4; o.widths = [8, 16]
        o.steps = steps; o.batch = 4; o.checkpointEvery = 100; o.sampleEvery = 100
        return o
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// An interrupted run resumed from its checkpoint ends with the same file as one that ran
    /// straight through: model, optimizer moments, batch norm statistics and the random stream
    /// are all restored.
    func testPauseAndResumeMatchAnUninterruptedRun() throws {
        for kind in ["vae", "gan"] {
            let straight = options(kind, steps: 6, output: "\(kind)-straight.safetensors")
            let lastStraight = try GenerativeTraining(options: straight, command: "test").run(resume: false)
            XCTAssertTrue(lastStraight.allSatisfy { $0.1.isFinite }, "\(kind): \(lastStraight)")

            let paused = options(kind, steps: 6, output: "\(kind)-paused.safetensors")
            try GenerativeTraining(options: paused, command: "test").run(resume: false, pauseAt: 3)
            XCTAssertFalse(FileManager.default.fileExists(atPath: paused.output), "a paused run writes no model")
            XCTAssertTrue(FileManager.default.fileExists(atPath: paused.checkpointPath))
            let lastResumed = try GenerativeTraining(options: paused, command: "test").run(resume: true)
            XCTAssertEqual(lastResumed.map(\.1), lastStraight.map(\.1), kind)
            let a = try ModelFile(path: straight.output), b = try ModelFile(path: paused.output)
            XCTAssertEqual(try a.kind, kind)
            for (name, tensor) in a.file.tensors {
                if name.hasSuffix("num_batches_tracked") {
                    XCTAssertEqual(try tensor.int64s(), try b.file.tensors[name]?.int64s(), "\(kind): \(name)")
                } else {
                    XCTAssertEqual(try tensor.floats(), try b.file.tensors[name]?.floats(), "\(kind): \(name)")
                }
            }
            XCTAssertTrue(FileManager.default.fileExists(atPath: straight.samplesPath))
        }
    }

    func testResumeRefusesOtherOptions() throws {
        var o = options("ae", steps: 4, output: "ae.safetensors")
        try GenerativeTraining(options: o, command: "test").run(resume: false, pauseAt: 2)
        o.latentDim = 5
        XCTAssertThrowsError(try GenerativeTraining(options: o, command: "test").run(resume: true))
    }

    /// The same seed gives byte-identical PNGs, also with another thread count.
    func testGenerateIsByteIdenticalAcrossThreadCounts() throws {
        let o = options("gan", steps: 2, output: "gan.safetensors")
        try GenerativeTraining(options: o, command: "test").run(resume: false)
        let model = try GenerativeModel(modelPath: o.output)
        let previous = Engine.threads
        defer { Engine.setThreads(previous) }
        var grids: [Data] = []
        for threads in [1, 2, 1] {
            Engine.setThreads(threads)
            let path = folder + "/grid\(grids.count).png"
            try GenerativeSampling.run(model, output: .grid(path: path, rows: 3, columns: 4), seed: 42, temperature: 1)
            grids.append(try bytes(path))
        }
        XCTAssertEqual(grids[0], grids[1])
        XCTAssertEqual(grids[0], grids[2])
        let other = folder + "/other.png"
        try GenerativeSampling.run(model, output: .grid(path: other, rows: 3, columns: 4), seed: 43, temperature: 1)
        XCTAssertNotEqual(try bytes(other), grids[0])

        // Separate files are the grid's cells: sample k does not depend on the count.
        let files = try GenerativeSampling.run(model, output: .files(folder: folder + "/files", count: 2), seed: 42, temperature: 1)
        XCTAssertEqual(files.count, 2)
        let first = try Image(contentsOf: files[0])
        XCTAssertEqual([first.width, first.height], [16, 16])
        let cell = try Image(contentsOf: folder + "/grid0.png")
        XCTAssertEqual([cell.width, cell.height], [4 * 16 + 3 * 2, 3 * 16 + 2 * 2])
        XCTAssertEqual(Array(cell.samples[0..<16]), Array(first.samples[0..<16]))
    }

    /// The codes behind `latent generate --seed 7`, pinned: Benchmarks/peers/latent_models.py
    /// (`LatentRandomSource`) rebuilds them from the same numbers.
    func testSampleCodesArePinned() throws {
        var rng = RandomSource(seed: 7)
        XCTAssertEqual([rng.next(), rng.next()], [12_923_355_070_828_475_994, 5_142_052_590_334_782_674])
        let model = GenerativeModel(network: .gan(DCGAN(GANArchitecture(imageSize: 16, channels: 1, latentDim: 3, widths: [8, 16]), seed: 0)))
        XCTAssertEqual(model.sampleCodes(count: 1, seed: 7).toArray(), [-0.15157274901866913, 0.587099552154541, 0.09447186440229416])
        XCTAssertEqual(model.sampleCodes(count: 1, seed: 7, temperature: 0.5).toArray()[1], 0.587099552154541 * 0.5)
    }

    func testOutputChoice() throws {
        XCTAssertEqual(try GenerativeSampling.output(path: "x.png", count: nil, grid: "2x3"), .grid(path: "x.png", rows: 2, columns: 3))
        XCTAssertEqual(try GenerativeSampling.output(path: "x.png", count: 10, grid: nil), .grid(path: "x.png", rows: 3, columns: 4))
        XCTAssertEqual(try GenerativeSampling.output(path: "out", count: 5, grid: nil), .files(folder: "out", count: 5))
        XCTAssertThrowsError(try GenerativeSampling.output(path: "out", count: nil, grid: "2x2"))
        XCTAssertThrowsError(try GenerativeSampling.output(path: "x.png", count: 5, grid: "2x2"))
    }

    func testSlerpKeepsTheNormBetweenEqualNormCodes() {
        let (a, b): ([Float], [Float]) = ([3, 0, 0], [0, 3, 0])
        XCTAssertEqual(LatentInterpolation.slerp(a, b, 0), a)
        let mid = LatentInterpolation.slerp(a, b, 0.5)
        XCTAssertEqual(mid.reduce(0) { $0 + $1 * $1 }.squareRoot(), 3, accuracy: 1e-5)
        XCTAssertEqual(mid[0], mid[1], accuracy: 1e-6)
        XCTAssertEqual(LatentInterpolation.lerp(a, b, 0.5), [1.5, 1.5, 0])
        let end = LatentInterpolation.slerp(a, b, 1)
        XCTAssertEqual(end[1], 3, accuracy: 1e-5)
    }

    func testAutoencoderTasks() throws {
        let o = options("vae", steps: 2, output: "vae.safetensors")
        try GenerativeTraining(options: o, command: "test").run(resume: false)
        let model = try GenerativeModel(modelPath: o.output)
        let inputs = [folder + "/data/a/img0.png", folder + "/data/b/img7.png"]

        // Strength 0 is a plain reconstruction; the direction is the difference of the mean codes.
        let written = try Reconstruction.run(model, images: inputs, to: folder + "/recon")
        let direction = try AttributeDirection.compute(model, from: folder + "/data/a", to: folder + "/data/b")
        XCTAssertEqual(direction.vector.count, 4)
        XCTAssertEqual([direction.fromCount, direction.toCount], [6, 6])
        let unmoved = try direction.apply(model, to: inputs, strength: 0)
        XCTAssertEqual(try Image(contentsOf: written[0]).samples,
                       try Image(contentsOf: { let p = folder + "/u.png"; try unmoved[0].write(to: p); return p }()).samples)
        let moved = try direction.apply(model, to: inputs, strength: 3)
        XCTAssertNotEqual(moved[0].samples, unmoved[0].samples)
        try direction.save(to: folder + "/direction.safetensors", metadata: [:])
        XCTAssertEqual(try ModelFile(path: folder + "/direction.safetensors").file.tensors["direction"]?.floats(), direction.vector)

        let strip = try LatentInterpolation.strip(model, from: .image(inputs[0]), to: .image(inputs[1]), steps: 5)
        XCTAssertEqual([strip.width, strip.height], [5 * 16 + 4 * 2, 16])

        let images = try GenerativeImages(folder: folder + "/data", channels: 1, size: 16)
        let evaluation = try VAEEvaluation.run(try model.requireEncoder(for: "test"), images: images, seed: 0)
        XCTAssertEqual(evaluation.images, 12)
        XCTAssertGreaterThan(evaluation.kl, 0)
        XCTAssertGreaterThan(evaluation.negativeELBO, evaluation.continuousBernoulliNegativeELBO, "log C ≥ log 2 > 0")
        XCTAssertEqual(evaluation.bitsPerDimension, evaluation.negativeELBO / (256 * log(2)), accuracy: 1e-9)
        let again = try VAEEvaluation.run(try model.requireEncoder(for: "test"), images: images, seed: 0)
        XCTAssertEqual(again.negativeELBO, evaluation.negativeELBO)
    }

    func testGANEvaluationFindsCopies() throws {
        let o = options("gan", steps: 1, output: "gan.safetensors")
        try GenerativeTraining(options: o, command: "test").run(resume: false)
        let model = try GenerativeModel(modelPath: o.output)
        let train = try GenerativeImages(folder: folder + "/data", channels: 1, size: 16)
        let result = GANEvaluation.run(model, train: train, test: train, sampleCount: 8, seed: 0)
        XCTAssertGreaterThan(result.diversity, 0)
        // The "test" set is the training set here: its nearest distances are exactly 0.
        XCTAssertEqual(result.testNearestMedian, 0, accuracy: 1e-3)
        XCTAssertGreaterThan(result.sampleNearestMedian, 0.1)
        XCTAssertEqual(result.testDuplicateFraction, 1)
        XCTAssertEqual(result.sampleDuplicateFraction, 0)
        let distances = GANEvaluation.nearestDistances(train.batch([3]).reshaped([1, -1]), to: train)
        XCTAssertEqual(distances[0], 0, accuracy: 1e-3)
    }

    func testEmojiAreCompositedOnWhiteAndPaddedSquare() throws {
        // A 4×2 RGBA image: left half opaque red, right half transparent.
        var samples = [Float](repeating: 0, count: 4 * 8)
        for i in 0..<8 where i % 4 < 2 { samples[i] = 1; samples[24 + i] = 1 }  // R plane and alpha plane
        let image = Image(width: 4, height: 2, layout: .rgba, samples: samples)
        let values = GenerativeImages.prepare(image, channels: 3, size: 4)
        XCTAssertEqual(values.count, 3 * 16)
        // Rows 0 and 3 are padding (white); rows 1–2 hold the image: red, red, white, white.
        XCTAssertEqual(Array(values[0..<4]), [1, 1, 1, 1])
        XCTAssertEqual(Array(values[4..<8]), [1, 1, 1, 1], "red channel: red and white are both 1")
        XCTAssertEqual(Array(values[16 + 4..<16 + 8]), [0, 0, 1, 1], "green channel: 0 where red, 1 where transparent")
    }

    func testSharedDatasetsLoad() throws {
        let root = "/work/shared/datasets/generative"
        guard FileManager.default.fileExists(atPath: root + "/faces48/test/happy"),
              FileManager.default.fileExists(atPath: root + "/emoji") else {
            throw XCTSkip("shared generative datasets not found under \(root)")
        }
        let faces = try GenerativeImages(folder: root + "/faces48/test/happy", channels: 1, size: 48, limit: 8)
        XCTAssertEqual(faces.count, 8)
        XCTAssertEqual(try GenerativeImages.naturalChannels(of: root + "/faces48/test"), 1)
        let emoji = try GenerativeImages(folder: root + "/emoji", channels: 3, size: 32, limit: 4)
        XCTAssertEqual(emoji.valuesPerImage, 3 * 32 * 32)
        let first = emoji.values(0)
        XCTAssertEqual(first[0], 1, accuracy: 0.02, "emoji corners are transparent, so white after compositing")
    }

    func testHoldOutSplitPartitionsTheFilesTheSameWayEachTime() {
        let files = (0..<23).map { String(format: "img%03d.png", $0) }
        let training = HoldOutSplit(every: 10, part: .training).select(files)
        let held = HoldOutSplit(every: 10, part: .heldOut).select(files)
        XCTAssertEqual(held, ["img009.png", "img019.png"])
        XCTAssertEqual(training.count, 21)
        XCTAssertTrue(Set(training).isDisjoint(with: held))
        XCTAssertEqual(Set(training).union(held), Set(files))
    }
}
