import ArgumentParser
import Foundation
import LatentTasks

struct TrainDenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Train a denoising U-Net on clean images with synthetic Gaussian noise.",
        discussion: """
        Random patches with flips and rotations; noise clip(round(x + N(0, σ²))) on the 8-bit grid \
        with σ drawn per patch from --sigma-range. A checkpoint is written every --checkpoint-every \
        steps next to --out; --resume continues from it exactly.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Folder of clean training images.") var data: String
    @OptionGroup var trainingRun: TrainingRunOptions
    @Option(help: "Folder of validation images (PSNR reported during training).") var val: String?
    @Option(help: "Fine-tune this model (name or path) instead of starting afresh.") var from: String?
    @Option(help: "1 for gray, 3 for colour.") var channels: Int = 3
    @Option(help: "Feature widths per level, finest first.") var widths: String = "48,96,192"
    @Option(help: "3×3 convolutions per encoder level, finest first (the last is the bottleneck); default 1,2,3 for three levels.") var encoderConvs: String?
    @Option(help: "3×3 convolutions per decoder level, finest first (one fewer than --widths); default 1,1.") var decoderConvs: String?
    @Option(help: "Negative slope of the LeakyReLU after each convolution (0 = ReLU, which lets units die).") var negativeSlope: Float = 0.1
    @Flag(help: "Residual stages: the convolutions of each level go in pairs around an identity, h + conv(act(conv(h))), so counts must be even; trains deep levels that plain stacks do not.") var residual = false
    @Option(help: "Training steps (default: 20000 unless --epochs).") var steps: Int?
    @Option(help: "Training length in epochs instead of --steps: an epoch draws as many patch pixels as the training images hold, and validation then comes once per epoch unless --validate-every is given.") var epochs: Int?
    @Option(help: "Patches per step.") var batch: Int = 16
    @Option(help: "Patch side in pixels.") var patch: Int = 96
    @Option(help: "Peak learning rate (cosine decay to 1e-5).") var lr: Float = 1e-3
    @Option(help: "Weight initialisation of a new network: pytorch (the layers' default) or he (He normal for the activation; trains deep stacks that the default leaves dead).") var `init`: String = "pytorch"
    @Option(help: "Clip gradients to this joint L2 norm (0: no clipping); deep plain stacks without it can diverge at lr 1e-3.") var clipNorm: Float = 0
    @Option(help: "Steps over which the learning rate rises linearly from 0 to --lr (0: none).") var warmup: Int = 0
    @Option(help: "Noise levels σ on the 0–255 scale, as A,B.") var sigmaRange: String = "0,55"
    @Option(help: "Loss: charbonnier, l1 or mse.") var loss: String = "charbonnier"
    @Option(help: "Sparse-autoencoder objective: target mean activation ρ of the bottleneck code (tanh of its ReLU features); without it, the plain denoising-AE objective.") var sparsity: Float?
    @Option(help: "Weight β of the sparsity penalty Σ KL(ρ‖ρ̂).") var sparsityWeight: Float = 1e-3
    @Option(help: "Steps between checkpoints.") var checkpointEvery: Int = 500
    @Option(help: "Steps between validations (default: 2000, or one epoch with --epochs).") var validateEvery: Int?

    func parsedList(_ text: String, _ name: String) throws -> [Float] {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count == text.split(separator: ",").count else {
            throw ValidationError("\(name) must be a comma-separated list of numbers")
        }
        return values
    }

    func validate() throws {
        guard [1, 3].contains(channels) else { throw ValidationError("--channels must be 1 or 3") }
        guard try parsedList(sigmaRange, "--sigma-range").count == 2 else { throw ValidationError("--sigma-range takes two numbers, A,B") }
        let levels = try parsedList(widths, "--widths").count
        guard levels >= 2 else { throw ValidationError("--widths needs at least two levels") }
        if let encoderConvs, try parsedList(encoderConvs, "--encoder-convs").count != levels {
            throw ValidationError("--encoder-convs needs one count per level of --widths (\(levels))")
        }
        if let decoderConvs, try parsedList(decoderConvs, "--decoder-convs").count != levels - 1 {
            throw ValidationError("--decoder-convs needs one count per level of --widths but the coarsest (\(levels - 1))")
        }
        if residual {
            guard let encoderConvs, let decoderConvs,
                  try (parsedList(encoderConvs, "--encoder-convs") + parsedList(decoderConvs, "--decoder-convs"))
                      .allSatisfy({ Int($0) % 2 == 0 }) else {
                throw ValidationError("--residual needs --encoder-convs and --decoder-convs with even counts (each block is a pair)")
            }
        }
        guard clipNorm >= 0, warmup >= 0 else { throw ValidationError("--clip-norm and --warmup must be 0 or more") }
        guard negativeSlope >= 0, negativeSlope < 1 else { throw ValidationError("--negative-slope must be in [0, 1)") }
        guard loss == "charbonnier" || loss == "l1" || loss == "mse" else { throw ValidationError("--loss must be charbonnier, l1 or mse") }
        if let sparsity, !(sparsity > 0 && sparsity < 1) { throw ValidationError("--sparsity must be in (0, 1)") }
        guard steps == nil || epochs == nil else { throw ValidationError("give --steps or --epochs, not both") }
        guard (steps ?? 1) > 0, (epochs ?? 1) > 0, (validateEvery ?? 1) > 0, batch > 0, patch >= 16 else {
            throw ValidationError("--steps, --epochs, --validate-every and --batch must be positive, --patch at least 16")
        }
    }

    func run() throws {
        engine.apply()
        var options = DenoiseTrainingOptions(data: data, output: trainingRun.out)
        options.validation = val
        options.from = from
        options.channels = channels
        options.widths = try parsedList(widths, "--widths").map { Int($0) }
        options.encoderConvs = try encoderConvs.map { try parsedList($0, "--encoder-convs").map { Int($0) } }
        options.decoderConvs = try decoderConvs.map { try parsedList($0, "--decoder-convs").map { Int($0) } }
        options.negativeSlope = negativeSlope
        options.residual = residual ? true : nil
        if let steps { options.steps = steps }
        options.epochs = epochs
        options.batch = batch
        options.patch = patch
        options.learningRate = lr
        options.initialization = `init` == "pytorch" ? nil : `init`
        options.clipNorm = clipNorm > 0 ? clipNorm : nil
        options.warmupSteps = warmup > 0 ? warmup : nil
        options.sigmaRange = try parsedList(sigmaRange, "--sigma-range")
        options.loss = loss
        options.sparsity = sparsity
        options.sparsityWeight = sparsity == nil ? 0 : sparsityWeight
        options.seed = trainingRun.seed
        options.checkpointEvery = checkpointEvery
        // 0 asks the training for one validation per epoch, once it knows the epoch's length.
        options.validateEvery = validateEvery ?? (epochs == nil ? options.validateEvery : 0)
        try DenoiseTraining(options: options, command: trainingRun.commandLine).run(resume: trainingRun.resume, pauseAt: trainingRun.pauseAt)
    }
}
