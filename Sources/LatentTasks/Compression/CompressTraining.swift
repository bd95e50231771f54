import Foundation
import LatentImage
import LatentModels
import LatentNN
import LatentTensor

/// The options of `latent train compress`; stored in checkpoints and in the model's training
/// record, so a run can be resumed and reproduced exactly.
public struct CompressTrainingOptions: Codable, Equatable, TrainingLoopOptions {
    public var data: String
    public var validation: String?
    public var output: String
    /// Start from this model's weights (e.g. a neighbouring quality level), with a new λ.
    public var from: String?
    public var width = 128
    public var latentChannels = 192
    public var activation = "gdn"
    /// Rate–distortion trade-off: loss = λ · 255² · MSE + bits per pixel (CompressAI's scale).
    public var lambda: Float = 0.0130
    public var steps = 100_000
    public var batch = 8
    public var patch = 128
    public var learningRate: Float = 1e-4
    public var minimumLearningRate: Float = 1e-6
    /// The density networks learn at this multiple of the learning rate: with Adam each weight
    /// moves about one learning rate per step, and at the transforms' rate the densities take
    /// thousands of steps to narrow from their wide start (±10) to the latent's actual spread,
    /// during which the rate is far above the entropy of the latent.
    public var densityLearningRateFactor: Float = 10
    /// Gradients are clipped to this joint L2 norm (CompressAI's default 1).
    public var clipNorm: Float = 1
    public var seed: UInt64 = 1
    public var checkpointEvery = 500
    public var validateEvery = 2000
    /// Probability mass left to the escape code when the density is frozen into tables.
    public var tailMass = EntropyTables.defaultTailMass

    public init(data: String, output: String) {
        self.data = data
        self.output = output
    }

    /// `<output>.checkpoint.safetensors`, next to the output.
    public var checkpointPath: String { Checkpoint.path(nextTo: output) }

    public var architecture: CompressionArchitecture {
        CompressionArchitecture(width: width, latentChannels: latentChannels, activation: activation)
    }

    /// Options that must not change when a run is resumed (see DenoiseTrainingOptions.sameRun).
    func sameRun(as other: CompressTrainingOptions) -> Bool {
        var a = self, b = other
        for o in [\CompressTrainingOptions.steps, \.checkpointEvery, \.validateEvery] { a[keyPath: o] = 0; b[keyPath: o] = 0 }
        a.data = ""; b.data = ""; a.validation = nil; b.validation = nil; a.output = ""; b.output = ""
        a.tailMass = 0; b.tailMass = 0
        return a == b
    }
}

/// Trains a factorized-prior codec on random patches (Ballé et al. 2017/2018): additive uniform
/// noise stands in for rounding, the loss is λ·D + R with D the MSE on the 0–255 scale and R
/// the bits per pixel the density assigns to the noisy latent. The density's tails need no
/// auxiliary loss: they are found by bisection when the tables are frozen. Validation encodes
/// real `.lat` files and reports their size (header included) and PSNR.
public final class CompressTraining {
    /// λ of the shipped quality levels `compress-q1` … `compress-q3`: CompressAI's MSE λ for its
    /// levels 2, 4 and 6, where its published factorized model codes Kodak at about 0.19, 0.46 and
    /// 0.95 bpp, chosen to land near 0.25, 0.5 and 1 bpp on McMaster18 (the measured rates are on
    /// each model's card).
    public static let lambdas: [Float] = [0.0035, 0.0130, 0.0483]

    public let options: CompressTrainingOptions
    public let command: String
    /// Progress lines every this many steps.
    public var reportEvery = 50
    /// The loss of every step this run took (not those before a resume), for tests and reports.
    public private(set) var losses: [Float] = []

    public init(options: CompressTrainingOptions, command: String) throws {
        let o = options
        if let problem = o.architecture.problem { throw TaskError.invalidOption(problem) }
        let stride = o.architecture.totalStride
        guard o.patch >= stride, o.patch % stride == 0 else {
            throw TaskError.invalidOption("--patch must be a multiple of \(stride) (the codec's total stride)")
        }
        guard o.batch > 0, o.steps > 0, o.checkpointEvery > 0, o.validateEvery > 0, o.lambda > 0, o.learningRate > 0,
              o.densityLearningRateFactor > 0 else {
            throw TaskError.invalidOption("--steps, --batch, --lambda, --lr and the intervals must be positive")
        }
        guard o.tailMass > 0, o.tailMass < 0.01 else { throw TaskError.invalidOption("the tail mass must be in (0, 0.01)") }
        self.options = o
        self.command = command
    }

    /// λ·255²·MSE + bpp, and its two parts. x, reconstruction: [N, 3, P, P]; likelihoods of the
    /// latent elements.
    static func objective(_ x: Tensor, _ reconstruction: Tensor, _ likelihoods: Tensor, lambda: Float)
        -> (loss: Tensor, bpp: Float, mse: Float) {
        let pixels = Float(x.shape[0] * x.shape[2] * x.shape[3])
        let bpp = likelihoods.log().sum() * (-1 / (Float(M_LN2) * pixels))
        let mse = Loss.mse(reconstruction, x)
        return (mse * (lambda * 255 * 255) + bpp, bpp.item, mse.item)
    }

    /// Adam for the transforms and, at `densityLearningRateFactor` times the rate, for the
    /// density networks; grouped so that checkpoints hold both.
    static func optimizer(_ network: FactorizedPriorCodec, options o: CompressTrainingOptions)
        -> (group: OptimizerGroup, transforms: Adam, densities: Adam) {
        let parameters = network.namedParameters()
        let transforms = Adam(parameters.filter { !$0.0.hasPrefix("density.") }, learningRate: o.learningRate)
        let densities = Adam(parameters.filter { $0.0.hasPrefix("density.") }, learningRate: o.learningRate * o.densityLearningRateFactor)
        return (OptimizerGroup([("transforms", transforms), ("density", densities)]), transforms, densities)
    }

