import ArgumentParser
import LatentTasks

/// How batch outputs are encoded.
struct OutputFormatOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output format: png, jpg or same (the input's format). Images with alpha asked to go to JPEG are written as PNG, with a note.", valueName: "png|jpg|same"))
    var format: String = OutputFormatChoice.same.rawValue

    @Option(help: "JPEG quality, 1–100.")
    var quality: Int = 92

    @Option(help: "PNG bits per sample, 8 or 16 (default: 16 for 16-bit PNG sources, 8 otherwise).")
    var depth: Int?

    var choice: OutputFormatChoice { OutputFormatChoice(rawValue: format == "jpeg" ? "jpg" : format) ?? .same }

    var writeOptions: ImageWriteOptions {
        ImageWriteOptions(pngBitDepth: depth, jpeg: JPEGCodec.EncodingOptions(quality: quality))
    }

    func validate() throws {
        guard OutputFormatChoice(rawValue: format == "jpeg" ? "jpg" : format) != nil else {
            throw ValidationError("--format must be png, jpg or same")
        }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1–100") }
        if let depth, depth != 8 && depth != 16 { throw ValidationError("--depth must be 8 or 16") }
    }
}
