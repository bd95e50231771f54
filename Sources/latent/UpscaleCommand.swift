import ArgumentParser
import LatentTasks

struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Enlarge image files and folders ×2 or ×4 with a super-resolution model.",
        discussion: """
        Luma models (the shipped ones) sharpen Y and upsample the chroma bicubically; alpha is \
        upsampled bicubically and re-attached. ICC profiles are carried over and EXIF orientation \
        is applied. Large images run in overlapping tiles. Outputs are written atomically and \
        existing ones are skipped, so an interrupted run resumes where it stopped. Exit status: 0 \
        when every file succeeded or was skipped, 1 when any failed, 64 for usage errors.
        """)

    @Option(help: "Output pixels per input pixel along each side.")
    var scale: Int = 2

    @Option(help: ArgumentHelp("Model name or path (default: upscale-x<scale>). A ×2 model with --scale 4 runs twice.", valueName: "name|path"))
    var model: String?

    @OptionGroup var batch: BatchOptions

    func validate() throws {
        guard (2...8).contains(scale) else { throw ValidationError("--scale must be 2…8 (the shipped models are ×2 and ×4)") }
    }

    func run() throws {
        let c = batch.configuration
        try batch.run(UpscaleBatch.task(model: model, scale: scale, tileSize: batch.tiling.tile, activationBudget: c.activationBudget),
                      command: "latent upscale")
    }
}
