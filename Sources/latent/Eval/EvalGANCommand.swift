import ArgumentParser
import Foundation
import LatentTasks

struct EvalGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "Diversity and memorisation of a GAN's samples, by pixel distances.",
        discussion: """
        Diversity: mean pairwise L2 distance of 64 samples (and of 64 test images, for scale). \
        Memorisation: each sample's distance to its nearest training image against the same for test \
        images (up to --max-test, evenly spaced); a ratio ≪ 1, or many samples below the 5th \
        percentile of the test distances (test images that duplicate a training image left out), means \
        the generator copies its training set; near-duplicate rates (RMS pixel difference < 0.01) are shown \
        for samples and test images (FER-2013, behind faces48, repeats some images across its splits).
        """)

    @OptionGroup var engine: EngineOptions
    @Option(help: "Model name or path (kind gan; a vae's prior samples work too).") var model: String
    @Option(help: "Folder tree of the training images.") var data: String
    @Option(help: "Folder tree of held-out test images.") var test: String?
    @Option(help: "Instead of --test: the images `latent train … --hold-out K` kept out of --data are the test set, the others the training set.") var holdOut: Int?
    @Option(help: "Seed of the samples.") var seed: UInt64 = 0
    @Option(help: "Test images compared with the training set.") var maxTest: Int = 512
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard (test == nil) != (holdOut == nil) else { throw ValidationError("give either --test or --hold-out") }
        if let holdOut, holdOut < 2 { throw ValidationError("--hold-out must be at least 2") }
    }

    func run() throws {
        engine.apply()
        do {
            let loaded = try GenerativeModel(modelPath: ModelLocator.resolve(model))
            let split = { (part: HoldOutSplit.Part) in self.holdOut.map { HoldOutSplit(every: $0, part: part) } }
            let train = try GenerativeImages(folder: data, channels: loaded.channels, size: loaded.imageSize, split: split(.training))
            let held = try GenerativeImages(folder: test ?? data, channels: loaded.channels, size: loaded.imageSize, split: split(.heldOut))
            let r = GANEvaluation.run(loaded, train: train, test: held, seed: seed, maxTest: maxTest)
            if json {
                print(JSONLine.encode([
                    "model": .string(model), "data": .string(data), "test": test.map { .string($0) } ?? .string(data), "hold_out": holdOut.map { .number(Double($0)) } ?? .null, "samples": .number(Double(r.samples)),
                    "diversity": .number(r.diversity), "test_diversity": .number(r.testDiversity),
                    "sample_nearest_mean": .number(r.sampleNearestMean), "sample_nearest_median": .number(r.sampleNearestMedian),
                    "test_nearest_median": .number(r.testNearestMedian), "test_nearest_p5": .number(r.testNearestP5),
                    "memorisation_ratio": .number(r.memorisationRatio), "fraction_closer_than_test_p5": .number(r.fractionCloserThanP5),
                    "sample_duplicate_fraction": .number(r.sampleDuplicateFraction), "test_duplicate_fraction": .number(r.testDuplicateFraction),
                    "test_images": .number(Double(r.testImagesUsed)), "training_images": .number(Double(r.trainingImages)),
                ]))
            } else {
                print(String(format: "diversity: mean pairwise distance %.3f over %d samples (test images: %.3f)", r.diversity, r.samples, r.testDiversity))
                print(String(format: "nearest training image: samples median %.3f (mean %.3f), test images median %.3f (%d of them, 5th pct %.3f)",
                             r.sampleNearestMedian, r.sampleNearestMean, r.testNearestMedian, r.testImagesUsed, r.testNearestP5))
                print(String(format: "memorisation ratio %.3f (≈1 healthy, ≪1 copying); %.1f%% of samples closer than the test 5th percentile",
                             r.memorisationRatio, 100 * r.fractionCloserThanP5))
                print(String(format: "near-duplicates of a training image (RMS < %.2f): %.1f%% of samples, %.1f%% of test images",
                             GANEvaluation.duplicateRMS, 100 * r.sampleDuplicateFraction, 100 * r.testDuplicateFraction))
            }
        } catch let error as TaskError {
            FileHandle.standardError.write(Data("latent: \(error)\n".utf8)); throw ExitCode(1)
        }
    }
}
