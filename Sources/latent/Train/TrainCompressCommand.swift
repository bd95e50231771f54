import ArgumentParser
import Foundation
import LatentTasks

struct TrainCompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Train a learned image codec (factorized prior) for one rate–distortion trade-off.",
        discussion: """
        Loss λ·255²·MSE + bits per pixel, with additive uniform noise standing in for rounding \
        (Ballé et al. 2017); random patches with flips and rotations; Adam with cosine decay. At the \
        end the per-channel densities are frozen into integer tables stored in the model, which \
        `latent encode --model` and `latent decode` use. --quality Q picks the λ of the shipped \
        level compress-qQ. A checkpoint is written every --checkpoint-every steps next to --out; \
        --resume continues from it exactly. With --val, real .lat files are coded for validation.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Folder of training images.") var data: String
    @OptionGroup var trainingRun: TrainingRunOptions
    @Option(help: "Folder of validation images (bpp and PSNR of real .lat files).") var val: String?
    @Option(help: "Start from this model (name or path), e.g. a neighbouring quality level.") var from: String?
    @Option(help: ArgumentHelp("The λ of quality level Q: \(CompressTraining.lambdas.enumerated().map { "\($0.offset + 1) → \($0.element)" }.joined(separator: ", ")).", valueName: "Q"))
    var quality: Int?
    @Option(help: "Rate–distortion trade-off λ (instead of --quality).") var lambda: Float?
    @Option(help: "Feature channels N of the transforms.") var width: Int = 128
    @Option(help: "Latent channels M.") var latentChannels: Int = 192
    @Option(help: "Non-linearity: gdn or relu.") var activation: String = "gdn"
    @Option(help: "Training steps.") var steps: Int = 100_000
    @Option(help: "Patches per step.") var batch: Int = 8
    @Option(help: "Patch side in pixels (a multiple of 16).") var patch: Int = 128
    @Option(help: "Peak learning rate (cosine decay to 1e-6).") var lr: Float = 1e-4
    @Option(help: "The density networks' learning rate as a multiple of --lr.") var densityLrFactor: Float = 10
    @Option(help: "Steps between checkpoints.") var checkpointEvery: Int = 500
    @Option(help: "Steps between validations.") var validateEvery: Int = 2000

    func validate() throws {
        guard (quality == nil) != (lambda == nil) else { throw ValidationError("give exactly one of --quality and --lambda") }
        if let quality, !CompressBatch.qualities.contains(quality) {
            throw ValidationError("--quality must be \(CompressBatch.qualities.lowerBound)–\(CompressBatch.qualities.upperBound)")
        }
        if let lambda, !(lambda > 0) { throw ValidationError("--lambda must be positive") }
        guard ["gdn", "relu"].contains(activation) else { throw ValidationError("--activation must be gdn or relu") }
        guard densityLrFactor > 0 else { throw ValidationError("--density-lr-factor must be positive") }
        guard steps > 0, batch > 0, patch >= 16, patch % 16 == 0 else {
            throw ValidationError("--steps and --batch must be positive, --patch a multiple of 16")
        }
    }

    func run() throws {
        engine.apply()
        var options = CompressTrainingOptions(data: data, output: trainingRun.out)
        options.validation = val
        options.from = from
        options.lambda = lambda ?? CompressTraining.lambdas[(quality ?? 1) - 1]
        options.width = width
        options.latentChannels = latentChannels
        options.activation = activation
        options.steps = steps
        options.batch = batch
        options.patch = patch
        options.learningRate = lr
        options.densityLearningRateFactor = densityLrFactor
        options.seed = trainingRun.seed
        options.checkpointEvery = checkpointEvery
        options.validateEvery = validateEvery
        try CompressTraining(options: options, command: trainingRun.commandLine).run(resume: trainingRun.resume, pauseAt: trainingRun.pauseAt)
    }
}
