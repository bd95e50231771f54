import ArgumentParser

/// `latent eval <task>`: measure a model on a folder, the way the literature reports it.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on a folder of images.",
        subcommands: [EvalDenoiseCommand.self, EvalUpscaleCommand.self, EvalColorizeCommand.self, EvalVAECommand.self, EvalGANCommand.self,
                      EvalCompressCommand.self])
}
