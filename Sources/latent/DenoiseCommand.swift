import ArgumentParser
import LatentTasks

struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Remove noise from image files and folders.",
        discussion: """
        Colour is denoised, alpha is kept as it is; ICC profiles are carried over and EXIF \
        orientation is applied to the pixels (outputs are upright without a tag). Large images \
        run in overlapping tiles. Outputs are written atomically and existing ones are skipped, \
        so an interrupted run (Ctrl-C, kill) resumes where it stopped. Exit status: 0 when every \
        file succeeded or was skipped, 1 when any failed, 64 for usage errors.
        """)

    @Option(help: ArgumentHelp("Model name or path (default: \(DenoiseBatch.defaultGrayModel) for gray images, \(DenoiseBatch.defaultColorModel) for colour).", valueName: "name|path"))
    var model: String?

    @Option(help: "Noise level hint σ (0–255). The shipped denoisers are blind (they estimate the noise themselves) and have no noise-map input, so this is accepted and ignored.")
    var sigma: Float?

    @Flag(help: "Average the model over the 8 flips and rotations of each tile: 8× slower, a little better (see the models' cards).")
    var ensemble = false

    @OptionGroup var batch: BatchOptions

    func validate() throws {
        if let sigma, sigma < 0 { throw ValidationError("--sigma must be non-negative") }
    }

    func run() throws {
        if sigma != nil, !batch.report.quiet {
            print("latent denoise: --sigma ignored: the denoisers are blind (no noise-map input)", to: &StandardError.shared)
        }
        let c = batch.configuration
        try batch.run(DenoiseBatch.task(model: model, tileSize: batch.tiling.tile, activationBudget: c.activationBudget,
                                        selfEnsemble: ensemble),
                      command: "latent denoise")
    }
}
