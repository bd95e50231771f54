import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// Trains an upscaling network on aligned low/high-resolution patch pairs made with the
/// documented degradation (`SuperResolutionDegradation`), the network learning the detail that
/// bicubic upsampling misses.
public final class UpscaleTraining {
    public let options: UpscaleTrainingOptions
    public let command: String

    public init(options: UpscaleTrainingOptions, command: String) throws {
        let o = options
        guard (2...8).contains(o.scale) else { throw TaskError.invalidOption("--scale must be 2…8") }
        guard [1, 3].contains(o.channels) else { throw TaskError.invalidOption("--channels must be 1 or 3") }
        guard o.patch > 0, o.patch % o.scale == 0, o.patch / o.scale >= 4 else {
            throw TaskError.invalidOption("--patch must be a multiple of --scale and at least 4 × --scale")
        }
        guard o.batch > 0, o.steps > 0, o.checkpointEvery > 0, (o.validateEvery ?? 1) > 0 else {
            throw TaskError.invalidOption("--batch, --steps, --checkpoint-every and --validate-every must be positive")
        }
        guard !o.data.isEmpty else { throw TaskError.invalidOption("--data is required") }
        guard ["charbonnier", "l1", "mse"].contains(o.loss) else { throw TaskError.invalidOption("--loss must be charbonnier, l1 or mse") }
        self.options = options
        self.command = command
    }

    /// The training pairs of `folders`, pooled: every image cropped to a multiple of `scale`
    /// (high) and degraded (low), then converted to `channels` (luma after the degradation, as a
    /// user's 8-bit RGB input would be). Images whose sides are below `minimumSide` are skipped.
    public struct Pairs {
        public var low: [Image] = []
        public var high: [Image] = []
        public var paths: [String] = []
        public var skipped: [(path: String, reason: String)] = []
        /// High-resolution pixels in all: what one epoch covers.
        public var pixels: Int { high.reduce(0) { $0 + $1.pixelCount } }
    }

    public static func pairs(folders: [String], scale: Int, channels: Int, minimumSide: Int) throws -> Pairs {
        var pairs = Pairs()
        for folder in folders {
            let images = try TrainingImages(folder: folder, channels: 3, minimumSide: minimumSide)
            pairs.skipped += images.skipped
            for (image, path) in zip(images.images, images.paths) {
                let high = SuperResolutionDegradation.cropToMultiple(image, of: scale)
                let low = SuperResolutionDegradation.lowResolution(high, scale: scale)
                pairs.high.append(channels == 1 ? high.grayscale() : high)
                pairs.low.append(channels == 1 ? low.grayscale() : low)
                pairs.paths.append(path)
            }
        }
        return pairs
    }

    /// Steps in one epoch: as many patches as it takes to cover the training pixels once.
    public static func stepsPerEpoch(pixels: Int, batch: Int, patch: Int) -> Int {
        max(1, (pixels + batch * patch * patch - 1) / (batch * patch * patch))
    }

    /// One optimisation step on pairs (low [N, C, p, p], high [N, C, p·s, p·s]): the detail
    /// target, forward, loss, backward, Adam. Returns the objective. The training loop runs it,
    /// and `TrainingStep` times it.
    static func step(_ network: UpscaleNet, _ optimizer: Optimizer, low: Tensor, high: Tensor, loss: String) -> Float {
        let target = detailTarget(low: low, high: high)
        network.zeroGrad()
        let objective = ReconstructionLoss.apply(loss, network(low), target)
        objective.backward()
        optimizer.step()
        return objective.item
    }

    /// high − bicubic(low): the detail the network must predict. low: [N, C, p, p], high: [N, C, q, q].
    static func detailTarget(low: Tensor, high: Tensor) -> Tensor {
        let (planes, p, q) = (low.shape[0] * low.shape[1], low.shape[3], high.shape[3])
        let base = low.withUnsafeBufferPointer {
            Resize.bicubic($0, channels: planes, width: p, height: p, newWidth: q, newHeight: q)
        }
        return high - Tensor(base, shape: high.shape)
    }

