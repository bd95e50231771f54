import ArgumentParser
import LatentTasks

@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Apply and fine-tune trained neural networks on images.",
        version: "0.1.0",
        subcommands: [InfoCommand.self, ConvertCommand.self, DenoiseCommand.self, UpscaleCommand.self, ColorizeCommand.self, ModelsCommand.self,
                      TrainCommand.self, EvalCommand.self,
                      GenerateCommand.self, InterpolateCommand.self, AttributeCommand.self, ReconstructCommand.self,
                      EncodeCommand.self, DecodeCommand.self])

    static func main() {
        ProcessSetup.prepareThreads()
        main(nil)
    }
}
