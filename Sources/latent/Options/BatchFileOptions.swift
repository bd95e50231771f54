import ArgumentParser
import Foundation
import LatentTasks

/// Inputs and outputs of a batch subcommand: what to read, where to write, what to skip.
struct BatchFileOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Image files and folders (PNG and JPEG, recognised by content; other files are skipped with a note).",
                                 valueName: "input"))
    var inputs: [String]

    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Output folder. Outputs mirror each input's path below the folder argument it came from (file arguments: just the name) and keep the stem.", valueName: "dir"))
    var output: String

    @Flag(help: "Descend into subfolders.")
    var recursive = false

    @Option(help: ArgumentHelp("Text added to each output's stem, e.g. _denoised. Needed to write into a folder that holds inputs.", valueName: "text"))
    var suffix: String = ""

    @Flag(help: "Replace existing outputs (default: skip them, so a rerun resumes where the last one stopped).")
    var overwrite = false

    @Option(help: ArgumentHelp("Process only slice K of N of the sorted input list (round-robin: inputs K-1, K-1+N, …). See docs/batch.md.", valueName: "K/N"))
    var shard: String?

    func validate() throws {
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            throw ValidationError("\(input): no such file or folder")
        }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("\(error)") } }
        do { try OutputNaming(folder: output, suffix: suffix).validate(inputArguments: inputs) } catch {
            throw ValidationError("\(error)")
        }
    }
}

extension BatchFileOptions {
    /// A run over these files with the defaults for everything else.
    func configuration(limits: ImageLimits, threads: Int?) -> BatchConfiguration {
        var c = BatchConfiguration(inputs: inputs, naming: OutputNaming(folder: output, suffix: suffix, format: .same))
        c.recursive = recursive
        c.overwrite = overwrite
        c.shard = shard.flatMap { try? Shard(parsing: $0) } ?? .all
        c.limits = limits
        c.threads = threads
        return c
    }
}