    /// Runs (or resumes) training and writes the model file; returns the final validation, if any.
    /// With `pauseAt`, training stops after that step with a checkpoint and no model file,
    /// to be continued later with `resume` (the schedule still spans `options.steps`).
    @discardableResult
    public func run(resume: Bool, pauseAt: Int? = nil) throws -> UpscaleEvaluation? {
        var o = options
        let progress = TrainingProgress(totalSteps: o.steps)

        // The model: fine-tuned from an existing file (whose architecture wins), or new.
        let network: UpscaleNet
        if let from = o.from {
            let file = try ModelFile(path: ModelLocator.resolve(from))
            let kind = try file.kind
            guard kind == UpscalerArchitecture.kindName else {
                throw TaskError.wrongModelKind(model: from, expected: UpscalerArchitecture.kindName, found: kind)
            }
            let architecture = try file.architecture(UpscalerArchitecture.self)
            if let problem = architecture.problem { throw TaskError.invalidOption("\(from): \(problem)") }
            guard architecture.channels == o.channels, architecture.scale == o.scale else {
                throw TaskError.invalidOption("\(from) is a ×\(architecture.scale) model on \(architecture.channels) channel(s); this run asks for ×\(o.scale) on \(o.channels)")
            }
            (o.features, o.code, o.mapping) = (architecture.features, architecture.code, architecture.mapping)
            network = UpscaleNet(architecture, seed: o.seed)
            try file.load(into: network)
        } else {
            let architecture = UpscalerArchitecture(channels: o.channels, scale: o.scale, features: o.features,
                                                    code: o.code, mapping: o.mapping)
            if let problem = architecture.problem { throw TaskError.invalidOption(problem) }
            network = UpscaleNet(architecture, seed: o.seed)
        }

        let train = try Self.pairs(folders: o.data, scale: o.scale, channels: o.channels, minimumSide: o.patch)
        for s in train.skipped { progress.note("skipped \(s.path): \(s.reason)") }
        guard !train.high.isEmpty else { throw TaskError.noImages(o.data.joined(separator: ", ")) }
        let validation = try o.validation.map { try TrainingImages(folder: $0, channels: 3) }
        let epoch = Self.stepsPerEpoch(pixels: train.pixels, batch: o.batch, patch: o.patch)
        let validateEvery = o.validateEvery ?? epoch
        progress.note("training ×\(o.scale) on \(train.high.count) images from \(o.data.joined(separator: ", ")) "
                      + String(format: "(%.1f MP; an epoch is %d steps)", Double(train.pixels) / 1e6, epoch)
                      + (validation.map { ", validating on \($0.count) every \(validateEvery) steps" } ?? ""))

        let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
        let schedule = LearningRateSchedule.cosine(totalSteps: o.steps, minimum: o.minimumLearningRate)
        let loop = try TrainingLoop(options: o, validateEvery: validateEvery, model: network, optimizer: optimizer,
                                    progress: progress, resume: resume)
        let sampler = PatchPairSampler(low: train.low, high: train.high, scale: o.scale, lowPatch: o.patch / o.scale)
        let outcome = try loop.run(pauseAt: pauseAt, validate: validation.map { images in { step in
            let result = try UpscaleEvaluation.run(Upscaler(network: network), images: images, scale: o.scale)
            return TrainingLoop.Validation(
                result: result, history: ["psnr": result.meanPSNR, "bicubic_psnr": result.meanBicubicPSNR],
                line: String(format: "step %d (epoch %.1f): validation luma PSNR %.3f dB at ×%d (bicubic %.3f dB, gain %+.3f dB)",
                                     step, Double(step) / Double(epoch), result.meanPSNR, o.scale, result.meanBicubicPSNR,
                                     result.meanPSNR - result.meanBicubicPSNR))
        } }) { done, rng in
            let (low, high) = sampler.batch(o.batch, using: &rng)
            optimizer.learningRate = schedule.learningRate(base: o.learningRate, step: done)
            let objective = Self.step(network, optimizer, low: low, high: high, loss: o.loss)
            return .init(loss: objective, learningRate: optimizer.learningRate)
        }
        guard !outcome.paused else { return nil }
        let final = outcome.final

        var record = ["command": command, "data": o.data.joined(separator: ","), "seed": String(o.seed)]
        if let final {
            record["validation_psnr_x\(o.scale)"] = String(format: "%.3f", final.meanPSNR)
            record["validation_bicubic_psnr_x\(o.scale)"] = String(format: "%.3f", final.meanBicubicPSNR)
        }
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: try loop.trainingJSON(record), to: o.output)
        loop.noteWritten(o.output)
        return final
    }
}