    /// One optimisation step on a batch of patches x: [N, 3, P, P] (shared with `TrainingStep`,
    /// which the benchmarks time): uniform noise on the latent, λ·D + R, clipping, Adam, and the
    /// projection that keeps GDN's parameters valid. Returns the loss and its two parts.
    static func step(_ network: FactorizedPriorCodec, _ optimizer: Optimizer, batch x: Tensor, options o: CompressTrainingOptions,
                     using rng: inout RandomSource) -> (loss: Float, bpp: Float, mse: Float) {
        network.zeroGrad()
        let (reconstruction, likelihoods) = network.forwardWithNoise(x, using: &rng)
        let (loss, bpp, mse) = objective(x, reconstruction, likelihoods, lambda: o.lambda)
        loss.backward()
        if o.clipNorm > 0 { clipGradientNorm(network.parameters(), maxNorm: o.clipNorm) }
        optimizer.step()
        network.project()
        return (loss.item, bpp, mse)
    }

    /// Runs (or resumes) training and writes the model file with its frozen tables; returns the
    /// final validation, if any. With `pauseAt`, stops after that step with a checkpoint only.
    @discardableResult
    public func run(resume: Bool, pauseAt: Int? = nil) throws -> CompressEvaluation? {
        let o = options
        let progress = TrainingProgress(totalSteps: o.steps, every: reportEvery)
        let train = try TrainingImages(folder: o.data, channels: 3, minimumSide: o.patch)
        for s in train.skipped.prefix(20) { progress.note("skipped \(s.path): \(s.reason)") }
        let validation = try o.validation.map { try TrainingImages(folder: $0, channels: 3) }
        progress.note("training on \(train.count) images from \(o.data)" + (validation.map { ", validating on \($0.count)" } ?? "")
                      + String(format: ", λ = %g", o.lambda))

        let network: FactorizedPriorCodec
        if let from = o.from {
            let file = try ModelFile(path: ModelLocator.resolve(from))
            let architecture = try file.architecture(CompressionArchitecture.self)
            guard architecture == o.architecture else {
                throw TaskError.invalidOption("\(from) has another architecture (\(architecture.width)/\(architecture.latentChannels)/\(architecture.activation)) than asked for")
            }
            network = FactorizedPriorCodec(architecture, seed: o.seed)
            try file.load(into: network, ignoring: [EntropyTables.tensorPrefix])
        } else {
            network = FactorizedPriorCodec(o.architecture, seed: o.seed)
        }
        let (optimizer, transforms, densities) = Self.optimizer(network, options: o)
        let schedule = LearningRateSchedule.cosine(totalSteps: o.steps, minimum: o.minimumLearningRate)
        let loop = try TrainingLoop(options: o, validateEvery: o.validateEvery, model: network, optimizer: optimizer,
                                    progress: progress, resume: resume)
        let sampler = PatchSampler(images: train.images, patchSize: o.patch)
        var bppSum = 0.0, mseSum = 0.0, parts = 0
        // The density frozen into tables after the last step: validated, then stored in the model.
        var frozen: EntropyTables?
        let outcome = try loop.run(pauseAt: pauseAt, validate: validation.map { images in { step in
            let tables = try frozen ?? EntropyTables(density: network.density, tailMass: o.tailMass)
            let result = try CompressEvaluation.run(LatentCodec(network: network, tables: tables), images: images,
                                                    computeMSSSIM: false, compareJPEG: false)
            return TrainingLoop.Validation(
                result: result, history: ["bpp": result.meanBPP, "psnr": result.meanPSNR],
                line: String(format: "step %d: validation %.4f bpp, PSNR %.3f dB (%d images, real .lat files)",
                                     step, result.meanBPP, result.meanPSNR, result.entries.count))
        } }, beforeFinish: {
            frozen = try EntropyTables(density: network.density, tailMass: o.tailMass)
        }) { done, rng in
            let x = sampler.batch(o.batch, using: &rng)
            transforms.learningRate = schedule.learningRate(base: o.learningRate, step: done)
            densities.learningRate = transforms.learningRate * o.densityLearningRateFactor
            let (loss, bpp, mse) = Self.step(network, optimizer, batch: x, options: o, using: &rng)
            losses.append(loss)
            bppSum += Double(bpp); mseSum += Double(mse); parts += 1
            var extra = ""
            if progress.reports(at: done + 1) {
                let meanMSE = mseSum / Double(parts)
                extra = String(format: "bpp %.3f  PSNR %.2f dB (noisy latent)", bppSum / Double(parts), 10 * log10(1 / max(meanMSE, 1e-12)))
                bppSum = 0; mseSum = 0; parts = 0
            }
            return .init(loss: loss, learningRate: transforms.learningRate, extra: extra)
        }
        guard !outcome.paused, let tables = frozen else { return nil }
        let final = outcome.final

        var record = ["command": command, "data": o.data, "seed": String(o.seed), "lambda": String(o.lambda)]
        if let final, let folder = o.validation {
            let name = (folder as NSString).lastPathComponent
            record["validation_bpp \(name)"] = String(format: "%.4f", final.meanBPP)
            record["validation_psnr \(name)"] = String(format: "%.3f", final.meanPSNR)
        }
        network.eval()
        try ModelFile.save(network, architecture: network.architecture, trainingJSON: try loop.trainingJSON(record),
                           extraTensors: try tables.storedTensors(), to: o.output)
        loop.noteWritten(o.output)
        return final
    }
}
