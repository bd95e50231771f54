import ArgumentParser
import Foundation
import LatentTasks

/// Everything batch subcommands (denoise, and later upscale, colorize, encode, decode) share.
struct BatchOptions: ParsableArguments {
    @OptionGroup var files: BatchFileOptions
    @OptionGroup var format: OutputFormatOptions
    @OptionGroup var tiling: TilingOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var limits: ImageLimitOptions

    var configuration: BatchConfiguration {
        var c = BatchConfiguration(inputs: files.inputs,
                                   naming: OutputNaming(folder: files.output, suffix: files.suffix, format: format.choice))
        c.recursive = files.recursive
        c.write = format.writeOptions
        c.overwrite = files.overwrite
        c.shard = files.shard.flatMap { try? Shard(parsing: $0) } ?? .all
        c.limits = limits.limits
        c.maxMemory = tiling.maxMemoryBytes ?? (1 << 30)
        c.threads = engine.threads
        return c
    }

    /// Runs `task` over the inputs, printing as asked; exits 1 when any file failed.
    func run(_ task: BatchTask, command: String) throws {
        try runBatch(task, configuration: configuration, engine: engine, report: report, command: command)
    }
}

/// Runs `task` with `configuration`, printing as `report` asks; exits 1 when any file failed.
/// Shared by `BatchOptions` and `CodecBatchOptions` (encode, decode).
func runBatch(_ task: BatchTask, configuration: BatchConfiguration, engine: EngineOptions, report: ReportOptions,
              command: String) throws {
    engine.apply()
    let console = BatchConsole(command: command, json: report.json, quiet: report.quiet)
    InterruptCleanup.install(beforeExit: console.interrupt)
    let summary: BatchSummary
    do {
        summary = try BatchRunner(configuration: configuration, task: task, observer: console).run()
    } catch {
        FileHandle.standardError.write(Data("\(command): \(error)\n".utf8))
        throw ExitCode(1)
    }
    if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
}
