import ArgumentParser
import Foundation
import LatentTasks

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Decode an image and write it as PNG or JPEG (format from the output extension).")

    @Argument(help: "Input image (PNG or JPEG).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file: .png, .jpg or .jpeg.")
    var output: String

    @Option(help: "JPEG quality, 1–100.")
    var quality: Int = 92

    @Option(help: "PNG bits per sample: 8 or 16 (default: 16 for 16-bit sources, else 8).")
    var depth: Int?

    @Flag(help: "Write a progressive JPEG.")
    var progressive = false

    @Option(help: "JPEG chroma subsampling: 420 or 444.")
    var subsampling: String = "420"

    @OptionGroup var limits: ImageLimitOptions

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1–100") }
        if let depth, depth != 8 && depth != 16 { throw ValidationError("--depth must be 8 or 16") }
        guard JPEGCodec.Subsampling(rawValue: subsampling) != nil else {
            throw ValidationError("--subsampling must be 420 or 444")
        }
    }

    func run() throws {
        let jpeg = JPEGCodec.EncodingOptions(quality: quality, subsampling: JPEGCodec.Subsampling(rawValue: subsampling)!,
                                             progressive: progressive)
        let options = ImageConvert.Options(write: ImageWriteOptions(pngBitDepth: depth, jpeg: jpeg), limits: limits.limits)
        do {
            let report = try ImageConvert.run(input: input, output: output, options: options)
            for line in report.warnings + report.notes {
                FileHandle.standardError.write(Data("latent convert: \(input): \(line)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("latent convert: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
