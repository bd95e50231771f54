import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// The options of `latent train denoise`; stored in checkpoints and in the model's
/// training record, so a run can be resumed and reproduced exactly.
public struct DenoiseTrainingOptions: Codable, Equatable, TrainingLoopOptions {
    public var data: String
    public var validation: String?
    public var output: String
    public var from: String?
    public var channels: Int = 3
    public var widths: [Int] = [48, 96, 192]
    /// 3×3 convolutions per encoder / decoder level; nil keeps the architecture's defaults.
    public var encoderConvs: [Int]?
    public var decoderConvs: [Int]?
    /// LeakyReLU's negative slope; nil (runs recorded before the option existed) or 0 is ReLU.
    public var negativeSlope: Float?
    /// Residual encoder/decoder stages (conv pairs around an identity); nil (runs recorded
    /// before the option existed) or false: plain stacks.
    public var residual: Bool?
    public var steps: Int = 20_000
    /// The run's length in epochs (`TrainingImages.stepsPerEpoch`) instead of `steps`, which
    /// `run` then sets from the training data; nil: `steps` as given.
    public var epochs: Int?
    public var batch: Int = 16
    public var patch: Int = 96
    public var learningRate: Float = 1e-3
    public var minimumLearningRate: Float = 1e-5
    /// Gradients are clipped to this joint L2 norm; nil (runs recorded before the option) or 0: none.
    public var clipNorm: Float?
    /// "he" re-draws a new network's weights with He initialisation (`DenoiseUNet.heInitialize`);
    /// nil (runs recorded before the option) or "pytorch" keeps the layers' PyTorch default.
    public var initialization: String?
    /// The learning rate rises linearly over this many first steps; nil or 0: no warm-up.
    public var warmupSteps: Int?
    public var sigmaRange: [Float] = [0, 55]
    public var loss: String = "charbonnier"
    public var sparsity: Float?
    public var sparsityWeight: Float = 0
    public var seed: UInt64 = 1
    public var checkpointEvery: Int = 500
    /// Steps between validations; 0 with `epochs`: once per epoch.
    public var validateEvery: Int = 2000
    public var validationSigma: Float = 25

    public init(data: String, output: String) {
        self.data = data
        self.output = output
    }

    /// Where the resumable state of this run lives: next to the output, `<output>.checkpoint.safetensors`.
    public var checkpointPath: String { Checkpoint.path(nextTo: output) }

    /// Options that must not change when a run is resumed. The length (the cosine horizon is
    /// re-planned), the reporting intervals, the output and where the data folders are mounted
    /// may (their contents must be the same: a checkpoint moves between machines).
    func sameRun(as other: DenoiseTrainingOptions) -> Bool {
        var a = self, b = other
        a.steps = 0; b.steps = 0; a.checkpointEvery = 0; b.checkpointEvery = 0
        a.validateEvery = 0; b.validateEvery = 0
        a.data = ""; b.data = ""; a.validation = nil; b.validation = nil; a.output = ""; b.output = ""
        return a == b
    }
}

/// Trains a denoising U-Net on random patches with synthetic Gaussian noise.
public final class DenoiseTraining {
    public let options: DenoiseTrainingOptions
    public let command: String

    public init(options: DenoiseTrainingOptions, command: String) throws {
        guard [1, 3].contains(options.channels) else { throw TaskError.invalidOption("--channels must be 1 or 3") }
        guard options.sigmaRange.count == 2, options.sigmaRange[0] >= 0, options.sigmaRange[0] <= options.sigmaRange[1] else {
            throw TaskError.invalidOption("--sigma-range must be A,B with 0 ≤ A ≤ B")
        }
        guard [nil, "pytorch", "he"].contains(options.initialization) else {
            throw TaskError.invalidOption("--init must be pytorch or he")
        }
        guard options.patch > 0, options.batch > 0, options.steps > 0, (options.epochs ?? 1) > 0 else {
            throw TaskError.invalidOption("--patch, --batch, --steps and --epochs must be positive")
        }
        // 0 means "once per epoch", which only a length in epochs defines.
        guard options.validateEvery > 0 || (options.epochs != nil && options.validateEvery == 0) else {
            throw TaskError.invalidOption("--validate-every must be positive")
        }
        self.options = options
        self.command = command
    }

    /// One optimisation step on clean patches [N, C, P, P]: noise at a σ per patch drawn from
    /// the range, forward, loss (plus the sparsity term), backward, clipping, Adam. Returns the
    /// objective and the gradient's L2 norm before clipping (the progress line shows its mean:
    /// spikes in it come before divergence). The training loop runs it, and `TrainingStep` times it.
    @discardableResult
    static func step(_ network: DenoiseUNet, _ optimizer: Optimizer, clean: Tensor, options o: DenoiseTrainingOptions,
                     using rng: inout RandomSource) -> (objective: Float, gradientNorm: Float) {
        let sigmas = (0..<clean.shape[0]).map { _ in rng.uniform(o.sigmaRange[0], o.sigmaRange[1]) }
        let noisy = GaussianNoise.apply(clean, sigmas: sigmas, using: &rng)
        network.zeroGrad()
        let (output, code) = network.forward(noisy)
        var objective = ReconstructionLoss.apply(o.loss, output, clean)
        if let rho = o.sparsity, o.sparsityWeight > 0 {
            // The bottleneck's ReLU features are ≥ 0 and unbounded; tanh maps them into [0, 1),
            // where the mean activation ρ̂ of each unit is the "firing rate" the KL term needs.
            objective = objective + Loss.sparsityKL(activations: code.tanh(), target: rho) * o.sparsityWeight
        }
        objective.backward()
        let maxNorm = o.clipNorm.flatMap { $0 > 0 ? $0 : nil } ?? .infinity
        let norm = clipGradientNorm(network.parameters(), maxNorm: maxNorm)
        optimizer.step()
        return (objective.item, norm)
    }

