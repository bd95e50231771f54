import ArgumentParser

/// `latent train <task>`: one subcommand per trainable task.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train or fine-tune a model on a folder of images.",
        subcommands: [TrainDenoiseCommand.self, TrainUpscaleCommand.self, TrainColorizeCommand.self, TrainVAECommand.self, TrainAECommand.self, TrainGANCommand.self,
                      TrainCompressCommand.self])
}
