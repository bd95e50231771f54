import ArgumentParser
import Foundation
import LatentTasks

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show format, size, channels, bit depth, orientation and ICC profile of image files.")

    @Argument(help: "Image files (PNG or JPEG; the format is read from the content).")
    var files: [String]

    @Flag(help: "One JSON object per line per file.")
    var json = false

    @OptionGroup var limits: ImageLimitOptions

    func run() throws {
        var failed = false
        for file in files {
            do {
                let info = try ImageInfo.read(file, limits: limits.limits)
                print(json ? info.json : info.text)
            } catch {
                failed = true
                FileHandle.standardError.write(Data("latent info: \(error)\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}