    /// Runs (or resumes) training and writes the model file; returns the final validation, if any.
    /// With `pauseAt`, training stops after that step with a checkpoint and no model file,
    /// to be continued later with `resume` (the schedule still spans `options.steps`).
    @discardableResult
    public func run(resume: Bool, pauseAt: Int? = nil) throws -> DenoiseEvaluation? {
        var o = options
        let train = try TrainingImages(folder: o.data, channels: o.channels, minimumSide: o.patch)
        let stepsPerEpoch = train.stepsPerEpoch(batch: o.batch, patch: o.patch)
        if let epochs = o.epochs {
            o.steps = epochs * stepsPerEpoch
            if o.validateEvery == 0 { o.validateEvery = stepsPerEpoch }
        }
        let progress = TrainingProgress(totalSteps: o.steps)
        for s in train.skipped { progress.note("skipped \(s.path): \(s.reason)") }
        let validation = try o.validation.map { try TrainingImages(folder: $0, channels: o.channels) }
        progress.note("training on \(train.count) images from \(o.data)" + (validation.map { ", validating on \($0.count)" } ?? "")
                      + String(format: "; an epoch is %d steps of %d × %d² patches", stepsPerEpoch, o.batch, o.patch))

        // The model: fine-tuned from an existing file, or new.
        let network: DenoiseUNet
        if let from = o.from {
            let file = try ModelFile(path: ModelLocator.resolve(from))
            let architecture = try file.architecture(DenoiserArchitecture.self)
            guard architecture.channels == o.channels else {
                throw TaskError.invalidOption("\(from) has \(architecture.channels) channels, training data asks for \(o.channels)")
            }
            network = DenoiseUNet(architecture, seed: o.seed)
            try file.load(into: network)
        } else {
            let defaults = DenoiserArchitecture(channels: o.channels, widths: o.widths)
            network = DenoiseUNet(DenoiserArchitecture(channels: o.channels, widths: o.widths,
                                                       encoderConvs: o.encoderConvs ?? defaults.encoderConvs,
                                                       decoderConvs: o.decoderConvs ?? defaults.decoderConvs,
                                                       negativeSlope: o.negativeSlope ?? 0,
                                                       residual: o.residual ?? false), seed: o.seed)
            if o.initialization == "he" { network.heInitialize(seed: o.seed &+ 1) }
        }
        let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
        let schedule = LearningRateSchedule.cosine(totalSteps: o.steps, minimum: o.minimumLearningRate)
        let loop = try TrainingLoop(options: o, validateEvery: o.validateEvery, model: network, optimizer: optimizer,
                                    progress: progress, resume: resume)
        let sampler = PatchSampler(images: train.images, patchSize: o.patch)
        var norms: [Float] = []
        let outcome = try loop.run(pauseAt: pauseAt, validate: validation.map { images in { step in
            let result = try DenoiseEvaluation.run(Denoiser(network: network), images: images,
                                                   sigma: o.validationSigma, computeSSIM: false)
            return TrainingLoop.Validation(
                result: result, history: ["psnr": result.meanPSNR],
                line: String(format: "step %d: validation PSNR %.3f dB at σ=%g (noisy %.2f dB)",
                                     step, result.meanPSNR, o.validationSigma, result.meanNoisyPSNR))
        } }) { done, rng in
            let clean = sampler.batch(o.batch, using: &rng)
            let warmup = o.warmupSteps ?? 0
            optimizer.learningRate = schedule.learningRate(base: o.learningRate, step: done)
                * (done < warmup ? Float(done + 1) / Float(warmup) : 1)
            let (objective, norm) = Self.step(network, optimizer, clean: clean, options: o, using: &rng)
            norms.append(norm)
            var extra = ""
            if progress.reports(at: done + 1) {
                extra = String(format: "grad norm mean %.3g max %.3g", norms.reduce(0, +) / Float(norms.count), norms.max()!)
                norms = []
            }
            return .init(loss: objective, learningRate: optimizer.learningRate, extra: extra)
        }
        guard !outcome.paused else { return nil }
        let final = outcome.final

        var record = ["command": command, "data": o.data, "seed": String(o.seed)]
        if let final { record["validation_psnr_sigma\(Int(o.validationSigma))"] = String(format: "%.3f", final.meanPSNR) }
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: try loop.trainingJSON(record), to: o.output)
        loop.noteWritten(o.output)
        return final
    }
}

extension JSONEncoder {
    /// Deterministic JSON: sorted keys, so stored records hash the same on every run.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
