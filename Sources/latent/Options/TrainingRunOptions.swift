import ArgumentParser
import Foundation

/// The options of the patch trainers (`latent train denoise`, `upscale`, `colorize`, `compress`)
/// that say where a run writes and how it is reproduced, paused and resumed — the same in all four.
/// (The schedule's options stay with each command: their defaults and help differ.)
struct TrainingRunOptions: ParsableArguments {
    @Option(help: "Where to write the model (.safetensors).") var out: String
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Continue from the checkpoint next to --out.") var resume = false
    @Option(help: "Stop after this step with a checkpoint (continue later with --resume).") var pauseAt: Int?

    /// The command as typed, for the model's training record.
    var commandLine: String { (["latent"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
}
