import ArgumentParser
import LatentTasks

/// Everything `latent encode` and `latent decode` share: the files, the report, the engine, the
/// image limits and `--max-memory` (the codec sizes its latent tiles from the same budget, so
/// there are no tiling or output-format options as in `BatchOptions`).
struct CodecBatchOptions: ParsableArguments {
    @OptionGroup var files: BatchFileOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var limits: ImageLimitOptions
    @OptionGroup var memory: MemoryOptions

    /// Runs the task `makeTask` builds for the run's activation budget over the inputs, writing
    /// `format`; exits 1 when any file failed.
    func run(command: String, format: OutputFormatChoice = .same, _ makeTask: (_ activationBudget: Int) -> BatchTask) throws {
        var configuration = files.configuration(limits: limits.limits, threads: engine.threads)
        configuration.naming.format = format
        configuration.maxMemory = memory.bytes
        try runBatch(makeTask(configuration.activationBudget), configuration: configuration, engine: engine, report: report,
                     command: command)
    }
}
