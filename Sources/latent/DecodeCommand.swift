import ArgumentParser
import LatentTasks

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode latent codes (.lat files) back to PNG images.",
        discussion: """
        Each .lat file becomes <stem>.png under -o, with the original's size, colour channels, \
        bit depth (8 or 16) and ICC profile. The model is the one the file names (looked up like \
        --model names; see `latent models`), or --model; a file made with other weights is \
        refused. Damaged or truncated files are reported and skipped. Exit status as for encode.
        """)

    @Option(help: ArgumentHelp("Decode with this model (name or path) instead of the one each file names.", valueName: "name|path"))
    var model: String?

    @OptionGroup var batch: CodecBatchOptions

    func run() throws {
        try batch.run(command: "latent decode", format: .png) { CompressBatch.decodeTask(model: model, activationBudget: $0) }
    }
}
