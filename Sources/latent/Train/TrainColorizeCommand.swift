import ArgumentParser
import Foundation
import LatentTasks

struct TrainColorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "colorize",
        abstract: "Train a colorization network on colour photos (L in, ab bins out).",
        discussion: """
        Photos are resized to --render-size on the short side and cut into random crops, \
        mirrored left–right at random. The loss is the cross-entropy over quantised ab bins \
        with soft targets and class rebalancing (Zhang et al. 2016), which keeps colours from \
        fading to the grey-brown mean. A checkpoint is written every --checkpoint-every steps \
        next to --out; --resume continues from it exactly; --from fine-tunes a model on your \
        own colour photos.
        """)

    @OptionGroup var engine: EngineOptions

    @Option(help: "Folder of colour training photos.") var data: String
    @OptionGroup var trainingRun: TrainingRunOptions
    @Option(help: "Folder of colour validation photos (PSNR and colourfulness reported during training).") var val: String?
    @Option(help: "Fine-tune this model (name or path) instead of starting afresh.") var from: String?
    @Option(help: "Working resolution: short side of the resized photos.") var renderSize: Int = Colorizer.defaultRenderSize
    @Option(help: "Feature widths per level, finest first (a new model only).") var widths: String = "32,64,128,256"
    @Option(help: "Side of the ab bins (a new model only).") var binSize: Float = 10
    @Option(help: "Training steps.") var steps: Int = 4000
    @Option(help: "Crops per step.") var batch: Int = 16
    @Option(help: "Crop side in pixels (a multiple of 16).") var patch: Int = 128
    @Option(help: "Peak learning rate (cosine decay to 1e-5).") var lr: Float = 1e-3
    @Option(help: "Class rebalancing λ: 0 weighs colours by 1/prior, 1 switches rebalancing off (Zhang et al.: 0.5).") var rebalance: Float = 0.1
    @Option(help: "Annealed-mean readout temperature stored in the model. Resuming a finished run with another --temperature rewrites its model with that T (choose it with `latent eval colorize --temperature A,B,…`).") var temperature: Float = 0.38
    @Option(help: "Steps between checkpoints.") var checkpointEvery: Int = 250
    @Option(help: "Steps between validations (an epoch of photos400 is 25 steps of 16 crops; a validation on McMaster18 costs about 3 steps).") var validateEvery: Int = 500

    func parsedWidths() throws -> [Int] {
        let values = widths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count >= 2, values.count == widths.split(separator: ",").count, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--widths must be at least two comma-separated positive integers")
        }
        return values
    }

    func validate() throws {
        let levels = try parsedWidths().count
        guard steps > 0, batch > 0 else { throw ValidationError("--steps and --batch must be positive") }
        guard patch >= 16, patch % (2 << (levels - 1)) == 0 else {
            throw ValidationError("--patch must be a positive multiple of \(2 << (levels - 1)) (the network's stride)")
        }
        guard renderSize >= patch else { throw ValidationError("--render-size must be at least --patch") }
        guard (0...1).contains(rebalance) else { throw ValidationError("--rebalance must be in [0, 1]") }
        guard temperature > 0, binSize > 0 else { throw ValidationError("--temperature and --bin-size must be positive") }
    }

    func run() throws {
        engine.apply()
        var options = ColorizeTrainingOptions(data: data, output: trainingRun.out)
        options.validation = val
        options.from = from
        options.renderSize = renderSize
        options.widths = try parsedWidths()
        options.binSize = binSize
        options.steps = steps
        options.batch = batch
        options.patch = patch
        options.learningRate = lr
        options.rebalance = rebalance
        options.temperature = temperature
        options.seed = trainingRun.seed
        options.checkpointEvery = checkpointEvery
        options.validateEvery = validateEvery
        try ColorizeTraining(options: options, command: trainingRun.commandLine).run(resume: trainingRun.resume, pauseAt: trainingRun.pauseAt)
    }
}
