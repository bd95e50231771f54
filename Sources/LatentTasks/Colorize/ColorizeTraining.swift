import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// The options of `latent train colorize`; stored in checkpoints and in the model's training
/// record, so a run can be resumed and reproduced exactly.
public struct ColorizeTrainingOptions: Codable, Equatable, TrainingLoopOptions {
    public var data: String
    public var validation: String?
    public var output: String
    public var from: String?
    /// Training images are resized so their short side is this (the working resolution the
    /// model will run at), then cropped.
    public var renderSize: Int = Colorizer.defaultRenderSize
    public var widths: [Int] = [32, 64, 128, 256]
    public var binSize: Float = 10
    public var steps: Int = 4000
    public var batch: Int = 16
    public var patch: Int = 128
    public var learningRate: Float = 1e-3
    public var minimumLearningRate: Float = 1e-5
    /// λ of the class rebalancing (0: weights ∝ 1/prior; 1: no rebalancing). Zhang et al. use
    /// 0.5; 0.1 is chosen by measurement on McMaster18 (250 steps of a small network — widths
    /// 16…128, 16 crops of 64² at render size 128: λ = 1, 0.5, 0.25, 0.1 gave 12 %, 21 %, 27 %,
    /// 36 % of the originals' colourfulness at T = 0.38, every one above the gray image's PSNR).
    public var rebalance: Float = 0.1
    /// Readout temperature stored in the model.
    public var temperature: Float = 0.38
    public var seed: UInt64 = 1
    public var checkpointEvery: Int = 250
    public var validateEvery: Int = 500

    public init(data: String, output: String) {
        self.data = data
        self.output = output
    }

    /// `<output>.checkpoint.safetensors`, next to the output.
    public var checkpointPath: String { Checkpoint.path(nextTo: output) }

    /// Options that must not change when a run is resumed (as for denoise: the length, the
    /// reporting intervals, the output, the readout temperature and where the data folders are
    /// mounted may).
    func sameRun(as other: ColorizeTrainingOptions) -> Bool {
        var a = self, b = other
        for o in [\ColorizeTrainingOptions.steps, \.checkpointEvery, \.validateEvery] { a[keyPath: o] = 0; b[keyPath: o] = 0 }
        a.data = ""; b.data = ""; a.validation = nil; b.validation = nil; a.output = ""; b.output = ""
        a.temperature = 0; b.temperature = 0
        return a == b
    }
}

/// Trains a colorization network on colour photos: random crops (left–right mirrored at random)
/// of the photos at the working resolution; input L, target the soft-encoded ab bins at the
/// network's output resolution, weighted by class rebalancing (`ABClassTargets`).
public final class ColorizeTraining {
    public let options: ColorizeTrainingOptions
    public let command: String
    /// Called after every optimizer step with the step and its loss (tests, monitoring).
    public var onStep: ((Int, Float) -> Void)?

    public init(options: ColorizeTrainingOptions, command: String) throws {
        let o = options
        guard o.patch > 0, o.batch > 0, o.steps > 0 else { throw TaskError.invalidOption("--patch, --batch and --steps must be positive") }
        guard o.renderSize >= o.patch else { throw TaskError.invalidOption("--patch \(o.patch) must not exceed --render-size \(o.renderSize)") }
        guard (0...1).contains(o.rebalance) else { throw TaskError.invalidOption("--rebalance must be in [0, 1]") }
        guard o.temperature > 0, o.binSize > 0 else { throw TaskError.invalidOption("--temperature and --bin-size must be positive") }
        guard o.widths.count >= 2, o.widths.allSatisfy({ $0 > 0 }) else { throw TaskError.invalidOption("--widths needs at least two positive levels") }
        self.options = options
        self.command = command
    }

    /// The photos at the working resolution, in CIE Lab (three planes L, a, b in an `.rgb` Image,
    /// so that `PatchSampler` can cut them); converted once, not at every step.
    static func labImages(_ images: TrainingImages, renderSize: Int) -> [Image] {
        images.images.map { image in
            let (w, h) = Colorizer.workingSize(width: image.width, height: image.height, renderSize: renderSize, alignment: 1)
            let resized = image.resized(width: w, height: h)
            let lab = resized.convertedColorPlanes(ColorSpace.rgbToLab)
            return resized.replacing(samples: lab)
        }
    }

