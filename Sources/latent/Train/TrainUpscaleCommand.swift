import ArgumentParser
import Foundation
import LatentTasks

struct TrainUpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Train a super-resolution network (×2, ×4) on high-resolution images.",
        discussion: """
        Each image is cropped to a multiple of --scale and downscaled with antialiased bicubic \
        (Pillow's BICUBIC, MATLAB's imresize), rounded to 8 bits; random aligned patch pairs with \
        flips and rotations are cut from the pair. The network learns the detail bicubic \
        upsampling misses. Validation (luma PSNR, next to bicubic) runs once per epoch — as many \
        steps as it takes to cover the training pixels once — unless --validate-every says \
        otherwise. A checkpoint is written every --checkpoint-every steps next to --out; --resume \
        continues from it exactly.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Output pixels per input pixel along each side.") var scale: Int = 2
    @Option(help: "Folder of high-resolution training images (repeat for several).") var data: [String] = []
    @OptionGroup var trainingRun: TrainingRunOptions
    @Option(help: "Folder of high-resolution validation images.") var val: String?
    @Option(help: "Fine-tune this model (name or path) instead of starting afresh.") var from: String?
    @Option(help: "1: luma (colour images get bicubic chroma), 3: RGB.") var channels: Int = 1
    @Option(help: "Feature channels of the head and the expansion.") var features: Int = 48
    @Option(help: "Channels of the compact code.") var code: Int = 32
    @Option(help: "3×3 convolutions on the code.") var mapping: Int = 3
    @Option(help: "Training steps.") var steps: Int = 20_000
    @Option(help: "Patch pairs per step.") var batch: Int = 16
    @Option(help: "High-resolution patch side in pixels (a multiple of --scale).") var patch: Int = 96
    @Option(help: "Peak learning rate (cosine decay to 1e-5).") var lr: Float = 1e-3
    @Option(help: "Loss: charbonnier, l1 or mse.") var loss: String = "charbonnier"
    @Option(help: "Steps between checkpoints.") var checkpointEvery: Int = 500
    @Option(help: "Steps between validations (default: one epoch).") var validateEvery: Int?

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("--data is required (repeat it for several folders)") }
        guard (2...8).contains(scale) else { throw ValidationError("--scale must be 2…8") }
        guard [1, 3].contains(channels) else { throw ValidationError("--channels must be 1 or 3") }
        guard features > 0, code > 0, mapping >= 0 else { throw ValidationError("--features and --code must be positive, --mapping non-negative") }
        guard patch % scale == 0, patch / scale >= 4 else { throw ValidationError("--patch must be a multiple of --scale and at least 4 × --scale") }
        guard loss == "charbonnier" || loss == "l1" || loss == "mse" else { throw ValidationError("--loss must be charbonnier, l1 or mse") }
        guard steps > 0, batch > 0, checkpointEvery > 0, (validateEvery ?? 1) > 0 else {
            throw ValidationError("--steps, --batch, --checkpoint-every and --validate-every must be positive")
        }
    }

    func run() throws {
        engine.apply()
        var options = UpscaleTrainingOptions(data: data, output: trainingRun.out)
        options.validation = val
        options.from = from
        options.scale = scale
        options.channels = channels
        options.features = features
        options.code = code
        options.mapping = mapping
        options.steps = steps
        options.batch = batch
        options.patch = patch
        options.learningRate = lr
        options.loss = loss
        options.seed = trainingRun.seed
        options.checkpointEvery = checkpointEvery
        options.validateEvery = validateEvery
        try UpscaleTraining(options: options, command: trainingRun.commandLine).run(resume: trainingRun.resume, pauseAt: trainingRun.pauseAt)
    }
}
