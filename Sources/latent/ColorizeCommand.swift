import ArgumentParser
import LatentTasks

struct ColorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "colorize",
        abstract: "Colorize gray photos (scans, old pictures): files and folders in, RGB images out.",
        discussion: """
        The network sees the photo's lightness at a working resolution (--render-size on the \
        short side) and predicts its colour; the colour is resized to the original size and \
        recombined with the original lightness, so no detail is lost. Colour inputs are \
        reduced to their luma first. Alpha and 16-bit depth are kept. Outputs are written \
        atomically and existing ones are skipped, so an interrupted run resumes. The network \
        runs once per image at the render size, so --tile does not apply. Exit status: \
        0 when every file succeeded or was skipped, 1 when any failed, 64 for usage errors.
        """)

    @Option(help: ArgumentHelp("Model name or path (default: \(ColorizeTask.defaultModel)).", valueName: "name|path"))
    var model: String?

    @Option(help: "Short side of the working resolution in pixels: larger sees more detail, smaller more context per pixel; the model was trained at \(Colorizer.defaultRenderSize).")
    var renderSize: Int = Colorizer.defaultRenderSize

    @Option(help: "Readout temperature (default: the model's): lower is more vivid, 1 is the cautious mean colour.")
    var temperature: Float?

    @OptionGroup var batch: BatchOptions

    func validate() throws {
        guard renderSize >= 32 && renderSize <= 4096 else { throw ValidationError("--render-size must be in 32…4096") }
        if let temperature, !(temperature > 0 && temperature <= 10) { throw ValidationError("--temperature must be in (0, 10]") }
    }

    func run() throws {
        try batch.run(ColorizeTask(model: model, renderSize: renderSize, temperature: temperature), command: "latent colorize")
    }
}