    /// How often each bin is the nearest to the ab of the training photos, at the resolution the
    /// loss sees (ab averaged over `outputStride`² blocks): the empirical prior.
    static func binCounts(_ labImages: [Image], targets: ABClassTargets, outputStride s: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: targets.bins.count)
        for image in labImages {
            let (w, h) = (image.width / s, image.height / s)
            var ab = [Float](repeating: 0, count: 2 * w * h)
            image.withUnsafeBufferPointer { src in
                let n = image.pixelCount
                for c in 0..<2 {
                    for y in 0..<h {
                        for x in 0..<w {
                            var total: Float = 0
                            for dy in 0..<s { for dx in 0..<s { total += src[(c + 1) * n + (y * s + dy) * image.width + x * s + dx] } }
                            ab[c * w * h + y * w + x] = total / Float(s * s)
                        }
                    }
                }
            }
            ab.withUnsafeBufferPointer { targets.counts(ab: $0, into: &counts) }
        }
        return counts
    }

    /// patches: Lab [N, 3, P, P] → the network's input [N, 1, P, P] and ab averaged over
    /// s×s blocks [N, 2, P/s, P/s].
    static func split(_ patches: Tensor, outputStride s: Int) -> (input: Tensor, ab: Tensor) {
        let parts = patches.split(sizes: [1, 2], axis: 1)
        let input = parts[0].toArray().map(ColorizeNet.normalizedLightness)
        return (Tensor(input, shape: parts[0].shape), avgPool2d(parts[1], kernel: (s, s)))
    }

    /// One optimisation step on Lab patches [N, 3, P, P]: lightness in, the soft-encoded ab bins
    /// (with their class weights) as targets, cross-entropy, backward, Adam. Returns the loss.
    /// The training loop runs it, and `TrainingStep` times it.
    static func step(_ network: ColorizeNet, _ optimizer: Optimizer, patches: Tensor, targets: ABClassTargets) -> Float {
        let (input, ab) = split(patches, outputStride: network.architecture.outputStride)
        let (target, pixelWeights) = targets.encode(ab)
        network.zeroGrad()
        let loss = Loss.softCrossEntropy(logits: network(input), targets: target, weights: pixelWeights)
        loss.backward()
        optimizer.step()
        return loss.item
    }

    /// Runs (or resumes) training and writes the model file; returns the final validation, if any.
    /// With `pauseAt`, training stops after that step with a checkpoint and no model file.
    @discardableResult
    public func run(resume: Bool, pauseAt: Int? = nil) throws -> ColorizeEvaluation? {
        let o = options
        let progress = TrainingProgress(totalSteps: o.steps)
        let train = try TrainingImages(folder: o.data, channels: 3)
        for s in train.skipped { progress.note("skipped \(s.path): \(s.reason)") }
        let validation = try o.validation.map { try TrainingImages(folder: $0, channels: 3) }
        progress.note("training on \(train.count) images from \(o.data)" + (validation.map { ", validating on \($0.count)" } ?? ""))

        // The model: fine-tuned from an existing file (whose bins it keeps), or new.
        let network: ColorizeNet
        if let from = o.from {
            let file = try ModelFile(path: ModelLocator.resolve(from))
            guard try file.kind == ColorizerArchitecture.kindName else {
                throw TaskError.wrongModelKind(model: from, expected: ColorizerArchitecture.kindName, found: try file.kind)
            }
            var architecture = try file.architecture(ColorizerArchitecture.self)
            if let problem = architecture.problem { throw ModelFileError(path: file.path, reason: problem) }
            architecture.temperature = o.temperature
            network = ColorizeNet(architecture, seed: o.seed)
            try file.load(into: network)
        } else {
            network = ColorizeNet(.standard(bins: ABGamut.bins(binSize: o.binSize), binSize: o.binSize,
                                            widths: o.widths, temperature: o.temperature), seed: o.seed)
        }
        let architecture = network.architecture
        guard o.patch % architecture.totalStride == 0 else {
            throw TaskError.invalidOption("--patch must be a multiple of \(architecture.totalStride), the network's stride")
        }
        let s = architecture.outputStride
        let labImages = Self.labImages(train, renderSize: o.renderSize)
        var targets = ABClassTargets(bins: architecture.bins)
        targets.rebalance(counts: Self.binCounts(labImages, targets: targets, outputStride: s), lambda: o.rebalance)
        let weights = targets.classWeights
        progress.note(String(format: "%d ab bins of side %g; class weights %.2f…%.2f (λ = %g)", architecture.classCount,
                             architecture.binSize, weights.min() ?? 0, weights.max() ?? 0, o.rebalance))

        let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
        let schedule = LearningRateSchedule.cosine(totalSteps: o.steps, minimum: o.minimumLearningRate)
        let loop = try TrainingLoop(options: o, validateEvery: o.validateEvery, model: network, optimizer: optimizer,
                                    progress: progress, resume: resume)
        let sampler = PatchSampler(images: labImages, patchSize: o.patch, symmetries: .mirror)
        let outcome = try loop.run(pauseAt: pauseAt, validate: validation.map { images in { step in
            let result = try ColorizeEvaluation.run(Colorizer(network: network, renderSize: o.renderSize), images: images)
            return TrainingLoop.Validation(
                result: result,
                history: ["psnr": result.meanPSNR, "gray_psnr": result.meanGrayPSNR, "colorfulness_ratio": result.colorfulnessRatio],
                line: String(format: "step %d: validation PSNR %.3f dB (gray %.3f dB), colourfulness %.1f of %.1f (%.0f%%)",
                                     step, result.meanPSNR, result.meanGrayPSNR, result.meanColorfulness,
                                     result.meanOriginalColorfulness, 100 * result.colorfulnessRatio))
        } }) { done, rng in
            let patches = sampler.batch(o.batch, using: &rng)
            optimizer.learningRate = schedule.learningRate(base: o.learningRate, step: done)
            let loss = Self.step(network, optimizer, patches: patches, targets: targets)
            onStep?(done + 1, loss)
            return .init(loss: loss, learningRate: optimizer.learningRate)
        }
        guard !outcome.paused else { return nil }
        let final = outcome.final

        var record = ["command": command, "data": o.data, "seed": String(o.seed)]
        if let final {
            record["validation_psnr"] = String(format: "%.3f", final.meanPSNR)
            record["validation_gray_psnr"] = String(format: "%.3f", final.meanGrayPSNR)
            record["validation_colorfulness_ratio"] = String(format: "%.3f", final.colorfulnessRatio)
        }
        try ModelFile.save(network, architecture: architecture, trainingJSON: try loop.trainingJSON(record), to: o.output)
        loop.noteWritten(o.output)
        return final
    }
}
