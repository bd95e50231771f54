import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// The options of `latent train denoise`; stored in checkpoints and in the model's
/// training record, so a run can be resumed and reproduced exactly.
public struct DenoiseTrainingOptions: Codable, Equatable {
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
    public var steps: Int = 20_000
    public var batch: Int = 16
    public var patch: Int = 96
    public var learningRate: Float = 1e-3
    public var minimumLearningRate: Float = 1e-5
    public var sigmaRange: [Float] = [0, 55]
    public var loss: String = "charbonnier"
    public var sparsity: Float?
    public var sparsityWeight: Float = 0
    public var seed: UInt64 = 1
    public var checkpointEvery: Int = 500
    public var validateEvery: Int = 2000
    public var validationSigma: Float = 25

    public init(data: String, output: String) {
        self.data = data
        self.output = output
    }

    /// Where the resumable state of this run lives: next to the output, `<output>.checkpoint.safetensors`.
    public var checkpointPath: String { output.replacingOccurrences(of: ".safetensors", with: "") + ".checkpoint.safetensors" }

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
        guard options.patch > 0, options.batch > 0, options.steps > 0 else {
            throw TaskError.invalidOption("--patch, --batch and --steps must be positive")
        }
        self.options = options
        self.command = command
    }

    /// One optimisation step on clean patches [N, C, P, P]: noise at a σ per patch drawn from
    /// the range, forward, loss (plus the sparsity term), backward, Adam. Returns the objective.
    /// The training loop runs it, and `TrainingStep` times it.
    static func step(_ network: DenoiseUNet, _ optimizer: Optimizer, clean: Tensor, options o: DenoiseTrainingOptions,
                     using rng: inout RandomSource) -> Float {
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
        optimizer.step()
        return objective.item
    }

    /// Runs (or resumes) training and writes the model file; returns the final validation, if any.
    /// With `pauseAt`, training stops after that step with a checkpoint and no model file,
    /// to be continued later with `resume` (the schedule still spans `options.steps`).
    @discardableResult
    public func run(resume: Bool, pauseAt: Int? = nil) throws -> DenoiseEvaluation? {
        let o = options
        let progress = TrainingProgress(totalSteps: o.steps)
        let train = try TrainingImages(folder: o.data, channels: o.channels, minimumSide: o.patch)
        for s in train.skipped { progress.note("skipped \(s.path): \(s.reason)") }
        let validation = try o.validation.map { try TrainingImages(folder: $0, channels: o.channels) }
        progress.note("training on \(train.count) images from \(o.data)" + (validation.map { ", validating on \($0.count)" } ?? ""))

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
                                                       negativeSlope: o.negativeSlope ?? 0), seed: o.seed)
        }
        let optimizer = Adam(network.namedParameters(), learningRate: o.learningRate)
        let schedule = LearningRateSchedule.cosine(totalSteps: o.steps, minimum: o.minimumLearningRate)
        let optionsJSON = String(decoding: try JSONEncoder.sorted.encode(o), as: UTF8.self)

        var rng = RandomSource(seed: o.seed &+ 0x5EED)
        var step = 0
        var elapsedBefore = 0.0
        var history: [[String: Double]] = []
        if resume, FileManager.default.fileExists(atPath: o.checkpointPath) {
            let checkpoint = try Checkpoint.restore(from: o.checkpointPath, model: network, optimizer: optimizer)
            let saved = try JSONDecoder().decode(DenoiseTrainingOptions.self, from: Data(checkpoint.optionsJSON.utf8))
            guard saved.sameRun(as: o) else {
                throw TaskError.checkpoint("\(o.checkpointPath) was written with other options; remove it or repeat its options")
            }
            step = checkpoint.step
            rng.stateWords = checkpoint.randomState
            elapsedBefore = checkpoint.elapsedSeconds
            if let h = checkpoint.extra["latent.validation_history"], let decoded = try? JSONDecoder().decode([[String: Double]].self, from: Data(h.utf8)) {
                history = decoded
            }
            progress.note("resumed from \(o.checkpointPath) at step \(step)")
        }

        let started = Date()
        var elapsed: Double { elapsedBefore + Date().timeIntervalSince(started) }
        func saveCheckpoint() throws {
            let h = String(decoding: try JSONEncoder.sorted.encode(history), as: UTF8.self)
            try Checkpoint(step: step, randomState: rng.stateWords, elapsedSeconds: elapsed,
                           optionsJSON: optionsJSON, extra: ["latent.validation_history": h])
                .save(model: network, optimizer: optimizer, to: o.checkpointPath)
        }
        func validate() throws -> DenoiseEvaluation? {
            guard let validation else { return nil }
            network.eval()
            defer { network.train() }
            let result = try DenoiseEvaluation.run(Denoiser(network: network), images: validation,
                                                   sigma: o.validationSigma, computeSSIM: false)
            history.append(["step": Double(step), "psnr": result.meanPSNR, "seconds": elapsed])
            progress.note(String(format: "step %d: validation PSNR %.3f dB at σ=%g (noisy %.2f dB)",
                                 step, result.meanPSNR, o.validationSigma, result.meanNoisyPSNR))
            return result
        }

        let sampler = PatchSampler(images: train.images, patchSize: o.patch)
        var meter = progress
        network.train()
        while step < o.steps {
            let clean = sampler.batch(o.batch, using: &rng)
            optimizer.learningRate = schedule.learningRate(base: o.learningRate, step: step)
            let objective = Self.step(network, optimizer, clean: clean, options: o, using: &rng)
            step += 1
            meter.record(step: step, loss: objective, samples: o.batch, learningRate: optimizer.learningRate)
            if step % o.checkpointEvery == 0 { try saveCheckpoint() }
            if step % o.validateEvery == 0 && step < o.steps { _ = try validate() }
            if let pauseAt, step >= pauseAt, step < o.steps {
                try saveCheckpoint()
                progress.note("paused at step \(step); continue with --resume")
                return nil
            }
        }
        let final = try validate()
        try saveCheckpoint()

        var record: [String: String] = [
            "command": command, "data": o.data, "seed": String(o.seed), "steps": String(o.steps),
            "wall_seconds": String(format: "%.0f", elapsed), "options": optionsJSON,
        ]
        if let final { record["validation_psnr_sigma\(Int(o.validationSigma))"] = String(format: "%.3f", final.meanPSNR) }
        let trainingJSON = String(decoding: try JSONEncoder.sorted.encode(record), as: UTF8.self)
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: trainingJSON, to: o.output)
        progress.note("wrote \(o.output) after \(TrainingProgress.duration(elapsed))")
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
